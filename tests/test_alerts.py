"""Failure alerts: one JSON POST per failed run to a webhook served here, and the alerts log."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.alerts import failed_run_alert
from orchestration.operations.alerts import one_line_reason
from tests.conftest import PROJECT_ROOT
from tests.uiserver import free_port


class Webhook(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(
            {"content_type": self.headers["Content-Type"], "json": json.loads(body)}
        )
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    received: list[dict] = []
    handler = type("Handler", (Webhook,), {"received": received})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/coop", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def alert_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        (PROJECT_ROOT / ".dagster_home" / "dagster.yaml").read_text()
    )
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("COOP_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("COOP_UI_URL", "http://127.0.0.1:3999/")
    monkeypatch.delenv("COOP_ALERT_WEBHOOK", raising=False)
    return tmp_path / "build" / "logs" / "alerts.jsonl"


@dg.op
def loaded() -> int:
    return 1


@dg.op
def published(rows: int) -> None:
    raise dg.Failure(f"the build file is locked by another writer ({rows} row)\nmore detail")


@dg.job
def failing_job():
    published(loaded())


def fail_a_run(instance: dg.DagsterInstance) -> str:
    """A real failed run on the instance, and the sensor evaluated on it as the daemon does."""
    result = failing_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    context = dg.build_run_status_sensor_context(
        sensor_name=failed_run_alert.name,
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()
    failed_run_alert(context)
    return result.run_id


def test_each_failed_run_posts_one_json_message_and_is_logged(alert_env, webhook, monkeypatch):
    url, received = webhook
    monkeypatch.setenv("COOP_ALERT_WEBHOOK", url)
    with dg.DagsterInstance.get() as instance:
        first, second = fail_a_run(instance), fail_a_run(instance)
    assert [post["json"]["run_id"] for post in received] == [first, second]
    message = received[0]["json"]
    assert received[0]["content_type"] == "application/json"
    assert message["job"] == "failing_job"
    assert message["step"] == "published"
    assert message["reason"] == "the build file is locked by another writer (1 row)"
    assert message["run_url"] == f"http://127.0.0.1:3999/runs/{first}"
    assert message["text"].splitlines() == [
        f"Run {first} of job failing_job FAILED at step published: "
        "the build file is locked by another writer (1 row)",
        f"http://127.0.0.1:3999/runs/{first}",
    ]
    logged = [json.loads(line) for line in alert_env.read_text().splitlines()]
    assert [entry["run_id"] for entry in logged] == [first, second]
    assert logged[0] == {**message, "delivery_error": None}


def test_without_a_webhook_the_alert_is_logged(alert_env):
    with dg.DagsterInstance.get() as instance:
        run_id = fail_a_run(instance)
    (entry,) = [json.loads(line) for line in alert_env.read_text().splitlines()]
    assert entry["run_id"] == run_id and entry["delivery_error"] is None


def test_a_webhook_that_is_down_loses_no_alert(alert_env, monkeypatch):
    monkeypatch.setenv("COOP_ALERT_WEBHOOK", f"http://127.0.0.1:{free_port()}/down")
    with dg.DagsterInstance.get() as instance:
        run_id = fail_a_run(instance)
    (entry,) = [json.loads(line) for line in alert_env.read_text().splitlines()]
    assert entry["run_id"] == run_id
    assert entry["delivery_error"].startswith("webhook POST failed")


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("dagster._core.definitions.events.Failure: disk full\nTraceback ...", "disk full"),
        ("DagsterDbtCliRuntimeError: dbt build failed", "dbt build failed"),
        ("dagster_dbt.errors.DagsterDbtError: KeyError: 'x'", "'x'"),
        (
            "\n\n  events.ndjson: line 3, column 2: bad date\n",
            "events.ndjson: line 3, column 2: bad date",
        ),
        ("Note: nothing to strip", "Note: nothing to strip"),
        ("", "failed (no message)"),
        (None, "failed (no message)"),
    ],
)
def test_the_reason_is_one_line_without_python_type_names(message, reason):
    assert one_line_reason(message) == reason
