"""The daily housekeeping job: old runs purged, the build folder bounded."""

import dagster as dg

from orchestration.operations.housekeeping import Retention, prune_files, purge_runs
from orchestration.settings import load_settings


class HousekeepingConfig(dg.Config):
    """How much history to keep; the Launchpad can lower or raise it for one run."""

    run_days: int = Retention.run_days
    dbt_targets: int = Retention.dbt_targets
    alert_lines: int = Retention.alert_lines


@dg.op
def tidy_up(context: dg.OpExecutionContext, config: HousekeepingConfig) -> None:
    """Deletes the runs that ended more than `run_days` ago (events and step logs), dbt's
    target folders but the newest `dbt_targets`, alerts but the last `alert_lines`, and the
    leftovers of runs killed mid-way."""
    retention = Retention(config.run_days, config.dbt_targets, config.alert_lines)
    deleted = purge_runs(context.instance, retention.run_days)
    removed = prune_files(load_settings(), retention)
    context.log.info(f"deleted {len(deleted)} runs; removed {len(removed)} files or folders")


@dg.job(executor_def=dg.in_process_executor)
def housekeeping():
    """Keep the instance and the build folder within their bounds (see tidy_up)."""
    tidy_up()


housekeeping_schedule = dg.ScheduleDefinition(
    job=housekeeping,
    cron_schedule="30 4 * * *",  # before the daily build at 05:00
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
