"""Spark: the landing is handed to dbt-spark as Parquet, and its Parquet marts are published."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import duckdb

from orchestration.engines.base import Engine, Published
from orchestration.engines.spark_handoff import (
    hand_off_raw_tables,
    parquet_mart_rows,
    publish_spark_marts,
    require_java,
    spark_publication_time,
)
from orchestration.landing.loading.sql import sql_literal


class SparkEngine(Engine):
    name = "spark"
    dbt_target_path = "target_spark"
    build_subfolder = "spark"
    marts_in_build_file = False  # the build file holds only the landing
    builds_docs_site = False
    hands_off_landing = True

    @property
    def dbt_target(self) -> str:
        return "spark" if self.settings.spark_method == "session" else "spark_thrift"

    @property
    def publication(self) -> Path:
        return self.settings.spark_marts_dir

    @property
    def atlas_dir(self) -> Path:
        return self.settings.warehouse_dir / "engines" / self.name / "atlas"

    def prepare_for_dbt(self, build: duckdb.DuckDBPyConnection) -> dict[str, str]:
        require_java()
        handed = hand_off_raw_tables(build, self.settings.handoff_dir)
        # only this run's export may be published: a killed run's half export goes
        shutil.rmtree(self.settings.spark_export_dir, ignore_errors=True)
        return handed

    def publish(self, mart_names: list[str], run_id: str) -> Published:
        done = publish_spark_marts(
            self.settings.spark_export_dir, self.publication, mart_names, run_id
        )
        return Published(done.path, done.published_at, done.mart_rows, {"engine": self.name})

    def open_marts(self) -> tuple[duckdb.DuckDBPyConnection, dt.datetime]:
        """Views over the Parquet publication, in a DuckDB connection under the pipeline's cap."""
        from orchestration.operations.writer import duckdb_config

        marts = self.publication
        published_at = spark_publication_time(marts)
        if published_at is None:
            raise FileNotFoundError(f"no Spark publication at {marts}")
        con = duckdb.connect(config=duckdb_config(self.settings))
        con.execute("create schema marts")
        for folder in sorted(p for p in marts.iterdir() if p.is_dir()):
            parts = sql_literal(str(folder / "*.parquet"))
            con.execute(f"create view marts.{folder.name} as select * from read_parquet({parts})")
        return con, published_at

    def marts_fingerprint(self) -> str:
        """Spark names its files at random: the fingerprint is their content."""
        digests = []
        for path in self.publication.glob("*/*.parquet"):
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            digests.append(f"{path.parent.name}:{digest}")
        return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()

    def published_rows(self) -> dict[str, int]:
        return parquet_mart_rows(self.publication)
