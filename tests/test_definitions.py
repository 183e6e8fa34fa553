"""The Dagster definitions load with Dagster's own tools, and the asset graph is one lineage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.lib.contracts import CONTRACTS
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


@pytest.fixture(scope="module")
def graph(defs):
    return defs.resolve_asset_graph()


def test_dagster_definitions_validate_passes():
    dagster = Path(sys.executable).with_name("dagster")
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "orchestration.definitions"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_ingest_asset_per_raw_table(graph):
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for contract in CONTRACTS:
        for table in contract.tables:
            assert f"raw/{contract.system}/{table}" in keys
    assert "raw/reference/countries" in keys


def test_every_dbt_source_is_produced_by_an_ingest_asset(graph):
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    ingest_keys = {key for key in graph.get_all_asset_keys() if key.path[0] == "raw"}
    for source in manifest["sources"].values():
        asset_key = source["config"]["meta"]["dagster"]["asset_key"]
        key = dg.AssetKey(asset_key)
        assert key in ingest_keys, f"source {source['unique_id']} has no producing asset"
        # and the staging model reading it sits directly downstream in the graph
        children = {child.path[-1] for child in graph.get(key).child_keys}
        assert f"stg_{source['source_name'].removeprefix('raw_')}__{source['name']}" in children


def test_every_mart_reaches_raw_assets_and_feeds_the_publication(graph):
    marts = [key for key in graph.get_all_asset_keys() if key.path[0] == "marts"]
    assert len(marts) >= 10
    published = dg.AssetKey(["warehouse", "cooperation"])
    for mart in marts:
        ancestors, frontier = set(), [mart]
        while frontier:
            for parent in graph.get(frontier.pop()).parent_keys:
                if parent not in ancestors:
                    ancestors.add(parent)
                    frontier.append(parent)
        assert any(key.path[0] == "raw" for key in ancestors), mart
        assert published in graph.get(mart).child_keys, mart


def test_groups_follow_the_layers(graph):
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups["raw/curated/partners"] == "raw_curated"
    assert groups["staging/stg_curated__partners"] == "staging"
    assert groups["intermediate/int_partners_geocoded"] == "intermediate"
    assert groups["marts/dim_partner"] == "marts"
    assert groups["snapshots/agreements_snapshot"] == "snapshots"
    assert groups["warehouse/cooperation"] == "publish"


def test_dbt_error_tests_are_blocking_checks(defs):
    from orchestration.defs.dbt import cooperation_dbt_assets

    specs = list(cooperation_dbt_assets.check_specs)
    relationships = [s for s in specs if s.name.startswith("relationships_")]
    assert relationships and all(spec.blocking for spec in relationships)
    singular = [s for s in specs if s.name == "assert_every_agreement_has_two_parties"]
    assert singular and singular[0].asset_key == dg.AssetKey(["marts", "fct_agreement"])


def test_job_schedule_and_sensor(defs):
    assert defs.resolve_job_def("build_warehouse") is not None
    schedule = defs.resolve_schedule_def("daily_build")
    assert schedule.cron_schedule == "0 5 * * *"
    assert defs.resolve_sensor_def("landed_files_sensor") is not None


def test_sensor_requests_a_run_when_files_land_without_opening_duckdb(
    defs, tmp_path, monkeypatch, restore_env
):
    import duckdb

    def refuse(*args, **kwargs):
        raise AssertionError("the sensor must not open DuckDB")

    monkeypatch.setattr(duckdb, "connect", refuse)
    raw = tmp_path / "raw" / "curated" / "partners"
    raw.mkdir(parents=True)
    (raw / "partners.csv").write_text("partner_id\n")
    monkeypatch.setenv("COOP_RAW_DIR", str(tmp_path / "raw"))
    sensor = defs.resolve_sensor_def("landed_files_sensor")
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance)
        first = sensor(context)
        assert isinstance(first, dg.RunRequest)
        assert "curated/partners/partners.csv" in first.tags["coop/changed_files"]
        again = sensor(dg.build_sensor_context(instance=instance, cursor=context.cursor))
        assert isinstance(again, dg.SkipReason)
        (raw / ".half-written.csv.partial").write_text("x")
        ignored = sensor(dg.build_sensor_context(instance=instance, cursor=context.cursor))
        assert isinstance(ignored, dg.SkipReason)
        (raw / "more.csv").write_text("partner_id\n")
        changed = sensor(dg.build_sensor_context(instance=instance, cursor=context.cursor))
        assert isinstance(changed, dg.RunRequest)
        assert changed.tags["coop/changed_files"] == "curated/partners/more.csv"
