"""Issue 30's "one parse in the loader", measured before it is built: two readers that parse
each NDJSON line once into typed columns and hand them to DuckDB as Arrow, with no staging copy.

Each is the least such a loader would do: parse, then write the main table and one table per
JSON array (``unnest``), as ``duckdb + unnest`` does from ``read_json``. No value rules, no
SHA-256, no ledger: a loader built on it could only be slower. What each proves in its parse:

- ``msgspec, one parse``: msgspec 0.22 structs made from the contract (unknown fields forbidden,
  JSON types checked, a null array element refused), one decode per line, so a bad line is named
  by its number with the field's path (``$.participants[0].partner_id``); the structs' fields
  then go to Arrow arrays. It does not see a repeated key in one object: the last value wins
  (msgspec issue #648, open).
- ``pyarrow.json, one parse``: Arrow 22's multi-threaded JSON reader with the contract's schema
  and unexpected fields as errors. It refuses a repeated key, a wrong JSON type and an unknown
  field, but stops at the first error of a read, and names no line for an unknown field; it
  reads two objects on one line as two records, accepts a null array element, and crashes the
  process (segmentation fault) on a line holding ``null``.
"""

from __future__ import annotations

from operator import attrgetter
from pathlib import Path

import duckdb
import msgspec
import pyarrow as pa
import pyarrow.json as pa_json

from orchestration.landing.contract_schema import ChildTable, Column, Contract
from orchestration.landing.zone import whole_line_blocks

PY_TYPES = {"text": str, "url": str, "date": str, "integer": int, "boolean": bool}
ARROW_TYPES = {"text": pa.string(), "url": pa.string(), "date": pa.string(),
               "integer": pa.int64(), "boolean": pa.bool_()}  # fmt: skip


def _element_struct(child: ChildTable) -> type:
    if child.value_column is not None:
        return str
    fields = [(c.name, PY_TYPES[c.type] | None, None) for c in child.columns]
    return msgspec.defstruct(child.entity, fields, forbid_unknown_fields=True, gc=False)


def record_struct(contract: Contract) -> type:
    """The contract as a msgspec struct: every field optional (null or absent), arrays of
    elements that are never null."""
    fields = [(c.name, PY_TYPES[c.type] | None, None) for c in contract.columns]
    fields += [(ch.field, list[_element_struct(ch)] | None, None) for ch in contract.children]
    return msgspec.defstruct(contract.entity, fields, forbid_unknown_fields=True, gc=False)


def arrow_schema(contract: Contract) -> pa.Schema:
    fields = [(c.name, ARROW_TYPES[c.type]) for c in contract.columns]
    for child in contract.children:
        if child.value_column is not None:
            fields.append((child.field, pa.list_(ARROW_TYPES[child.value_column.type])))
        else:
            element = pa.struct([(c.name, ARROW_TYPES[c.type]) for c in child.columns])
            fields.append((child.field, pa.list_(element)))
    return pa.schema(fields)


def decode_msgspec(path: Path, contract: Contract) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Every line decoded once; the good ones as an Arrow table (arrays as lists), the bad ones
    as (line, msgspec's message)."""
    decode = msgspec.json.Decoder(record_struct(contract)).decode
    records, problems, number = [], [], 0
    for block in whole_line_blocks(path):
        lines = block.split(b"\n")
        for line in lines[:-1] if not lines[-1] else lines:  # a last line without its newline
            number += 1
            try:
                records.append(decode(line))
            except msgspec.MsgspecError as error:
                problems.append((number, str(error)))
    schema = arrow_schema(contract)
    columns = {}
    for column in contract.columns:
        values = list(map(attrgetter(column.name), records))
        columns[column.name] = pa.array(values, ARROW_TYPES[column.type])
    for child in contract.children:
        columns[child.field] = _child_array(records, child, schema.field(child.field).type)
    return pa.table(columns, schema=schema), problems


def _child_array(records: list, child: ChildTable, kind: pa.DataType) -> pa.Array:
    arrays = list(map(attrgetter(child.field), records))
    if child.value_column is not None:
        return pa.array(arrays, kind)
    names = [c.name for c in child.columns]
    offsets, values = [0], {name: [] for name in names}
    for elements in arrays:
        for element in elements or ():
            for name in names:
                values[name].append(getattr(element, name))
        offsets.append(len(values[names[0]]))
    inner = pa.StructArray.from_arrays(
        [pa.array(values[c.name], ARROW_TYPES[c.type]) for c in child.columns], names
    )
    mask = pa.array([elements is None for elements in arrays])
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), inner, mask=mask)


def read_pyarrow(path: Path, contract: Contract) -> pa.Table:
    return pa_json.read_json(
        path,
        read_options=pa_json.ReadOptions(block_size=4 << 20),
        parse_options=pa_json.ParseOptions(
            explicit_schema=arrow_schema(contract), unexpected_field_behavior="error"
        ),
    )


def write_file(con: duckdb.DuckDBPyConnection, table: pa.Table, contract: Contract) -> None:
    """One file's rows into the main table, with the contract's types, from Arrow (DuckDB
    scans it in place)."""
    con.register("_arrow", table)
    casts = ", ".join(_cast(c) for c in contract.columns)
    arrays = ", ".join(child.field for child in contract.children)
    select = f"select {casts}, {arrays} from _arrow"
    con.execute(f"create table if not exists {contract.entity} as {select} limit 0")
    con.execute(f"insert into {contract.entity} {select}")
    con.unregister("_arrow")


def write_children(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    key = contract.key[0]
    for child in contract.children:
        con.execute(
            f"create table {child.entity} as select {key}, unnest({child.field}, "
            f"recursive := true) from {contract.entity}"
        )


def _cast(column: Column) -> str:
    return f"cast({column.name} as {column.duckdb_type}) as {column.name}"


def files_of(raw: Path, contract: Contract) -> list[Path]:
    folder = raw / contract.system / contract.entity
    return sorted(p for p in folder.iterdir() if p.suffix in contract.extensions)


def load_one_parse(
    con: duckdb.DuckDBPyConnection, raw: Path, contract: Contract, reader: str
) -> None:
    """Every file of the extract through one reader; the bench's data is clean, so any
    problem is a mistake of the reader's set-up and stops the run."""
    for path in files_of(raw, contract):
        if reader == "msgspec":
            table, problems = decode_msgspec(path, contract)
            assert not problems, problems[:3]
        else:
            table = read_pyarrow(path, contract)
        write_file(con, table, contract)
        del table
    write_children(con, contract)
