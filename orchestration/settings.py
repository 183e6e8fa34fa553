"""The one place where paths and environment variables are read.

Every path the pipeline touches derives from three roots, each overridable through the environment
so tests and benchmarks can point a whole run at temporary folders:

- ``COOP_RAW_DIR``: the landing zone (default ``<project>/raw``);
- ``COOP_WAREHOUSE_DIR``: published warehouse, exports and docs (default ``<project>/warehouse``);
- ``COOP_BUILD_DIR``: the private build file that only the pipeline opens
  (default ``<warehouse>/build``, ``<warehouse>/build/spark`` on Spark).

``COOP_ENGINE`` picks the engine dbt builds the marts on: ``duckdb`` (the default) or ``spark``
(through dbt-spark; ``COOP_SPARK_METHOD`` ``session``, the default, or ``thrift``). On Spark the
loader still lands every extract in its DuckDB build file and hands the raw tables over as
Parquet; the marts are published under ``<warehouse>/engines/spark/marts/``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from orchestration.engines import ENGINE_NAMES, Engine, engine_class, engine_for

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# dbt's parse of the project, kept after each dbt build for the next dbt command to start from
DBT_PARSE_STATE = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"

# DuckDB derives a catalog name from the file name; the build file and the published file share
# one name so that views compiled by dbt ("cooperation"."marts"."x") resolve in both.
DATABASE_FILE_NAME = "cooperation.duckdb"

# The atlas: country shapes and the charts' font (Inter, TrueType), installed by `make` (npm)
ATLAS_SHAPES_FILE = PROJECT_ROOT / "atlas" / "node_modules" / "world-atlas" / "countries-110m.json"
ATLAS_FONT_FILES = {  # the name the atlas ships it under: the npm package's file
    f"Inter-{weight}.ttf": PROJECT_ROOT
    / "atlas"
    / "node_modules"
    / "@expo-google-fonts"
    / "inter"
    / f"{number}{weight}"
    / f"Inter_{number}{weight}.ttf"
    for number, weight in (("400", "Regular"), ("700", "Bold"))
}

SPARK_METHODS = ("session", "thrift")


class SettingsError(ValueError):
    """A setting from the environment that the pipeline cannot use."""


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse_dir: Path
    build_dir: Path
    # DuckDB resource limits for every writer: spill to disk rather than fail on large data.
    memory_limit: str
    threads: int
    engine: str = "duckdb"
    spark_method: str = "session"

    @property
    def engine_impl(self) -> Engine:
        """What differs between the engines, behind one interface (orchestration/engines/)."""
        return engine_for(self)

    @property
    def dbt_target(self) -> str:
        """The target of dbt_project/profiles.yml for this engine."""
        return self.engine_impl.dbt_target

    @property
    def dbt_target_path(self) -> str:
        """dbt's target folder, one per engine: configs read `target.type` at parse time."""
        return self.engine_impl.dbt_target_path

    @property
    def dbt_parse_state(self) -> Path:
        return DBT_PROJECT_DIR / self.dbt_target_path / DBT_PARSE_STATE.name

    @property
    def spark_dir(self) -> Path:
        """Spark's own files: metastore, tables, the raw tables handed off, the marts to publish."""
        return self.build_dir / "spark"

    @property
    def handoff_dir(self) -> Path:
        return self.spark_dir / "handoff"

    @property
    def spark_export_dir(self) -> Path:
        return self.spark_dir / "export"

    @property
    def spark_marts_dir(self) -> Path:
        return self.warehouse_dir / "engines" / "spark" / "marts"

    @property
    def publication(self) -> Path:
        """What a successful run of this engine publishes."""
        return self.engine_impl.publication

    @property
    def build_db(self) -> Path:
        return self.build_dir / DATABASE_FILE_NAME

    @property
    def published_db(self) -> Path:
        return self.warehouse_dir / DATABASE_FILE_NAME

    @property
    def parquet_dir(self) -> Path:
        return self.warehouse_dir / "parquet" / "marts"

    @property
    def docs_dir(self) -> Path:
        return self.warehouse_dir / "docs"

    @property
    def atlas_dir(self) -> Path:
        """The atlas of this engine's publication (the two engines never overwrite each other's)."""
        return self.engine_impl.atlas_dir

    @property
    def temp_dir(self) -> Path:
        return self.build_dir / "duckdb_tmp"

    @property
    def lock_file(self) -> Path:
        return self.build_dir / "writer.lock"

    @property
    def alerts_log(self) -> Path:
        return self.build_dir / "logs" / "alerts.jsonl"

    def dbt_env(self) -> dict[str, str]:
        """Variables the dbt profile reads (dbt_project/profiles.yml)."""
        return {
            "COOP_BUILD_DB": str(self.build_db),
            "COOP_DUCKDB_MEMORY_LIMIT": self.memory_limit,
            "COOP_DUCKDB_THREADS": str(self.threads),
            "COOP_DUCKDB_TEMP_DIR": str(self.temp_dir),
            "COOP_SPARK_DIR": str(self.spark_dir),
            "COOP_SPARK_WAREHOUSE_DIR": str(self.spark_dir / "tables"),
            "COOP_SPARK_METASTORE_DIR": str(self.spark_dir / "metastore_db"),
            "COOP_SPARK_HANDOFF_DIR": str(self.handoff_dir),
            "COOP_SPARK_EXPORT_DIR": str(self.spark_export_dir),
            "DBT_TARGET": self.dbt_target,
            "DBT_TARGET_PATH": self.dbt_target_path,
            # dbt's own log beside the pipeline's (not dbt_project/logs/), and no usage
            # statistics sent to dbt Labs
            "DBT_LOG_PATH": str(self.build_dir / "logs" / "dbt"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            # Spark binds to loopback (a shared machine's other interfaces stay closed)
            "SPARK_LOCAL_IP": "127.0.0.1",
        }


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    raw_dir = Path(env.get("COOP_RAW_DIR", PROJECT_ROOT / "raw")).resolve()
    warehouse_dir = Path(env.get("COOP_WAREHOUSE_DIR", PROJECT_ROOT / "warehouse")).resolve()
    engine = env.get("COOP_ENGINE", "duckdb").strip().lower() or "duckdb"
    if engine not in ENGINE_NAMES:
        raise SettingsError(f"COOP_ENGINE={engine!r}: use one of {', '.join(ENGINE_NAMES)}")
    spark_method = env.get("COOP_SPARK_METHOD", "session").strip().lower() or "session"
    if spark_method not in SPARK_METHODS:
        raise SettingsError(
            f"COOP_SPARK_METHOD={spark_method!r}: use one of {', '.join(SPARK_METHODS)}"
        )
    # each engine its own landing file and plans: the two never share a half-built state
    default_build = warehouse_dir / "build" / engine_class(engine).build_subfolder
    build_dir = Path(env.get("COOP_BUILD_DIR", default_build)).resolve()
    return Settings(
        raw_dir=raw_dir,
        warehouse_dir=warehouse_dir,
        build_dir=build_dir,
        # the run process and dbt's add about 1 GB of Python to DuckDB's own limit: 2.3 GB
        # keeps the whole 10M-event build under 3.5 GB (bench/README.md, "Issue 30: the 10M
        # build under 3.5 GB")
        memory_limit=env.get("COOP_DUCKDB_MEMORY_LIMIT", "2300MB"),
        threads=int(env.get("COOP_DUCKDB_THREADS", "2")),
        engine=engine,
        spark_method=spark_method,
    )


def ensure_dagster_home(environ: dict[str, str] | None = None) -> Path:
    """DAGSTER_HOME, defaulting to the project's own instance folder (run history for the UI)."""
    env = os.environ if environ is None else environ
    home = Path(env.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    return home


def dbt_executable() -> str:
    """The dbt beside the running interpreter: cron or systemd start Dagster without a PATH."""
    return str(Path(sys.executable).with_name("dbt"))


def alert_webhook(environ: dict[str, str] | None = None) -> str | None:
    """COOP_ALERT_WEBHOOK: where failure alerts are POSTed (none: the alerts log only)."""
    env = os.environ if environ is None else environ
    return env.get("COOP_ALERT_WEBHOOK") or None


def ui_url(environ: dict[str, str] | None = None) -> str:
    """COOP_UI_URL: the Dagster UI's address as its readers reach it, for links in alerts."""
    env = os.environ if environ is None else environ
    return env.get("COOP_UI_URL", "http://127.0.0.1:3000")
