"""How fresh each source is: silent (no new document) or failing for longer than expected.

A source's ``expected_interval_hours`` (default a week) says how often it publishes. After each
poll its memory in the fetch state records when it was first asked, when it last answered,
when it last gave a new document, and since when it fails with which reason; a warning line is
due when it has failed, or given nothing new, for longer than its interval.
"""

from __future__ import annotations

from orchestration.documents.fetching.sources import Source
from orchestration.documents.fetching.state import FetchState


def record_outcome(memory: dict, failures: list[str], new_documents: int, now: float) -> None:
    memory.setdefault("first_asked_at", now)
    if failures:
        memory.setdefault("failing_since", now)
        memory["last_error"] = failures[0]
        return
    memory["last_answer_at"] = now
    memory.pop("failing_since", None)
    memory.pop("last_error", None)
    if new_documents:
        memory["last_new_at"] = now


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.0f} h"


def freshness_warnings(sources: list[Source], state: FetchState, now: float) -> list[str]:
    """One line per source silent or failing for longer than its expected interval."""
    lines = []
    for source in sources:
        memory = state.sources.get(source.name, {})
        limit = source.expected_interval.total_seconds()
        if "failing_since" in memory and now - memory["failing_since"] > limit:
            lines.append(f"{source.name}: failing for {_hours(now - memory['failing_since'])} "
                         f"(expected to publish every {_hours(limit)}): "
                         f"{memory.get('last_error', '')}")  # fmt: skip
            continue
        since = memory.get("last_new_at", memory.get("first_asked_at", now))
        if now - since > limit:
            lines.append(f"{source.name}: no new document for {_hours(now - since)} (expected "
                         f"every {_hours(limit)})")  # fmt: skip
    return lines
