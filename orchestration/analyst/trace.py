"""Tracing a mart row back to its source document, extract file and line."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

# mart -> (natural key column, raw table holding its provenance)
TRACEABLE = {
    "dim_partner": ("partner_id", "raw_curated.partners"),
    "dim_threat": ("threat_id", "raw_curated.threats"),
    "dim_source_document": ("document_id", "raw_curated.source_documents"),
    "fct_agreement": ("agreement_id", "raw_curated.agreements"),
    "fct_event": ("event_id", "raw_curated.events"),
    "fct_membership": ("membership_key", None),
}


class TraceError(Exception):
    """The table or key is not known; the message says which and what is."""


@dataclass(frozen=True)
class Trace:
    table: str
    key: str
    source_file: str
    source_line: int
    document_id: str
    title: str
    url: str
    evaluation_code: str
    handling_code: str
    verification_status: str


def trace(con: duckdb.DuckDBPyConnection, table: str, key: str) -> Trace:
    if table not in TRACEABLE:
        raise TraceError(f"cannot trace '{table}': choose one of {', '.join(sorted(TRACEABLE))}")
    key_column, raw_table = TRACEABLE[table]
    if raw_table is None:  # the mart row carries its own provenance
        source, joins = "m", ""
    else:
        source, joins = "r", f"join {raw_table} r on r.{key_column} = m.{key_column}"
    rows = con.execute(
        f"select m.{key_column}, {source}._source_file, {source}._source_line, d.document_id, "
        "d.title, d.url, d.evaluation_code, d.handling_code, d.verification_status "
        f"from marts.{table} m {joins} "
        "join marts.dim_source_document d on d.document_key = m.document_key "
        f"where m.{key_column} = ?",
        [key],
    ).fetchall()
    if not rows:
        raise TraceError(f"no row of {table} has {key_column} = '{key}'")
    return Trace(table, *rows[0])
