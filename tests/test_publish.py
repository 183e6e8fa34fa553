"""Write-audit-publish on temporary DuckDB files: atomic, audited, readers undisturbed."""

from __future__ import annotations

import hashlib
import shutil
import stat
import time

import duckdb
import pytest

from orchestration.publication import publish as publish_module
from orchestration.publication.publish import (
    AuditFailed,
    exchange_paths,
    publish,
    remove_stale_temporaries,
    swap_folder,
)
from orchestration.settings import load_settings


@pytest.fixture
def settings(tmp_path):
    settings = load_settings(
        {"COOP_RAW_DIR": str(tmp_path / "raw"), "COOP_WAREHOUSE_DIR": str(tmp_path / "wh")}
    )
    settings.build_dir.mkdir(parents=True)
    return settings


def build_marts(settings, rows: int) -> None:
    con = duckdb.connect(str(settings.build_db))
    con.execute("create schema if not exists marts")
    con.execute(
        "create or replace table marts.dim_x as select range as x_key from range(?)", [rows]
    )
    con.execute("create or replace view marts.x_view as select * from marts.dim_x")
    con.close()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parquet_rows(settings, mart: str) -> list[tuple]:
    """Every row of a mart's Parquet folder, sorted."""
    files = str(settings.parquet_dir / mart / "*.parquet")
    return duckdb.execute("select * from read_parquet(?) order by all", [files]).fetchall()


def load_fact_batch(settings, loaded_at: str, events: list[int]) -> None:
    """Rows of one load batch into an incremental-style fact, as dbt's delete+insert does."""
    con = duckdb.connect(str(settings.build_db))
    con.execute("create schema if not exists marts")
    con.execute(
        "create table if not exists marts.fct_y (y_key BIGINT, label VARCHAR, _loaded_at TIMESTAMP)"
    )
    con.execute("delete from marts.fct_y where y_key in (select unnest(?))", [events])
    con.execute(
        "insert into marts.fct_y "
        "select e, 'event ' || e, cast(? as timestamp) from unnest(?) as t(e)",
        [loaded_at, events],
    )
    con.close()


def batch_files(settings, mart: str) -> dict[str, int]:
    """File name -> inode of a mart's Parquet folder."""
    return {p.name: p.stat().st_ino for p in (settings.parquet_dir / mart).glob("*.parquet")}


def mart_rows(settings, mart: str) -> list[tuple]:
    con = duckdb.connect(str(settings.published_db), read_only=True)
    try:
        return con.execute(f"select * from marts.{mart} order by all").fetchall()
    finally:
        con.close()


def test_publish_copies_the_marts_stamps_the_publication_and_exports_parquet(settings):
    build_marts(settings, 3)
    publication = publish(settings, ["dim_x"], run_id="run-1")
    con = duckdb.connect(str(settings.published_db), read_only=True)
    assert con.execute("select count(*) from marts.dim_x").fetchall() == [(3,)]
    # the view was compiled against the same catalog name, so it resolves in the copy
    assert con.execute("select count(*) from marts.x_view").fetchall() == [(3,)]
    assert con.execute("select run_id, mart, row_count from _meta.publication").fetchall() == [
        ("run-1", "dim_x", 3)
    ]
    con.close()
    assert publication.mart_rows == {"dim_x": 3}
    assert parquet_rows(settings, "dim_x") == [(0,), (1,), (2,)]
    mode = settings.published_db.stat().st_mode
    assert not mode & stat.S_IWOTH and not mode & stat.S_IWGRP


def test_a_failed_audit_leaves_the_published_file_untouched(settings):
    build_marts(settings, 3)
    publish(settings, ["dim_x"], run_id="run-1")
    before = digest(settings.published_db)
    build_marts(settings, 5)
    with pytest.raises(AuditFailed, match="dim_missing"):
        publish(settings, ["dim_x", "dim_missing"], run_id="run-2")
    assert digest(settings.published_db) == before
    assert list(settings.warehouse_dir.glob(".cooperation.duckdb.tmp-*")) == []


def test_a_copy_that_differs_from_the_build_is_not_published_nor_its_parquet(settings, monkeypatch):
    """The copy is audited against the build while the Parquet export runs beside it: when the
    copy is wrong, neither the file nor the export replaces what analysts have."""
    build_marts(settings, 3)
    publish(settings, ["dim_x"], run_id="run-1")
    before = digest(settings.published_db)
    exported = batch_files(settings, "dim_x")
    build_marts(settings, 5)
    real_copy = shutil.copyfile

    def copy_losing_a_row(source, target):
        real_copy(source, target)
        con = duckdb.connect(str(target))
        con.execute("delete from marts.dim_x where x_key = 4")
        con.close()

    monkeypatch.setattr(publish_module.shutil, "copyfile", copy_losing_a_row)
    with pytest.raises(AuditFailed, match="differ from the build"):
        publish(settings, ["dim_x"], run_id="run-2")
    assert digest(settings.published_db) == before
    assert batch_files(settings, "dim_x") == exported
    assert parquet_rows(settings, "dim_x") == [(0,), (1,), (2,)]
    assert list(settings.warehouse_dir.glob(".cooperation.duckdb.tmp-*")) == []
    assert list(settings.parquet_dir.parent.glob(".marts.tmp-*")) == []


def test_a_failed_export_leaves_no_staging_and_publishes_nothing(settings, monkeypatch):
    build_marts(settings, 3)
    publish(settings, ["dim_x"], run_id="run-1")
    before = digest(settings.published_db)
    build_marts(settings, 5)

    def a_full_disk(con, mart):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish_module, "parquet_batches", a_full_disk)
    with pytest.raises(OSError, match="No space left"):
        publish(settings, ["dim_x"], run_id="run-2")
    assert digest(settings.published_db) == before
    assert parquet_rows(settings, "dim_x") == [(0,), (1,), (2,)]
    assert list(settings.warehouse_dir.glob(".cooperation.duckdb.tmp-*")) == []
    assert list(settings.parquet_dir.parent.glob(".marts.tmp-*")) == []


def test_a_reader_opened_before_publishing_keeps_its_version_and_a_new_one_sees_the_next(settings):
    build_marts(settings, 3)
    publish(settings, ["dim_x"], run_id="run-1")
    reader = duckdb.connect(str(settings.published_db), read_only=True)
    build_marts(settings, 7)
    publish(settings, ["dim_x"], run_id="run-2")
    assert reader.execute("select count(*) from marts.dim_x").fetchall() == [(3,)]
    reader.close()
    fresh = duckdb.connect(str(settings.published_db), read_only=True)
    assert fresh.execute("select count(*) from marts.dim_x").fetchall() == [(7,)]
    fresh.close()


def test_the_replaced_publication_is_removed_after_the_swap(settings):
    build_marts(settings, 3)
    publish(settings, ["dim_x"], run_id="run-1")
    first = settings.published_db.stat().st_ino
    build_marts(settings, 7)
    publish(settings, ["dim_x"], run_id="run-2")
    assert settings.published_db.stat().st_ino != first
    # a thread drops the replaced file's last name: wait for it, boundedly
    deadline = time.monotonic() + 10
    while list(settings.warehouse_dir.glob(".cooperation.duckdb.retired-*")):
        assert time.monotonic() < deadline, "the replaced publication was never removed"
        time.sleep(0.05)
    # the published file, its Parquet copies and the build folder (inside, in this fixture)
    names = sorted(p.name for p in settings.warehouse_dir.iterdir())
    assert names == ["build", "cooperation.duckdb", "parquet"]


def test_leftovers_of_a_killed_publish_are_removed_by_the_next(settings):
    build_marts(settings, 2)
    leftover = settings.warehouse_dir / ".cooperation.duckdb.tmp-99999"
    leftover.write_bytes(b"half a file")
    cut_short = settings.warehouse_dir / ".cooperation.duckdb.retired-99999-1"
    cut_short.write_bytes(b"a replaced publication")
    assert remove_stale_temporaries(settings.warehouse_dir) == [leftover, cut_short]
    half_export = settings.parquet_dir.with_name(".marts.tmp-99999") / "dim_x"
    half_export.mkdir(parents=True)
    (half_export / "all-0.parquet").write_bytes(b"half a file")
    publish(settings, ["dim_x"], run_id="run-1")
    assert not leftover.exists()
    assert not half_export.parent.exists()


def test_parquet_has_one_file_per_load_batch_and_links_the_batches_already_published(settings):
    load_fact_batch(settings, "2026-01-01 08:00:00.123456", [1, 2, 3])
    load_fact_batch(settings, "2026-01-02 08:00:00", [4, 5])
    first = publish(settings, ["fct_y"], run_id="run-1")
    assert (first.parquet_written, first.parquet_linked) == (2, 0)
    before = batch_files(settings, "fct_y")
    assert len(before) == 2
    assert parquet_rows(settings, "fct_y") == mart_rows(settings, "fct_y")

    load_fact_batch(settings, "2026-01-03 08:00:00", [6])
    second = publish(settings, ["fct_y"], run_id="run-2")
    after = batch_files(settings, "fct_y")
    assert (second.parquet_written, second.parquet_linked) == (1, 2)
    # the two earlier batches are the very same files (hard links), the new one is new
    assert {name: after[name] for name in before} == before
    assert len(after) == 3
    assert parquet_rows(settings, "fct_y") == mart_rows(settings, "fct_y")


def test_a_batch_that_changed_since_the_last_publication_is_written_again(settings):
    load_fact_batch(settings, "2026-01-01 08:00:00", [1, 2, 3])
    load_fact_batch(settings, "2026-01-02 08:00:00", [4, 5])
    publish(settings, ["fct_y"], run_id="run-1")
    con = duckdb.connect(str(settings.build_db))
    # a full refresh with new logic: same batches, same row counts, other values
    con.execute("update marts.fct_y set label = upper(label) where y_key = 2")
    con.close()
    changed = publish(settings, ["fct_y"], run_id="run-2")
    assert (changed.parquet_written, changed.parquet_linked) == (1, 1)
    assert ("2", "EVENT 2") in {(str(k), v) for k, v, _ in parquet_rows(settings, "fct_y")}
    # a row gone upstream: the batch shrinks and is written again
    con = duckdb.connect(str(settings.build_db))
    con.execute("delete from marts.fct_y where y_key = 4")
    con.close()
    shrunk = publish(settings, ["fct_y"], run_id="run-3")
    assert (shrunk.parquet_written, shrunk.parquet_linked) == (1, 1)
    assert parquet_rows(settings, "fct_y") == mart_rows(settings, "fct_y")
    assert len(batch_files(settings, "fct_y")) == 2


def test_an_empty_mart_still_gets_a_parquet_file_with_its_columns(settings):
    build_marts(settings, 0)
    publish(settings, ["dim_x"], run_id="run-1")
    files = str(settings.parquet_dir / "dim_x" / "*.parquet")
    described = duckdb.execute("describe select * from read_parquet(?)", [files]).fetchall()
    assert [row[0] for row in described] == ["x_key"]
    assert parquet_rows(settings, "dim_x") == []


def test_swapping_a_folder_exchanges_it_in_one_step_and_removes_the_old_one(tmp_path):
    """On Linux the published folder is never absent, not even between two renames: the new
    folder and the old one trade places in one renameat2 call."""
    target, staging = tmp_path / "atlas", tmp_path / ".atlas.tmp"
    for folder, text in ((target, "old"), (staging, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text)
    assert exchange_paths(staging, target) is True
    assert (target / "index.html").read_text() == "new"
    assert (staging / "index.html").read_text() == "old"
    swap_folder(staging, target)  # back again, through the public function
    assert (target / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas"]
    fresh = tmp_path / ".fresh"
    fresh.mkdir()
    swap_folder(fresh, tmp_path / "docs")  # nothing to replace: a plain rename
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas", "docs"]
