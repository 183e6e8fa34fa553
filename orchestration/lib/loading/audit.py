"""The audit of one staged file: every problem the readers found and every rule of the
contract the staged rows break, one reason per value, in temp table ``_problems``."""

from __future__ import annotations

import duckdb

from orchestration.lib.contracts import Contract
from orchestration.lib.loading.rules import (
    contract_problem_queries,
    stage_value_suspects,
    suspect_table,
)
from orchestration.lib.loading.sql import drop_temp, scalar


def audit_staged(
    con: duckdb.DuckDBPyConnection, contract: Contract, target: str, relative: str,
    early_problems: list[tuple],
) -> tuple[int, int]:  # fmt: skip
    """Fill ``_problems`` (_source_line, column_name, raw_value, reason); return (records read,
    records rejected)."""
    con.execute(
        "create or replace temp table _problems (_source_line BIGINT, column_name VARCHAR, "
        "raw_value VARCHAR, reason VARCHAR)"
    )
    if early_problems:
        con.executemany("insert into _problems values (?, ?, ?, ?)", early_problems)
    stage_value_suspects(con, contract)
    # every rule in one statement; one reason per value, the first rule it breaks ("one" is not
    # an integer, and saying it is also not one of 1-4 only adds noise)
    candidates = " union all ".join(
        f"select {order} as _rule, * from ({query})"
        for order, query in enumerate(contract_problem_queries(contract, target, relative))
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
    # lines read = records staged + lines with a problem that never became a record (malformed)
    rows_read = scalar(
        con,
        "select (select count(*) from _staged) + (select count(distinct _source_line) from "
        "_problems where _source_line not in (select _source_line from _staged))",
    )
    rejected = scalar(con, "select count(distinct _source_line) from _problems")
    return rows_read, rejected
