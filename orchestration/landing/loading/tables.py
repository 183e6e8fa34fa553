"""The raw tables of an extract: its main table, one per unfolded JSON array, and its rejects
table, each with the provenance columns every loaded row carries."""

from __future__ import annotations

import duckdb

from orchestration.landing.contracts import ChildTable, Contract
from orchestration.landing.loading.ledger import prepare_ledger
from orchestration.landing.loading.sql import quote_ident

PROVENANCE_COLUMNS = (
    ("_source_file", "VARCHAR NOT NULL"),
    ("_source_line", "BIGINT NOT NULL"),
    ("_loaded_at", "TIMESTAMP NOT NULL"),
    ("_file_sha256", "VARCHAR NOT NULL"),
)


def child_columns(contract: Contract, child: ChildTable) -> list[tuple[str, str]]:
    parent_keys = [(name, contract.column(name).duckdb_type) for name in contract.key]
    own = [(c.name, c.duckdb_type) for c in child.element_columns]
    return [*parent_keys, *own, ("_ordinal", "INTEGER NOT NULL")]


def rejects_table(contract: Contract) -> str:
    return f"{quote_ident(contract.schema)}.{quote_ident(contract.entity + '__rejects')}"


def table_name(contract: Contract, table: str) -> str:
    return f"{quote_ident(contract.schema)}.{quote_ident(table)}"


def follow_contract_columns(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: list[tuple[str, str]]
) -> None:
    """Rebuild a raw table loaded under an earlier contract with the contract's columns, in
    order (rows are inserted by position): kept columns keep their values, a new column is
    empty. A file that uses a new column differs from the one loaded, so it loads again."""
    existing = [
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
    ]
    if not existing or existing == [name for name, _kind in columns]:
        return
    target = f"{quote_ident(schema)}.{quote_ident(table)}"
    select = ", ".join(
        quote_ident(name) if name in existing
        else f"cast(null as {kind.split()[0]}) as {quote_ident(name)}"
        for name, kind in columns
    )  # fmt: skip
    con.execute(f"create or replace table {target} as select {select} from {target}")


def prepare_tables(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Create the schema, raw tables, rejects table and ledger if they do not exist yet; raw
    tables of an earlier contract follow the current one."""
    con.execute(f"create schema if not exists {quote_ident(contract.schema)}")
    provenance = ", ".join(f"{name} {kind}" for name, kind in PROVENANCE_COLUMNS)
    tables = [(contract.entity, [(c.name, c.duckdb_type) for c in contract.columns])]
    tables += [(child.entity, child_columns(contract, child)) for child in contract.children]
    for table, own in tables:
        follow_contract_columns(con, contract.schema, table, [*own, *PROVENANCE_COLUMNS])
        cols = ", ".join(f"{quote_ident(n)} {t}" for n, t in own)
        con.execute(
            f"create table if not exists {table_name(contract, table)} ({cols}, {provenance})"
        )
    con.execute(
        f"create table if not exists {rejects_table(contract)} ("
        "_source_file VARCHAR NOT NULL, _source_line BIGINT, column_name VARCHAR, "
        "raw_value VARCHAR, reason VARCHAR NOT NULL, _file_sha256 VARCHAR NOT NULL, "
        "_loaded_at TIMESTAMP NOT NULL, _run_id VARCHAR)"
    )
    prepare_ledger(con)


def delete_file_rows(con: duckdb.DuckDBPyConnection, contract: Contract, relative: str) -> int:
    """Delete a file's rows from the raw, child and rejects tables; return the raw rows gone."""
    deleted = 0
    for table in (*contract.tables, contract.entity + "__rejects"):
        count = con.execute(
            f"delete from {table_name(contract, table)} where _source_file = ?", [relative]
        ).fetchall()[0][0]
        deleted += count if table == contract.entity else 0
    return deleted


def table_rows(con: duckdb.DuckDBPyConnection, contract: Contract) -> dict[str, int]:
    """Rows in each of an extract's tables, rejects included."""
    return {
        table: con.execute(f"select count(*) from {table_name(contract, table)}").fetchall()[0][0]
        for table in (*contract.tables, contract.entity + "__rejects")
    }
