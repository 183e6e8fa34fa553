"""Landing fetched documents under ``raw/documents/<folder>/``, all of a poll at once.

Each document is written whole as a dotfile ``.<name>.partial`` (never picked up by the
sensor or the loader, raw/README.md "Landing a file safely"), flushed to disk, and renamed
to its name only when the poll commits: the sensor then sees every document of the poll in
one listing and starts one run for them, not one per document. A poll that dies leaves
only dotfiles, removed by the next poll. The file is the page's text (UTF-8) after front
matter the loader reads: url, title, published_on, language, publisher, publisher_kind, the
grade, and for a repost its original_publisher and original_url.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from orchestration.documents.fetching.state import state_dir

PARTIAL_PREFIX = ".fetch-"
MAX_SLUG = 60


def slug(text: str) -> str:
    ascii_words = re.sub(r"[^a-z0-9]+", "-", text.lower().encode("ascii", "ignore").decode())
    return ascii_words.strip("-")[:MAX_SLUG].rstrip("-") or "document"


def front_matter(fields: dict[str, str | None]) -> str:
    kept = {k: str(v) for k, v in fields.items() if v not in (None, "")}
    dumped = yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{dumped}---\n"


class Lander:
    """Stages documents during a poll; ``commit`` renames them all into place."""

    def __init__(self, raw_dir: Path) -> None:
        self.raw_dir = raw_dir
        self.staged: list[tuple[Path, Path]] = []
        self.taken: set[Path] = set()
        for stale in (raw_dir / "documents").glob(f"*/{PARTIAL_PREFIX}*.partial"):
            stale.unlink(missing_ok=True)  # left by a poll that did not finish

    def target(self, folder: str, day: str, title: str, suffix: str) -> Path:
        """A free file name: ``<day>-<slug of title><suffix>``, numbered when taken."""
        base = self.raw_dir / "documents" / folder / f"{day}-{slug(title)}"
        path, n = base.with_name(base.name + suffix), 2
        while path.exists() or path in self.taken:
            path, n = base.with_name(f"{base.name}-{n}{suffix}"), n + 1
        self.taken.add(path)
        return path

    def stage(self, target: Path, fields: dict[str, str | None], text: str,
              original: bytes | None) -> str:  # fmt: skip
        """Write the document as a dotfile; keep the fetched bytes when the text differs from
        them (another charset). Returns its path under raw/."""
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{PARTIAL_PREFIX}{target.name}.partial")
        with partial.open("w", encoding="utf-8", newline="") as out:
            out.write(front_matter(fields) + text)
            out.flush()
            os.fsync(out.fileno())
        if original is not None:
            kept = state_dir(self.raw_dir) / "originals" / target.relative_to(self.raw_dir)
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_bytes(original)
        self.staged.append((partial, target))
        return target.relative_to(self.raw_dir).as_posix()

    def commit(self) -> list[str]:
        """Rename every staged document into place; their paths under raw/."""
        landed = []
        for partial, target in self.staged:
            os.replace(partial, target)
            landed.append(target.relative_to(self.raw_dir).as_posix())
        self.staged.clear()
        return landed
