"""Freshness: each extract's expected change interval, Dagster's checks and `coop status`."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.freshness import FRESHNESS_CHECK_KEYS, freshness_checks
from orchestration.landing.contracts import CONTRACTS, EVENTS, PARTNERS
from orchestration.operations.freshness import stale_extracts
from tests.conftest import PROJECT_ROOT

NOW = dt.datetime.now(dt.UTC)


def age(path: Path, days: float) -> None:
    stamp = (NOW - dt.timedelta(days=days)).timestamp()
    os.utime(path, (stamp, stamp))


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """The sample extracts, every file landed an hour ago."""
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT_ROOT / "raw", raw)
    for path in raw.rglob("*"):
        if path.is_file():
            age(path, 1 / 24)
    return raw


def test_every_extract_declares_an_interval_and_gets_a_check():
    assert all(c.expected_change >= dt.timedelta(days=1) for c in CONTRACTS)
    checked = {tuple(key.asset_key.path) for key in FRESHNESS_CHECK_KEYS}
    assert checked == {("raw", c.system, c.entity) for c in CONTRACTS}


def test_an_extract_older_than_its_interval_is_stale_and_its_newest_file_counts(raw):
    events = sorted((raw / "curated" / "events").iterdir())
    for path in events:
        age(path, EVENTS.expected_change.days + 2)
    partners = next((raw / "curated" / "partners").iterdir())
    age(partners, EVENTS.expected_change.days + 2)  # within the partners' longer interval
    assert PARTNERS.expected_change.days > EVENTS.expected_change.days + 2
    assert [s.extract for s in stale_extracts(raw, NOW)] == ["curated/events"]
    age(events[0], 1)  # one new file makes the extract fresh again
    assert stale_extracts(raw, NOW) == []
    shutil.rmtree(raw / "curated" / "threats")
    (stale,) = stale_extracts(raw, NOW)
    assert (stale.extract, stale.last_changed) == ("curated/threats", None)


def test_coop_status_lists_the_stale_extracts(raw, tmp_path):
    for path in (raw / "curated" / "events").iterdir():
        age(path, EVENTS.expected_change.days + 2)
    env = {
        **os.environ,
        "COOP_RAW_DIR": str(raw),
        "COOP_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    coop = Path(sys.executable).with_name("coop")
    result = subprocess.run([str(coop), "status"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    output = " ".join(result.stdout.split())  # as one line, however the terminal wraps it
    assert "stale extracts: 1 stale curated/events: newest file landed" in output
    assert f"expected every {EVENTS.expected_change.days} days" in output


def evaluate_freshness(instance: dg.DagsterInstance) -> dict[str, bool]:
    """Run the project's freshness checks on `instance`, as their sensor's runs do."""
    keys = [dg.AssetKey(["raw", c.system, c.entity]) for c in CONTRACTS]
    job = dg.define_asset_job("freshness", selection=dg.AssetSelection.checks(*freshness_checks))
    defs = dg.Definitions(
        assets=[dg.AssetSpec(key) for key in keys], asset_checks=freshness_checks, jobs=[job]
    )
    result = defs.resolve_job_def("freshness").execute_in_process(instance=instance)
    return {
        e.asset_key.path[-1]: e.passed
        for e in result.get_asset_check_evaluations()
        if e.severity == dg.AssetCheckSeverity.WARN
    }


def test_dagster_warns_when_the_landing_time_is_older_than_the_interval():
    with dg.instance_for_test() as instance:
        for contract in CONTRACTS:
            landed = NOW - contract.expected_change + dt.timedelta(hours=1)
            if contract is EVENTS:  # materialized just now, from files landed long ago
                landed = NOW - EVENTS.expected_change - dt.timedelta(days=1)
            instance.report_runless_asset_event(
                dg.AssetMaterialization(
                    asset_key=["raw", contract.system, contract.entity],
                    metadata={"dagster/last_updated_timestamp": dg.MetadataValue.timestamp(landed)},
                )
            )
        passed = evaluate_freshness(instance)
    assert passed == {c.entity: c is not EVENTS for c in CONTRACTS}
