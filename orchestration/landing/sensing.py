"""What has landed: a fingerprint of the landing zone from file names, sizes and times only.

The sensor compares fingerprints between ticks; it never opens a file's content or DuckDB.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def landing_zone_listing(raw_dir: Path) -> dict[str, list[int]]:
    listing: dict[str, list[int]] = {}
    for dirpath, dirnames, filenames in os.walk(raw_dir):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith(".") or name.endswith((".partial", ".tmp")) or name == "README.md":
                continue
            path = Path(dirpath) / name
            try:
                info = path.stat()
            except FileNotFoundError:  # removed between listing and stat
                continue
            listing[path.relative_to(raw_dir).as_posix()] = [info.st_size, info.st_mtime_ns]
    return listing


def fingerprint(listing: dict[str, list[int]]) -> str:
    return hashlib.sha256(json.dumps(listing, sort_keys=True).encode()).hexdigest()


def changed_files(previous: dict[str, list[int]], current: dict[str, list[int]]) -> list[str]:
    """Files new, changed or removed since the previous listing."""
    names = set(previous) | set(current)
    return sorted(n for n in names if previous.get(n) != current.get(n))
