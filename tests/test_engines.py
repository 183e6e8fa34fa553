"""The same dbt project on DuckDB and on Spark (dbt-spark, `method: session`): both engines build
the sample extracts through the same Dagster job (DuckDB's first build is the session's sample
build), and every mart of the marts contract holds the same rows on both, after the first
build and after a 1 % increment of events.

Marked `spark` (`pytest -m spark` runs them alone) and `slow`; `make test` and CI run them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.engines.parity import differences, duckdb_marts, parquet_marts
from orchestration.publication.atlas import open_publication, read_figures
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, load_settings
from orchestration.transform.dbt_manifest import mart_model_names

COOP = str(Path(sys.executable).with_name("coop"))
SPARK_TARGET = DBT_PROJECT_DIR / "target_spark"
# SQL that DuckDB runs and Spark does not: none of it may reach the Spark target
DUCKDB_ONLY = {
    "cast shorthand": r"::",
    "hugeint": r"\bhugeint\b",
    "string_agg": r"\bstring_agg\s*\(",
    "infinite timestamps": r"'-?infinity'",
    "insert or replace": r"\binsert\s+or\s+replace\b",
    "table macros": r"\bcreate\s+or\s+replace\s+macro\b",
    "materialized CTEs": r"\bas\s+materialized\b",
    "strftime": r"\bstrftime\s*\(",
    "DuckDB table functions": r"\bread_(parquet|csv|json)\w*\s*\(",
    "list functions": r"\blist_\w+\s*\(",
    "named arguments": r"\w\s*:=",
}


def engine_env(root: Path, engine: str) -> dict[str, str]:
    """One landing zone and one warehouse folder; each engine its own build folder."""
    home = root / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return {
        **os.environ,
        "COOP_RAW_DIR": str(root / "raw"),
        "COOP_WAREHOUSE_DIR": str(root / "warehouse"),
        "COOP_BUILD_DIR": str(root / f"build-{engine}"),
        "COOP_ENGINE": engine,
        "DAGSTER_HOME": str(home),
    }


def build(root: Path, engine: str) -> str:
    done = subprocess.run(
        [COOP, "build", "--engine", engine],
        env=engine_env(root, engine),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{engine} build failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def compare(root: Path) -> dict[str, str]:
    settings = load_settings(engine_env(root, "spark"))
    marts = mart_model_names(DBT_PROJECT_DIR / "target" / "manifest.json")
    on_duckdb = duckdb_marts(settings.published_db, marts)
    on_spark = parquet_marts(settings.spark_marts_dir, marts)
    return {"marts": marts, "duckdb": on_duckdb, "spark": on_spark}


def atlas_figures(root: Path, engine: str) -> dict[str, list[dict]]:
    """Every atlas table's rows as this engine's dbt built and published them."""
    con, _ = open_publication(load_settings(engine_env(root, engine)))
    try:
        return read_figures(con)
    finally:
        con.close()


def land_increment(raw: Path) -> Path:
    """1 % of the sample's events (one event) in a new file, a copy of an event with a new id."""
    first = json.loads((raw / "curated" / "events" / "events_2025_2026.ndjson").open().readline())
    first["event_id"] += "-increment"
    first["event_name"] += " (increment)"
    path = raw / "curated" / "events" / "events_increment_001.ndjson"
    path.write_text(json.dumps(first) + "\n")
    return path


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory, sample_build):
    root = tmp_path_factory.mktemp("engines")
    # DuckDB's first build is the session's sample build, copied; Spark builds the same landing
    for folder in ("raw", "warehouse", "dagster_home"):
        shutil.copytree(sample_build.root / folder, root / folder, symlinks=True)
    shutil.copytree(sample_build.settings.build_dir, root / "build-duckdb", symlinks=True)
    build(root, "spark")
    first = compare(root)
    atlases = {engine: atlas_figures(root, engine) for engine in ("duckdb", "spark")}
    atlas_files = {
        engine: sorted(
            p.relative_to(settings.atlas_dir).as_posix() for p in settings.atlas_dir.rglob("*")
        )
        for engine in ("duckdb", "spark")
        for settings in [load_settings(engine_env(root, engine))]
    }
    spark_run = max(SPARK_TARGET.glob("cooperation_dbt_assets-*"), key=lambda p: p.stat().st_mtime)
    land_increment(root / "raw")
    build(root, "duckdb")
    build(root, "spark")
    return {
        "first": first,
        "increment": compare(root),
        "spark_run": spark_run,
        "atlases": atlases,
        "atlas_files": atlas_files,
    }


@pytest.mark.spark
@pytest.mark.slow
def test_every_mart_of_the_contract_is_compared(both_engines):
    compared = both_engines["first"]
    assert set(compared["duckdb"]) == set(compared["spark"]) == set(compared["marts"])
    assert {"fct_event", "fct_agreement", "dim_partner", "bridge_event_participant"} <= set(
        compared["marts"]
    )
    assert all(f.rows > 0 for f in compared["duckdb"].values())


@pytest.mark.spark
@pytest.mark.slow
def test_spark_marts_equal_duckdb_marts_row_for_row(both_engines):
    compared = both_engines["first"]
    assert differences(compared["duckdb"], compared["spark"]) == {}


@pytest.mark.spark
@pytest.mark.slow
def test_after_a_one_percent_increment_the_marts_are_still_equal(both_engines):
    before, after = both_engines["first"], both_engines["increment"]
    for engine in ("duckdb", "spark"):
        assert after[engine]["fct_event"].rows == before[engine]["fct_event"].rows + 1, engine
    assert differences(after["duckdb"], after["spark"]) == {}


@pytest.mark.spark
@pytest.mark.slow
def test_the_spark_build_publishes_its_own_atlas_with_the_same_figures(both_engines):
    """The atlas is generated from each engine's publication (Spark's: its Parquet marts),
    into each its own folder: the same pages, and every chart's query returns the same rows
    in the same order."""
    files = both_engines["atlas_files"]
    assert "index.html" in files["spark"] and "partners/colombia.html" in files["spark"]
    assert files["spark"] == files["duckdb"]
    on_duckdb, on_spark = both_engines["atlases"]["duckdb"], both_engines["atlases"]["spark"]
    assert len(on_duckdb) >= 10 and all(on_duckdb[name] for name in ("partners", "threats"))
    assert on_spark == on_duckdb


@pytest.mark.spark
@pytest.mark.slow
def test_no_duckdb_only_sql_reaches_spark(both_engines):
    """Every statement the Spark build ran, as dbt compiled it for the Spark target."""
    compiled = [
        path
        for folder in ("compiled", "run")
        for path in (both_engines["spark_run"] / folder).rglob("*.sql")
    ]
    assert len(compiled) > 50  # models and tests, not an empty folder
    found = {
        (path.name, name)
        for path in compiled
        for name, pattern in DUCKDB_ONLY.items()
        if re.search(pattern, path.read_text(), re.IGNORECASE)
    }
    assert found == set()


def test_the_duckdb_only_patterns_catch_the_duckdb_sql_of_the_project():
    """The patterns are not blind: the DuckDB implementations of the dispatched macros hold
    several of them."""
    macros = "\n".join(p.read_text() for p in (DBT_PROJECT_DIR / "macros").glob("*.sql"))
    caught = {name for name, pattern in DUCKDB_ONLY.items() if re.search(pattern, macros, re.I)}
    assert {"hugeint", "string_agg", "infinite timestamps", "insert or replace"} <= caught
