"""The single writer of the build file: an OS-level lock plus a configured DuckDB connection.

DuckDB allows one read-write process per file. Dagster's concurrency pool serialises writer
steps inside one instance; this lock also serialises writers across instances and ad-hoc
processes (two `make build` started at once). The kernel drops a flock when its holder dies,
so a run killed with SIGKILL leaves no stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from orchestration.settings import Settings


class WriterBusy(Exception):
    """Another process holds the writer lock for longer than we were willing to wait."""


@contextlib.contextmanager
def writer_lock(lock_file: Path, timeout_seconds: float = 600.0) -> Iterator[None]:
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a+") as handle:
        deadline = time.monotonic() + timeout_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise WriterBusy(
                        f"another run is writing the warehouse (lock {lock_file}, held by "
                        f"{holder}); waited {timeout_seconds:.0f} s"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S%z')}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def duckdb_config(settings: Settings) -> dict[str, str | int]:
    """The loader's and publishing's connections: memory capped and spilling to disk (DuckDB's
    default is 80 % of the machine's memory). The atlas's read keeps that default (atlas/)."""
    settings.temp_dir.mkdir(parents=True, exist_ok=True)
    return {
        "memory_limit": settings.memory_limit,
        "threads": settings.threads,
        "temp_directory": str(settings.temp_dir),
    }


def connect_build(settings: Settings) -> duckdb.DuckDBPyConnection:
    """Open the private build file read-write, with memory capped and spilling to disk."""
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(settings.build_db), config=duckdb_config(settings))


@contextlib.contextmanager
def build_connection(settings: Settings, timeout_seconds: float = 600.0):
    """The lock, then a read-write connection to the build file; both released on exit."""
    with writer_lock(settings.lock_file, timeout_seconds):
        con = connect_build(settings)
        try:
            yield con
        finally:
            con.close()
