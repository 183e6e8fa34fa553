"""One file, write-audit-publish: stage it as text (write), check it against its contract
(audit), then in one transaction replace the file's rows with its good ones, quarantine the
bad ones and append its ledger row (publish). A file that cannot be read at all is recorded as
failed and the other files of the extract still load."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.landing.contracts import Contract
from orchestration.landing.loading.audit import Counts, audit_staged, reset_spans
from orchestration.landing.loading.csv_staging import stage_csv
from orchestration.landing.loading.ledger import (
    ExtractResult,
    FileResult,
    LedgerRow,
    latest_ledger_row,
    loaded_files,
    record_ledger,
    remember_mtime,
)
from orchestration.landing.loading.manifests import (
    Manifest,
    check_manifest_rows,
    manifest_disagrees,
    manifest_named,
    manifest_verdict,
    unterminated_last_line,
)
from orchestration.landing.loading.ndjson_staging import stage_ndjson
from orchestration.landing.loading.reading import Problem, UnreadableFile
from orchestration.landing.loading.sql import insertion_order, quote_ident, transaction
from orchestration.landing.loading.tables import (
    delete_file_rows,
    prepare_tables,
    rejects_table,
    table_name,
    table_rows,
)
from orchestration.landing.zone import (
    LandedFile,
    LineCensus,
    file_digest,
    find_landed_files,
    line_census,
)


@dataclass
class Seen:
    """What is known of a file before it is read: its latest ledger row, and its SHA-256, size
    and modification time (the SHA-256 taken from the ledger when size and time match)."""

    latest: LedgerRow | None
    sha256: str | None
    size: int | None
    mtime_ns: int | None
    same_as: str = "same SHA-256 as loaded"
    census: LineCensus | None = None  # counted in the same read as the SHA-256


def _look(con: duckdb.DuckDBPyConnection, landed: LandedFile) -> Seen:
    latest = latest_ledger_row(con, landed.relative_path)
    if landed.refused_reason:  # never read, not even to hash it: its ledger rows have no SHA-256
        return Seen(latest, None, None, None)
    info = landed.path.stat()
    same_stat = latest and (latest.size_bytes, latest.mtime_ns) == (info.st_size, info.st_mtime_ns)
    if same_stat and latest.sha256:
        # same size and modification time as the version the ledger saw: not read again
        # (as make and rsync decide); a rewrite keeping both needs the file touched
        same = "same size and modification time as loaded (not read again)"
        return Seen(latest, latest.sha256, info.st_size, info.st_mtime_ns, same)
    scan = file_digest(landed.path)
    if latest and latest.sha256 == scan.sha256 and latest.mtime_ns != info.st_mtime_ns:
        remember_mtime(con, latest, info.st_mtime_ns)
    return Seen(latest, scan.sha256, scan.size, info.st_mtime_ns, census=scan.census)


def _already_done(
    landed: LandedFile, seen: Seen, verdict: Manifest | UnreadableFile | None
) -> FileResult | None:
    """The result of a file whose content the ledger already holds; None if it must load."""
    latest = seen.latest
    if not latest or latest.sha256 != seen.sha256:
        return None
    # refused by its manifest, and the manifest has changed since: the same bytes load again
    refused_by_manifest = manifest_named(landed.path) in (latest.message or "")
    if refused_by_manifest and str(verdict) != latest.message:
        return None
    relative = landed.relative_path
    if latest.outcome == "loaded" and manifest_disagrees(verdict, latest):
        return None  # a manifest landed or changed beside a loaded file: it is checked now
    if latest.outcome == "loaded":
        return FileResult(relative, "unchanged", seen.sha256, seen.size, seen.mtime_ns,
                          message=seen.same_as)  # fmt: skip
    if latest.outcome == "retracted":
        # taken back by `coop retract`: left out until a changed version lands
        return FileResult(relative, "retracted", seen.sha256, seen.size, seen.mtime_ns,
                          message="retracted: not loaded again while unchanged")  # fmt: skip
    if latest.outcome == "failed":
        # still failing: reported on every run, recorded in the ledger once
        message = landed.refused_reason or latest.message or ""
        return FileResult(relative, "failed", seen.sha256, seen.size, seen.mtime_ns,
                          message=message)  # fmt: skip
    return None


def record_failure(
    con: duckdb.DuckDBPyConnection, contract: Contract, result: FileResult, run_id: str | None,
    loaded_at: dt.datetime,
) -> FileResult:  # fmt: skip
    """Record a file that cannot be loaded. Rows of an earlier version of it go in the same
    transaction: the raw tables never hold rows of a file whose latest load failed."""
    with transaction(con):
        removed = delete_file_rows(con, contract, result.source_file)
        if removed:
            result.message += f"; the {removed} row(s) of its previous version were removed"
        record_ledger(con, contract, result, run_id, loaded_at)
    return result


def _insert_good_rows(
    con: duckdb.DuckDBPyConnection, contract: Contract, provenance: list, good: str
) -> None:
    """Typed rows of ``_staged`` and the child tables whose line has no problem."""
    casts = ", ".join(f"cast({quote_ident(c.name)} as {c.duckdb_type})" for c in contract.columns)
    con.execute(
        f"insert into {table_name(contract, contract.entity)} select {casts}, ?, s._source_line, "
        f"?, ? from _staged s where {good}",
        provenance,
    )
    keys = ", ".join(
        f"cast(s.{quote_ident(k)} as {contract.column(k).duckdb_type})" for k in contract.key
    )
    for child in contract.children:
        own = ", ".join(
            f"cast(s.{quote_ident(c.name)} as {c.duckdb_type})" for c in child.element_columns
        )
        con.execute(
            f"insert into {table_name(contract, child.entity)} select {keys}, {own}, "
            f"cast(s._ordinal as integer), ?, s._source_line, ?, ? "
            f"from {quote_ident('_child_' + child.entity)} s where {good}",
            provenance,
        )


def _publish_file(
    con: duckdb.DuckDBPyConnection, contract: Contract, result: FileResult, replace: bool,
    run_id: str | None, loaded_at: dt.datetime,
) -> FileResult:  # fmt: skip
    """In one transaction: the file's old rows out, its good rows and rejects in, its ledger
    row appended."""
    relative = result.source_file
    good = "s._source_line not in (select _source_line from _problems)"
    with transaction(con), insertion_order(con, kept=False):
        if replace:  # rows exist only for a file the ledger has seen
            delete_file_rows(con, contract, relative)
        _insert_good_rows(con, contract, [relative, loaded_at, result.sha256],
                          good if result.rows_rejected else "true")  # fmt: skip
        con.execute(
            f"insert into {rejects_table(contract)} select ?, _source_line, column_name, "
            "raw_value, reason, ?, ?, ? from _problems order by _source_line",
            [relative, result.sha256, loaded_at, run_id],
        )
        if result.rows_rejected:
            result.message = (
                f"{result.rows_rejected} row(s) quarantined in {contract.entity}__rejects"
            )
        record_ledger(con, contract, result, run_id, loaded_at)
    return result


def _write_and_audit(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, contract: Contract, result: FileResult,
    manifest: Manifest | None, census: LineCensus | None, pending: Collection[str] = (),
) -> Counts:  # fmt: skip
    """Stage the file's records as text (write) and check them against the contract (audit);
    the result gets its line census and any warning. Raises :class:`UnreadableFile`."""
    relative = landed.relative_path
    census = census or line_census(landed.path)
    reset_spans(con)
    if contract.format == "document":  # one record per file: its own module, documents/
        from orchestration.documents.staging import stage_document as stage
    else:
        stage = stage_csv if contract.format == "csv" else stage_ndjson
    early_problems = stage(con, landed.path, relative, contract, census)
    target = table_name(contract, contract.entity)
    counts = audit_staged(con, contract, target, relative, early_problems, pending)
    check_manifest_rows(manifest, landed.path, relative, counts.rows_read)
    header, blanks = (
        (1, census.empty) if contract.format == "csv" else (0, census.empty + census.spaces)
    )
    result.file_lines = census.lines
    result.lines_skipped = header + blanks - counts.blank_lines_in_values
    result.lines_loaded, result.lines_rejected = counts.lines_loaded, counts.lines_rejected
    # a document is prose: a last line without a newline is how editors leave it
    unframed = manifest is None and contract.format != "document"
    warning = unterminated_last_line(relative, census) if unframed else None
    result.warnings += [warning] if warning else []
    return counts


def load_file(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    contract: Contract,
    run_id: str | None,
    loaded_at: dt.datetime,
) -> FileResult:
    """Load one landed file, unless the ledger shows its content already loaded or failed."""
    seen, verdict, done = _examine(con, landed, contract)
    return done or _load_examined(con, landed, contract, seen, verdict, run_id, loaded_at)


def _examine(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, contract: Contract
) -> tuple[Seen, Manifest | UnreadableFile | None, FileResult | None]:
    """What is known of a file before reading it; the third is its result when it needs no
    load."""
    seen = _look(con, landed)
    verdict = manifest_verdict(landed, contract, seen.sha256, seen.size)
    return seen, verdict, _already_done(landed, seen, verdict)


def _load_examined(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, contract: Contract, seen: Seen,
    verdict: Manifest | UnreadableFile | None, run_id: str | None, loaded_at: dt.datetime,
    pending: Collection[str] = (),
) -> FileResult:  # fmt: skip
    result = FileResult(landed.relative_path, "failed", seen.sha256, seen.size, seen.mtime_ns)
    if landed.refused_reason:
        result.message = landed.refused_reason
        result.error = Problem(landed.relative_path, landed.refused_reason)
        return record_failure(con, contract, result, run_id, loaded_at)
    if isinstance(verdict, UnreadableFile):
        result.message, result.error = str(verdict), verdict.problem
        return record_failure(con, contract, result, run_id, loaded_at)
    try:
        counts = _write_and_audit(con, landed, contract, result, verdict, seen.census, pending)
    except UnreadableFile as error:
        result.message, result.error = str(error), error.problem
        return record_failure(con, contract, result, run_id, loaded_at)
    result.outcome, result.rows_read = "loaded", counts.rows_read
    result.rows_loaded, result.rows_rejected = counts.rows_loaded, counts.rows_rejected
    # publish: into the raw tables, in one transaction
    return _publish_file(con, contract, result, seen.latest is not None, run_id, loaded_at)


def _forget_removed_files(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    present: set[str],
    run_id: str | None,
    loaded_at: dt.datetime,
) -> list[FileResult]:
    """Files the ledger knows but that are gone: a snapshot drops their rows, an increment keeps
    them (rows of a past increment stay history)."""
    results = []
    for relative in loaded_files(con, contract):
        if relative in present:
            continue
        with transaction(con):
            if contract.mode == "snapshot":
                delete_file_rows(con, contract, relative)
                result = FileResult(relative, "removed", message="file gone: its rows removed")
            else:
                result = FileResult(
                    relative, "retained", message="file gone: rows kept (increment)"
                )
            record_ledger(con, contract, result, run_id, loaded_at)
        results.append(result)
    return results


def load_extract(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    contract: Contract,
    run_id: str | None = None,
    loaded_at: dt.datetime | None = None,
) -> ExtractResult:
    """Load every new or changed file of one extract; return what happened to each file.

    Files gone from the folder go first, so a snapshot file renamed or split in two frees its
    keys for the files it became; a changed file's old rows do not count as duplicates for the
    files loaded before it in the same run (the same rows, moved between files, load as
    before)."""
    loaded_at = loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    prepare_tables(con, contract)
    result = ExtractResult(contract)
    landed = find_landed_files(raw_dir, contract)
    present = {item.relative_path for item in landed}
    gone = _forget_removed_files(con, contract, present, run_id, loaded_at)
    examined = [(item, *_examine(con, item, contract)) for item in landed]
    pending = {item.relative_path for item, _, _, done in examined if done is None}
    for item, seen, verdict, done in examined:
        pending.discard(item.relative_path)
        result.files.append(
            done or _load_examined(con, item, contract, seen, verdict, run_id, loaded_at, pending)
        )
    result.files += gone
    result.table_rows = table_rows(con, contract)
    return result
