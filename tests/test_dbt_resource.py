"""DbtCoreResource's two overrides of dagster-dbt's private methods are in effect on the pinned
dagster-dbt: a dbt command starts without `dbt --version` in a subprocess and without loading a
dbt adapter in Dagster's process. The plain DbtCliResource, under the same watch, does both: the
day dagster-dbt renames or stops calling those methods, this test fails instead of the override
turning silently into dead code. (The daemon and the webserver run the project's jobs with it in
tests/test_ui.py.)"""

from __future__ import annotations

import dagster_dbt.core.resource as dbt_resource
import pytest
from dagster_dbt import DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION

from orchestration.defs.dbt import dbt_project
from orchestration.settings import dbt_executable
from orchestration.transform.dbt_resource import DbtCoreResource


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """What a `cli()` call does before dbt starts, recorded instead of done."""
    seen: dict[str, list] = {"subprocesses": [], "adapters": [], "invocations": []}

    def check_output(command, *args, **kwargs):
        seen["subprocesses"].append(command)
        return f"Core:\n  - installed: {DBT_PYTHON_VERSION}\n".encode()

    def initialize_adapter(self, args):
        seen["adapters"].append(args)

    def run(cls, **kwargs):
        seen["invocations"].append(kwargs)

    monkeypatch.setattr(dbt_resource, "check_output", check_output)
    monkeypatch.setattr(DbtCliResource, "_initialize_dbt_core_adapter", initialize_adapter)
    monkeypatch.setattr(dbt_resource.DbtCliInvocation, "run", classmethod(run))
    return seen


def start_dbt(resource: DbtCliResource) -> None:
    resource.cli(["ls"], manifest=dbt_project.manifest_path)


def test_the_projects_dbt_resource_starts_dbt_without_either_cost(watched):
    start_dbt(DbtCoreResource(project_dir=dbt_project, dbt_executable=dbt_executable()))
    (invocation,) = watched["invocations"]
    assert watched["subprocesses"] == [] and watched["adapters"] == []
    assert invocation["adapter"] is None
    assert invocation["cli_version"] == DBT_PYTHON_VERSION


def test_dagster_dbts_own_resource_pays_both_costs(watched):
    start_dbt(DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()))
    assert [command[1:] for command in watched["subprocesses"]] == [["--version"]]
    assert len(watched["adapters"]) == 1 and len(watched["invocations"]) == 1
