"""The main job, its daily schedule, and the sensor that runs it when files land."""

import json

import dagster as dg

from orchestration.defs.dbt import checks_reading
from orchestration.defs.fetching import FETCH_KEY
from orchestration.defs.freshness import FRESHNESS_CHECK_KEYS, freshness_checks
from orchestration.landing.sensing import changed_files, fingerprint, landing_zone_listing
from orchestration.operations.planning import PLAN_TAG, plan_run, save_plan
from orchestration.settings import load_settings

# The sample is small: one process avoids a subprocess start-up per step (toolchain.md),
# and the writer pool serialises DuckDB writers anyway.
build_warehouse_job = dg.define_asset_job(
    name="build_warehouse",
    # the freshness checks run on their own sensor: a build is never held by a stale extract
    # fetching needs the network and runs on its own job (defs/fetching.py)
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.checks(*freshness_checks)
    - dg.AssetSelection.assets(FETCH_KEY),
    executor_def=dg.in_process_executor,
    description="Load every landed extract, build and test the dbt models, publish the warehouse.",
)


def plan_job_run(settings, graph, **options):
    """What the main job must rebuild (operations/planning.py), with the dbt tests that read a
    rebuilt asset and without the freshness checks, which run on their own sensor."""
    return plan_run(settings, graph, checks_reading, FRESHNESS_CHECK_KEYS, **options)


def planned_request(
    context: dg.SensorEvaluationContext | dg.ScheduleEvaluationContext,
    tags: dict[str, str],
    run_key: str | None = None,
    rebuild_all: bool = False,
    listing: dict[str, list[int]] | None = None,
) -> dg.RunRequest | dg.SkipReason:
    """A run of what changed since the last publication (see plan_job_run), its
    plan saved for the run to record when it publishes."""
    settings = load_settings()
    graph = context.repository_def.asset_graph
    plan = plan_job_run(settings, graph, rebuild_all=rebuild_all, listing=listing)
    if plan.noop:
        return dg.SkipReason("every landed file is as the last publication was built from")
    return dg.RunRequest(
        run_key=run_key,
        tags={**tags, PLAN_TAG: save_plan(settings, plan)},
        asset_selection=sorted(plan.assets) if plan.assets is not None else None,
        asset_check_keys=sorted(plan.checks) if plan.checks is not None else None,
    )


@dg.schedule(
    job=build_warehouse_job,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def daily_build(context: dg.ScheduleEvaluationContext):
    """Rebuild everything and republish every day at 05:00 UTC, landed files or not."""
    return planned_request(context, tags={}, rebuild_all=True)


@dg.sensor(
    job=build_warehouse_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landed_files_sensor(context: dg.SensorEvaluationContext):
    """Requests a run when a file under raw/ is new, changed or removed: of the extracts whose
    files changed since the last publication and what depends on them. It lists names, sizes
    and modification times only; it never opens a file's content or DuckDB."""
    current = landing_zone_listing(load_settings().raw_dir)
    previous = json.loads(context.cursor) if context.cursor else {}
    changes = changed_files(previous, current)
    if not changes:
        return dg.SkipReason("nothing new under raw/")
    context.update_cursor(json.dumps(current, sort_keys=True))
    tags = {"coop/changed_files": ", ".join(changes)[:1000]}
    # planned from the listing the cursor keeps, so the request and the cursor agree
    return planned_request(context, tags, run_key=fingerprint(current), listing=current)
