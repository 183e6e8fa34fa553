"""Failure alerts: the sensor that reports every failed run (orchestration/operations/alerts.py)."""

import dagster as dg

from orchestration.operations.alerts import deliver, failure_alert
from orchestration.settings import alert_webhook, load_settings, ui_url


@dg.run_failure_sensor(default_status=dg.DefaultSensorStatus.RUNNING)
def failed_run_alert(context: dg.RunFailureSensorContext):
    """Reports each failed run once: job, run id, the failing step and the first line of its
    error, with a link to the run. Always appended to the alerts log in the build folder
    (logs/alerts.jsonl); also POSTed as JSON to COOP_ALERT_WEBHOOK when it is set."""
    failures = [
        (
            event.step_key or "(run)",
            error.message if (error := event.step_failure_data.error) else None,
        )
        for event in context.get_step_failure_events()
    ]
    run = context.dagster_run
    alert = failure_alert(
        run.job_name, run.run_id, failures, context.failure_event.message or "", ui_url()
    )
    error = deliver(alert, load_settings().alerts_log, alert_webhook())
    if error:
        context.log.warning(f"{error}; the alert is in {load_settings().alerts_log}")
