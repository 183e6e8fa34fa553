"""Fetching as it runs: `coop fetch` and the Dagster asset, against a local newsroom."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.fetching import check_name, fetch_documents
from orchestration.landing.sensing import landing_zone_listing
from tests.fetchserver import FetchServer
from tests.test_fetching_poll import DEC2, RELEASE, page, rss

COOP = str(Path(sys.executable).parent / "coop")


def sources_file(tmp_path: Path, srv: FetchServer) -> Path:
    entries = [("europol-newsroom", "/feed.xml", "true"), ("broken", "/gone.xml", "true"),
               ("disabled", "/never.xml", "false")]  # fmt: skip
    text = "sources:\n" + "".join(
        f"  - name: {name}\n    publisher: EL PAcCTO\n    publisher_kind: programme_implementer\n"
        f"    language: en\n    kind: feed\n    url: {srv.base}{path}\n    enabled: {on}\n"
        "    folder: el-paccto\n"
        for name, path, on in entries
    )
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    return path


@pytest.fixture
def newsroom(tmp_path, monkeypatch):
    srv = FetchServer()
    srv.route("/robots.txt", {"status": 404})
    srv.route("/feed.xml", rss(("Arrangement", "/news/arr", DEC2)))
    srv.route("/news/arr", page("Arrangement", RELEASE))
    srv.route("/gone.xml", {"status": 404})
    (tmp_path / "raw" / "documents").mkdir(parents=True)
    for key, value in {"COOP_FETCH_ALLOW_LOOPBACK": "1", "COOP_FETCH_INTERVAL_S": "0",
                       "COOP_RAW_DIR": str(tmp_path / "raw"),
                       "COOP_BUILD_DIR": str(tmp_path / "build"),
                       "COOP_FETCH_SOURCES": str(sources_file(tmp_path, srv))}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    yield srv
    srv.close()


def test_coop_fetch_lands_what_is_new_and_names_each_failure(newsroom, tmp_path):
    run = subprocess.run([COOP, "fetch", "--sources", os.environ["COOP_FETCH_SOURCES"]],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines()[0] == (
        "landed: raw/documents/el-paccto/2026-12-02-arrangement.html"
    )
    assert run.stderr.splitlines() == ["failed: broken: HTTP 404 Not Found"]
    assert "/never.xml" not in newsroom.paths()
    assert list(landing_zone_listing(tmp_path / "raw")) == [
        "documents/el-paccto/2026-12-02-arrangement.html"
    ]
    again = subprocess.run([COOP, "fetch", "--source", "europol-newsroom", "--sources",
                            os.environ["COOP_FETCH_SOURCES"]], capture_output=True, text=True,
                           timeout=120)  # fmt: skip
    assert again.returncode == 0 and "0 new document(s) from 1 source(s)" in again.stdout


def test_coop_fetch_names_the_line_of_a_bad_sources_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - name: x\n    kind: atom\n")
    run = subprocess.run([COOP, "fetch", "--sources", str(bad)], capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.strip() == (
        f"error: {bad}: line 3, column 11: `kind` is 'atom', not one of feed, sitemap, listing"
    )


def test_the_asset_lands_alerts_and_checks_each_source(newsroom, tmp_path):
    result = dg.materialize([fetch_documents], instance=dg.DagsterInstance.ephemeral())
    assert result.success
    (event,) = result.get_asset_materialization_events()
    materialization = event.materialization
    assert materialization.metadata["landed"].value == 1
    assert materialization.metadata["failed"].value == 1
    alerts = [json.loads(line) for line in (tmp_path / "build" / "logs" / "alerts.jsonl")
              .read_text().splitlines()]  # fmt: skip
    assert [a["reason"] for a in alerts] == ["1 source(s) failed: broken: HTTP 404 Not Found"]
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks[check_name("europol-newsroom")] is True  # failing, but not for a week yet


def test_the_main_job_never_fetches_and_the_schedule_waits_to_be_asked():
    from orchestration.definitions import defs
    from orchestration.defs.fetching import FETCH_KEY, fetch_documents_hourly

    graph = defs.resolve_job_def("build_warehouse").asset_layer.asset_graph
    assert FETCH_KEY not in graph.get_all_asset_keys()
    assert all(key.asset_key != FETCH_KEY for key in graph.asset_check_keys)
    fetch_graph = defs.resolve_job_def("fetch_documents").asset_layer.asset_graph
    assert FETCH_KEY in fetch_graph.get_all_asset_keys()
    assert os.environ.get("COOP_FETCH") != "1"
    assert fetch_documents_hourly.default_status == dg.DefaultScheduleStatus.STOPPED


def test_a_second_poll_of_one_landing_zone_is_refused_while_one_runs(tmp_path):
    import fcntl

    from orchestration.documents.fetching.poll import PollBusy, Poller

    (tmp_path / ".fetch").mkdir()
    with (tmp_path / ".fetch" / "poll.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a poll in progress
        with pytest.raises(PollBusy, match="another poll"):
            Poller(tmp_path).poll([])
    assert Poller(tmp_path).poll([]).landed == []  # released: the next poll runs


def test_the_benchmark_runs_and_an_unchanged_poll_costs_one_request_per_source(capsys, monkeypatch):
    from bench import fetch as bench_fetch

    monkeypatch.setenv("COOP_FETCH_ALLOW_LOOPBACK", "1")
    bench_fetch.main(["--sources", "3", "--new-sources", "1", "--new-per-source", "2",
                      "--interval", "0"])  # fmt: skip
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in capsys.readouterr().out.splitlines() if line.startswith("| ")}  # fmt: skip
    # requests, landed, unchanged, failed (wall time is the benchmark's, not the test's)
    assert rows["first contact"][1:] == ["9", "3", "0", "0"]
    assert rows["nothing changed"][1:] == ["3", "0", "3", "0"]
    assert rows["new releases"][1:] == ["5", "2", "2", "0"]
