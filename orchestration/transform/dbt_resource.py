"""dagster-dbt's CLI resource as this project runs it: the one module that leans on dagster-dbt's
private methods (`_cli_version`, `_initialize_dbt_core_adapter`), for the start-up time of every
dbt command. tests/test_dbt_resource.py fails the day dagster-dbt stops calling them, and
bench/README.md records what they save."""

from __future__ import annotations

import os
import shutil
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION

from orchestration.settings import DBT_PARSE_STATE, load_settings


class DbtCoreResource(DbtCliResource):
    """dagster-dbt's CLI resource, minus two start-up costs this project does not need.

    The `dbt` executable is dbt-core from this environment, so its version is the installed
    package's: no `dbt --version` subprocess. The assets fetch no column metadata
    through dbt's adapter (they read row counts and schemas themselves), so no adapter is
    loaded in Dagster's process."""

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
