"""The Spark engine's plain parts, without a JVM: the engine setting, the Java check, the raw
tables' hand-off, the Parquet publication and the parity fingerprints."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.engines.parity import differences, duckdb_marts, parquet_marts
from orchestration.engines.spark_handoff import (
    JAVA_PACKAGE,
    JavaMissing,
    hand_off_raw_tables,
    publish_spark_marts,
    require_java,
)
from orchestration.settings import PROJECT_ROOT, SettingsError, load_settings


def test_the_engine_is_a_setting_with_duckdb_as_default(tmp_path):
    base = {"COOP_WAREHOUSE_DIR": str(tmp_path)}
    duck = load_settings(base)
    assert (duck.engine, duck.dbt_target, duck.dbt_target_path) == ("duckdb", "build", "target")
    assert duck.publication == tmp_path / "cooperation.duckdb"
    spark = load_settings({**base, "COOP_ENGINE": "Spark"})
    assert (spark.engine, spark.dbt_target, spark.dbt_target_path) == (
        "spark",
        "spark",
        "target_spark",
    )
    assert spark.build_dir == tmp_path / "build" / "spark"  # never the DuckDB engine's
    assert spark.publication == tmp_path / "engines" / "spark" / "marts"
    thrift = load_settings({**base, "COOP_ENGINE": "spark", "COOP_SPARK_METHOD": "thrift"})
    assert thrift.dbt_target == "spark_thrift"
    env = spark.dbt_env()
    assert env["DBT_TARGET"] == "spark" and env["SPARK_LOCAL_IP"] == "127.0.0.1"
    assert env["COOP_SPARK_HANDOFF_DIR"] == str(spark.handoff_dir)


@pytest.mark.parametrize(
    ("key", "value"), [("COOP_ENGINE", "postgres"), ("COOP_SPARK_METHOD", "odbc")]
)
def test_an_unknown_engine_or_method_is_refused_by_name(key, value):
    with pytest.raises(SettingsError, match=f"{key}='{value}'"):
        load_settings({"COOP_ENGINE": "spark", key: value})


def test_without_java_the_error_names_the_package(monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(JavaMissing, match=JAVA_PACKAGE):
        require_java()


def test_make_names_the_java_package_when_java_is_missing():
    make = shutil.which("make")
    done = subprocess.run(
        [make, "-s", "java"], cwd=PROJECT_ROOT, env={"PATH": "/nonexistent"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "openjdk-17-jre-headless" in done.stderr


def raw_landing(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("create schema raw_curated")
    con.execute(
        "create table raw_curated.events as select 'ev-' || i as event_id, "
        "'curated/events/a.ndjson' as _source_file, i as _source_line, "
        "timestamp '2026-12-01 10:00:00' as _loaded_at from range(3) t(i)"
    )
    con.execute("create table raw_curated.events__rejects (line bigint, reason varchar)")
    return con


def test_hand_off_writes_each_raw_table_once_until_it_changes(tmp_path):
    con = raw_landing(tmp_path / "build.duckdb")
    handoff = tmp_path / "handoff"
    assert hand_off_raw_tables(con, handoff) == {"raw_curated.events": "written"}
    part = handoff / "raw_curated" / "events" / "data.parquet"
    assert con.execute(f"select count(*) from '{part}'").fetchone() == (3,)
    assert hand_off_raw_tables(con, handoff) == {"raw_curated.events": "unchanged"}
    con.execute("delete from raw_curated.events where event_id = 'ev-0'")  # a file withdrawn
    assert hand_off_raw_tables(con, handoff) == {"raw_curated.events": "written"}
    assert con.execute(f"select count(*) from '{part}'").fetchone() == (2,)
    assert not list(handoff.glob("raw_curated/.*"))  # no temporary folder left


def test_a_raw_table_without_load_times_is_handed_off_when_any_value_changes(tmp_path):
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    # the linker's tables carry no _loaded_at: a relink can change a value, not the row count
    con.execute("create schema raw_linking")
    con.execute("create table raw_linking.linked_documents (document_id varchar, n int)")
    con.execute("insert into raw_linking.linked_documents values ('d1', 3), ('d2', 1)")
    handoff = tmp_path / "handoff"
    assert hand_off_raw_tables(con, handoff) == {"raw_linking.linked_documents": "written"}
    assert hand_off_raw_tables(con, handoff) == {"raw_linking.linked_documents": "unchanged"}
    con.execute("update raw_linking.linked_documents set n = 4 where document_id = 'd2'")
    assert hand_off_raw_tables(con, handoff) == {"raw_linking.linked_documents": "written"}


def export(folder: Path, mart: str, rows: int) -> None:
    (folder / mart).mkdir(parents=True)
    (folder / mart / "_SUCCESS").write_text("")
    duckdb.sql(f"select range as id from range({rows})").write_parquet(
        str(folder / mart / "part-00000.parquet")
    )


def test_spark_publication_replaces_the_marts_folder_whole(tmp_path):
    marts = tmp_path / "engines" / "spark" / "marts"
    first, second = tmp_path / "first", tmp_path / "second"
    export(first, "dim_a", 2)
    export(first, "fct_b", 5)
    published = publish_spark_marts(first, marts, ["dim_a", "fct_b"])
    assert published.mart_rows == {"dim_a": 2, "fct_b": 5}
    assert sorted(p.name for p in (marts / "dim_a").iterdir()) == ["part-00000.parquet"]

    export(second, "dim_a", 7)  # fct_b missing: nothing changes
    with pytest.raises(RuntimeError, match="fct_b"):
        publish_spark_marts(second, marts, ["dim_a", "fct_b"])
    assert parquet_marts(marts, ["dim_a"])["dim_a"].rows == 2
    export(second, "fct_b", 1)
    assert publish_spark_marts(second, marts, ["dim_a", "fct_b"]).mart_rows["dim_a"] == 7
    assert sorted(p.name for p in marts.parent.iterdir()) == ["marts"]


def test_parity_maps_types_and_sees_one_changed_value(tmp_path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    con.execute(
        "create table marts.m as select i::bigint as n, 'x' || i as s, "
        "timestamp '2026-01-01 00:00:00' as _loaded_at, "
        "timestamp '2025-05-05 12:00:00' as seen_at from range(4) t(i)"
    )
    con.close()
    parquet = tmp_path / "p" / "m"
    parquet.mkdir(parents=True)
    spark_like = (
        "select i::integer as n, 'x' || i as s, timestamptz '2026-02-02 00:00:00+00' as "
        "_loaded_at, timestamptz '2025-05-05 12:00:00+00' as seen_at from range(4) t(i)"
    )
    duckdb.execute("set timezone = 'UTC'")
    duckdb.sql(spark_like).write_parquet(str(parquet / "a.parquet"))
    same = differences(duckdb_marts(db, ["m"]), parquet_marts(tmp_path / "p", ["m"]))
    assert same == {}  # int vs bigint, timestamptz vs timestamp, load times left out
    duckdb.sql(spark_like.replace("'x' || i", "'y' || i")).write_parquet(str(parquet / "a.parquet"))
    changed = differences(duckdb_marts(db, ["m"]), parquet_marts(tmp_path / "p", ["m"]))
    assert changed == {"m": "same row count, different rows"}
