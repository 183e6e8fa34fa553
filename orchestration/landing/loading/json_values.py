"""JSON values into typed text: each contract field's JSON value checked for its JSON type
(told apart by its first character, parsed only when suspect), and each JSON array unfolded
into its child table, its elements checked the same way."""

from __future__ import annotations

import json
import re

import duckdb

from orchestration.landing.contracts import ChildTable, Contract
from orchestration.landing.loading.sql import drop_temp, quote_ident, sql_list, sql_literal

JSON_TYPES = {
    "text": ("VARCHAR",),
    "url": ("VARCHAR",),
    "date": ("VARCHAR",),
    "integer": ("BIGINT", "UBIGINT"),
    "boolean": ("BOOLEAN",),
}
JSON_TYPE_NAMES = {"text": "a string", "url": "a string", "date": "a string",
                   "integer": "an integer", "boolean": "true or false"}  # fmt: skip


# as the line-by-line path says it of a record's own fields (ndjson_staging)
REPEATED_KEY = "field named twice in one JSON object: which value is meant cannot be told"


def repeated_keys_query(table: str, label: str) -> str:
    """(line, column label, null, reason) once per key that the keys ``k`` of `table` hold more
    than once; `label` is SQL for the label's prefix ('' at the top level). JSON lets a parser
    keep either value, so neither is loaded."""
    return (
        f"select distinct _source_line, {label} || key, null, {sql_literal(REPEATED_KEY)} from ("
        f"select *, unnest(list_filter(k, lambda key, i: list_position(k, key) < i)) as key "
        f"from {table} where len(k) <> len(list_distinct(k)))"
    )


def json_type_suspect(value: str, kind: str) -> str:
    """True for every JSON value (minified text) that may not be of the contract type's JSON
    type, from its first characters alone; false for most good values without parsing them."""
    text = f"cast({value} as varchar)"
    if kind == "integer":
        return f"not regexp_full_match({text}, '-?[0-9]+|null')"
    if kind == "boolean":
        return f"{text} not in ('true', 'false', 'null')"
    return f"left({text}, 1) not in ('\"', 'n')"  # a string, or null


def stage_parsed(con: duckdb.DuckDBPyConnection, contract: Contract) -> list[tuple]:
    """From view ``_parsed`` (_source_line, _v1, _v2, ...: the JSON value of each contract field,
    in contract order, then the arrays), fill ``_staged`` and the child tables; return type
    problems."""
    selects = ["_source_line"]
    suspects, type_checks = [], []
    for i, column in enumerate(contract.columns, start=1):
        accepted = ", ".join(sql_literal(t) for t in (*JSON_TYPES[column.type], "NULL"))
        suspects.append(json_type_suspect(f"_v{i}", column.type))
        type_checks.append(
            f"select _source_line, {sql_literal(column.name)}, _v{i}, "
            f"'expected {JSON_TYPE_NAMES[column.type]}, got JSON ' || lower(json_type(_v{i})) "
            f"from _suspects where _v{i} is not null and json_type(_v{i}) not in ({accepted})"
        )
        selects.append(f"_v{i} ->> '$' as {quote_ident(column.name)}")
    # one cheap pass finds the few records that may hold a wrong JSON type; only those are parsed
    con.execute(
        f"create or replace temp table _suspects as select * from _parsed "
        f"where {' or '.join(suspects)}"
    )
    problems = con.execute(" union all ".join(type_checks)).fetchall()
    con.execute("drop table _suspects")
    con.execute(f"create or replace temp table _staged as select {', '.join(selects)} from _parsed")
    # each child row carries its parent's key, so loading it needs no join back to the parent
    keys = [
        f"_v{i} ->> '$' as {quote_ident(c.name)}"
        for i, c in enumerate(contract.columns, start=1)
        if c.name in contract.key
    ]
    for position, child in enumerate(contract.children, start=len(contract.columns) + 1):
        problems += stage_child(con, child, f"_v{position}", keys)
    con.execute("drop view _parsed")
    drop_temp(con, "_json", "_skip")
    return problems


PLAIN_STRING = r'"[^"\\]*"'  # a JSON string without escapes: its text is its value


def plain_array_pattern(child: ChildTable) -> str | None:
    """A regular expression that the (minified, valid) JSON text of an array matches only when
    the array is exactly what the contract asks for, holding plain strings (or nulls in an
    object): each element an object with the contract's fields in order, or a string. Such an
    array can break no JSON rule. None when the element columns are not all text."""
    if any(c.type not in ("text", "url", "date") for c in child.element_columns):
        return None
    if child.value_column is not None:
        return rf"\[({PLAIN_STRING}(,{PLAIN_STRING})*)?\]"
    pairs = ",".join(f'"{re.escape(c.name)}":({PLAIN_STRING}|null)' for c in child.columns)
    return rf"\[(\{{{pairs}\}},?)*\]"  # a comma can only sit between elements: valid JSON


def stage_child(
    con: duckdb.DuckDBPyConnection, child: ChildTable, array: str, keys: list[str]
) -> list[tuple]:
    """Unfold one JSON array field (`array`: its value in ``_parsed``) into ``_child_<entity>``.

    An array of plain values (:func:`plain_array_pattern`), most of them, is converted in one
    go. Each other array and element is parsed once; a wrong JSON type is first told apart by
    the value's first character (the text is minified), so good values are never parsed a
    second time."""
    table = quote_ident("_child_" + child.entity)
    pattern = plain_array_pattern(child)
    plain = (
        f"coalesce(regexp_full_match(cast({array} as varchar), {sql_literal(pattern)}), false)"
        if pattern
        else "false"
    )
    # the few other arrays, copied in one pass: the regular expression runs once per array
    con.execute(f"create or replace temp table _unfold as select * from _parsed where not {plain}")
    problems = _stage_child_elements(con, child, array, keys, table)
    if pattern:
        names = [c.name for c in child.element_columns]
        if child.value_column is None:
            shape = json.dumps([{name: "VARCHAR" for name in names}])
            elements = "unnest(l, recursive := true)"
        else:
            shape = json.dumps(["VARCHAR"])
            elements = f"unnest(l) as {quote_ident(names[0])}"
        con.execute(
            f"insert into {table} by name select _source_line, * exclude (_source_line, l), "
            f"{elements}, unnest(range(len(l))) as _ordinal from (select _source_line, "
            f"{', '.join(keys)}, from_json({array}, {sql_literal(shape)}) as l "
            "from _parsed where _source_line not in (select _source_line from _unfold))"
        )
    con.execute("drop table _unfold")
    return problems


def _stage_child_elements(
    con: duckdb.DuckDBPyConnection, child: ChildTable, array: str, keys: list[str], table: str
) -> list[tuple]:
    """Unfold the arrays of view ``_unfold`` into `table`, checking every element."""
    problems = con.execute(
        f"select _source_line, {sql_literal(child.field)}, {array}, "
        f"'expected a JSON array, got JSON ' || lower(json_type({array})) from _unfold "
        f"where case when left(cast({array} as varchar), 1) in ('[', 'n') then false "
        f"else json_type({array}) not in ('ARRAY', 'NULL') end"
    ).fetchall()
    fields = child.columns if child.value_column is None else []
    paths = sql_list([f'$."{c.name}"' for c in fields])
    parsed = (
        f", case when left(cast(e as varchar), 1) = '{{' then json_keys(e) end as k, "
        f"case when left(cast(e as varchar), 1) = '{{' then json_extract(e, {paths}) end as f"
        if fields
        else ""
    )
    con.execute(
        f"create or replace temp table {table} as select * exclude (l){parsed} from ("
        "select *, unnest(l) as e, unnest(range(len(l))) as _ordinal from ("
        f"select _source_line, {', '.join(keys)}, cast({array} as json[]) as l from _unfold "
        f"where left(cast({array} as varchar), 1) = '['))"
    )
    label = f"'{child.field}[' || _ordinal || ']'"
    if child.value_column is not None:
        problems += con.execute(
            f"select _source_line, {label}, e, 'expected a string, got JSON ' || "
            f"lower(json_type(e)) from {table} where left(cast(e as varchar), 1) <> '\"'"
        ).fetchall()
        con.execute(
            f"create or replace temp table {table} as select * exclude (e), "
            f"e ->> '$' as {quote_ident(child.value_column.name)} from {table}"
        )
        return problems
    return problems + _check_object_elements(con, child, table, label)


def _check_object_elements(
    con: duckdb.DuckDBPyConnection, child: ChildTable, table: str, label: str
) -> list[tuple]:
    """Problems of the object elements of `table` (each with its keys ``k`` and field values
    ``f``), which then keeps the objects only, one typed-text column per field."""
    known = sql_list([c.name for c in child.columns])
    checks = [
        # a JSON null element is a SQL NULL once the array is cast: its type is then NULL too
        f"select _source_line, {label}, e, 'expected a JSON object, got JSON ' || "
        f"coalesce(lower(json_type(e)), 'null') from {table} where k is null",
        f"select _source_line, {label} || '.' || k, null, 'unknown field: not in the contract' "
        f"from (select _source_line, _ordinal, unnest(list_filter(k, "
        f"lambda key: not list_contains({known}, key))) as k from {table} where k is not null)",
        repeated_keys_query(table, f"{label} || '.'"),
    ]
    selects = ["* exclude (e, k, f)"]
    for i, column in enumerate(child.columns, start=1):
        accepted = ", ".join(sql_literal(t) for t in (*JSON_TYPES[column.type], "NULL"))
        checks.append(
            f"select _source_line, {label} || '.{column.name}', f[{i}], "
            f"'expected {JSON_TYPE_NAMES[column.type]}, got JSON ' || lower(json_type(f[{i}])) "
            f"from {table} where case when f[{i}] is null or not "
            f"({json_type_suspect(f'f[{i}]', column.type)}) then false "
            f"else json_type(f[{i}]) not in ({accepted}) end"
        )
        selects.append(f"f[{i}] ->> '$' as {quote_ident(column.name)}")
    problems = con.execute(" union all ".join(checks)).fetchall()
    con.execute(
        f"create or replace temp table {table} as select {', '.join(selects)} from {table} "
        "where k is not null"
    )
    return problems
