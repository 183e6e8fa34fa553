"""One parse for a clean NDJSON file: Arrow's JSON reader (pyarrow.json) reads every line once
into the contract's typed columns, and DuckDB reads those Arrow columns in place (the staged
records are views over them, not a copy).

That parse proves what the line-by-line path would: each line one JSON object of contract
fields only (an unknown field, at any depth, fails the read), each value of its JSON type (a
number where a string belongs fails it; so does an integer beyond 64 bits), no key twice in one
object, every array of the contract's elements. What it does not prove is checked beside it from
the bytes and the columns: text that is UTF-8 (Arrow's full validation); every line starting
with ``{`` and ending with ``}`` and giving exactly one record (Arrow reads ``{} {}`` as two
records, takes ``null`` as one, and crashes the process when the first record is ``null``); no
blank line (Arrow skips it: a row would no longer be its line); no null array element (Arrow
takes one). A file that fails any of these takes the loader's other paths, which name each bad
line: nothing is lost here, and nothing is named here.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from orchestration.landing.contract_schema import ChildTable, Contract
from orchestration.landing.loading.arrow_rules import rows_that_may_break
from orchestration.landing.loading.rules import suspect_table
from orchestration.landing.loading.sql import drop_temp, quote_ident
from orchestration.landing.zone import LineCensus, line_census

ARROW = "_arrow_records"  # the registered Arrow table the staged views read
SUSPECTS = "_arrow_suspects"  # the rows the sieve keeps, while they are copied
ARROW_TYPES = {"text": pa.string(), "url": pa.string(), "date": pa.string(),
               "integer": pa.int64(), "boolean": pa.bool_()}  # fmt: skip
BLOCK_BYTES = 4 << 20  # Arrow's unit of parallel work; a longer line fails the read
MAX_FILE_BYTES = 2 << 30  # its Arrow columns are in memory at once; larger: the other paths


def arrow_schema(contract: Contract) -> pa.Schema:
    """The contract's record as Arrow types: text (dates too) as strings, each array a list."""
    fields = [(c.name, ARROW_TYPES[c.type]) for c in contract.columns]
    for child in contract.children:
        if child.value_column is not None:
            element = ARROW_TYPES[child.value_column.type]
        else:
            element = pa.struct([(c.name, ARROW_TYPES[c.type]) for c in child.columns])
        fields.append((child.field, pa.list_(element)))
    return pa.schema(fields)


def read_records(path: Path, contract: Contract, census: LineCensus) -> pa.Table | None:
    """The file's records as typed Arrow columns, or None when this parse cannot vouch for
    them (see the module)."""
    if census.empty or census.spaces or path.stat().st_size > MAX_FILE_BYTES:
        return None  # blank lines: Arrow skips them, and then a record's row is not its line
    # every line starts with "{" and ends with "}": then no JSON value runs over two lines ("}"
    # then "{" is never valid inside one), and Arrow's first record is an object (seen in the
    # read that hashed the file)
    if not (census.object_lines if census.object_lines is not None else
            line_census(path).object_lines):  # fmt: skip
        return None
    try:
        table = pa_json.read_json(
            path,
            read_options=pa_json.ReadOptions(block_size=BLOCK_BYTES),
            parse_options=pa_json.ParseOptions(
                explicit_schema=arrow_schema(contract), unexpected_field_behavior="error"
            ),
        )
        table.validate(full=True)  # Arrow's reader leaves bytes that are not UTF-8 as they are
    except (pa.ArrowException, UnicodeDecodeError):  # the other paths say which line, and why
        return None
    if table.num_rows != census.lines:
        return None
    for child in contract.children:
        if pc.list_flatten(table[child.field]).null_count:
            return None  # a null element: the element checks name it
    lines = pa.array(range(1, table.num_rows + 1), pa.int64())
    return table.append_column("_source_line", lines)


def _staged_select(contract: Contract, source: str) -> str:
    """The records of Arrow table `source`, each value as text, as the other readers stage it."""
    texts = [f"cast({quote_ident(c.name)} as varchar) as {quote_ident(c.name)}"
             for c in contract.columns]  # fmt: skip
    return f"select _source_line, {', '.join(texts)} from {source}"


def _child_select(contract: Contract, child: ChildTable, source: str) -> str:
    """The elements of one array of the records of `source`, each with its record's key."""
    keys = ", ".join(f"cast(r.{quote_ident(k)} as varchar) as {quote_ident(k)}"
                     for k in contract.key)  # fmt: skip
    array = quote_ident(child.field)
    if child.value_column is not None:
        values = f"e as {quote_ident(child.value_column.name)}"
    else:
        values = ", ".join(f"e.{quote_ident(c.name)}" for c in child.columns)
    return (
        f"select _source_line, {keys}, {values}, _ordinal from (select *, unnest({array}) as e, "
        f"unnest(range(len({array}))) as _ordinal from {source}) r"
    )


def stage_records(con: duckdb.DuckDBPyConnection, table: pa.Table, contract: Contract) -> None:
    """Views ``_staged`` and one ``_child_<entity>`` per array over the Arrow table, and the
    suspect tables of :func:`stage_suspects`."""
    # the tables another reader staged under these names, for an earlier file
    drop_temp(con, "_staged", *("_child_" + child.entity for child in contract.children))
    con.register(ARROW, table)
    con.execute(f"create temp view _staged as {_staged_select(contract, ARROW)}")
    for child in contract.children:
        name = quote_ident("_child_" + child.entity)
        con.execute(f"create temp view {name} as {_child_select(contract, child, ARROW)}")
    stage_suspects(con, table, contract)


def _elements(child: ChildTable, flat: pa.ChunkedArray) -> pa.Table:
    if child.value_column is not None:
        return pa.table({child.value_column.name: flat})
    return pa.table(dict(zip([c.name for c in child.columns], flat.flatten(), strict=True)))


def stage_suspects(con: duckdb.DuckDBPyConnection, table: pa.Table, contract: Contract) -> None:
    """Temp tables ``_suspects__staged`` and ``_suspects__child_<entity>``, as
    :func:`.rules.stage_value_suspects` makes them from a scan of the staged values: here the
    records the Arrow sieve keeps, and every element of the records where it keeps one."""
    staged = table.filter(rows_that_may_break(table, contract.columns))
    suspects: list[tuple[str, pa.Table, ChildTable | None]] = [("_staged", staged, None)]
    for child in contract.children:
        column = table[child.field]
        kept = rows_that_may_break(_elements(child, pc.list_flatten(column)), child.element_columns)
        parents = pc.unique(pc.filter(pc.list_parent_indices(column), kept))
        suspects.append(("_child_" + child.entity, table.take(parents), child))
    for name, rows, child in suspects:
        con.register(SUSPECTS, rows)
        select = (_staged_select(contract, SUSPECTS) if child is None
                  else _child_select(contract, child, SUSPECTS))  # fmt: skip
        con.execute(f"create or replace temp table {suspect_table(name)} as {select}")
        con.unregister(SUSPECTS)


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the views of :func:`stage_records` and let the Arrow table go, if they exist, and
    any suspect tables left (the other readers stage into tables of the same names)."""
    views = con.execute(
        "select view_name from duckdb_views() where temporary and (view_name = '_staged' "
        "or starts_with(view_name, '_child_'))"
    ).fetchall()
    for (view,) in views:
        con.execute(f"drop view {quote_ident(view)}")
    if views:
        con.unregister(ARROW)
    sieved = con.execute(
        "select table_name from duckdb_tables() where temporary and starts_with(table_name, "
        "'_suspects__')"
    ).fetchall()
    drop_temp(con, *(table for (table,) in sieved))
