"""Analysts' queries over the published warehouse: read-only in every sense.

A read-only DuckDB connection refuses to change the database, but it still reads and writes
other files (`copy ... to`, `read_csv`, `attach`, spilling to a temporary folder). The
connection made here can touch nothing but the published file: external access is off and the
configuration is locked, so a query cannot turn it back on. Unqualified names resolve in
`marts`, the schema analysts read (`select * from dim_partner`, `show tables`).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import NamedTuple

import duckdb

ANALYST_SCHEMA = "marts"


class Result(NamedTuple):
    sql: str  # the statement on one line
    columns: list[str]
    rows: list[tuple]


class QueryError(Exception):
    """The query cannot run; the message is DuckDB's, hint included, on one line."""


def connect_published(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        str(path),
        read_only=True,
        config={
            "enable_external_access": False,  # no file read or written but this one
            "temp_directory": "",  # never spill to disk: a query writes nothing anywhere
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        },
    )
    con.execute(f"use {ANALYST_SCHEMA}")
    con.execute("set lock_configuration = true")
    return con


def one_line_sql(sql: str) -> str:
    """A statement on one line, for a heading: whole-line `--` comments and a comment after
    its closing `;` left out."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    text = " ".join(" ".join(lines).split())
    head, semicolon, tail = text.rpartition(";")
    return head + semicolon if semicolon and tail.strip().startswith("--") else text


def run_queries(con: duckdb.DuckDBPyConnection, sql: str) -> list[Result]:
    """Columns and rows of each statement, in order (`select 1; select 2` gives two results).
    An empty query, or a statement that returns nothing, is an error: the command answers
    questions. Every statement runs before anything is printed."""
    try:
        statements = con.extract_statements(sql)
        if not statements:
            raise QueryError(
                "the query is empty: give SQL as an argument, with -f FILE, or on stdin"
            )
        results = []
        for number, statement in enumerate(statements, start=1):
            cursor = con.execute(statement)
            if cursor.description is None:
                which = f"statement {number} of {len(statements)}" if len(statements) > 1 else (
                    "the statement")  # fmt: skip
                raise QueryError(f"{which} returned no result: give a query (select, show ...)")
            columns = [d[0] for d in cursor.description]
            results.append(Result(one_line_sql(statement.query), columns, cursor.fetchall()))
        return results
    except duckdb.Error as error:
        # DuckDB's message spans lines: the error, then its hint ("Did you mean ...?")
        raise QueryError(" ".join(str(error).split())) from None


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    """Columns and rows of one query; several statements are refused."""
    results = run_queries(con, sql)
    if len(results) > 1:
        raise QueryError(f"{len(results)} statements given where one query is expected")
    return results[0].columns, results[0].rows


def as_csv(columns: list[str], rows: list[tuple]) -> str:
    """RFC 4180 quoting with `\\n` line ends (not its `\\r\\n`): shell pipelines split on `\\n`,
    and a stray `\\r` would ride into the next command."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def as_json(columns: list[str], rows: list[tuple]) -> str:
    return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str)
