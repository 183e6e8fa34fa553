"""The Dagster definitions load with Dagster's own tools, and the asset graph is one lineage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.landing.contracts import CONTRACTS
from orchestration.operations.planning import PLAN_TAG, record_publication, state_file
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT
from tests.conftest import make_pipeline_env


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
    env = make_pipeline_env(tmp_path, raw_source=None)
    raw = env.raw_dir / "curated" / "partners"
    raw.mkdir(parents=True)
    (raw / "partners.csv").write_text("partner_id\n")
    sensor = defs.resolve_sensor_def("landed_files_sensor")
    with dg.instance_for_test() as instance:

        def tick(cursor=None):
            return sensor(
                dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
            )

        context = dg.build_sensor_context(instance=instance, definitions=defs)
        first = sensor(context)
        assert isinstance(first, dg.RunRequest)
        assert "curated/partners/partners.csv" in first.tags["coop/changed_files"]
        assert first.asset_selection is None  # nothing published yet: everything
        again = tick(context.cursor)
        assert isinstance(again, dg.SkipReason)
        (raw / ".half-written.csv.partial").write_text("x")
        ignored = tick(context.cursor)
        assert isinstance(ignored, dg.SkipReason)
        (raw / "more.csv").write_text("partner_id\n")
        changed = tick(context.cursor)
        assert isinstance(changed, dg.RunRequest)
        assert changed.tags["coop/changed_files"] == "curated/partners/more.csv"


def test_sensor_and_schedule_runs_record_what_they_were_planned_from_when_they_publish(
    defs, tmp_path, restore_env
):
    env = make_pipeline_env(tmp_path)
    sensor = defs.resolve_sensor_def("landed_files_sensor")
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, definitions=defs)
        first = sensor(context)
        assert isinstance(first, dg.RunRequest) and first.asset_selection is None
        # the run published: its plan is what the next request compares with
        env.settings.published_db.parent.mkdir(parents=True)
        env.settings.published_db.write_bytes(b"")
        env.settings.build_db.write_bytes(b"")  # the build it published from
        assert record_publication(env.settings, first.tags[PLAN_TAG])
        assert state_file(env.settings).exists()

        partners = env.raw_dir / "curated" / "partners" / "partners.csv"
        partners.write_text(partners.read_text() + "\n")
        request = sensor(
            dg.build_sensor_context(instance=instance, cursor=context.cursor, definitions=defs)
        )
        assert isinstance(request, dg.RunRequest)
        selected = {key.to_user_string() for key in request.asset_selection}
        assert {"raw/curated/partners", "marts/dim_partner", "warehouse/cooperation"} <= selected
        assert not selected & {"raw/curated/events", "marts/fct_event"}
        # a relationships test of an unchanged mart that reads dim_partner runs too
        checks = {key.to_user_string() for key in request.asset_check_keys}
        assert any(c.startswith("marts/fct_event:relationships") for c in checks), checks
        assert not any(c.startswith("marts/fct_event:unique") for c in checks), checks

    schedule = defs.resolve_schedule_def("daily_build")
    with dg.instance_for_test() as instance:
        daily = schedule(
            dg.build_schedule_context(instance=instance, repository_def=defs.get_repository_def())
        )
    assert isinstance(daily, dg.RunRequest) and daily.asset_selection is None
    assert (env.settings.build_dir / "plans" / f"{daily.tags[PLAN_TAG]}.json").exists()
