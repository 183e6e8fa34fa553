"""Resources shared by every asset that writes the build file."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION

from orchestration.operations.writer import build_connection
from orchestration.settings import DBT_PARSE_STATE, Settings, load_settings

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


class DbtCoreResource(DbtCliResource):
    """dagster-dbt's CLI resource, minus two start-up costs this project does not need.

    The `dbt` executable is dbt-core from this environment, so its version is the installed
    package's: no `dbt --version` subprocess (~8 s here). The assets fetch no column metadata
    through dbt's adapter (they read row counts and schemas themselves), so no adapter is
    loaded in Dagster's process (~2 s)."""

    @cached_property
    def _cli_version(self):
        return DBT_PYTHON_VERSION

    def _initialize_dbt_core_adapter(self, args):
        return None

    def keep_partial_parse(self, invocation_target: Path) -> None:
        """Keep the parse state of the run that just ended for the next one: dagster-dbt copies
        target/partial_parse.msgpack into each run's own target folder, so without this each
        run whose profile differs from the last `dbt parse` re-parses the whole project."""
        fresh = Path(invocation_target) / DBT_PARSE_STATE.name
        if not fresh.exists():
            return
        kept = load_settings().dbt_parse_state
        temporary = kept.with_name(f".{fresh.name}.{os.getpid()}")
        shutil.copyfile(fresh, temporary)
        # a concurrent reader sees the old or the new file, whole
        os.replace(temporary, kept)
