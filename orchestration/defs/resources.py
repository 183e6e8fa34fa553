"""Resources shared by every asset that writes the build file (dbt's: transform/dbt_resource.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import dagster as dg
import duckdb

from orchestration.operations.writer import build_connection
from orchestration.settings import Settings, load_settings

# Every step that opens the build file read-write claims this pool; the instance gives it one
# slot (dagster.yaml), so two runs never write at once. The file lock is the second guard.
WRITER_POOL = "duckdb_writer"


class WarehouseResource(dg.ConfigurableResource):
    """Where the pipeline reads and writes; paths come from orchestration.settings."""

    lock_timeout_seconds: float = 600.0

    @property
    def settings(self) -> Settings:
        return load_settings()

    @contextlib.contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with build_connection(self.settings, self.lock_timeout_seconds) as con:
            yield con
