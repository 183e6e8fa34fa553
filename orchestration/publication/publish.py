"""Write-audit-publish: analysts only ever see a complete warehouse that passed its checks.

The build file is checkpointed and copied to a temporary file beside the published one, the
copy is audited, stamped and flushed to disk, and an atomic rename replaces the published file.
Readers that opened the old file keep reading it (its inode lives until they close); new
readers see the new one. A crash at any point leaves either the old file or the new one, never
a mix; the leftover temporary file is removed by the next publish.

Parquet exports are one folder per mart, one file per load batch (`_loaded_at`) for the marts
that carry it. A file's name holds a fingerprint of its rows, so a batch unchanged since the
previous publication is hard-linked from it instead of written again: an increment writes its
own batch, not the whole history.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import hashlib
import os
import shutil
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.landing.loading.ledger import LEDGER_TABLE
from orchestration.landing.loading.sql import quote_ident, sql_literal
from orchestration.operations.writer import duckdb_config
from orchestration.settings import DATABASE_FILE_NAME, Settings

TEMP_PREFIX = f".{DATABASE_FILE_NAME}.tmp-"
RETIRED_PREFIX = f".{DATABASE_FILE_NAME}.retired-"  # the replaced publication, being removed
RETIRING_THREAD = "publish-retire"  # the thread that removes it, after the swap
PUBLISHED_MODE = stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH  # 0644


class AuditFailed(Exception):
    """The copy about to be published is not what analysts were promised."""


@dataclass(frozen=True)
class Publication:
    path: Path
    published_at: dt.datetime
    run_id: str | None
    mart_rows: dict[str, int]
    parquet_written: int = 0  # Parquet files exported by this publication
    parquet_linked: int = 0  # unchanged batches hard-linked from the previous publication


def fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (a rename in it), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Temporary copies left by a publish that was killed half-way, and names of replaced
    publications whose removal was cut short."""
    removed = []
    for leftover in [*folder.glob(f"{TEMP_PREFIX}*"), *folder.glob(f"{RETIRED_PREFIX}*")]:
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


def replace_published(temporary: Path, published: Path) -> None:
    """Rename `temporary` over `published` atomically, and remove the replaced file afterwards.

    Dropping the last name of a file of several GB frees its blocks and its cached pages (seconds at
    10M events, on the run's critical path when the rename does it). So the replaced file keeps
    a second name across the rename, and a thread drops that name once the new file is in place.
    A reader that still has the old file open keeps reading it either way."""
    retired = published.with_name(f"{RETIRED_PREFIX}{os.getpid()}-{time.monotonic_ns()}")
    if published.exists():
        os.link(published, retired)
    os.replace(temporary, published)
    fsync(published.parent)
    if retired.exists():
        threading.Thread(
            target=retired.unlink, kwargs={"missing_ok": True}, name=RETIRING_THREAD
        ).start()


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "and table_type = 'BASE TABLE' order by table_name"
    ).fetchall()
    return [row[0] for row in rows]


def audit(con: duckdb.DuckDBPyConnection, expected_marts: list[str]) -> dict[str, int]:
    present = set(mart_tables(con))
    missing = sorted(set(expected_marts) - present)
    if missing:
        raise AuditFailed(f"marts missing from the build: {', '.join(missing)}")
    return {
        name: con.execute(f'select count(*) from marts."{name}"').fetchall()[0][0]
        for name in sorted(present)
    }


def publish(
    settings: Settings,
    expected_marts: list[str],
    run_id: str | None,
    now: dt.datetime | None = None,
) -> Publication:
    """Copy the build file to the published path atomically, with Parquet exports of every mart.
    The caller holds the writer lock and no connection to the build is open, so the build file
    stays as it is throughout: the exports read it while it is being copied, and match the copy.
    """
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(settings.warehouse_dir)
    # a checkpoint folds the write-ahead log into the file, so the file alone is complete
    config = duckdb_config(settings)
    con = duckdb.connect(str(settings.build_db), config=config)
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    temporary = settings.warehouse_dir / f"{TEMP_PREFIX}{os.getpid()}"
    parquet_staging = None
    build = duckdb.connect(str(settings.build_db), read_only=True, config=config)
    try:
        # a Parquet file's row order is no promise (its name is an order-free fingerprint), and
        # DuckDB writes it faster unordered (bench/publish.py)
        build.execute("set preserve_insertion_order = false")
        rows = audit(build, expected_marts)  # a build that fails it is not even copied
        # The copy and its flush wait on memory and the disk, the export's fingerprints on the
        # CPU: side by side they take about the longer of the two, not the sum
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="publish-copy") as pool:
            copied = pool.submit(
                _audited_copy, settings.build_db, temporary, rows, run_id, now, config
            )
            try:
                parquet_staging, written, linked = _export_parquet(build, settings, list(rows))
                copied.result()
                replace_published(temporary, settings.published_db)
                swap_folder(parquet_staging, settings.parquet_dir)
            except BaseException:
                wait([copied])  # it may still be writing the temporary file
                temporary.unlink(missing_ok=True)
                if parquet_staging is not None:
                    shutil.rmtree(parquet_staging, ignore_errors=True)
                raise
    finally:
        build.close()
    return Publication(settings.published_db, now, run_id, rows, written, linked)


def newest_fact_at(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The newest fact: when the last landed file that brought rows in was loaded (the load
    ledger); None for a build that has no ledger (nothing was ever landed)."""
    schema, table = LEDGER_TABLE.split(".")
    has_ledger = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0]
    if not has_ledger:
        return None
    return con.execute(
        f"select max(loaded_at) from {LEDGER_TABLE} where outcome = 'loaded' and rows_loaded > 0"
    ).fetchone()[0]


def _audited_copy(
    build_db: Path, temporary: Path, rows: dict[str, int], run_id: str | None, now: dt.datetime,
    config: dict,
) -> None:  # fmt: skip
    """The build file copied to `temporary`, audited against the build's row count of every
    mart, stamped with this publication, made read-only and flushed to disk."""
    shutil.copyfile(build_db, temporary)
    con = duckdb.connect(str(temporary), config=config)
    try:
        copied_rows = audit(con, list(rows))
        if copied_rows != rows:
            raise AuditFailed(f"the copy's mart rows {copied_rows} differ from the build's {rows}")
        con.execute("create schema if not exists _meta")
        con.execute(
            "create table if not exists _meta.publication (published_at TIMESTAMP, "
            "run_id VARCHAR, mart VARCHAR, row_count BIGINT, newest_fact_at TIMESTAMP)"
        )
        con.execute("delete from _meta.publication")
        newest = newest_fact_at(con)
        con.executemany(
            "insert into _meta.publication values (?, ?, ?, ?, ?)",
            [[now, run_id, name, count, newest] for name, count in rows.items()],
        )
        con.execute("checkpoint")
    finally:
        con.close()
    os.chmod(temporary, PUBLISHED_MODE)
    fsync(temporary)


BATCH_COLUMN = "_loaded_at"  # the load that wrote a row: incremental marts grow by batches of it


@dataclass(frozen=True)
class ParquetBatch:
    file_name: str  # <batch>-<fingerprint>.parquet: the same name means the same rows
    predicate: str  # SQL condition selecting the batch's rows


def parquet_batches(con: duckdb.DuckDBPyConnection, mart: str) -> list[ParquetBatch]:
    """A mart's rows split by load batch, each named after a fingerprint of its content.

    The fingerprint covers the column names and types, the row count and an order-free sum of
    the rows' hashes: one scan of the table, about a tenth of writing it as Parquet. A batch
    only shrinks or disappears after it is loaded (changed files come back as a new batch), but
    a full refresh may rewrite it with new logic; the hash sum sees either.
    """
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = ? order by ordinal_position",
        [mart],
    ).fetchall()
    schema_signature = ",".join(f"{name} {kind}" for name, kind in columns)
    batched = any(name == BATCH_COLUMN for name, _ in columns)
    batch = quote_ident(BATCH_COLUMN) if batched else "null"
    row_hash = f"hash({', '.join(quote_ident(name) for name, _ in columns)})"
    groups = con.execute(
        f"select {batch}, count(*), sum({row_hash}::hugeint) from marts.{quote_ident(mart)} "
        "group by all order by 1"
    ).fetchall()
    batches = []
    for value, count, hash_sum in groups or [(None, 0, 0)]:  # an empty mart: one empty file
        fingerprint = hashlib.sha256(f"{schema_signature}|{count}|{hash_sum}".encode())
        if value is None:
            label, predicate = "all", "true"
        else:
            # a timestamp formatted by us, never text from the data
            label = value.strftime("%Y%m%dT%H%M%S%f")
            predicate = f"{quote_ident(BATCH_COLUMN)} = timestamp '{value.isoformat(sep=' ')}'"
        batches.append(ParquetBatch(f"{label}-{fingerprint.hexdigest()[:16]}.parquet", predicate))
    return batches


def _export_parquet(
    con: duckdb.DuckDBPyConnection, settings: Settings, marts: list[str]
) -> tuple[Path, int, int]:
    """Parquet of every mart into a staging folder beside the published one, as
    `<mart>/<batch>-<fingerprint>.parquet`; batches already published are hard-linked."""
    target = settings.parquet_dir
    for leftover in target.parent.glob(f".{target.name}.tmp-*"):  # of a killed publish
        shutil.rmtree(leftover, ignore_errors=True)
    staging = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    written = linked = 0
    try:
        for name in marts:
            folder = staging / name
            folder.mkdir(parents=True)
            for batch in parquet_batches(con, name):
                out = folder / batch.file_name
                previous = target / name / batch.file_name
                if previous.is_file():
                    os.link(previous, out)  # read-only already, and never written in place
                    linked += 1
                    continue
                con.execute(
                    f"copy (select * from marts.{quote_ident(name)} where {batch.predicate}) "
                    f"to {sql_literal(str(out))} (format parquet)"
                ).fetchall()
                os.chmod(out, PUBLISHED_MODE)
                written += 1
    except BaseException:
        # a half export (a full disk, say) gives its space back now, not at the next publish
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging, written, linked


RENAME_EXCHANGE = 2  # renameat2(2) flag: swap two paths in one step (Linux 3.15+, glibc 2.28+)
AT_FDCWD = -100  # paths relative to the working directory


def exchange_paths(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux's renameat2 with RENAME_EXCHANGE);
    False where the system or the file system cannot (the caller falls back to renames)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without it
        return False
    done = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def swap_folder(staging: Path, target: Path) -> None:
    """Replace `target` with `staging`: on Linux one atomic exchange, so the path always names
    a complete folder, the old one or the new; elsewhere two renames (an instant without it)."""
    if target.exists() and exchange_paths(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the old folder
        return
    previous = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, previous)
    os.replace(staging, target)
    shutil.rmtree(previous, ignore_errors=True)
