"""Reading the published warehouse, read-only."""

from __future__ import annotations

from pathlib import Path

import duckdb


def published_rows(path: Path) -> dict[str, int]:
    if path.is_dir():  # the Spark engine's publication: <mart>/*.parquet
        from orchestration.lib.spark import parquet_mart_rows

        return parquet_mart_rows(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("select mart, row_count from _meta.publication order by mart").fetchall()
    finally:
        con.close()
    return dict(rows)


def publication(path: Path) -> tuple | None:
    """(published_at, run_id) of the published file, or None when nothing is published."""
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "select max(published_at), any_value(run_id) from _meta.publication"
        ).fetchall()
    finally:
        con.close()
    return rows[0]


def last_run(job_name: str = "build_warehouse") -> dict | None:
    """The latest run of the job on the project's Dagster instance, with its check outcomes."""
    import dagster as dg

    from orchestration.settings import ensure_dagster_home

    ensure_dagster_home()
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(dg.RunsFilter(job_name=job_name), limit=1)
        if not runs:
            return None
        run = runs[0]
        stats = instance.get_run_stats(run.run_id)
        passed, failed = [], []
        for record in instance.all_logs(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ):
            evaluation = record.dagster_event.event_specific_data
            name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            (passed if evaluation.passed else failed).append(name)
        return {
            "run_id": run.run_id,
            "status": run.status.value,
            "started": stats.start_time,
            "ended": stats.end_time,
            "checks_passed": passed,
            "checks_failed": failed,
        }
