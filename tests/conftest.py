"""Shared fixtures: a prepared dbt manifest, and isolated pipeline environments in temp folders."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.settings import PROJECT_ROOT, Settings, load_settings

SAMPLE_RAW = PROJECT_ROOT / "raw"
ENV_KEYS = ("COOP_RAW_DIR", "COOP_WAREHOUSE_DIR", "COOP_BUILD_DIR", "DAGSTER_HOME")


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    """The manifest Dagster reads its dbt assets from; `make test` runs `dbt parse` first."""
    manifest = PROJECT_ROOT / "dbt_project" / "target" / "manifest.json"
    if not manifest.exists():
        from orchestration.runner.runs import prepare_dbt_manifest

        prepare_dbt_manifest()
    return manifest


@dataclass
class PipelineEnv:
    root: Path
    settings: Settings

    @property
    def raw_dir(self) -> Path:
        return self.settings.raw_dir


def make_pipeline_env(root: Path, raw_source: Path | None = SAMPLE_RAW) -> PipelineEnv:
    """Point every path of a run at `root`: raw/, warehouse/, build/ and a Dagster instance."""
    raw = root / "raw"
    if raw_source is not None:
        shutil.copytree(raw_source, raw, symlinks=True)
    else:
        raw.mkdir(parents=True)
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    os.environ["COOP_RAW_DIR"] = str(raw)
    os.environ["COOP_WAREHOUSE_DIR"] = str(root / "warehouse")
    os.environ["COOP_BUILD_DIR"] = str(root / "build")
    os.environ["DAGSTER_HOME"] = str(home)
    return PipelineEnv(root, load_settings())


@contextlib.contextmanager
def saved_env() -> Iterator[None]:
    """Put the pipeline's environment variables back as they were on exit."""
    saved = {key: os.environ.get(key) for key in ENV_KEYS}
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def restore_env() -> Iterator[None]:
    with saved_env():
        yield
