"""Stage one landed document for the loader: one record, its problems quarantined with it.

The loader (``orchestration.landing.loading.load``) does the rest as for every extract: the
ledger with the file's SHA-256, the contract's value rules (date, enumerations, URL), the
duplicate-key rule, and the quarantine in ``documents__rejects``: rows read = loaded + rejected.
A document is one record, so its record is line 1; where a problem has its own line in the
file, the reason names it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.documents.reading import read_document
from orchestration.landing.contracts import Contract
from orchestration.landing.loading.sql import quote_ident
from orchestration.landing.zone import LineCensus

RECORD_LINE = 1


def stage_document(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, contract: Contract,
    census: LineCensus,
) -> list[tuple]:  # fmt: skip
    """Fill ``_staged`` with the document's one record; return its problems for the loader.
    The record spans every physical line of the file, blank ones included (``_spans``), so the
    ledger's line reconciliation holds: lines in the file = lines of the one record."""
    document = read_document(path, relative)
    names = [c.name for c in contract.columns]
    columns = ", ".join(f"{quote_ident(n)} VARCHAR" for n in names)
    con.execute(f"create or replace temp table _staged (_source_line BIGINT, {columns})")
    placeholders = ", ".join("?" for _ in range(len(names) + 1))
    con.execute(
        f"insert into _staged values ({placeholders})",
        [RECORD_LINE, *(document.values.get(n) for n in names)],
    )
    con.execute(
        "insert into _spans values (?, ?, ?)",
        [RECORD_LINE, census.lines, census.empty + census.spaces],  # an empty file: 0 lines
    )
    return [(RECORD_LINE, column, raw, reason) for column, raw, reason in document.problems]
