"""What an engine must say for the rest of the pipeline to be written once.

The landing always happens in the DuckDB build file (the loader guards it); an engine decides
where dbt builds the marts, what must happen before dbt can read the landing, what a successful
run publishes and where readers (the atlas, `coop status`) find the published marts.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the settings import the engines: only their type is needed here
    import duckdb

    from orchestration.settings import Settings


@dataclass(frozen=True)
class Published:
    """What a publication produced: its path, when, each mart's rows, and what to show."""

    path: Path
    published_at: dt.datetime
    mart_rows: dict[str, int]
    metadata: dict[str, object] = field(default_factory=dict)


class Engine(ABC):
    """One engine's answers; built from the settings, so each knows its own folders."""

    name: str
    dbt_target_path: str  # one manifest per engine: configs read `target.type` at parse time
    build_subfolder: str  # each engine its own build file and plans under warehouse/build/
    marts_in_build_file: bool  # dbt's relations can be described from the build file
    builds_docs_site: bool  # `dbt docs generate` reads the catalog from the build file
    hands_off_landing: bool  # dbt reads a copy of the landing, made by `prepare_for_dbt`

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    @abstractmethod
    def dbt_target(self) -> str:
        """The target of dbt_project/profiles.yml."""

    @property
    @abstractmethod
    def publication(self) -> Path:
        """What a successful run publishes."""

    @property
    @abstractmethod
    def atlas_dir(self) -> Path:
        """This publication's atlas (two engines never overwrite each other's)."""

    def prepare_for_dbt(self, build: duckdb.DuckDBPyConnection) -> dict[str, str]:
        """Make the landed tables readable by dbt's engine; what was done, per
        `<schema>.<table>`."""
        return {}

    @abstractmethod
    def publish(self, mart_names: list[str], run_id: str) -> Published:
        """Publish this run's marts once every blocking check passed (the caller holds the
        writer lock)."""

    @abstractmethod
    def open_marts(self) -> tuple[duckdb.DuckDBPyConnection, dt.datetime]:
        """A read-only DuckDB connection seeing the published marts as `marts.<mart>`, and
        when they were published."""

    @abstractmethod
    def marts_fingerprint(self) -> str:
        """Changes exactly when a published mart's content changes."""

    @abstractmethod
    def published_rows(self) -> dict[str, int]:
        """Rows of each published mart."""

    def outputs(self) -> dict[str, Path]:
        """Further outputs of a publication a person may want to open, by label."""
        return {}
