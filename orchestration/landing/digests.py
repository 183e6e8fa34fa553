"""Content digests of the project's own sources, to tell when a rebuild is needed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT

SOURCE_SUFFIXES = (".sql", ".yml", ".md", ".py")


def sources_digest(*folders: Path) -> str:
    """SHA-256 over the names and bytes of the source files below the folders (build output
    such as dbt's target/ left out)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            built = any(part.startswith("target") for part in path.parts)  # target, target_spark
            if path.suffix in SOURCE_SUFFIXES and not built and path.is_file():
                digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def dbt_project_digest() -> str:
    return sources_digest(DBT_PROJECT_DIR)
