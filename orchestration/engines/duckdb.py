"""DuckDB: dbt builds the marts in the build file itself, and the file is published whole."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb

from orchestration.engines.base import Engine, Published


class DuckDBEngine(Engine):
    name = "duckdb"
    dbt_target_path = "target"
    build_subfolder = ""
    marts_in_build_file = True
    builds_docs_site = True
    hands_off_landing = False  # dbt reads the build file the loader wrote

    @property
    def dbt_target(self) -> str:
        return "build"

    @property
    def publication(self) -> Path:
        return self.settings.published_db

    @property
    def atlas_dir(self) -> Path:
        return self.settings.warehouse_dir / "atlas"

    def publish(self, mart_names: list[str], run_id: str) -> Published:
        from orchestration.publication.publish import publish

        done = publish(self.settings, mart_names, run_id)
        metadata = {
            "parquet": str(self.settings.parquet_dir),
            "parquet_files_written": done.parquet_written,
            "parquet_files_linked": done.parquet_linked,
        }
        return Published(done.path, done.published_at, done.mart_rows, metadata)

    def open_marts(self) -> tuple[duckdb.DuckDBPyConnection, dt.datetime]:
        from orchestration.operations.writer import duckdb_config

        path = self.settings.published_db
        if not path.exists():
            raise FileNotFoundError(f"nothing published at {path}")
        # read-only, under the pipeline's memory cap, threads and spill folder
        con = duckdb.connect(str(path), read_only=True, config=duckdb_config(self.settings))
        try:
            published_at = con.execute("select max(published_at) from _meta.publication")
            row = published_at.fetchone()
        except BaseException:
            con.close()
            raise
        if row is None or row[0] is None:
            con.close()
            raise FileNotFoundError(f"{path} has no _meta.publication record")
        return con, row[0]

    def marts_fingerprint(self) -> str:
        """Publishing names every Parquet batch after a hash of its rows, so the sorted names
        change exactly when a mart's content changes."""
        root = self.settings.parquet_dir
        names = sorted(path.relative_to(root).as_posix() for path in root.rglob("*"))
        return hashlib.sha256("\n".join(names).encode()).hexdigest()

    def published_rows(self) -> dict[str, int]:
        from orchestration.analyst.status import published_rows

        return published_rows(self.settings.published_db)

    def outputs(self) -> dict[str, Path]:
        return {"Parquet exports": self.settings.parquet_dir}
