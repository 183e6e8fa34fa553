"""The contract's value rules as SQL: per value (required, NUL byte, date, integer, boolean,
URL, allowed values), per row (an end before its start), and the duplicate keys of
:mod:`keys`, gathered as one query per rule over the staged text."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import duckdb

from orchestration.landing.contracts import Column, Contract
from orchestration.landing.loading.keys import duplicate_key_queries
from orchestration.landing.loading.sql import quote_ident, sql_literal

DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
INTEGER_PATTERN = r"-?\d{1,9}"
URL_PATTERN = r"https?://[^\s]+"


def value_rules(columns: Iterable[Column], label_prefix: str = "") -> list[tuple[str, ...]]:
    """Every per-value rule, in the order they are reported: (label, value, condition, reason)
    as SQL; the condition is true for a value that breaks the rule."""
    rules = []
    for column in columns:
        v = quote_ident(column.name)
        label = f"{label_prefix} || '.{column.name}'" if label_prefix else sql_literal(column.name)

        def rule(condition: str, reason: str, v: str = v, label: str = label) -> None:
            rules.append((label, v, condition, reason))

        # trim strips spaces, never printable ASCII: only a value starting otherwise (or
        # empty) needs trimming, which then runs for few values
        blank = f"({v} = '' or (ascii({v}) not between 33 and 126 and trim({v}) = ''))"
        if column.required:
            rule(f"{v} is null or {blank}", "'required value is missing'")
        rule(f"contains({v}, chr(0))", "'contains a NUL byte'")
        if column.max_length:
            rule(
                f"length({v}) > {column.max_length}",
                sql_literal(f"longer than {column.max_length} characters"),
            )
        if column.pattern:
            rule(
                f"{v} is not null and not regexp_full_match({v}, {sql_literal(column.pattern)})",
                sql_literal(f"not an identifier: {column.pattern_text}"),
            )
        if column.type == "date":
            rule(
                f"{v} is not null and not regexp_full_match({v}, '{DATE_PATTERN}')",
                "'not a date in YYYY-MM-DD form'",
            )
            rule(
                f"regexp_full_match({v}, '{DATE_PATTERN}') and try_cast({v} as date) is null",
                "'not a calendar date'",
            )
        elif column.type == "integer":
            rule(
                f"{v} is not null and not regexp_full_match({v}, '{INTEGER_PATTERN}')",
                "'not an integer'",
            )
        elif column.type == "boolean":
            rule(f"{v} is not null and {v} not in ('true', 'false')", "'not true or false'")
        elif column.type == "url":
            rule(
                f"{v} is not null and not regexp_full_match({v}, '{URL_PATTERN}')",
                "'not an http(s) URL'",
            )
        if column.values:
            allowed = ", ".join(sql_literal(x) for x in column.values)
            rule(
                f"{v} not in ({allowed}) and not {blank}",
                sql_literal(f"not one of the allowed values: {', '.join(column.values)}"),
            )
    return rules


def value_problem_queries(
    columns: Iterable[Column], table: str, label_prefix: str = ""
) -> list[str]:
    """One SELECT per rule: (_source_line, column, raw value, reason) of each broken rule."""
    return [
        f"select _source_line, {label}, {v}, {reason} from {table} where {condition}"
        for label, v, condition, reason in value_rules(columns, label_prefix)
    ]


def breaks_a_value_rule(columns: Iterable[Column]) -> str:
    """True for a row with at least one value breaking a rule: the OR of every rule's condition,
    so the rules need only run over the (few) rows it keeps."""
    return " or ".join(f"({c})" for _, _, c, _ in value_rules(columns)) or "false"


def typed_select(columns: Iterable[Column], table: str) -> str:
    casts = ", ".join(
        f"try_cast({quote_ident(c.name)} as {c.duckdb_type}) as {quote_ident(c.name)}"
        for c in columns
    )
    return f"select _source_line, {casts} from {table}"


def suspect_table(table: str) -> str:
    return quote_ident("_suspects_" + table.strip('"'))


def stage_value_suspects(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Copy the rows of ``_staged`` and of each child table that break some value rule: one
    scan each, where running every rule over every row took a scan per rule."""
    tables = [("_staged", contract.columns)]
    tables += [("_child_" + child.entity, child.element_columns) for child in contract.children]
    sieved = {name for (name,) in con.execute(
        "select table_name from duckdb_tables() where temporary"
    ).fetchall()}  # fmt: skip
    for table, columns in tables:
        if suspect_table(table).strip('"') in sieved:
            continue  # the one parse found them in its Arrow columns (arrow_rules)
        con.execute(
            f"create or replace temp table {suspect_table(table)} as select * from "
            f"{quote_ident(table)} where {breaks_a_value_rule(columns)}"
        )


def contract_problem_queries(
    contract: Contract, target: str, source_file: str, pending: Collection[str] = (),
    bounds: Sequence[tuple[object, object]] = (),
) -> list[str]:  # fmt: skip
    """Every rule of the contract as one query each; the per-value rules read the suspect
    tables of :func:`stage_value_suspects`; `pending` and `bounds` as in
    :func:`duplicate_key_queries`."""
    queries = value_problem_queries(contract.columns, suspect_table("_staged"))
    typed = typed_select(contract.columns, "_staged")
    for check in contract.row_checks:
        shown = check.columns[-1]
        queries.append(
            f"select _source_line, {sql_literal(shown)}, cast({quote_ident(shown)} as varchar), "
            f"{sql_literal(check.reason)} from ({typed}) "
            f"where not ({check.sql})"
        )
    queries += duplicate_key_queries(contract.key, typed, target, source_file, pending, bounds)
    for child in contract.children:
        table = suspect_table("_child_" + child.entity)
        label = f"'{child.field}[' || _ordinal || ']'"
        queries += value_problem_queries(child.element_columns, table, label)
    return queries
