"""Link the loaded documents into `raw_linking.document_mentions`, incrementally.

A document is linked again only when its content (SHA-256) or the gazetteer's fingerprint
changed since it was last linked: a new document links only itself; a changed partner, threat
or alias (or a new rule, or new name packages) relinks every document. A document whose latest
load was removed or rejected loses its mentions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from orchestration.documents.linking.gazetteer import build_gazetteer
from orchestration.documents.linking.linker import Linker

SCHEMA = "raw_linking"
MENTIONS = f"{SCHEMA}.document_mentions"
LINKED = f"{SCHEMA}.linked_documents"
MENTION_COLUMNS = (
    ("document_id", "VARCHAR NOT NULL"),
    ("mention_ordinal", "INTEGER NOT NULL"),
    ("mention_kind", "VARCHAR NOT NULL"),
    ("mention_id", "VARCHAR NOT NULL"),
    ("surface", "VARCHAR NOT NULL"),
    ("start_offset", "INTEGER NOT NULL"),
    ("end_offset", "INTEGER NOT NULL"),
    ("method", "VARCHAR NOT NULL"),
    ("confidence", "DOUBLE NOT NULL"),
    ("date_precision", "VARCHAR"),
    ("role", "VARCHAR"),
    ("gazetteer_version", "VARCHAR NOT NULL"),
    ("_file_sha256", "VARCHAR NOT NULL"),
    ("_loaded_at", "TIMESTAMP NOT NULL"),
)

LINKED_COLUMNS = ["document_id", "_file_sha256", "gazetteer_version", "mentions", "linked_at"]


@dataclass
class LinkResult:
    gazetteer_version: str
    gazetteer_entries: int
    relinked_all: bool
    linked: int
    kept: int
    dropped: int
    mentions: int
    state_digest: str = ""  # changes exactly when some document's mentions changed


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    columns = ", ".join(f"{name} {kind}" for name, kind in MENTION_COLUMNS)
    con.execute(f"create table if not exists {MENTIONS} ({columns})")
    # a table from before roles: the column is added, and the new linker version relinks all
    con.execute(f"alter table {MENTIONS} add column if not exists role VARCHAR")
    con.execute(
        f"create table if not exists {LINKED} (document_id VARCHAR PRIMARY KEY, "
        "_file_sha256 VARCHAR NOT NULL, gazetteer_version VARCHAR NOT NULL, "
        "mentions INTEGER NOT NULL, linked_at TIMESTAMP NOT NULL)"
    )


def _rows(con: duckdb.DuckDBPyConnection, query: str) -> list[dict]:
    cursor = con.execute(query)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def linker_from_raw(con: duckdb.DuckDBPyConnection) -> Linker:
    """The gazetteer from the loaded partner, threat and alias tables (the rows the partner
    and threat dimensions are built from)."""
    return Linker(
        build_gazetteer(
            _rows(con, "select partner_id, partner_name, partner_type, acronym "
                       "from raw_curated.partners"),
            _rows(con, "select threat_id, threat_name from raw_curated.threats"),
            _rows(con, "select * exclude (_source_file, _source_line, _loaded_at, "
                       "_file_sha256) from raw_curated.aliases"),
        )
    )  # fmt: skip


def link_documents(con: duckdb.DuckDBPyConnection, linker: Linker | None = None) -> LinkResult:
    """Link every document that is new, changed, or linked with another gazetteer."""
    prepare(con)
    linker = linker or linker_from_raw(con)
    version = linker.fingerprint
    relinked_all = bool(con.execute(
        f"select count(*) from {LINKED} where gazetteer_version <> ?", [version]
    ).fetchall()[0][0])  # fmt: skip
    documents = con.execute(
        "select d.document_id, d.text, d.language, d.published_on, d._file_sha256 "
        "from raw_documents.documents d left join "
        f"{LINKED} l on l.document_id = d.document_id and l._file_sha256 = d._file_sha256 "
        "and l.gazetteer_version = ? where l.document_id is null order by 1",
        [version],
    ).fetchall()
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows, state = [], []
    for document_id, text, language, published_on, sha256 in documents:
        mentions = linker.link(text, language, published_on)
        rows += [
            (document_id, n, m.kind, m.id, m.surface, m.start, m.end, m.method, m.confidence,
             m.precision, m.role, version, sha256, loaded_at)
            for n, m in enumerate(mentions, start=1)
        ]  # fmt: skip
        state.append((document_id, sha256, version, len(mentions), loaded_at))
    con.execute("begin transaction")
    try:
        gone = "select document_id from raw_documents.documents"
        dropped = con.execute(f"delete from {LINKED} where document_id not in ({gone})").fetchall()[
            0
        ][0]
        con.execute(f"delete from {MENTIONS} where document_id not in ({gone})")
        if documents:
            con.execute("create or replace temp table _relinked (document_id VARCHAR)")
            con.executemany("insert into _relinked values (?)", [(d[0],) for d in documents])
            for table in (MENTIONS, LINKED):
                con.execute(f"delete from {table} where document_id in (select * from _relinked)")
            con.execute("drop table _relinked")
        # one Arrow batch per table: executemany ran one statement per row (minutes at 100k)
        for table, batch, names in ((MENTIONS, rows, [n for n, _ in MENTION_COLUMNS]),
                                    (LINKED, state, LINKED_COLUMNS)):  # fmt: skip
            if batch:
                arrow = pa.table(dict(zip(names, map(list, zip(*batch, strict=True)),
                                          strict=True)))  # fmt: skip
                con.register("_batch", arrow)
                con.execute(f"insert into {table} by name select * from _batch")
                con.unregister("_batch")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    total = con.execute(f"select count(*) from {MENTIONS}").fetchall()[0][0]
    kept = con.execute(f"select count(*) from {LINKED}").fetchall()[0][0] - len(documents)
    digest = con.execute(
        f"select coalesce(md5(string_agg(document_id || _file_sha256 || gazetteer_version, ',' "
        f"order by document_id)), '') from {LINKED}"
    ).fetchall()[0][0]
    return LinkResult(version, len(linker.gazetteer.entries), relinked_all, len(documents),
                      kept, dropped, total, digest[:16])  # fmt: skip
