"""The project's Dagster instance storage: Dagster's SQLite files, connections kept open."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.operations import dagster_storage
from orchestration.operations.dagster_storage import KeptOpenSqliteEventLogStorage
from tests.conftest import PROJECT_ROOT


@dg.asset
def counted() -> int:
    return 1


@dg.asset_check(asset=counted)
def counted_is_positive() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def materialize(instance: dg.DagsterInstance) -> str:
    result = dg.materialize([counted, counted_is_positive], instance=instance)
    assert result.success
    return result.run_id


def succeeded_steps(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [e.step_key for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_SUCCESS)]


def test_the_project_instance_keeps_dagsters_files_and_a_plain_sqlite_instance_reads_them(
    home: Path,
) -> None:
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, KeptOpenSqliteEventLogStorage)
        run_id = materialize(instance)
        second = materialize(instance)
    assert (home / "history" / "runs" / f"{run_id}.db").is_file()
    assert (home / "history" / "runs" / "index.db").is_file()
    assert (home / "history" / "runs.db").is_file()
    # Dagster's default storage, as the UI of an older set-up would open the same folder
    plain = home.parent / "plain_home"
    plain.mkdir()
    (plain / "dagster.yaml").write_text(f"storage:\n  sqlite:\n    base_dir: {home}\n")
    with dg.DagsterInstance.from_config(str(plain)) as reader:
        assert {r.run_id for r in reader.get_runs()} == {run_id, second}
        assert succeeded_steps(reader, run_id) == ["counted", "counted_counted_is_positive"]
        latest = reader.get_latest_materialization_event(dg.AssetKey("counted"))
        assert latest is not None and latest.run_id == second
        check = reader.get_latest_asset_check_evaluation_record(
            dg.AssetCheckKey(dg.AssetKey("counted"), "counted_is_positive")
        )
        assert check is not None and check.run_id == second


def test_engines_kept_are_bounded_and_an_evicted_run_is_read_again(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dagster_storage, "KEPT_ENGINES", 3)
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        runs = [materialize(instance) for _ in range(4)]
        assert len(storage._engines) == 3
        assert runs[0] not in storage._engines
        assert succeeded_steps(instance, runs[0]) == ["counted", "counted_counted_is_positive"]
        assert runs[0] in storage._engines and len(storage._engines) == 3


def test_wipe_closes_the_connections_and_removes_the_run_files(home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        run_id = materialize(instance)
        run_file = home / "history" / "runs" / f"{run_id}.db"
        assert run_file.is_file()
        instance.event_log_storage.wipe()
        assert not run_file.exists()
        assert run_id not in instance.event_log_storage._engines
        assert instance.all_logs(run_id) == []
        # and the storage still writes after a wipe
        assert instance.all_logs(materialize(instance))


def test_commits_do_not_wait_for_a_full_sync(home: Path) -> None:
    with dg.DagsterInstance.get() as instance:
        materialize(instance)
        with instance.event_log_storage.index_connection() as conn:
            # 1 = NORMAL: synced at WAL checkpoints; journal stays WAL as Dagster set it
            assert conn.exec_driver_sql("pragma synchronous").scalar() == 1
            assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
    assert os.environ["DAGSTER_HOME"] == str(home)
