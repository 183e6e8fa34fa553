"""The load ledger, ``_meta.load_ledger``: one row per file per load, the record of what
happened to every landed file (its SHA-256, size, modification time, rows read, loaded and
rejected), and the reconciliation the blocking asset check runs on it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

import duckdb

from orchestration.landing.contracts import Contract
from orchestration.landing.loading.reading import Problem
from orchestration.landing.loading.sql import quote_ident

LEDGER_TABLE = "_meta.load_ledger"
LATER_COLUMNS = (
    "file_mtime_ns BIGINT",
    "file_lines BIGINT",
    "lines_loaded BIGINT",
    "lines_rejected BIGINT",
    "lines_skipped BIGINT",
    "warnings VARCHAR",  # a JSON list of {file, reason, line, column, severity}
)


@dataclass
class FileResult:
    source_file: str
    outcome: str  # loaded | unchanged | failed | removed | retained | retracted
    sha256: str | None = None
    size_bytes: int | None = None
    mtime_ns: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    message: str = ""
    # physical lines: in the file = in loaded records + in rejected records + header and blanks
    file_lines: int | None = None
    lines_loaded: int = 0
    lines_rejected: int = 0
    lines_skipped: int = 0
    error: Problem | None = None  # why a failed file failed
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class ExtractResult:
    contract: Contract
    files: list[FileResult] = field(default_factory=list)
    table_rows: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.outcome == "failed"]

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)


def prepare_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists _meta")
    con.execute(
        f"create table if not exists {LEDGER_TABLE} ("
        "load_id VARCHAR PRIMARY KEY, system VARCHAR NOT NULL, entity VARCHAR NOT NULL, "
        "source_file VARCHAR NOT NULL, file_sha256 VARCHAR, file_size_bytes BIGINT, "
        "rows_read BIGINT NOT NULL, rows_loaded BIGINT NOT NULL, rows_rejected BIGINT NOT NULL, "
        "outcome VARCHAR NOT NULL, message VARCHAR, loaded_at TIMESTAMP NOT NULL, run_id VARCHAR)"
    )
    # ledgers written before a column existed gain it: their files are hashed once more, and
    # their line counts stay NULL (not reconciled) until the file loads again
    for column in LATER_COLUMNS:
        con.execute(f"alter table {LEDGER_TABLE} add column if not exists {column}")


@dataclass(frozen=True)
class LedgerRow:
    """The latest ledger row of one file."""

    sha256: str | None
    outcome: str
    message: str | None
    size_bytes: int | None
    mtime_ns: int | None
    load_id: str
    rows_read: int = 0


def latest_ledger_row(con: duckdb.DuckDBPyConnection, relative: str) -> LedgerRow | None:
    rows = con.execute(
        f"select file_sha256, outcome, message, file_size_bytes, file_mtime_ns, load_id, "
        "rows_read "
        f"from {LEDGER_TABLE} where source_file = ? "
        "order by loaded_at desc, rows_read desc limit 1",
        [relative],
    ).fetchall()
    return LedgerRow(*rows[0]) if rows else None


def remember_mtime(con: duckdb.DuckDBPyConnection, row: LedgerRow, mtime_ns: int) -> None:
    """The same content touched: its new time goes on its ledger row, so it is not hashed
    again."""
    con.execute(
        f"update {LEDGER_TABLE} set file_mtime_ns = ? where load_id = ?", [mtime_ns, row.load_id]
    )


def record_ledger(
    con: duckdb.DuckDBPyConnection, contract: Contract, result: FileResult, run_id: str | None,
    loaded_at: dt.datetime,
) -> None:  # fmt: skip
    con.execute(
        f"insert into {LEDGER_TABLE} (load_id, system, entity, source_file, file_sha256, "
        "file_size_bytes, rows_read, rows_loaded, rows_rejected, outcome, message, loaded_at, "
        "run_id, file_mtime_ns, file_lines, lines_loaded, lines_rejected, lines_skipped, "
        "warnings) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            str(uuid.uuid4()),
            contract.system,
            contract.entity,
            result.source_file,
            result.sha256,
            result.size_bytes,
            result.rows_read,
            result.rows_loaded,
            result.rows_rejected,
            result.outcome,
            result.message,
            loaded_at,
            run_id,
            result.mtime_ns,
            result.file_lines,
            result.lines_loaded if result.file_lines is not None else None,
            result.lines_rejected if result.file_lines is not None else None,
            result.lines_skipped if result.file_lines is not None else None,
            json.dumps([dataclasses.asdict(w) for w in result.warnings])
            if result.warnings
            else None,
        ],
    )


def loaded_files(con: duckdb.DuckDBPyConnection, contract: Contract) -> list[str]:
    """Files of an extract whose latest load succeeded."""
    return [
        relative
        for (relative,) in con.execute(
            f"select source_file from (select source_file, outcome, row_number() over ("
            f"partition by source_file order by loaded_at desc) as n from {LEDGER_TABLE} "
            "where system = ? and entity = ?) where n = 1 and outcome = 'loaded'",
            [contract.system, contract.entity],
        ).fetchall()
    ]


def reconcile_ledger(con: duckdb.DuckDBPyConnection, contract: Contract) -> list[tuple]:
    """Files whose latest load breaks rows read = rows loaded + rows rejected, or lines in the
    file = lines of loaded records + lines of rejected records + header and blank lines (lines
    counted from the file's bytes, records from what the parser made of them: a record that
    swallowed the lines after it breaks this), or whose rows in the raw and rejects tables
    differ from what the ledger recorded. Each: (file, rows read, loaded, rejected, rows in the
    raw table, lines rejected in the rejects table, lines in the file, lines loaded, lines
    rejected, lines skipped)."""
    schema = quote_ident(contract.schema)
    rejects = f"{schema}.{quote_ident(contract.entity + '__rejects')}"
    target = f"{schema}.{quote_ident(contract.entity)}"
    return con.execute(
        f"with latest as (select * from (select *, row_number() over (partition by source_file "
        f"order by loaded_at desc, rows_read desc) as n from {LEDGER_TABLE} "
        "where system = ? and entity = ?) where n = 1 and outcome = 'loaded'), "
        f"loaded as (select _source_file, count(*) as n from {target} "
        "group by all), "
        f"rejected as (select _source_file, count(distinct _source_line) as n from {rejects} "
        "group by all) "
        "select l.source_file, l.rows_read, l.rows_loaded, l.rows_rejected, "
        "coalesce(a.n, 0), coalesce(r.n, 0), l.file_lines, l.lines_loaded, l.lines_rejected, "
        "l.lines_skipped from latest l "
        "left join loaded a on a._source_file = l.source_file "
        "left join rejected r on r._source_file = l.source_file "
        "where l.rows_read <> l.rows_loaded + l.rows_rejected "
        "or coalesce(a.n, 0) <> l.rows_loaded or coalesce(r.n, 0) <> l.rows_rejected "
        "or l.file_lines <> l.lines_loaded + l.lines_rejected + l.lines_skipped",
        [contract.system, contract.entity],
    ).fetchall()
