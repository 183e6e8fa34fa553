"""The code location `cooperation`, as the UI, the daemon and `coop build` all name it.

`workspace.yaml` declares the location once. Runs the UI or the daemon launch carry it as their
origin; a run `coop build` executes in its own process would carry none, and the UI would list
it only in the global Runs page (not on the job's Runs tab, the Overview timeline or the asset
history of the location). `runs_in_location` gives the CLI's runs the same origin.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from orchestration.settings import PROJECT_ROOT

if TYPE_CHECKING:
    import dagster as dg
    from dagster._core.remote_origin import RemoteJobOrigin

WORKSPACE_FILE = PROJECT_ROOT / "workspace.yaml"
LOCATION_NAME = "cooperation"


def remote_job_origin(job_name: str, repository_name: str) -> RemoteJobOrigin:
    """The origin a run of `job_name` launched from the UI on this workspace would carry."""
    from dagster._core.remote_origin import RemoteJobOrigin, RemoteRepositoryOrigin
    from dagster._core.workspace.load_target import WorkspaceFileTarget

    (location,) = WorkspaceFileTarget(paths=[str(WORKSPACE_FILE)]).create_origins()
    return RemoteJobOrigin(RemoteRepositoryOrigin(location, repository_name), job_name)


@contextlib.contextmanager
def runs_in_location(
    instance: dg.DagsterInstance, job_name: str, repository_name: str
) -> Iterator[None]:
    """Within this block, the runs `execute_in_process` records on `instance` belong to the
    code location. Dagster's public API has no argument for it: `execute_in_process` creates
    its run through `instance.create_run_for_job`, whose `remote_job_origin` is filled in
    here (tests/test_ui.py proves through the webserver that the CLI's runs are listed)."""
    origin = remote_job_origin(job_name, repository_name)
    create = instance.create_run_for_job

    def create_in_location(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        kwargs.setdefault("remote_job_origin", origin)
        return create(*args, **kwargs)

    instance.create_run_for_job = create_in_location  # type: ignore[method-assign]
    try:
        yield
    finally:
        del instance.create_run_for_job
