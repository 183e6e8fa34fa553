"""Running the main job through Dagster and summarising what it did, for the CLI and tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
from dataclasses import dataclass, field

from orchestration.settings import (
    DBT_PROJECT_DIR,
    dbt_executable,
    ensure_dagster_home,
    load_settings,
)

JOB_NAME = "build_warehouse"
PID_TAG = "coop/pid"
HOST_TAG = "coop/host"
PUBLISHED_ASSET_PATH = ["warehouse", "cooperation"]
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class RunSummary:
    run_id: str
    success: bool
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[str] = field(default_factory=list)
    step_failures: list[str] = field(default_factory=list)
    published: bool = False
    log_path: str = ""


def prepare_dbt_manifest() -> None:
    """`dbt parse` writes the manifest Dagster reads its dbt assets from (no database needed)."""
    subprocess.run(
        [dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        check=True,
    )  # fmt: skip


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def recover_abandoned_runs(instance) -> list[str]:
    """Runs this CLI started whose process is gone (killed, machine restarted): mark them
    failed and free the pool slots they held, so the next run does not wait for them forever.
    Runs launched by the UI or the daemon are left to Dagster's own run monitoring."""
    import dagster as dg

    abandoned = []
    for run in instance.get_runs(
        dg.RunsFilter(
            job_name=JOB_NAME,
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
            tags={HOST_TAG: socket.gethostname()},
        )
    ):
        pid = int(run.tags.get(PID_TAG, "0"))
        if pid and pid != os.getpid() and not _process_alive(pid):
            instance.report_run_failed(run, f"process {pid} of this run is gone (killed?)")
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            abandoned.append(run.run_id)
    return abandoned


def run_main_job(verbose: bool = False, full_refresh: bool = False) -> RunSummary:
    """Materialize every asset through the `build_warehouse` job on the project's instance."""
    ensure_dagster_home()
    import dagster as dg

    from orchestration.definitions import defs

    published_asset = dg.AssetKey(PUBLISHED_ASSET_PATH)
    job = defs.resolve_job_def(JOB_NAME)
    settings = load_settings()
    log_path = settings.build_dir / "logs" / "last_build.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        instance = stack.enter_context(dg.DagsterInstance.get())
        recover_abandoned_runs(instance)
        if not verbose:
            # dagster-dbt echoes every dbt log line to stdout: keep them in a file instead
            stack.enter_context(contextlib.redirect_stdout(stack.enter_context(log_path.open("w"))))
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={
                **({} if verbose else QUIET_LOGS),
                "ops": {"cooperation_dbt_assets": {"config": {"full_refresh": full_refresh}}},
            },
            tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()},
        )
        summary = RunSummary(result.run_id, result.success, log_path=str(log_path))
        for evaluation in result.get_asset_check_evaluations():
            name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            (summary.checks_passed if evaluation.passed else summary.checks_failed).append(name)
        for event in result.all_events:
            if event.is_step_failure:
                error = event.step_failure_data.error
                message = error.message.strip() if error else "failed"
                summary.step_failures.append(f"{event.step_key}: {message}")
        summary.published = any(
            event.is_step_materialization and event.asset_key == published_asset
            for event in result.all_events
        )
    return summary
