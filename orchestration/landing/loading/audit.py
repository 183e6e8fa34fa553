"""The audit of one staged file: every problem the readers found and every rule of the
contract the staged rows break, one reason per value, in temp table ``_problems``."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import duckdb

from orchestration.landing.contracts import Contract
from orchestration.landing.loading.keys import key_bounds
from orchestration.landing.loading.rules import (
    contract_problem_queries,
    stage_value_suspects,
    suspect_table,
    typed_select,
)
from orchestration.landing.loading.sql import drop_temp


@dataclass(frozen=True)
class Counts:
    """Records read and rejected, and the physical lines of the loaded and rejected ones."""

    rows_read: int
    rows_rejected: int
    lines_loaded: int
    lines_rejected: int
    blank_lines_in_values: int  # blank lines inside quoted values: part of their record

    @property
    def rows_loaded(self) -> int:
        return self.rows_read - self.rows_rejected


def reset_spans(con: duckdb.DuckDBPyConnection) -> None:
    """An empty ``_spans`` (_source_line, _lines, _blank): the records a reader found to run
    over more than one physical line (``_lines``), with the blank lines inside them."""
    con.execute(
        "create or replace temp table _spans (_source_line BIGINT, _lines BIGINT, _blank BIGINT)"
    )


def audit_staged(
    con: duckdb.DuckDBPyConnection, contract: Contract, target: str, relative: str,
    early_problems: list[tuple], pending: Collection[str] = (),
) -> Counts:  # fmt: skip
    """Fill ``_problems`` (_source_line, column_name, raw_value, reason); count records and
    lines (a record's lines: one, or as many as ``_spans`` gives it)."""
    con.execute(
        "create or replace temp table _problems (_source_line BIGINT, column_name VARCHAR, "
        "raw_value VARCHAR, reason VARCHAR)"
    )
    if early_problems:
        con.executemany("insert into _problems values (?, ?, ?, ?)", early_problems)
    stage_value_suspects(con, contract)
    # every rule in one statement; one reason per value, the first rule it breaks ("one" is not
    # an integer, and saying it is also not one of 1-4 only adds noise)
    bounds = key_bounds(con, contract.key, typed_select(contract.columns, "_staged"))
    queries = contract_problem_queries(contract, target, relative, pending, bounds)
    candidates = " union all ".join(
        f"select {order} as _rule, * from ({query})" for order, query in enumerate(queries)
    )
    con.execute(
        "insert into _problems select _source_line, column_name, raw_value, reason from ("
        f"{candidates}) as q(_rule, _source_line, column_name, raw_value, reason) "
        "where not exists (select 1 from _problems p where p._source_line = q._source_line "
        "and p.column_name is not distinct from q.column_name) "
        "qualify row_number() over (partition by _source_line, column_name order by _rule) = 1"
    )
    drop_temp(
        con,
        *(
            suspect_table(table).strip('"')
            for table in ("_staged", *("_child_" + child.entity for child in contract.children))
        ),
    )
    return _count(con)


def _count(con: duckdb.DuckDBPyConnection) -> Counts:
    bad = "(select _source_line from _problems)"
    # records read = records staged + lines with a problem that never became a record
    read, rejected, more_rejected, more_loaded, blanks = con.execute(
        "select (select count(*) from _staged) + (select count(distinct _source_line) from "
        "_problems where _source_line not in (select _source_line from _staged)), "
        "(select count(distinct _source_line) from _problems), "
        f"(select coalesce(sum(_lines - 1), 0) from _spans where _source_line in {bad}), "
        f"(select coalesce(sum(_lines - 1), 0) from _spans where _source_line not in {bad}), "
        "(select coalesce(sum(_blank), 0) from _spans)"
    ).fetchall()[0]
    return Counts(read, rejected, read - rejected + more_loaded, rejected + more_rejected, blanks)
