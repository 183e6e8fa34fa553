"""Fetching: the asset that polls the newsrooms, its job and its hourly schedule.

The asset lands new documents under raw/documents/ (orchestration/documents/fetching/); the
landed-files sensor then starts one run of the main job for all of them. It is not part of
the main job, which never needs the network: `coop fetch`, this job, or `make build
COOP_FETCH=1` run it. The schedule is off unless COOP_FETCH=1 is set where the daemon runs.
A source that fails is a warning in the run's log, and the run's alert (operations/alerts.py)
lists the failing sources; each source has a freshness check that warns when it has been
silent or failing longer than its expected interval.
"""

import datetime as dt
import os
import re
from pathlib import Path

import dagster as dg

from orchestration.documents.fetching.sources import SOURCES_FILE, SourcesError, load_sources
from orchestration.operations.alerts import FailureAlert, deliver, one_line_reason
from orchestration.settings import alert_webhook, load_settings, ui_url

FETCH_KEY = dg.AssetKey(["fetch", "documents"])


def sources_file() -> Path:
    return Path(os.environ.get("COOP_FETCH_SOURCES") or SOURCES_FILE)


def check_name(source: str) -> str:
    return "fresh_" + re.sub(r"\W", "_", source)


def _source_names() -> list[str]:
    try:
        return [s.name for s in load_sources(sources_file())]
    except SourcesError:
        return []  # the asset itself fails with the file's error, line and column


DECLARED = _source_names()


@dg.asset(
    key=FETCH_KEY,
    group_name="fetch",
    kinds={"python"},
    owners=["team:warehouse"],
    check_specs=[
        dg.AssetCheckSpec(check_name(n), asset=FETCH_KEY, blocking=False) for n in _source_names()
    ],  # fmt: skip
)
def fetch_documents(context: dg.AssetExecutionContext):
    """New documents of the enabled sources of sources.yaml (COOP_FETCH_SOURCES names
    another file), landed under raw/documents/<folder>/ with their front matter and grade."""
    from orchestration.documents.fetching.poll import Poller

    settings = load_settings()
    sources = load_sources(sources_file())
    result = Poller(settings.raw_dir).poll(sources)
    for line in result.failures + result.warnings:
        context.log.warning(line)
    for line in result.notes:
        context.log.info(line)
    if result.failures:
        alert = FailureAlert(
            job=context.run.job_name, run_id=context.run.run_id, step="fetch/documents",
            reason=one_line_reason(f"{len(result.failures)} source(s) failed: "
                                   + "; ".join(result.failures)),
            run_url=f"{ui_url().rstrip('/')}/runs/{context.run.run_id}",
            at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )  # fmt: skip
        deliver(alert, settings.alerts_log, alert_webhook())
    stale = {line.split(":", 1)[0]: line for line in result.warnings}
    yield dg.MaterializeResult(
        metadata={
            "landed": len(result.landed),
            "unchanged_sources": len(result.unchanged),
            "failed": len(result.failures),
            "requests": result.requests,
            "documents": "\n".join(result.landed)[:4000] or "(none)",
        },  # fmt: skip
        # one result per check declared when the code location loaded (a source added since
        # gets its check at the next reload)
        check_results=[
            dg.AssetCheckResult(
                check_name=check_name(name),
                passed=name not in stale,
                severity=dg.AssetCheckSeverity.WARN,
                description=stale.get(name, "fresh"),
            )  # fmt: skip
            for name in DECLARED
        ],
    )


fetch_documents_job = dg.define_asset_job(
    name="fetch_documents",
    selection=dg.AssetSelection.assets(FETCH_KEY),
    executor_def=dg.in_process_executor,
    description="Poll the newsrooms of sources.yaml and land their new documents.",
)


@dg.schedule(
    job=fetch_documents_job,
    cron_schedule="17 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING
    if os.environ.get("COOP_FETCH") == "1"
    else dg.DefaultScheduleStatus.STOPPED,
)
def fetch_documents_hourly(context: dg.ScheduleEvaluationContext):
    """Poll every hour, at a quarter past (a quiet minute for the newsrooms' servers)."""
    return dg.RunRequest()
