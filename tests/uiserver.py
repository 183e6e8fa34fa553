"""The README's UI command (`make ui`) started for a test, and the GraphQL calls the UI makes.

The command runs in a session of its own with a throwaway DAGSTER_HOME (the committed instance
settings) and throwaway raw/, warehouse/ and build folders; `stop` sends it SIGTERM as systemd
or `kill` would and reports the processes of its session still alive afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

from orchestration.runner.location import LOCATION_NAME
from orchestration.settings import PROJECT_ROOT

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 240
RUN_TIMEOUT_S = 900  # a whole build on 2 shared cores under load took up to 8 minutes
STOP_TIMEOUT_S = 120
REPOSITORY = "__repository__"  # the one repository of a Definitions object
JOB = "build_warehouse"
TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}

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
DAEMON_HEALTH_QUERY = """
query DaemonHealth {
  instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } }
}
"""
LAUNCH_MUTATION = """
mutation Launch($executionParams: ExecutionParams!) {
  launchPipelineExecution(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
RUNS_QUERY = """
query Runs($filter: RunsFilter) {
  runsOrError(filter: $filter) {
    __typename
    ... on Runs {
      results {
        runId
        status
        jobName
        repositoryOrigin { repositoryLocationName repositoryName }
        tags { key value }
      }
    }
  }
}
"""


@dataclass
class UiCommand:
    process: subprocess.Popen
    port: int
    root: Path
    env: dict[str, str]
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def raw_dir(self) -> Path:
        return Path(self.env["COOP_RAW_DIR"])

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

    def runs(self, **run_filter) -> list[dict]:
        found = self.graphql(RUNS_QUERY, {"filter": run_filter})["runsOrError"]
        assert found["__typename"] == "Runs", found
        return found["results"]

    def job_runs(self) -> list[dict]:
        """The runs the job's Runs tab lists: the UI filters by job and code location tag."""
        tag = {"key": ".dagster/repository", "value": f"{REPOSITORY}@{LOCATION_NAME}"}
        return self.runs(pipelineName=JOB, tags=[tag])

    def launch(self, job: str = JOB) -> str:
        """Launch a job (`build_warehouse`) as the job page's Materialize button does."""
        params = {
            "selector": {
                "repositoryLocationName": LOCATION_NAME,
                "repositoryName": REPOSITORY,
                "pipelineName": job,
            },
            "mode": "default",
            "runConfigData": {},
            "executionMetadata": {"tags": [{"key": "dagster/from_ui", "value": "true"}]},
        }
        launched = self.graphql(LAUNCH_MUTATION, {"executionParams": params})
        result = launched["launchPipelineExecution"]
        assert result["__typename"] == "LaunchRunSuccess", result
        return result["run"]["runId"]

    def wait_for_run(self, predicate, what: str, timeout_s: float = RUN_TIMEOUT_S) -> dict:
        """The first run matching `predicate` once it ended (success or not); fails the test
        when none ended within the bound or the command died."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"`make ui` exited:\n{self.log_tail()}"
            ended = [r for r in self.runs() if predicate(r) and r["status"] in TERMINAL]
            if ended:
                return ended[0]
            time.sleep(2)
        raise AssertionError(f"no {what} ended within {timeout_s} s:\n{self.log_tail()}")

    def session_processes(self) -> list[psutil.Process]:
        alive = []
        for process in psutil.process_iter():
            try:
                if (
                    os.getsid(process.pid) == self.process.pid
                    and process.status() != psutil.STATUS_ZOMBIE
                ):
                    alive.append(process)
            except (ProcessLookupError, PermissionError, psutil.NoSuchProcess):
                continue
        return alive

    def stop(self) -> list[str]:
        """SIGTERM to the command alone (its own children must follow); what is left alive."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline and self.session_processes():
            self.process.poll()  # reaps `make` once it exited
            time.sleep(1)
        # what is left, with its signal masks: an ignored or blocked SIGTERM shows there
        return [f"{' '.join(p.cmdline()[:4])} [{signal_state(p.pid)}]"
                for p in self.session_processes()]  # fmt: skip

    def kill(self) -> None:
        """The last resort of the fixture: nothing of the command outlives the tests."""
        for process in self.session_processes():
            try:
                process.kill()
            except psutil.NoSuchProcess:
                continue
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_ui(root: Path, built: Path | None = None) -> UiCommand:
    """`make ui` on a free port, on a copy of the environment `built` (landing zone, build,
    publication and Dagster instance of a build), or on an empty landing zone."""
    if built is not None:
        shutil.copytree(built, root, symlinks=True, dirs_exist_ok=True)
    else:
        (root / "raw").mkdir(parents=True)
        (root / "dagster_home").mkdir()
        shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", root / "dagster_home")
    home = root / "dagster_home"
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "COOP_RAW_DIR": str(root / "raw"),
        "COOP_WAREHOUSE_DIR": str(root / "warehouse"),
        "COOP_BUILD_DIR": str(root / "build"),
    }
    log = root / "ui.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "ui", f"UI_PORT={port}"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its session: every process it starts is found by `stop`
            preexec_fn=as_from_a_terminal,
        )
    return UiCommand(process, port, root, env, log)


def as_from_a_terminal() -> None:
    """In the child, before `make` starts: SIGTERM and SIGINT handled by default and not
    blocked, as a shell started from a terminal has them. An ignored or blocked signal is
    inherited across exec, and this process (a test worker that ran Dagster, DuckDB and Spark
    in process) is no terminal: a `make` that inherited SIGTERM ignored would never pass it on."""
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})


def signal_state(pid: int) -> str:
    """The blocked, ignored and caught signal masks of a process, for a failure message."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return "(gone)"
    return " ".join(line for line in lines if line.startswith(("SigBlk", "SigIgn", "SigCgt")))


def land_file(ui: UiCommand, relative: str, content: str) -> None:
    """A file lands whole (written aside, then renamed), so no sensor tick sees half of it."""
    target = ui.raw_dir / relative
    staged = target.with_name(f".{target.name}.partial")
    staged.write_text(content)
    os.rename(staged, target)


def wait_until_ready(ui: UiCommand) -> None:
    """The code location is loaded and every daemon the instance requires reports healthy."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if ui.process.poll() is not None:
            raise AssertionError(f"`make ui` exited with {ui.process.returncode}:\n{ui.log_tail()}")
        try:
            entries = ui.graphql(WORKSPACE_QUERY)["workspaceOrError"]["locationEntries"]
            statuses = ui.graphql(DAEMON_HEALTH_QUERY)["instance"]["daemonHealth"]
            required = [s for s in statuses["allDaemonStatuses"] if s["required"]]
            if (
                entries
                and all(entry["loadStatus"] == "LOADED" for entry in entries)
                and required
                and all(s["healthy"] for s in required)
            ):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise AssertionError(f"`make ui` not ready after {STARTUP_TIMEOUT_S} s:\n{ui.log_tail()}")
