"""The Dagster UI, started the way `make ui` starts it, shows the whole lineage.

One `dagster-webserver` is started for this module (loopback only, a throwaway DAGSTER_HOME) and
always stopped. The GraphQL API the UI itself reads is queried for the asset graph and the asset
checks; the slow test opens the marts group in headless Chromium and takes a screenshot.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from orchestration.settings import PROJECT_ROOT

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 120
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
      ... on AssetChecks { checks { name blocking } }
    }
  }
}
"""
WORKSPACE_QUERY = """
query Workspace {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on RepositoryLocation { name repositories { name } }
          ... on PythonError { message }
        }
      }
    }
  }
}
"""


@dataclass
class Webserver:
    process: subprocess.Popen
    port: int
    home: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.load(response)
        assert not payload.get("errors"), payload["errors"]
        return payload["data"]

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop the webserver and everything it started (its code server), by process group."""
    if process.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_until_loaded(server: Webserver) -> None:
    """`/server_info` answers first; the code location finishes loading some seconds later."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    answered = False
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"dagster-webserver exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            if not answered:
                with urllib.request.urlopen(f"{server.url}/server_info", timeout=5) as response:
                    answered = response.status == 200
            if answered:
                entries = server.graphql(WORKSPACE_QUERY)["workspaceOrError"]["locationEntries"]
                if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    pytest.fail(f"dagster-webserver not ready after {STARTUP_TIMEOUT_S} s:\n{server.log_tail()}")


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Webserver]:
    root = tmp_path_factory.mktemp("ui")
    home = root / "dagster_home"
    home.mkdir()
    config = (PROJECT_ROOT / ".dagster_home" / "dagster.yaml").read_text()
    # No "join the community" dialog over the page the screenshot is taken of.
    (home / "dagster.yaml").write_text(config + "\nnux:\n  enabled: false\n")
    log = root / "webserver.log"
    port = _free_port()
    binary = Path(sys.executable).with_name("dagster-webserver")
    command = [str(binary), "-m", "orchestration.definitions", "-h", HOST, "-p", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**os.environ, "DAGSTER_HOME": str(home)},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the code server stops with it
        )
    server = Webserver(process, port, home, log)
    try:
        _wait_until_loaded(server)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def asset_nodes(webserver: Webserver) -> dict[str, dict]:
    nodes = webserver.graphql(ASSET_NODES_QUERY)["assetNodes"]
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
    assert any("dim_partner" in name for name in relationships), sorted(relationships)


def test_webserver_listens_on_loopback_only(webserver):
    processes = [psutil.Process(webserver.process.pid)]
    processes += processes[0].children(recursive=True)
    listening = [
        conn.laddr
        for process in processes
        for conn in process.net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    ]
    assert (HOST, webserver.port) in [(addr.ip, addr.port) for addr in listening]
    assert all(ipaddress.ip_address(addr.ip).is_loopback for addr in listening), listening
    # and `make ui` starts it the same way
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    recipe = re.search(r"^ui:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "Makefile has no ui target"
    command = next(line for line in recipe.group(1).splitlines() if "dagster dev" in line)
    assert re.search(r"(-h|--host)[ =]127\.0\.0\.1\b", command), command
    assert "0.0.0.0" not in recipe.group(1)


# --- slow: a real browser ---------------------------------------------------------------------


def _chromium() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0:
        pytest.skip(
            "chromium is not installed and installing it needs root: apt-get install chromium"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "chromium"]
    result = subprocess.run(install, capture_output=True, text=True, env=env, timeout=1200)
    if result.returncode != 0:  # stale package lists: refresh once, then try again
        subprocess.run(["apt-get", "update"], capture_output=True, env=env, timeout=600)
        result = subprocess.run(install, capture_output=True, text=True, env=env, timeout=1200)
    found = shutil.which("chromium")
    if not found:
        pytest.skip(f"apt-get install chromium failed:\n{(result.stdout + result.stderr)[-2000:]}")
    return found


def _browse(chromium: str, profile: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=20000",
        *args,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


# The graph draws only the nodes inside the window: a tall one holds the whole marts group.
WINDOW_SIZE = (1600, 2900)
WINDOW = "--window-size={},{}".format(*WINDOW_SIZE)


def _png_size(png: Path) -> tuple[int, int]:
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.slow
def test_asset_graph_renders_in_a_browser(webserver, tmp_path):
    chromium = _chromium()
    location = webserver.graphql(WORKSPACE_QUERY)["workspaceOrError"]["locationEntries"][0]
    repository = location["locationOrLoadError"]["repositories"][0]["name"]
    url = f"{webserver.url}/locations/{repository}@{location['name']}/asset-groups/marts"

    png = tmp_path / "ui-asset-graph.png"
    shot = _browse(chromium, tmp_path / "profile", url, WINDOW, f"--screenshot={png}")
    assert png.exists(), shot.stderr[-2000:]
    assert _png_size(png) == WINDOW_SIZE
    assert png.stat().st_size > 50_000, "screenshot looks blank"
    published = PROJECT_ROOT / "warehouse" / "ui-asset-graph.png"
    published.parent.mkdir(exist_ok=True)
    shutil.copy(png, published)

    dom = _browse(chromium, tmp_path / "profile", url, WINDOW, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = dom.stdout
    assert "Join the Dagster community" not in text
    for name in (*MART_TABLES, *MART_VIEWS, "cooperation"):
        assert name in text, f"{name} not on the page {url}"
