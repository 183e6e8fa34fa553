"""What the build file holds: column types of each table and view, row counts of the tables."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Relation:
    schema: str
    name: str
    kind: str  # BASE TABLE or VIEW
    columns: tuple[tuple[str, str], ...]
    row_count: int | None  # None for a view: counting it runs its query, as dagster-dbt avoids


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
    columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, name, column, kind in con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        f"where table_schema in ({placeholders}) order by table_schema, table_name, "
        "ordinal_position",
        list(schemas),
    ).fetchall():
        columns.setdefault((schema, name), []).append((column, kind))
    relations = {}
    for schema, name, kind in tables:
        count = None
        if kind == "BASE TABLE":  # a table knows its size: no scan
            count = con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
        relations[name] = Relation(
            schema, name, kind, tuple(columns.get((schema, name), [])), count
        )
    return relations
