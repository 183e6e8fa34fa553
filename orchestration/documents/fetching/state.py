"""What the fetcher remembers between polls, in ``raw/.fetch/state.json`` (a dot folder: the
landing zone never reads it).

Per source: the validators of its last answer (ETag, Last-Modified) for a conditional
request, when it last answered, when it last gave a new document, and since when it fails
(the freshness warnings read these). Per site: its robots.txt and when it was read. Per landed
document: what the library read of it (library.py). Losing the file costs one full poll, not
a document: the landed files are the truth, this is a cache. Written whole to a dotfile, then
renamed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

STATE_VERSION = 1


def state_dir(raw_dir: Path) -> Path:
    return raw_dir / ".fetch"


@dataclass
class FetchState:
    sources: dict[str, dict] = field(default_factory=dict)
    robots: dict[str, dict] = field(default_factory=dict)
    library: dict[str, list] = field(default_factory=dict)

    def source(self, name: str) -> dict:
        return self.sources.setdefault(name, {})


def load_state(raw_dir: Path) -> FetchState:
    path = state_dir(raw_dir) / "state.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return FetchState()  # unreadable: start again from the landed files
    if data.get("version") != STATE_VERSION:
        return FetchState()
    return FetchState(data.get("sources", {}), data.get("robots", {}), data.get("library", {}))


def save_state(raw_dir: Path, state: FetchState) -> None:
    folder = state_dir(raw_dir)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / ".state.json.partial"
    data = {"version": STATE_VERSION, "sources": state.sources, "robots": state.robots,
            "library": state.library}  # fmt: skip
    partial.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(partial, folder / "state.json")
