"""Housekeeping: finished runs purged past their bound, the build folder kept within bounds."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import dagster as dg
import yaml

from orchestration.defs.housekeeping import housekeeping
from orchestration.operations.housekeeping import LEFTOVER_AGE_S, Retention, prune_files, purge_runs
from orchestration.settings import load_settings
from tests.conftest import PROJECT_ROOT


@dg.op
def say() -> None:
    print("a line for the step's captured log")


@dg.job
def small():
    say()


def finished_runs(instance: dg.DagsterInstance, count: int) -> list[str]:
    return [small.execute_in_process(instance=instance).run_id for _ in range(count)]


def test_finished_runs_past_the_bound_go_with_their_logs_and_a_going_run_stays():
    with dg.instance_for_test() as instance:
        done = finished_runs(instance, 2)
        going = instance.create_run_for_job(small, status=dg.DagsterRunStatus.STARTED).run_id
        logs = Path(instance.compute_log_manager._base_dir)  # where the step logs are written
        assert (logs / done[0]).is_dir()
        assert purge_runs(instance, older_than_days=90) == []  # all younger than 90 days
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=91)
        assert sorted(purge_runs(instance, older_than_days=90, now=later)) == sorted(done)
        assert [r.run_id for r in instance.get_runs()] == [going]
        assert not (logs / done[0]).exists()
        assert instance.all_logs(done[0]) == []


def test_the_housekeeping_job_purges_on_the_instance_it_runs_on(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("COOP_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    with dg.instance_for_test() as instance:
        done = finished_runs(instance, 2)
        result = housekeeping.execute_in_process(
            instance=instance,
            run_config={"ops": {"tidy_up": {"config": {"run_days": 0}}}},
        )
        assert result.success
        assert {r.run_id for r in instance.get_runs()} == {result.run_id}
        assert not set(done) & {r.run_id for r in instance.get_runs()}


def test_the_build_folder_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("COOP_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    settings = load_settings()
    now = time.time()
    target = tmp_path / "target"
    runs = []
    for i in range(5):  # dbt's folder of each run, the newest last
        folder = target / f"cooperation_dbt_assets-{i:07d}-abc1234"
        folder.mkdir(parents=True)
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, (now - 100 + i, now - 100 + i))
        runs.append(folder)
    (target / "manifest.json").write_text("{}")
    settings.parquet_dir.mkdir(parents=True)
    old_staging = settings.parquet_dir.with_name(".marts.tmp-123")
    new_staging = settings.parquet_dir.with_name(".marts.old-456")
    settings.temp_dir.mkdir(parents=True)
    spill = settings.temp_dir / "spill.tmp"
    for path in (old_staging, new_staging, spill):
        path.mkdir() if path.suffix != ".tmp" else path.write_text("x")
    for path in (old_staging, spill):
        os.utime(path, (now - LEFTOVER_AGE_S - 60, now - LEFTOVER_AGE_S - 60))
    settings.alerts_log.parent.mkdir(parents=True)
    settings.alerts_log.write_text("".join(f'{{"n": {n}}}\n' for n in range(7)))

    removed = prune_files(settings, Retention(dbt_targets=2, alert_lines=3), target, now)

    assert sorted(p.name for p in target.iterdir()) == sorted(
        ["manifest.json", runs[3].name, runs[4].name]
    )
    assert not old_staging.exists() and not spill.exists() and new_staging.exists()
    assert settings.alerts_log.read_text().splitlines() == ['{"n": 4}', '{"n": 5}', '{"n": 6}']
    assert set(removed) == {*runs[:3], old_staging, spill, settings.alerts_log}
    assert prune_files(settings, Retention(dbt_targets=2, alert_lines=3), target, now) == []


def test_ticks_have_a_retention_in_the_instance_settings():
    config = yaml.safe_load((PROJECT_ROOT / ".dagster_home" / "dagster.yaml").read_text())
    retention = config["retention"]
    assert retention["schedule"]["purge_after_days"] > 0
    sensor = retention["sensor"]["purge_after_days"]
    assert all(days > 0 for days in sensor.values()), sensor
    from dagster._core.scheduler.instigation import InstigatorType, TickStatus

    # the instance accepts the settings and reads them as days per tick status
    with dg.instance_for_test(overrides={"retention": retention}) as instance:
        kept = instance.get_tick_retention_settings(InstigatorType.SENSOR)
    assert kept[TickStatus.SKIPPED] == sensor["skipped"]
    assert kept[TickStatus.SUCCESS] == sensor["success"]
