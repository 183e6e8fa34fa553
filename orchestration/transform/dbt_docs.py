"""The dbt docs site, generated against the build file and swapped into warehouse/docs/."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from orchestration.publication.publish import swap_folder
from orchestration.settings import DBT_PARSE_STATE, DBT_PROJECT_DIR, Settings, dbt_executable

SITE_FILES = ("index.html", "manifest.json", "catalog.json")
SOURCE_STAMP = ".dbt_project_sha256"  # which dbt project the site describes


def docs_are_current(settings: Settings, project_digest: str) -> bool:
    stamp = settings.docs_dir / SOURCE_STAMP
    return (settings.docs_dir / "index.html").exists() and (
        stamp.exists() and stamp.read_text() == project_digest
    )


def generate_docs(settings: Settings, project_digest: str) -> Path:
    """Run `dbt docs generate --static` (one self-contained page that opens from disk, no
    server needed) and replace warehouse/docs/ with the result. The caller holds the lock."""
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.build_dir) as target:
        if DBT_PARSE_STATE.exists():
            # dbt then parses only what changed; a state made for another
            # project or profile is detected by dbt and ignored
            shutil.copyfile(DBT_PARSE_STATE, Path(target) / DBT_PARSE_STATE.name)
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
        (staging / SOURCE_STAMP).write_text(project_digest)
    swap_folder(staging, settings.docs_dir)
    return settings.docs_dir
