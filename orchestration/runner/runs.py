"""Running the main job through Dagster and summarising what it did, for the CLI and tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
from dataclasses import dataclass, field

from orchestration.landing.digests import dbt_project_digest
from orchestration.operations.planning import PLAN_TAG, save_plan
from orchestration.operations.volume import ACCEPT_TAG
from orchestration.problems import problem_lines
from orchestration.runner.location import runs_in_location
from orchestration.settings import (
    DBT_PROJECT_DIR,
    dbt_executable,
    ensure_dagster_home,
    load_settings,
)

JOB_NAME = "build_warehouse"
PID_TAG = "coop/pid"
HOST_TAG = "coop/host"
DBT_OP = "cooperation_dbt_assets"
PUBLISHED_ASSET_PATH = ["warehouse", "cooperation"]
VOLUME_CHECK = "row_volume"
# without --verbose, Dagster's log goes whole to the run's log file, not to the terminal
FILE_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
# with --verbose, every step event too (the instance's default is INFO: .dagster_home/dagster.yaml)
VERBOSE_LOGS = {"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}


@dataclass
class RunSummary:
    run_id: str
    success: bool
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[str] = field(default_factory=list)
    step_failures: list[str] = field(default_factory=list)
    # one line per problem ("file:line:column: reason" where the place is known)
    problems: list[str] = field(default_factory=list)
    published: bool = False
    log_path: str = ""
    noop: bool = False  # nothing landed and nothing changed: only the ingest checks ran
    # the extracts ("<system>/<entity>") whose files changed since the last published build,
    # when only what depends on them was rebuilt; None when the run rebuilt everything
    rebuilt_for: list[str] | None = None
    materialized: list[str] = field(default_factory=list)  # asset keys, as "raw/curated/events"
    rejects: list = field(default_factory=list)  # rows quarantined in the build, as Reject
    warnings: list[str] = field(default_factory=list)  # of the files this run loaded


MANIFEST_STAMP = DBT_PROJECT_DIR / "target" / ".manifest_sources_sha256"


def prepare_dbt_manifest() -> bool:
    """`dbt parse` writes the manifest Dagster reads its dbt assets from (no database needed);
    skipped when the dbt project is unchanged since the last parse. It parses with the
    pipeline's own profile settings, so the runs that follow reuse its partial-parse state.
    Returns whether it parsed."""
    digest = dbt_project_digest()
    settings = load_settings()
    target = DBT_PROJECT_DIR / settings.dbt_target_path  # one manifest per engine
    manifest, stamp = target / "manifest.json", target / MANIFEST_STAMP.name
    if manifest.exists() and stamp.exists() and stamp.read_text() == digest:
        return False
    subprocess.run(
        [dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        check=True,
        env={**os.environ, **settings.dbt_env()},
    )  # fmt: skip
    stamp.write_text(digest)
    return True


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


def step_error_lines(error) -> list[str]:
    """The problems a failed step reports, one line each: the user's error, not Dagster's
    wrapper around it (\"Error occurred while executing op ...\"), with no stack trace."""
    if error is None:
        return ["failed (no error recorded)"]
    while error.cause is not None and error.cls_name == "DagsterExecutionStepExecutionError":
        error = error.cause
    return problem_lines(error.message)


def run_main_job(
    verbose: bool = False,
    full_refresh: bool = False,
    force: bool = False,
    also_changed: frozenset[str] = frozenset(),
    accept_drop: tuple[str, ...] = (),
) -> RunSummary:
    """Materialize the assets of the `build_warehouse` job on the project's instance.

    Only what changed is rebuilt. When nothing landed and nothing changed since the last
    published build, only the ingest assets run (they confirm every file is unchanged): no
    model is rebuilt and the published warehouse stays as it is. When files of some extracts
    changed, their ingest assets and everything downstream of them run (with every dbt test
    that reads a rebuilt model), then the publication. A first build, changed code, `force`
    or `full_refresh` rebuild everything; `also_changed` extracts are rebuilt as if their files
    had changed (a retraction changed their rows). Without `verbose`, Dagster's and dbt's logs
    go to the run's log file and nothing but the summary reaches the terminal."""
    ensure_dagster_home()
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.defs.automation import plan_job_run

    published_asset = dg.AssetKey(PUBLISHED_ASSET_PATH)
    job = defs.resolve_job_def(JOB_NAME)
    settings = load_settings()
    # planned before the run: a file landing during the run is seen by the next one
    plan = plan_job_run(
        settings,
        defs.resolve_asset_graph(),
        rebuild_all=force or full_refresh,
        also_changed=also_changed,
    )
    noop = plan.noop
    if plan.assets is not None:
        job = job.get_subset(asset_selection=plan.assets, asset_check_selection=plan.checks)
    tags = {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}
    if accept_drop:  # read by the volume checks (orchestration/operations/volume.py)
        tags[ACCEPT_TAG] = ",".join(accept_drop)
    if not noop:  # recorded as the last publication when the run publishes
        tags[PLAN_TAG] = save_plan(settings, plan)
    log_path = settings.build_dir / "logs" / "last_build.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        instance = stack.enter_context(dg.DagsterInstance.get())
        recover_abandoned_runs(instance)
        # listed under the job in the UI, like the runs it launches itself
        stack.enter_context(runs_in_location(instance, JOB_NAME, defs.get_repository_def().name))
        if not verbose:
            # dagster-dbt echoes every dbt log line to stdout, and Dagster logs (stack traces
            # included) to stderr: keep both in the run's log file instead
            log = stack.enter_context(log_path.open("w"))
            stack.enter_context(contextlib.redirect_stdout(log))
            stack.enter_context(contextlib.redirect_stderr(log))
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={
                **(VERBOSE_LOGS if verbose else FILE_LOGS),
                **({} if noop else {"ops": {DBT_OP: {"config": {"full_refresh": full_refresh}}}}),
            },
            tags=tags,
        )
        summary = RunSummary(
            result.run_id,
            result.success,
            log_path=str(log_path),
            noop=noop,
            rebuilt_for=sorted(plan.changed) if plan.changed else None,
        )
        for evaluation in result.get_asset_check_evaluations():
            name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            (summary.checks_passed if evaluation.passed else summary.checks_failed).append(name)
            if not evaluation.passed and evaluation.check_name == VOLUME_CHECK:
                summary.problems.append(evaluation.description)  # the table and its drop
        for event in result.all_events:
            if event.is_step_failure:
                lines = step_error_lines(event.step_failure_data.error)
                summary.step_failures.append(f"{event.step_key}: {lines[0]}")
                summary.problems += lines
        summary.materialized = [
            event.asset_key.to_user_string()
            for event in result.all_events
            if event.is_step_materialization
        ]
        summary.published = published_asset.to_user_string() in summary.materialized
    summary.rejects, summary.warnings = quarantine_and_warnings(settings, summary.run_id)
    return summary


def quarantine_and_warnings(settings, run_id: str) -> tuple[list, list[str]]:
    """The rows quarantined in the build file, and the warnings of the files this run loaded
    (a last line without a newline, say), read from the ledger once the run let the file go."""
    import duckdb

    from orchestration.landing.loading.ledger import LEDGER_TABLE
    from orchestration.landing.rejects import quarantined
    from orchestration.operations.writer import WriterBusy, build_connection
    from orchestration.problems import Problem, one_line

    if not settings.build_db.exists():
        return [], []
    try:
        with build_connection(settings, timeout_seconds=30) as con:
            recorded = con.execute(
                f"select warnings from {LEDGER_TABLE} where run_id = ? and warnings is not null "
                "order by source_file",
                [run_id],
            ).fetchall()
            warnings = [str(Problem(**w)) for (text,) in recorded for w in json.loads(text)]
            return quarantined(con), warnings
    except (duckdb.Error, WriterBusy) as error:  # a process of the failed run still holds it
        return [], [f"quarantine not read: {one_line(str(error))}"]
