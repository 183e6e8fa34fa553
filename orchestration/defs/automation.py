"""The main job, its daily schedule, and the sensor that runs it when files land."""

import json

import dagster as dg

from orchestration.lib.sensing import changed_files, fingerprint, landing_zone_listing
from orchestration.settings import load_settings

# The sample is small: one process avoids ~60 s of subprocess start-up per run (toolchain.md),
# and the writer pool serialises DuckDB writers anyway.
build_warehouse_job = dg.define_asset_job(
    name="build_warehouse",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Load every landed extract, build and test the dbt models, publish the warehouse.",
)

daily_build_schedule = dg.ScheduleDefinition(
    name="daily_build",
    job=build_warehouse_job,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuild and republish every day at 05:00 UTC, landed files or not.",
)


@dg.sensor(
    job=build_warehouse_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landed_files_sensor(context: dg.SensorEvaluationContext):
    """Requests a run when a file under raw/ is new, changed or removed. It lists names, sizes
    and modification times only; it never opens a file's content or DuckDB."""
    current = landing_zone_listing(load_settings().raw_dir)
    previous = json.loads(context.cursor) if context.cursor else {}
    changes = changed_files(previous, current)
    if not changes:
        return dg.SkipReason("nothing new under raw/")
    context.update_cursor(json.dumps(current, sort_keys=True))
    return dg.RunRequest(
        run_key=fingerprint(current),
        tags={"coop/changed_files": ", ".join(changes)[:1000]},
    )
