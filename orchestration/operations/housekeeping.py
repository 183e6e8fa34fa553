"""Housekeeping for a long life: old runs purged from the instance, the build folder bounded.

What grows with every run, and how far it may:

- the instance's runs (their events and compute logs): runs that ended more than
  `Retention.run_days` ago are deleted (sensor and schedule ticks have their own retention in
  `.dagster_home/dagster.yaml`);
- dbt's target folder of each run (`dbt_project/target/<op>-<run>-<hash>/`, ~6 MB each): the
  newest `Retention.dbt_targets` are kept;
- the alerts log: its last `Retention.alert_lines` alerts are kept;
- leftovers of runs killed mid-way (Parquet staging and replaced folders, DuckDB spill files):
  removed once a day old. Plans of runs that never published are cleared by `save_plan`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings

LEFTOVER_AGE_S = 24 * 3600  # older than any run: nothing still writes it
FINISHED = ("SUCCESS", "FAILURE", "CANCELED")


@dataclass(frozen=True)
class Retention:
    run_days: int = 90
    dbt_targets: int = 10
    alert_lines: int = 1000


def purge_runs(instance, older_than_days: int, now: dt.datetime | None = None) -> list[str]:
    """Delete the runs (with their event logs and compute logs) that ended before the bound;
    a run still queued or going is never touched. Returns the deleted run ids."""
    import dagster as dg

    now = dt.datetime.now(dt.UTC) if now is None else now
    bound = now - dt.timedelta(days=older_than_days)
    ended = [dg.DagsterRunStatus(status) for status in FINISHED]
    records = instance.get_run_records(filters=dg.RunsFilter(statuses=ended, updated_before=bound))
    deleted = []
    for record in records:
        run_id = record.dagster_run.run_id
        instance.delete_run(run_id)  # the run and its events; its step logs are files apart
        instance.compute_log_manager.delete_logs(prefix=[run_id])
        deleted.append(run_id)
    return deleted


def _newest_first(paths: list[Path]) -> list[Path]:
    return sorted(paths, key=lambda p: p.stat().st_mtime, reverse=True)


def _old(path: Path, now_s: float) -> bool:
    return now_s - path.stat().st_mtime > LEFTOVER_AGE_S


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def trim_alerts(log_file: Path, keep: int) -> bool:
    """Keep the last `keep` lines of the alerts log (replaced whole: a reader sees either)."""
    if not log_file.exists():
        return False
    lines = log_file.read_text(encoding="utf-8").splitlines(keepends=True)
    if len(lines) <= keep:
        return False
    temporary = log_file.with_name(f".{log_file.name}.{os.getpid()}")
    temporary.write_text("".join(lines[-keep:]), encoding="utf-8")
    os.replace(temporary, log_file)
    return True


def prune_files(
    settings: Settings,
    retention: Retention,
    dbt_target: Path = DBT_PROJECT_DIR / "target",
    now_s: float | None = None,
) -> list[Path]:
    """Remove what the pipeline no longer needs from its folders; returns what was removed."""
    now_s = time.time() if now_s is None else now_s
    removed: list[Path] = []
    runs = [p for p in dbt_target.glob("*-*-*") if p.is_dir()] if dbt_target.exists() else []
    removed += _newest_first(runs)[retention.dbt_targets :]
    parquet_parent = settings.parquet_dir.parent
    leftovers = [
        *parquet_parent.glob(f".{settings.parquet_dir.name}.tmp-*"),
        *parquet_parent.glob(f".{settings.parquet_dir.name}.old-*"),
        *(settings.temp_dir.iterdir() if settings.temp_dir.exists() else []),
    ]
    removed += [path for path in leftovers if _old(path, now_s)]
    for path in removed:
        _remove(path)
    if trim_alerts(settings.alerts_log, retention.alert_lines):
        removed.append(settings.alerts_log)
    return removed
