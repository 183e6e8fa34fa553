"""Reading the published warehouse, read-only."""

from __future__ import annotations

from pathlib import Path

from orchestration.analyst.querying import connect_published


def published_rows(path: Path) -> dict[str, int]:
    if path.is_dir():  # the Spark engine's publication: <mart>/*.parquet
        from orchestration.engines.spark_handoff import parquet_mart_rows

        return parquet_mart_rows(path)
    con = connect_published(path)
    try:
        rows = con.execute("select mart, row_count from _meta.publication order by mart").fetchall()
    finally:
        con.close()
    return dict(rows)


def publication(path: Path) -> tuple | None:
    """(published_at, run_id, newest_fact_at) of the published file (UTC), or None when
    nothing is published."""
    if not path.exists():
        return None
    con = connect_published(path)
    try:
        columns = {row[0] for row in con.execute("describe _meta.publication").fetchall()}
        # a file published before newest_fact_at was recorded has none to give
        newest = "max(newest_fact_at)" if "newest_fact_at" in columns else "null"
        rows = con.execute(
            f"select max(published_at), any_value(run_id), {newest} from _meta.publication"
        ).fetchall()
    finally:
        con.close()
    return rows[0]


def _checks(instance, run_id: str) -> tuple[list[str], list[str]]:
    import dagster as dg

    passed, failed = [], []
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.dagster_event.event_specific_data
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        (passed if evaluation.passed else failed).append(name)
    return passed, failed


def _details(instance, run) -> dict:
    stats = instance.get_run_stats(run.run_id)
    passed, failed = _checks(instance, run.run_id)
    return {
        "run_id": run.run_id,
        "status": run.status.value,
        "started": stats.start_time,
        "ended": stats.end_time,
        "checks_passed": passed,
        "checks_failed": failed,
    }


def last_run(job_name: str = "build_warehouse") -> dict | None:
    """The latest run of the job on the project's Dagster instance, with its check outcomes."""
    import dagster as dg

    from orchestration.settings import ensure_dagster_home

    ensure_dagster_home()
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(dg.RunsFilter(job_name=job_name), limit=1)
        return _details(instance, runs[0]) if runs else None


def run_by_id(run_id: str) -> dict | None:
    """One run with its check outcomes (the run that built the published version, say); None
    when the instance does not hold it (run history purged, or another instance)."""
    import dagster as dg

    from orchestration.settings import ensure_dagster_home

    ensure_dagster_home()
    with dg.DagsterInstance.get() as instance:
        run = instance.get_run_by_id(run_id)
        return _details(instance, run) if run else None


def stale_extract_lines(raw_dir: Path) -> list[str]:
    """One line per stale extract, for `coop status`: when its newest file landed, and the
    interval within which its contract expects a change."""
    from orchestration.operations.freshness import stale_extracts

    lines = []
    for age in stale_extracts(raw_dir):
        landed = f"{age.last_changed:%Y-%m-%d %H:%M} UTC" if age.last_changed else "never"
        lines.append(
            f"{age.extract}: newest file landed {landed}, "
            f"expected every {age.expected_change.days} days"
        )
    return lines
