"""Shared fixtures: a prepared dbt manifest, the sample built once per session, and isolated
pipeline environments in temp folders (a copy of the built sample for a test that changes it)."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.linking import SHARED
from orchestration.settings import PROJECT_ROOT, Settings, load_settings

SAMPLE_RAW = PROJECT_ROOT / "raw"
# the seed press release is read from ../shared beside the project, absent in a plain clone
needs_shared = pytest.mark.skipif(
    not (SHARED / "domain").is_dir(),
    reason=f"the seed release is read from {SHARED}/domain, which is absent (a plain clone)",
)
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


def point_env_at(root: Path) -> PipelineEnv:
    """Point the pipeline's environment variables at an environment already laid out in `root`."""
    os.environ["COOP_RAW_DIR"] = str(root / "raw")
    os.environ["COOP_WAREHOUSE_DIR"] = str(root / "warehouse")
    os.environ["COOP_BUILD_DIR"] = str(root / "build")
    os.environ["DAGSTER_HOME"] = str(root / "dagster_home")
    return PipelineEnv(root, load_settings())


@dataclass
class BuiltSample(PipelineEnv):
    summary: object = None  # the RunSummary of the build


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> BuiltSample:
    """The sample extracts built and published once for the whole session. Read it, never
    change it: a test that changes anything (a file, the build, a run) takes `sample_copy`."""
    from orchestration.runner.runs import run_main_job

    with saved_env():
        env = make_pipeline_env(tmp_path_factory.mktemp("sample"))
        summary = run_main_job()
    assert summary.success, summary.step_failures
    return BuiltSample(env.root, env.settings, summary)


@pytest.fixture
def sample_env(sample_build: BuiltSample) -> Iterator[BuiltSample]:
    """The built sample, with the environment pointing at it (for commands that read settings
    from it, such as `coop query`); the environment is restored after the test."""
    with saved_env():
        point_env_at(sample_build.root)
        yield sample_build


@pytest.fixture
def sample_copy(sample_build: BuiltSample, tmp_path: Path) -> Iterator[BuiltSample]:
    """A private copy of the built sample (landing zone, build file, publication, Dagster
    instance, plans), with the environment pointing at it: a run on it is an increment of the
    sample's build. Modification times are kept, so unchanged files stay unchanged."""
    root = tmp_path / "sample"
    shutil.copytree(sample_build.root, root, symlinks=True)
    with saved_env():
        env = point_env_at(root)
        yield BuiltSample(env.root, env.settings, sample_build.summary)
