"""What differs between the engines that build the marts (DuckDB, Spark), behind one interface
(`base.Engine`) chosen once from the settings (`COOP_ENGINE`); the Spark hand-off and
publication, a local Spark cluster, and the parity check between the two publications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestration.engines.base import Engine, Published

if TYPE_CHECKING:
    from orchestration.settings import Settings

ENGINE_NAMES = ("duckdb", "spark")


def engine_class(name: str) -> type[Engine]:
    """The engine called `name`; the only place an engine's name is looked at."""
    if name == "spark":
        from orchestration.engines.spark import SparkEngine  # its hand-off needs no Spark yet

        return SparkEngine
    from orchestration.engines.duckdb import DuckDBEngine

    return DuckDBEngine


def engine_for(settings: Settings) -> Engine:
    return engine_class(settings.engine)(settings)


__all__ = ["ENGINE_NAMES", "Engine", "Published", "engine_class", "engine_for"]
