"""Failure alerts: one JSON message per failed run, to a webhook and to a log file.

The message is a plain JSON object whose `text` field is the human line (what Slack, Microsoft
Teams and Mattermost incoming webhooks show); the other fields carry the same facts for a
machine: `job`, `run_id`, `step`, `reason`, `run_url`. Every alert is appended, one JSON object a
line, to `<build>/logs/alerts.jsonl` whether a webhook is set or not.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from orchestration.problems import one_line

WEBHOOK_TIMEOUT_S = 10


def one_line_reason(message: str | None) -> str:
    """The first meaningful line of an error message, without the Python type names before it:
    the project's one formatter of problems (orchestration/problems.py)."""
    return one_line(message or "")


@dataclass(frozen=True)
class FailureAlert:
    job: str
    run_id: str
    step: str  # the first failing step, or "(run)" when the run failed outside any step
    reason: str
    run_url: str
    at: str  # UTC, ISO 8601

    @property
    def text(self) -> str:
        return (
            f"Run {self.run_id} of job {self.job} FAILED at step {self.step}: {self.reason}\n"
            f"{self.run_url}"
        )

    def payload(self) -> dict[str, str]:
        return {"text": self.text, **asdict(self)}


def failure_alert(
    job: str, run_id: str, failures: list[tuple[str, str | None]], run_message: str, ui_url: str
) -> FailureAlert:
    """The alert of a failed run, from its step failures (step key, error message) in order,
    or the run's own failure message when no step failed (a run that could not start)."""
    step, message = failures[0] if failures else ("(run)", run_message)
    return FailureAlert(
        job=job,
        run_id=run_id,
        step=step,
        reason=one_line_reason(message),
        run_url=f"{ui_url.rstrip('/')}/runs/{run_id}",
        at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )


def deliver(alert: FailureAlert, log_file: Path, webhook: str | None) -> str | None:
    """Append the alert to `log_file`, then POST it to `webhook` when one is set. Returns the
    delivery error (recorded in the log file too), or None: a webhook that is down must not
    lose the alert, nor fail the sensor into sending it again."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    payload = alert.payload()
    error = None
    if webhook:
        request = urllib.request.Request(
            webhook,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S):
                pass
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            error = f"webhook POST failed: {exc}"
    with log_file.open("a", encoding="utf-8") as out:
        out.write(json.dumps({**payload, "delivery_error": error}) + "\n")
    return error
