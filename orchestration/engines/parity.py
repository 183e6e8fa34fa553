"""Whether two engines published the same marts: per mart, the row count, the column types
(mapped to one vocabulary) and an order-free hash of every row.

Both publications are read through DuckDB: the DuckDB engine's file, the Spark engine's Parquet
(`warehouse/engines/spark/marts/<mart>/*.parquet`). `_loaded_at` is left out: it is the time of
each engine's own landing run, not a fact of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.analyst.querying import connect_published
from orchestration.landing.loading.sql import sql_literal

LOAD_TIME = "_loaded_at"

# the same value, typed differently by each engine's writer
TYPE_MAP = {
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",  # Spark writes UTC-adjusted timestamps
    "TINYINT": "BIGINT",
    "SMALLINT": "BIGINT",
    "INTEGER": "BIGINT",  # Spark's int, DuckDB's integer or bigint (counts)
    "HUGEINT": "BIGINT",
}


@dataclass(frozen=True)
class MartFingerprint:
    rows: int
    row_hash: int
    columns: tuple[tuple[str, str], ...]  # (name, mapped type), sorted by name


def _normalised(name: str, kind: str) -> str:
    column = f'"{name}"'
    if kind == "TIMESTAMP WITH TIME ZONE":
        return f"timezone('UTC', {column})"
    if TYPE_MAP.get(kind) == "BIGINT":
        return f"cast({column} as bigint)"
    return column


def fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> MartFingerprint:
    """The fingerprint of one mart, `relation` being a table name or a table function call."""
    described = con.execute(f"describe select * from {relation}").fetchall()
    columns = sorted((name, kind) for name, kind, *_ in described if name != LOAD_TIME)
    values = ", ".join(_normalised(name, kind) for name, kind in columns)
    rows, row_hash = con.execute(
        f"select count(*), coalesce(sum(hash(row({values}))::hugeint), 0) from {relation}"
    ).fetchone()
    return MartFingerprint(
        rows, int(row_hash), tuple((name, TYPE_MAP.get(kind, kind)) for name, kind in columns)
    )


def duckdb_marts(published_db: Path, marts: list[str]) -> dict[str, MartFingerprint]:
    con = connect_published(published_db)
    try:
        return {mart: fingerprint(con, f"marts.{mart}") for mart in marts}
    finally:
        con.close()


def parquet_marts(marts_dir: Path, marts: list[str]) -> dict[str, MartFingerprint]:
    con = duckdb.connect()
    try:
        return {
            mart: fingerprint(
                con, f"read_parquet({sql_literal(str(marts_dir / mart / '*.parquet'))})"
            )
            for mart in marts
        }
    finally:
        con.close()


def differences(
    left: dict[str, MartFingerprint], right: dict[str, MartFingerprint]
) -> dict[str, str]:
    """What differs, per mart, in words; empty when both hold the same rows."""
    found = {}
    for mart in sorted(set(left) | set(right)):
        a, b = left.get(mart), right.get(mart)
        if a is None or b is None:
            found[mart] = "missing on one side"
        elif a.columns != b.columns:
            found[mart] = f"columns differ: {a.columns} != {b.columns}"
        elif a.rows != b.rows:
            found[mart] = f"{a.rows} rows != {b.rows} rows"
        elif a.row_hash != b.row_hash:
            found[mart] = "same row count, different rows"
    return found
