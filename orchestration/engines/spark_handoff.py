"""The Spark engine's two ends: raw tables handed over as Parquet, marts published as Parquet.

The loader lands and guards every extract in its DuckDB build file whatever the engine; on Spark
each raw table then goes to `<handoff>/<schema>/<table>/data.parquet`, which dbt-spark declares
as a table at the start of each run (`register_handed_off_sources`, dbt_project/macros/spark.sql).
After the build, dbt-spark writes every mart to `<export>/<mart>/` (`export_marts`); publishing
moves that folder, whole, to `warehouse/engines/spark/marts/` once every blocking check passed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.landing.loading.sql import quote_ident, sql_literal
from orchestration.publication.publish import fsync, swap_folder

FINGERPRINT = ".fingerprint.json"  # rows and newest load of the table the file was written from
PUBLICATION = "_publication.json"  # when and by which run the Spark marts were published
JAVA_PACKAGE = "openjdk-17-jre-headless"


class JavaMissing(RuntimeError):
    """Spark runs on a Java virtual machine, and none was found."""


def require_java() -> str:
    """The `java` Spark will start, or a clear error naming the package to install."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        raise JavaMissing(
            "the Spark engine needs Java 17 and no `java` was found: install the Debian "
            f"package {JAVA_PACKAGE} (apt-get install -y {JAVA_PACKAGE}), or set JAVA_HOME"
        )
    return java


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The landed tables dbt reads (schemas raw_*), without their quarantine tables."""
    return con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema like 'raw\\_%' escape '\\' and table_name not like '%\\_\\_rejects' "
        "escape '\\' and table_type = 'BASE TABLE' order by 1, 2"
    ).fetchall()


def _fingerprint(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict:
    """Rows and newest load of a table the loader writes; for one without load times (the
    linker's tables), rows and a hash of every row."""
    relation = f"{quote_ident(schema)}.{quote_ident(table)}"
    columns = {row[0] for row in con.execute(f"describe {relation}").fetchall()}
    if "_loaded_at" not in columns:
        rows, digest = con.execute(
            f"select count(*), cast(coalesce(sum(hash(t)::hugeint), 0) as varchar) "
            f"from {relation} as t"
        ).fetchone()
        return {"rows": rows, "rows_hash": digest}
    rows, newest = con.execute(f"select count(*), max(_loaded_at) from {relation}").fetchone()
    return {"rows": rows, "newest_load": str(newest)}


def hand_off_raw_tables(con: duckdb.DuckDBPyConnection, handoff_dir: Path) -> dict[str, str]:
    """Write each raw table as one Parquet file for Spark; a table whose rows and newest load
    are those of its last hand-off is kept (a load only ever adds rows with a newer load time,
    or removes some: either changes the fingerprint). Returns what happened to each table."""
    done = {}
    for schema, table in raw_tables(con):
        folder = handoff_dir / schema / table
        fingerprint = _fingerprint(con, schema, table)
        marker = folder / FINGERPRINT
        if marker.exists() and json.loads(marker.read_text()) == fingerprint:
            done[f"{schema}.{table}"] = "unchanged"
            continue
        staging = folder.with_name(f".{table}.tmp-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        relation = f"{quote_ident(schema)}.{quote_ident(table)}"
        target = staging / "data.parquet"
        con.execute(
            f"copy (select * from {relation}) to {sql_literal(str(target))} (format parquet)"
        )
        (staging / FINGERPRINT).write_text(json.dumps(fingerprint))
        swap_folder(staging, folder)
        done[f"{schema}.{table}"] = "written"
    return done


def parquet_mart_rows(marts_dir: Path) -> dict[str, int]:
    """Rows of each published mart, `<mart>/*.parquet`."""
    con = duckdb.connect()
    try:
        return {
            folder.name: con.execute(
                "select count(*) from read_parquet(?)", [str(folder / "*.parquet")]
            ).fetchone()[0]
            for folder in sorted(marts_dir.iterdir())
            if folder.is_dir()
        }
    finally:
        con.close()


@dataclass(frozen=True)
class SparkPublication:
    path: Path
    mart_rows: dict[str, int]
    published_at: dt.datetime


def spark_publication_time(marts_dir: Path) -> dt.datetime | None:
    """When the Spark marts in `marts_dir` were published (UTC, naive like DuckDB's record)."""
    record = marts_dir / PUBLICATION
    if not record.exists():
        return None
    return dt.datetime.fromisoformat(json.loads(record.read_text())["published_at"])


def publish_spark_marts(
    export_dir: Path, marts_dir: Path, expected: list[str], run_id: str = ""
) -> SparkPublication:
    """Replace `marts_dir` with the marts dbt-spark exported in this run, each
    `<mart>/*.parquet`, after checking every expected mart is there with its rows counted.
    Readers see the old folder or the new one (renames); Spark's own marker files stay out."""
    missing = [m for m in expected if not any((export_dir / m).glob("*.parquet"))]
    if missing:
        raise RuntimeError(f"Spark exported no Parquet for {', '.join(missing)} in {export_dir}")
    marts_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = marts_dir.with_name(f".{marts_dir.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    for mart in expected:
        (staging / mart).mkdir(parents=True)
        for part in sorted((export_dir / mart).glob("*.parquet")):
            shutil.copyfile(part, staging / mart / part.name)
    rows = parquet_mart_rows(staging)
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    record = {"published_at": published_at.isoformat(), "run_id": run_id, "mart_rows": rows}
    (staging / PUBLICATION).write_text(json.dumps(record, indent=1) + "\n")
    for folder in [staging, *(staging / m for m in expected)]:
        fsync(folder)
    swap_folder(staging, marts_dir)
    return SparkPublication(marts_dir, rows, published_at)
