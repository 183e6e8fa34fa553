"""The Dagster UI, started by the README's command (`make ui`), serves the whole thing.

One `make ui` (webserver and daemon, loopback only, a throwaway DAGSTER_HOME and raw/) is started
for this module and stopped by the last test, which finds no process of it left. The GraphQL API
the UI itself reads shows the asset graph and the asset checks; the slow tests launch runs as the
UI's buttons do, land a file for the sensor, run `coop build`, and open the pages in Chromium.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from orchestration.runner.location import LOCATION_NAME
from orchestration.runner.runs import PID_TAG
from orchestration.settings import PROJECT_ROOT
from tests.browser import browse, chromium_path, png_size
from tests.uiserver import (
    DAEMON_HEALTH_QUERY,
    HOST,
    JOB,
    REPOSITORY,
    WORKSPACE_QUERY,
    UiCommand,
    land_file,
    start_ui,
    wait_until_ready,
)

CURATED_TABLES = (
    "source_documents",
    "partners",
    "memberships",
    "threats",
    "agreements",
    "agreement_parties",
    "events",
    "event_participants",
    "event_threats",
)
RAW_TO_STAGING = {
    **{f"raw/curated/{t}": f"staging/stg_curated__{t}" for t in CURATED_TABLES},
    "raw/reference/countries": "staging/stg_reference__countries",
}
MART_TABLES = (
    "dim_partner",
    "dim_threat",
    "dim_date",
    "dim_source_document",
    "fct_agreement",
    "bridge_agreement_party",
    "fct_event",
    "bridge_event_participant",
    "bridge_event_threat",
    "fct_membership",
    "fct_agreement_status_history",
)
# Analyst views over the marts: not copied into the published file, so not upstream of it.
MART_VIEWS = ("threat_timeline", "current_memberships")
PUBLISHED = "warehouse/cooperation"

ASSET_NODES_QUERY = """
query AssetGraph {
  assetNodes {
    assetKey { path }
    groupName
    dependencyKeys { path }
    dependedByKeys { path }
    assetChecksOrError {
      __typename
      ... on AssetChecks { checks { name blocking description } }
    }
  }
}
"""


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory, sample_build) -> Iterator[UiCommand]:
    """`make ui` on a copy of the sample built once per session (its run in the history)."""
    command = start_ui(tmp_path_factory.mktemp("ui"), built=sample_build.root)
    try:
        wait_until_ready(command)
        yield command
    finally:
        command.kill()


@pytest.fixture(scope="module")
def asset_nodes(ui: UiCommand) -> dict[str, dict]:
    nodes = ui.graphql(ASSET_NODES_QUERY)["assetNodes"]
    return {"/".join(node["assetKey"]["path"]): node for node in nodes}


def _keys(node: dict, field: str) -> set[str]:
    return {"/".join(key["path"]) for key in node[field]}


def _downstream(asset_nodes: dict[str, dict], start: str) -> set[str]:
    seen: set[str] = set()
    frontier = [start]
    while frontier:
        for child in _keys(asset_nodes[frontier.pop()], "dependedByKeys"):
            if child not in seen:
                seen.add(child)
                frontier.append(child)
    return seen


def test_raw_assets_sit_in_their_groups_and_feed_staging(asset_nodes):
    for raw_key, staging_key in RAW_TO_STAGING.items():
        assert raw_key in asset_nodes, f"{raw_key} missing from the UI's asset graph"
        node = asset_nodes[raw_key]
        expected_group = "raw_reference" if raw_key.startswith("raw/reference/") else "raw_curated"
        assert node["groupName"] == expected_group, raw_key
        assert staging_key in _keys(node, "dependedByKeys"), raw_key
        assert raw_key in _keys(asset_nodes[staging_key], "dependencyKeys"), staging_key


def test_every_raw_asset_reaches_the_marts(asset_nodes):
    for raw_key in RAW_TO_STAGING:
        marts = {key for key in _downstream(asset_nodes, raw_key) if key.startswith("marts/")}
        assert marts, f"no mart downstream of {raw_key}"
        assert PUBLISHED in _downstream(asset_nodes, raw_key), raw_key
    assert "marts/dim_partner" in _downstream(asset_nodes, "raw/curated/partners")
    assert "marts/bridge_event_threat" in _downstream(asset_nodes, "raw/curated/event_threats")


def test_every_mart_table_feeds_the_publication(asset_nodes):
    marts = {key for key, node in asset_nodes.items() if node["groupName"] == "marts"}
    views = {f"marts/{name}" for name in MART_VIEWS}
    assert marts >= {f"marts/{name}" for name in MART_TABLES} | views
    for mart in marts - views:
        assert PUBLISHED in _downstream(asset_nodes, mart), mart
    for view in views:  # the views read the mart tables, and nothing reads the views
        assert _keys(asset_nodes[view], "dependencyKeys") <= marts, view
    assert asset_nodes[PUBLISHED]["groupName"] == "publish"
    assert asset_nodes["snapshots/agreements_snapshot"]["groupName"] == "snapshots"


def test_dbt_tests_show_as_asset_checks(asset_nodes):
    checks = asset_nodes["marts/fct_membership"]["assetChecksOrError"]
    assert checks["__typename"] == "AssetChecks", checks
    names = {check["name"] for check in checks["checks"]}
    relationships = {name for name in names if name.startswith("relationships_")}
    assert relationships, sorted(names)
    # a short name, and a sentence saying what it checks
    described = {check["name"]: check["description"] for check in checks["checks"]}
    assert described["relationships_fct_membership_member_partner_key"] == (
        "Every member_partner_key of fct_membership is a partner_key of dim_partner."
    )
    assert all(described[name] and len(name) <= 90 for name in names), described


def test_the_location_is_cooperation(ui):
    entries = ui.graphql(WORKSPACE_QUERY)["workspaceOrError"]["locationEntries"]
    assert [entry["name"] for entry in entries] == [LOCATION_NAME]
    repositories = entries[0]["locationOrLoadError"]["repositories"]
    assert [repository["name"] for repository in repositories] == [REPOSITORY]


def test_the_webserver_and_the_daemon_share_the_projects_storage(ui):
    """The instance `make ui` serves is the committed one: Dagster's SQLite files through
    operations/dagster_storage.py (the daemon gets the same instance from `dagster dev`;
    the slow tests below run through both)."""
    info = ui.graphql("query Instance { instance { info } }")["instance"]["info"]
    assert "event_log_storage: KeptOpenSqliteEventLogStorage" in info, info
    statuses = ui.graphql(DAEMON_HEALTH_QUERY)["instance"]["daemonHealth"]["allDaemonStatuses"]
    healthy = {s["daemonType"] for s in statuses if s["healthy"]}
    assert {"SCHEDULER", "SENSOR", "QUEUED_RUN_COORDINATOR"} <= healthy, statuses


def test_the_ui_listens_on_loopback_only(ui):
    processes = [psutil.Process(ui.process.pid)]
    processes += processes[0].children(recursive=True)
    listening = [
        conn.laddr
        for process in processes
        for conn in process.net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    ]
    assert (HOST, ui.port) in [(addr.ip, addr.port) for addr in listening]
    assert all(ipaddress.ip_address(addr.ip).is_loopback for addr in listening), listening
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    recipe = re.search(r"^ui:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "Makefile has no ui target"
    assert "0.0.0.0" not in recipe.group(1)


# --- slow: runs through the daemon, as the UI's buttons start them ---------------------------


def test_make_ui_keeps_its_terminal_quiet(ui):
    """No deprecation warning at start, and a run the daemon launches logs no DEBUG line to
    the terminal (its step events are in the UI)."""

    run_id = ui.launch("housekeeping")  # a short job: its steps' events would be DEBUG lines
    run = ui.wait_for_run(lambda r: r["runId"] == run_id, f"launched run {run_id}")
    assert run["status"] == "SUCCESS", ui.log_tail()
    log = ui.log.read_text(errors="replace")
    assert "Serving dagster-webserver" in log  # the log read is the command's own
    # what make echoes of its recipe (the warning's filter) is not the programs' output
    said = [line for line in log.splitlines() if not line.startswith(("exec env", "\t"))]
    # its own run's lines (other tests' build runs share this terminal: dbt's lines of a build
    # still reach it at DEBUG, docs/operators.md)
    assert [line for line in said if run_id in line and " - DEBUG - " in line] == []
    # a Python warning ("UserWarning: Function `dev_command` is superseded ..."); not a dbt
    # test's name such as relationships_fct_agreement_superseded_by_agreement_key
    assert [line for line in said if "Warning:" in line or "is superseded" in line] == []


@pytest.mark.slow
def test_files_landed_start_a_sensor_run_that_succeeds(ui):
    events = ui.raw_dir / "curated" / "events" / "events_2025_2026.ndjson"
    first = json.loads(events.read_text().splitlines()[0])
    landed = "curated/events/events_sensed.ndjson"
    land_file(ui, landed, json.dumps({**first, "event_id": "evt-sensed"}) + "\n")

    def by_the_sensor(run: dict) -> bool:
        tags = {tag["key"]: tag["value"] for tag in run["tags"]}
        return tags.get("dagster/sensor_name") == "landed_files_sensor" and landed in tags.get(
            "coop/changed_files", ""
        )

    run = ui.wait_for_run(by_the_sensor, "run of landed_files_sensor")
    assert run["status"] == "SUCCESS", ui.log_tail()
    assert run["runId"] in {r["runId"] for r in ui.job_runs()}


@pytest.mark.slow
def test_a_run_launched_as_materialize_does_succeeds(ui):
    run_id = ui.launch()
    run = ui.wait_for_run(lambda r: r["runId"] == run_id, f"launched run {run_id}")
    assert run["status"] == "SUCCESS", ui.log_tail()
    assert run["repositoryOrigin"]["repositoryLocationName"] == LOCATION_NAME


@pytest.mark.slow
def test_a_coop_build_run_is_listed_under_the_job(ui):
    def cli_runs() -> set[str]:
        runs = ui.runs(pipelineName=JOB)
        return {r["runId"] for r in runs if any(t["key"] == PID_TAG for t in r["tags"])}

    before = cli_runs()
    coop = Path(sys.executable).with_name("coop")
    built = subprocess.run(
        [str(coop), "build"], cwd=PROJECT_ROOT, env=ui.env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (run_id,) = cli_runs() - before
    listed = {run["runId"]: run for run in ui.job_runs()}
    assert run_id in listed, sorted(listed)
    origin = listed[run_id]["repositoryOrigin"]
    assert origin == {"repositoryLocationName": LOCATION_NAME, "repositoryName": REPOSITORY}


# --- slow: a real browser ---------------------------------------------------------------------


# A tall window: the graph draws only the nodes inside it.
WINDOW_SIZE = (1600, 2900)
WINDOW = "--window-size={},{}".format(*WINDOW_SIZE)


def _no_dialog(dom: str) -> None:
    """Blueprint, the UI's widget kit, draws every dialog in an overlay with role=dialog."""
    assert "Join the Dagster community" not in dom
    assert 'role="dialog"' not in dom and "bp5-overlay-open" not in dom


@pytest.mark.slow
def test_asset_graph_renders_in_a_browser(ui, tmp_path):
    chromium = chromium_path()
    url = f"{ui.url}/locations/{REPOSITORY}@{LOCATION_NAME}/asset-groups/marts"

    png = tmp_path / "ui-asset-graph.png"
    shot = browse(chromium, tmp_path / "profile", url, WINDOW, f"--screenshot={png}")
    assert png.exists(), shot.stderr[-2000:]
    assert png_size(png) == WINDOW_SIZE
    assert png.stat().st_size > 50_000, "screenshot looks blank"
    published = PROJECT_ROOT / "warehouse" / "ui-asset-graph.png"
    published.parent.mkdir(exist_ok=True)
    shutil.copy(png, published)

    dom = browse(chromium, tmp_path / "profile", url, WINDOW, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    _no_dialog(dom.stdout)
    # the graph draws only the nodes in the window, the group's list view names every asset
    assert LOCATION_NAME in dom.stdout and "dim_partner" in dom.stdout, f"no graph at {url}"
    listed = browse(chromium, tmp_path / "profile", f"{url}/list", WINDOW, "--dump-dom")
    assert listed.returncode == 0, listed.stderr[-2000:]
    _no_dialog(listed.stdout)
    for name in (*MART_TABLES, *MART_VIEWS):
        assert name in listed.stdout, f"{name} not on the page {url}/list"


@pytest.mark.slow
def test_the_job_page_lists_its_runs_in_a_browser(ui, tmp_path):
    chromium = chromium_path()
    runs = ui.job_runs()
    assert runs, "no run of the job to see"
    url = f"{ui.url}/locations/{REPOSITORY}@{LOCATION_NAME}/jobs/{JOB}/runs"
    png = tmp_path / "ui-job-runs.png"
    shot = browse(chromium, tmp_path / "profile", url, WINDOW, f"--screenshot={png}")
    assert png.exists(), shot.stderr[-2000:]
    shutil.copy(png, PROJECT_ROOT / "warehouse" / "ui-job-runs.png")

    dom = browse(chromium, tmp_path / "profile", url, WINDOW, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    _no_dialog(dom.stdout)
    # the Runs tab shows each run by the first 8 characters of its id
    shown = [run["runId"][:8] for run in runs if run["runId"][:8] in dom.stdout]
    assert shown, f"none of {[run['runId'][:8] for run in runs]} on the page {url}"


# --- the command stops, and leaves nothing behind ---------------------------------------


def test_sigterm_stops_the_ui_command_and_every_process_it_started(tmp_path):
    ui = start_ui(tmp_path / "ui")  # its own: the module's UI stays up for the other tests
    try:
        wait_until_ready(ui)
        left = ui.stop()
        assert left == [], f"still running after SIGTERM: {left}\n{ui.log_tail()}"
        assert ui.process.poll() is not None
    finally:
        ui.kill()
