"""The whole path through Dagster on the curated sample: load, dbt build and tests, publish;
then the analysts' questions against the published file, and a run that must not publish."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.runner.runs import run_main_job
from orchestration.settings import PROJECT_ROOT

ANALYSES = PROJECT_ROOT / "analyses"
MARTS_YAML = PROJECT_ROOT / "dbt_project" / "models" / "marts" / "_marts__models.yml"


@pytest.fixture
def published(sample_env):
    """The sample built once for the session (tests/conftest.py), the environment pointing at
    it, and its run's summary."""
    return sample_env, sample_env.summary


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def change(path: Path, sql: str) -> list[tuple]:
    """A statement run on a build file behind dbt's back, as a bug or a hand would."""
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def answer(path: Path, name: str) -> list[tuple]:
    return query(path, (ANALYSES / name).read_text())


def test_run_succeeds_passes_every_check_and_publishes(published):
    env, summary = published
    assert summary.success, summary.step_failures
    assert summary.checks_failed == []
    from orchestration.definitions import defs
    from orchestration.defs.freshness import FRESHNESS_CHECK_KEYS

    # every check of the job's assets, but the freshness checks, which the daemon runs on
    # their own sensor (fetching's checks belong to its own job)
    job = defs.resolve_job_def("build_warehouse")
    every_check = {
        key.to_user_string()
        for key in job.asset_layer.asset_graph.asset_check_keys - FRESHNESS_CHECK_KEYS
    }
    assert len(every_check) > 100
    assert set(summary.checks_passed) == every_check
    assert summary.published
    assert env.settings.published_db.exists()


def test_the_publication_and_the_ingest_assets_carry_their_times(published):
    env, summary = published
    import dagster as dg

    from orchestration.landing.contracts import EVENTS
    from orchestration.operations.freshness import last_changed

    ((published_at, newest_fact_at, newest_load),) = query(
        env.settings.published_db,
        "select any_value(published_at), any_value(newest_fact_at), "
        "(select max(loaded_at) from _meta.load_ledger where rows_loaded > 0) "
        "from _meta.publication having count(distinct newest_fact_at) = 1",
    )
    assert newest_fact_at == newest_load and newest_fact_at <= published_at
    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["raw", "curated", "events"]))
    landed = event.asset_materialization.metadata["dagster/last_updated_timestamp"].value
    assert landed == last_changed(EVENTS, env.raw_dir).timestamp()
    assert event.run_id == summary.run_id


def test_published_marts_match_the_contract_and_the_publication_record(published):
    env, _ = published
    path = env.settings.published_db
    tables = {
        row[0]
        for row in query(
            path, "select table_name from information_schema.tables where table_schema = 'marts'"
        )
    }
    expected = {
        "dim_partner", "dim_threat", "dim_date", "dim_source_document", "fct_agreement",
        "bridge_agreement_party", "fct_event", "bridge_event_participant", "bridge_event_threat",
        "fct_membership",
    }  # fmt: skip
    assert expected <= tables
    recorded = dict(query(path, "select mart, row_count from _meta.publication"))
    for table in expected:
        (count,) = query(path, f"select count(*) from marts.{table}")[0]
        assert count > 0, table
        assert recorded[table] == count


def test_parquet_exports_hold_every_mart(published):
    env, _ = published
    recorded = dict(
        query(env.settings.published_db, "select mart, row_count from _meta.publication")
    )
    for mart, count in recorded.items():
        parquet = env.settings.parquet_dir / mart / "*.parquet"
        assert (
            duckdb.execute("select count(*) from read_parquet(?)", [str(parquet)]).fetchall()[0][0]
            == count
        )


def test_published_files_are_not_world_writable(published):
    env, _ = published
    paths = [env.settings.published_db, *env.settings.parquet_dir.glob("*/*.parquet")]
    marts = query(env.settings.published_db, "select count(*) from _meta.publication")[0][0]
    assert len(paths) >= 1 + marts  # the file and at least one Parquet file per mart
    for path in paths:
        assert not path.stat().st_mode & stat.S_IWOTH, path


def test_every_fact_traces_to_a_graded_document(published):
    env, _ = published
    for fact in ("fct_agreement", "fct_event", "fct_membership", "dim_partner", "dim_threat"):
        orphans = query(
            env.settings.published_db,
            f"select count(*) from marts.{fact} f left join marts.dim_source_document d "
            "using (document_key) where d.url is null or d.source_reliability is null "
            "or d.information_accuracy is null or d.handling_code is null",
        )[0][0]
        assert orphans == 0, fact


def test_countries_carry_iso_codes_and_m49_regions(published):
    env, _ = published
    rows = dict(
        (row[0], row[1:])
        for row in query(
            env.settings.published_db,
            "select partner_id, iso2, iso3, region, subregion, is_latin_america_caribbean "
            "from marts.dim_partner where partner_type = 'country'",
        )
    )
    assert rows["brazil"] == ("BR", "BRA", "Americas", "South America", True)
    assert rows["mexico"][0:2] == ("MX", "MEX") and rows["mexico"][4] is True
    assert rows["japan"][4] is False
    assert all(values[0] and values[1] and values[2] for values in rows.values())


def test_q1_clasi_members_with_europol_agreements(published):
    env, _ = published
    names = [
        row[0]
        for row in answer(env.settings.published_db, "q1_clasi_members_with_europol_agreements.sql")
    ]
    assert names == ["Brazil", "Chile", "Colombia", "Ecuador", "Mexico"]


def test_q2_agreement_signed_that_week(published):
    env, _ = published
    rows = answer(env.settings.published_db, "q2_agreement_signed_in_week.sql")
    assert len(rows) == 1
    name, kind, signed_on, parties, personal_data = rows[0]
    assert "Brazil" in name and kind == "eu_international_agreement"
    assert str(signed_on) == "2025-03-05"
    assert parties == "Brazil, European Union"
    assert personal_data is True


def test_q3_clasi_founded_and_members(published):
    env, _ = published
    ((_name, founded_on, members),) = answer(
        env.settings.published_db, "q3_clasi_founding_and_members.sql"
    )
    assert str(founded_on) == "2022-03-02"
    assert members == 16


def test_q4_threats_discussed_at_visit(published):
    env, _ = published
    names = {
        row[0]
        for row in answer(env.settings.published_db, "q4_threats_at_clasi_visit_to_europol.sql")
    }
    assert {
        "Drug trafficking", "Weapons and explosives", "Cybercrime", "Organised property crime",
        "Economic crime", "Environmental crime",
    } <= names  # fmt: skip


def test_q5_signatures_per_year_is_a_time_series(published):
    env, _ = published
    rows = answer(env.settings.published_db, "q5_europol_latin_america_signatures_per_year.sql")
    years = [row[0] for row in rows]
    assert years == sorted(years) and len(set(years)) == len(years)
    assert all(count >= 1 for _year, count in rows)
    # facts.md: Brazil's strategic agreement 2017-04-11, Mexico's WA 2020-07-20, Chile's 2021-06-22
    assert {2017, 2020, 2021} <= set(years)


def test_q6_empact_flags_of_threats_discussed(published):
    env, _ = published
    rows = {
        row[0]: row[1:]
        for row in answer(env.settings.published_db, "q6_threats_at_visit_empact_priorities.sql")
    }
    assert rows["Drug trafficking"] == (True, True)
    assert rows["Organised property crime"] == (True, False)  # not a 2026-2029 priority
    assert rows["Terrorism"] == (False, False)


def test_q7_clasi_visits_to_europol_count_the_inferred_first_one(published):
    env, _ = published
    ((visits, inferred, first_on),) = answer(
        env.settings.published_db, "q7_clasi_delegation_visits_to_europol.sql"
    )
    # Europol's release of 7 March 2025: "the second CLASI delegation to Europol since 2022"
    assert (visits, inferred) == (2, 1)
    assert first_on.year == 2022


def test_q8_europol_agreements_before_2010_carry_their_date_precision(published):
    env, _ = published
    rows = answer(env.settings.published_db, "q8_europol_agreements_signed_before_2010.sql")
    signed = {(partner, str(on), precision) for on, precision, partner, _kind, _data in rows}
    assert {
        ("INTERPOL", "2001-11-05", "day"), ("Canada", "2005-11-21", "day"),
        ("Australia", "2007-02-20", "day"), ("Norway", "2001-01-01", "year"),
        ("Colombia", "2004-01-01", "year"),
    } <= signed  # fmt: skip
    assert all(on.year < 2010 for on, *_ in rows)
    assert [on for on, *_ in rows] == sorted(on for on, *_ in rows)


def test_q9_eu_latin_america_agreement_milestones(published):
    env, _ = published
    rows = {
        row[0]: row[1:]
        for row in answer(
            env.settings.published_db, "q9_eu_latin_america_europol_agreement_milestones.sql"
        )
    }
    assert set(rows) == {"Bolivia", "Brazil", "Ecuador", "Mexico", "Peru"}
    status, recommended, signed, concluded, in_force = rows["Brazil"]
    assert (status, str(signed), str(concluded), in_force) == (
        "concluded", "2025-03-05", "2025-10-29", None
    )  # fmt: skip
    # the Commission's recommendations of 9 March 2023 for Bolivia, Brazil and Mexico
    for country in ("Bolivia", "Brazil", "Mexico"):
        assert str(rows[country][1]) == "2023-03-09", country
    assert rows["Peru"][0] == "negotiating"


def test_q10_eu_latin_america_drug_meetings(published):
    env, _ = published
    rows = answer(env.settings.published_db, "q10_eu_latin_america_drug_meetings.sql")
    by_day = {str(row[0]): row for row in rows}
    assert "task force" in by_day["2022-10-19"][2]  # launched in Buenos Aires
    assert by_day["2024-02-22"][3] == "La Paz"  # La Paz declaration
    assert "2023-07-17" in by_day and "2025-11-09" in by_day  # the EU-CELAC summits
    assert all("2022-01-01" <= day <= "2025-12-31" for day in by_day)
    assert all(row[4][0] in "ABCX" and row[4][1] in "1234" for row in rows)


def test_q11_agreements_in_force_on_a_day_include_one_in_force_before_its_signing(published):
    env, _ = published
    rows = {
        row[0]: row[1:]
        for row in answer(
            env.settings.published_db, "q11_latin_american_agreements_in_force_on_a_day.sql"
        )
    }
    assert set(rows) == {"Brazil", "Colombia", "Mexico"}
    _name, since, known, basis = rows["Mexico"]
    assert (str(since), known, basis) == ("2020-07-01", True, "before_formal_signing")
    # in force now, signed in 2017, entry into force undated: listed without a start
    assert rows["Brazil"][1:3] == (None, False)


def test_orphan_foreign_key_blocks_publishing_and_keeps_the_published_file(sample_copy):
    env = sample_copy  # the good run's landing, published warehouse and build file
    before = hashlib.sha256(env.settings.published_db.read_bytes()).hexdigest()
    atlas_before = {p: p.read_bytes() for p in env.settings.atlas_dir.rglob("*") if p.is_file()}
    assert atlas_before, "the good run published no atlas"
    memberships = env.raw_dir / "curated" / "memberships" / "memberships.csv"
    with memberships.open("a") as handle:
        handle.write(
            "clasi,atlantis,member,2024-01-01,exact,,doc-europol-2025-03-07-clasi-visit,\n"
        )

    summary = run_main_job()

    assert not summary.success
    assert not summary.published
    assert any(
        "relationships" in name and "fct_membership" in name for name in summary.checks_failed
    ), summary.checks_failed
    assert hashlib.sha256(env.settings.published_db.read_bytes()).hexdigest() == before
    # nor the atlas: it is generated from the published marts only
    atlas_after = {p: p.read_bytes() for p in env.settings.atlas_dir.rglob("*") if p.is_file()}
    assert atlas_after == atlas_before


def test_members_on_a_date_macro(published):
    env, _ = published
    path = env.settings.published_db
    assert query(path, "select count(*) from marts.members_on('clasi', date '2025-03-07')") == [
        (16,)
    ]
    founders = query(path, "select count(*) from marts.members_on('clasi', date '2022-03-02')")
    assert founders == [(7,)]
    assert query(path, "select count(*) from marts.members_on('clasi', date '2022-03-01')") == [
        (0,)
    ]


def test_partner_cooperation_status_on_a_date(published):
    env, _ = published
    rows = {
        row[0]: row[1:]
        for row in query(
            env.settings.published_db,
            "select partner_id, strongest_agreement_type, in_force_since "
            "from marts.partner_cooperation_status(date '2025-03-07')",
        )
    }
    # facts.md: Colombia's operational agreement in force since February 2014
    assert rows["colombia"] == ("operational_agreement", datetime.date(2014, 2, 1))
    # Brazil's EU agreement was only signed by then: its strategic agreement is the strongest
    assert rows["brazil"][0] == "strategic_agreement"
    before = {
        row[0]
        for row in query(
            env.settings.published_db,
            "select partner_id from marts.partner_cooperation_status(date '2010-01-01')",
        )
    }
    assert "mexico" not in before


def test_threat_timeline_lists_events_per_threat_with_sources(published):
    env, _ = published
    rows = query(
        env.settings.published_db,
        "select started_on, event_name, source_url, evaluation_code from marts.threat_timeline "
        "where threat_id = 'drug-trafficking' order by started_on",
    )
    assert any(str(row[0]) == "2025-03-07" for row in rows)
    assert all(row[2].startswith("http") and len(row[3]) == 2 for row in rows)


def test_docs_site_is_published_with_the_glossary(published):
    env, _ = published
    index = env.settings.docs_dir / "index.html"
    assert index.exists()
    text = index.read_text()
    assert "dim_partner" in text and "handling code" in text.lower()


def test_analyst_guide_shows_what_its_example_queries_return(published):
    from orchestration.analyst.examples import EXAMPLES, run_example

    guide = (PROJECT_ROOT / "docs" / "analysts.md").read_text()
    assert len(EXAMPLES) >= 10
    con = duckdb.connect(str(published[0].settings.published_db), read_only=True)
    try:
        for title, sql in EXAMPLES:
            assert f"```sql\n{sql}\n```\n\n{run_example(con, sql)}\n" in guide, title
    finally:
        con.close()


def marts_content(path: Path, schemas: tuple[str, ...] = ("marts",)) -> dict[str, list[tuple]]:
    """Every table of `schemas` in the file, its rows sorted, by `schema.table`."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            f"{row[0]}.{row[1]}"
            for row in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ? and table_type = 'BASE TABLE'",
                [list(schemas)],
            ).fetchall()
        ]
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables}
    finally:
        con.close()


def test_an_incremental_build_gives_the_same_marts_as_a_full_refresh(sample_copy):
    env = sample_copy
    events_dir = env.raw_dir / "curated" / "events"
    lines = (events_dir / "events_2025_2026.ndjson").read_text().splitlines()
    # a changed increment: its last event is withdrawn, one event loses all its participants
    # (the bridge must drop them although the event stays), the others stay as they were
    emptied = json.loads(lines[0])
    emptied["participants"] = []
    changed = [json.dumps(emptied), *lines[1:-1]]
    (events_dir / "events_2025_2026.ndjson").write_text("\n".join(changed) + "\n")
    # a new increment: the withdrawn event again, under a new id and with one participant less
    event = json.loads(lines[-1])
    event["event_id"] += "-corrected"
    event["participants"] = event["participants"][:-1] or event["participants"]
    (events_dir / "events_2026_corrections.ndjson").write_text(json.dumps(event) + "\n")

    incremental = run_main_job()
    assert incremental.success, incremental.step_failures
    after_increment = marts_content(env.settings.published_db, ("marts", "atlas"))
    # only events landed: their ingest and what depends on them ran, nothing else was rebuilt
    assert incremental.rebuilt_for == ["curated/events"]
    rebuilt = set(incremental.materialized)
    assert {"raw/curated/events", "marts/fct_event", "marts/bridge_event_threat"} <= rebuilt
    assert "warehouse/cooperation" in rebuilt and incremental.published
    assert not rebuilt & {"raw/curated/partners", "marts/dim_partner", "marts/fct_agreement"}
    # each test of a rebuilt mart ran, and so did each test that reads one (fct_agreement's
    # dates point to the rebuilt dim_date); the other tests of the marts left alone did not
    checks = incremental.checks_passed
    assert any(c.startswith("marts/fct_event:") for c in checks)
    assert "marts/fct_agreement:relationships_fct_agreement_signed_on" in checks
    assert not any(c.startswith("marts/dim_partner:unique") for c in checks)
    full = run_main_job(full_refresh=True)
    assert full.success, full.step_failures
    after_full_refresh = marts_content(env.settings.published_db, ("marts", "atlas"))

    assert "atlas.partner_events" in after_increment  # the atlas's rankings started over
    assert after_increment.keys() == after_full_refresh.keys()
    for table in after_increment:
        assert after_increment[table] == after_full_refresh[table], table
    events = after_increment["marts.fct_event"]
    emptied_key = {row[0] for row in events if row[1] == emptied["event_id"]}
    assert len(emptied_key) == 1
    assert not emptied_key & {row[0] for row in after_increment["marts.bridge_event_participant"]}
    event_ids = {row[1] for row in events}
    assert event["event_id"] in event_ids
    assert event["event_id"].removesuffix("-corrected") not in event_ids


def test_a_run_with_nothing_landed_rebuilds_no_model_and_keeps_the_publication(sample_copy):
    env = sample_copy
    before = hashlib.sha256(env.settings.published_db.read_bytes()).hexdigest()
    summary = run_main_job()
    assert summary.success and summary.noop and not summary.published
    # only the ingest assets ran: their row-count checks, no dbt test
    assert summary.checks_passed
    assert all(name.startswith("raw/") for name in summary.checks_passed)
    assert hashlib.sha256(env.settings.published_db.read_bytes()).hexdigest() == before


def test_every_materialization_carries_its_schema_and_tables_their_row_count(sample_env):
    import dagster as dg

    env = sample_env
    tables = [
        ["raw", "curated", "partners"],
        ["raw", "curated", "event_threats"],
        ["marts", "dim_partner"],
        ["marts", "fct_event"],
        ["snapshots", "agreements_snapshot"],
    ]
    views = [["staging", "stg_curated__partners"], ["marts", "threat_timeline"]]
    with dg.DagsterInstance.from_config(os.environ["DAGSTER_HOME"]) as instance:
        for key in tables + views:
            event = instance.get_latest_materialization_event(dg.AssetKey(key))
            metadata = event.asset_materialization.metadata
            columns = [c.name for c in metadata["dagster/column_schema"].schema.columns]
            assert columns, key
            if key in tables:
                assert metadata["dagster/row_count"].value > 0, key
            else:  # counting a view runs its query: left out, as dagster-dbt does
                assert "dagster/row_count" not in metadata, key
    assert env.settings.published_db.exists()


def dbt_build(settings, target: Path, *args: str) -> dict[str, str]:
    """`dbt build` on a build file, as the pipeline runs it; the status of each node."""
    from orchestration.settings import DBT_PROJECT_DIR, dbt_executable

    subprocess.run(
        [dbt_executable(), "build", *args, "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target)],
        env={**os.environ, **settings.dbt_env()},
        capture_output=True,
        check=False,
    )  # fmt: skip
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[2]: r["status"] for r in results}


def status_of(statuses: dict[str, str], prefix: str) -> str:
    """The status of the node whose name starts with `prefix` (tests end with a hash)."""
    return next(s for n, s in statuses.items() if n.startswith(prefix))


def verified_through(path: Path) -> dict[str, datetime.datetime]:
    return dict(query(path, "select model_name, verified_through from _meta.verified_loads"))


def test_row_tests_of_incremental_marts_read_only_unverified_loads_until_they_pass(
    published, tmp_path
):
    good_env, _ = published
    settings = dataclasses.replace(good_env.settings, build_dir=tmp_path / "build")
    shutil.copytree(good_env.settings.build_dir, settings.build_dir)
    db = settings.build_db
    marks = verified_through(db)
    for mart in ("fct_event", "bridge_event_participant", "bridge_event_threat"):
        assert marks[mart] == query(db, f"select max(_loaded_at) from marts.{mart}")[0][0]
    assert "dim_source_document" in marks and "fct_agreement" not in marks
    before = marks["fct_event"]

    # a row that passed the loader but breaks a row test (as a loader bug would leave it)
    con = duckdb.connect(str(db))
    con.execute(
        "insert into raw_curated.events select * replace ('ev-bogus' as event_id, "
        "'not-a-type' as event_type, 'curated/events/bogus.ndjson' as _source_file, "
        "now()::timestamp as _loaded_at) from raw_curated.events limit 1"
    )
    con.close()
    failing = "accepted_values_since_verified_fct_event_event_type"
    for attempt in ("first", "second"):  # the failed load stays unverified: tested again
        status = dbt_build(settings, tmp_path / attempt, "--select", "fct_event")
        assert status_of(status, failing) == "fail", attempt
        assert verified_through(db)["fct_event"] == before, attempt

    # the row withdrawn upstream: the build drops it, passes, and verifies the newest load again
    con = duckdb.connect(str(db))
    con.execute("delete from raw_curated.events where event_id = 'ev-bogus'")
    con.close()
    status = dbt_build(settings, tmp_path / "withdrawn", "--select", "fct_event")
    assert set(status.values()) == {"success", "pass"}, status
    assert query(db, "select count(*) from marts.fct_event where event_id = 'ev-bogus'") == [(0,)]
    assert verified_through(db)["fct_event"] == before

    # an old, verified row changed upstream is not read again by an incremental build, but a
    # full refresh rewrites every row, so every row is tested again
    con = duckdb.connect(str(db))
    con.execute(
        "update raw_curated.events set event_type = 'not-a-type' where event_id = (select "
        "min(event_id) from raw_curated.events where _loaded_at = (select min(_loaded_at) "
        "from raw_curated.events))"
    )
    con.close()
    status = dbt_build(settings, tmp_path / "incremental", "--select", "fct_event")
    assert set(status.values()) == {"success", "pass"}, status
    status = dbt_build(settings, tmp_path / "full", "--select", "fct_event", "--full-refresh")
    assert status_of(status, failing) == "fail"
    assert "fct_event" not in verified_through(db)


def test_relationship_tests_of_incremental_marts_read_old_loads_only_when_a_parent_lost_a_key(
    published, tmp_path
):
    good_env, _ = published
    settings = dataclasses.replace(good_env.settings, build_dir=tmp_path / "build")
    shutil.copytree(good_env.settings.build_dir, settings.build_dir)
    db = settings.build_db
    fingerprints = query(
        db, "select model_name, parent_name, parent_field from _meta.verified_parent_keys"
    )
    assert ("fct_event", "dim_partner", "partner_key") in fingerprints
    assert ("bridge_event_participant", "fct_event", "event_key") in fingerprints
    counted = query(
        db,
        "select key_hash, loaded_through is not null from _meta.verified_parent_keys "
        "where parent_name in ('fct_event', 'dim_source_document')",
    )
    assert counted and set(counted) == {(0, True)}
    to_partner = "relationships_since_verified_fct_event_location_partner_key"
    to_document = "relationships_since_verified_fct_event_document_key"

    # fct_event computes its keys itself: its parents are built only when selected too
    with_parents = ("--select", "+fct_event", "+dim_partner", "+dim_source_document")

    # an old, verified row broken behind dbt's back: its parents kept every key, so an
    # incremental build does not read it again; a full refresh does
    [(event_id,)] = change(
        db,
        "update marts.fct_event set location_partner_key = 'no-such-partner' where event_id = "
        "(select min(event_id) from marts.fct_event) returning event_id",
    )
    status = dbt_build(settings, tmp_path / "unchanged", *with_parents)
    assert status_of(status, to_partner) == "pass"
    status = dbt_build(settings, tmp_path / "refresh", "--select", "fct_event", "--full-refresh")
    assert status_of(status, to_partner) == "pass"  # rebuilt from raw: the bad key is gone
    assert query(db, f"select count(*) from marts.fct_event where event_id = '{event_id}'")[0][0]
    # fct_event grows by loads: its fingerprint is a count of the rows of verified loads, and
    # its full build forgets the ones taken of it (a new key formula would keep the count)
    kept = "select count(*) from _meta.verified_parent_keys where parent_name = 'fct_event'"
    assert query(db, kept) == [(0,)]

    # a partner withdrawn upstream: dim_partner, rebuilt whole, loses a key that verified
    # events use, so the test reads every row again and fails
    status = dbt_build(settings, tmp_path / "verified", *with_parents)
    assert status_of(status, to_partner) == "pass"
    change(
        db,
        "delete from raw_curated.partners where partner_id = (select location_partner_id from "
        "raw_curated.events where location_partner_id is not null order by _loaded_at limit 1)",
    )
    status = dbt_build(settings, tmp_path / "partner-gone", *with_parents)
    assert status_of(status, to_partner) == "fail"

    # a source document withdrawn upstream: dim_source_document (incremental) drops it, its
    # loaded-up-to fingerprint changes, and the events citing it fail again
    change(
        db,
        "delete from raw_curated.source_documents where document_id = (select document_id "
        "from raw_curated.events order by _loaded_at limit 1)",
    )
    status = dbt_build(settings, tmp_path / "document-gone", *with_parents)
    assert status_of(status, to_document) == "fail"


def test_relationship_tests_to_a_parent_that_grows_by_loads_look_in_every_load(published, tmp_path):
    """A bridge row's event is looked up first among the events of the newest loads (the
    cheap path), then in every load: an event loaded long before is found, a missing one is
    not."""
    good_env, _ = published
    settings = dataclasses.replace(good_env.settings, build_dir=tmp_path / "build")
    shutil.copytree(good_env.settings.build_dir, settings.build_dir)
    db = settings.build_db
    to_event = "relationships_since_verified_bridge_event_participant_event_key"
    assert "bridge_event_participant" in verified_through(db)  # only new loads are tested

    def new_participant(event_id: str, file: str) -> None:
        change(
            db,
            f"insert into raw_curated.event_participants select * replace ({event_id} as "
            f"event_id, 'curated/events/{file}.ndjson' as _source_file, now()::timestamp as "
            "_loaded_at) from raw_curated.event_participants where _loaded_at = (select "
            "min(_loaded_at) from raw_curated.event_participants) limit 1",
        )

    # a new load naming an event of the oldest load: not among the newest events, found in all
    new_participant("event_id", "late")
    status = dbt_build(settings, tmp_path / "older-event", "--select", "bridge_event_participant")
    assert status_of(status, to_event) == "pass"

    # a new load naming an event that no load holds
    new_participant("'ev-nowhere'", "nowhere")
    status = dbt_build(settings, tmp_path / "no-event", "--select", "bridge_event_participant")
    assert status_of(status, to_event) == "fail"


def test_not_null_columns_of_the_marts_refuse_a_null_on_every_build(published, tmp_path):
    """Not-null is a constraint of each mart's enforced contract: DuckDB checks it on every
    insert, an incremental one too, so no data test needs to read the rows again."""
    good_env, _ = published
    marts = yaml.safe_load(MARTS_YAML.read_text())["models"]
    declared = {
        (model["name"], column["name"])
        for model in marts
        for column in model["columns"]
        if {"type": "not_null"} in column.get("constraints", [])
    }
    built = set(
        query(
            good_env.settings.published_db,
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and is_nullable = 'NO'",
        )
    )
    assert declared and declared == built

    settings = dataclasses.replace(good_env.settings, build_dir=tmp_path / "build")
    shutil.copytree(good_env.settings.build_dir, settings.build_dir)
    # a new load whose event has no type, as a loader bug would leave it (accepted_values
    # lets a NULL through: only the constraint stops it)
    change(
        settings.build_db,
        "insert into raw_curated.events select * replace ('ev-untyped' as event_id, "
        "null as event_type, 'curated/events/untyped.ndjson' as _source_file, "
        "now()::timestamp as _loaded_at) from raw_curated.events limit 1",
    )
    status = dbt_build(settings, tmp_path / "target", "--select", "fct_event")
    assert status["fct_event"] == "error"
    untyped = "select count(*) from marts.fct_event where event_id = 'ev-untyped'"
    assert query(settings.build_db, untyped) == [(0,)]


def test_staging_unique_tests_check_new_keys_against_every_row(published, tmp_path):
    """The unique tests of the staging views that grow by loads read the keys of unverified
    loads only, but look for them in every row; the view's mark holds for its definition."""
    good_env, _ = published
    settings = dataclasses.replace(good_env.settings, build_dir=tmp_path / "build")
    shutil.copytree(good_env.settings.build_dir, settings.build_dir)
    db = settings.build_db
    manifest = json.loads((PROJECT_ROOT / "dbt_project" / "target" / "manifest.json").read_text())
    checksum = manifest["nodes"]["model.cooperation.stg_curated__events"]["checksum"]["checksum"]
    mark = "select verified_through, definition_checksum from _meta.verified_loads where "
    mark += "model_name = 'stg_curated__events'"
    [(before, recorded)] = query(db, mark)
    assert recorded == checksum
    assert before == query(db, "select max(_loaded_at) from raw_curated.events")[0][0]

    # a new load repeats the key of an old, verified event (as a loader bug would leave it)
    change(
        db,
        "insert into raw_curated.events select * replace ('curated/events/again.ndjson' as "
        "_source_file, now()::timestamp as _loaded_at) from raw_curated.events "
        "where event_id = (select min(event_id) from raw_curated.events)",
    )
    status = dbt_build(settings, tmp_path / "again", "--select", "stg_curated__events")
    assert status_of(status, "unique_since_verified_stg_curated__events_event_id") == "fail"
    assert query(db, mark) == [(before, checksum)]  # not verified: tested again next time

    # withdrawn: the new load passes and becomes verified
    change(db, "delete from raw_curated.events where _source_file = 'curated/events/again.ndjson'")
    status = dbt_build(settings, tmp_path / "withdrawn", "--select", "stg_curated__events")
    assert set(status.values()) == {"success", "pass"}, status
    assert query(db, mark) == [(before, checksum)]


def test_landed_documents_are_linked_into_the_marts(published):
    env, _ = published
    rows = set(query(env.settings.published_db, (
        "select d.document_id, m.mention_kind, coalesce(p.partner_id, t.threat_id, "
        "cast(m.mentioned_on as varchar)) from marts.fct_document_mention m "
        "join marts.dim_document d using (document_key) "
        "left join marts.dim_partner p using (partner_key) "
        "left join marts.dim_threat t using (threat_key)"
    )))  # fmt: skip
    visit = "europol/2025-03-07-clasi-delegations-visit"
    assert {(visit, "partner", "clasi"), (visit, "date", "2025-03-07"),
            (visit, "threat", "drug-trafficking")} <= rows  # fmt: skip
    brasil = "gov-br/2025-03-05-acordo-ue-brasil"
    assert {(brasil, "partner", "brazil"), (brasil, "date", "2025-03-05")} <= rows
    html = query(
        env.settings.published_db,
        "select content_format, text_chars from marts.dim_document "
        "where document_id = 'eurojust/2024-01-12-panama-working-arrangement'",
    )
    assert html[0][0] == "html" and 200 < html[0][1] < 500  # main text only, no markup
