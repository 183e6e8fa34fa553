"""The dbt docs site, generated against the build file and swapped into warehouse/docs/."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings, dbt_executable

SITE_FILES = ("index.html", "manifest.json", "catalog.json")


def generate_docs(settings: Settings) -> Path:
    """Run `dbt docs generate --static` (one self-contained page that opens from disk, no
    server needed) and replace warehouse/docs/ with the result. The caller holds the lock."""
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.build_dir) as target:
        subprocess.run(
            [
                dbt_executable(), "docs", "generate", "--static", "--quiet",
                "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                "--target-path", target,
            ],
            check=True,
            env={**os.environ, **settings.dbt_env()},
            capture_output=True,
            text=True,
        )  # fmt: skip
        staging = settings.docs_dir.with_name(f".{settings.docs_dir.name}.tmp-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        shutil.copy(Path(target) / "static_index.html", staging / "index.html")
        for name in SITE_FILES[1:]:
            shutil.copy(Path(target) / name, staging / name)
    previous = settings.docs_dir.with_name(f".{settings.docs_dir.name}.old-{os.getpid()}")
    if settings.docs_dir.exists():
        os.replace(settings.docs_dir, previous)
    os.replace(staging, settings.docs_dir)
    shutil.rmtree(previous, ignore_errors=True)
    return settings.docs_dir
