"""What the build file holds: row counts and column types of each table and view."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Relation:
    schema: str
    name: str
    kind: str  # BASE TABLE or VIEW
    columns: tuple[tuple[str, str], ...]
    row_count: int


def describe_relations(
    con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]
) -> dict[str, Relation]:
    """Relations of the given schemas by name (names are unique across layers by convention)."""
    placeholders = ", ".join("?" for _ in schemas)
    tables = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables "
        f"where table_schema in ({placeholders}) order by 1, 2",
        list(schemas),
    ).fetchall()
    relations = {}
    for schema, name, kind in tables:
        columns = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()
        count = con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
        relations[name] = Relation(schema, name, kind, tuple(columns), count)
    return relations
