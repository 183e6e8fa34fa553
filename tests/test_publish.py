"""Write-audit-publish on temporary DuckDB files: atomic, audited, readers undisturbed."""

from __future__ import annotations

import hashlib
import stat

import duckdb
import pytest

from orchestration.lib.publish import AuditFailed, publish, remove_stale_temporaries
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
    assert (settings.parquet_dir / "dim_x.parquet").exists()
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


def test_leftovers_of_a_killed_publish_are_removed_by_the_next(settings):
    build_marts(settings, 2)
    leftover = settings.warehouse_dir / ".cooperation.duckdb.tmp-99999"
    leftover.write_bytes(b"half a file")
    assert remove_stale_temporaries(settings.warehouse_dir) == [leftover]
    publish(settings, ["dim_x"], run_id="run-1")
    assert not leftover.exists()
