"""Ingest throughput: our loader against DuckDB's own readers (the floor) and two peers.

On the same generated files, each method fills a fresh DuckDB file, and closes it (closing
checkpoints, so every method pays for writing its data):

- ``loader``: ``orchestration.landing.loading.load_extract`` (contract checks, quarantine, ledger,
  child tables; a clean NDJSON file takes the fast path: one keys pass over its lines, then
  DuckDB's ``read_json`` for the values), with the pipeline's connection settings;
- ``loader, line by line``: the loader with its NDJSON fast and split paths switched off (what
  they are worth; the same as ``loader`` for CSV);
- ``duckdb floor``: ``read_json`` (NDJSON) or ``read_csv`` (CSV) with the contract's types,
  into one table; the ratio base;
- ``duckdb + unnest`` (NDJSON only): the floor plus the two child tables the loader also
  writes, unfolded with ``unnest``: the least a typed loader of this contract must do;
- ``msgspec, one parse`` and ``pyarrow.json, one parse`` (NDJSON only): issue 30's candidates
  for one parse per line, from parse to the three tables and nothing else (``bench/one_parse.py``
  says what each proves and misses): the least a loader built on either would take;
- ``pandas``: ``read_json(lines=True)`` / ``read_csv`` per file, then insert into DuckDB;
- ``dlt``: dlt 1.31's filesystem source (``read_jsonl`` / ``read_csv``; ``read_csv_duckdb``
  fails on DuckDB 2.0) into its duckdb destination, which also unfolds nested lists.

Each figure is the min and median of ``--repeat`` runs, methods interleaved per repetition.

    .venv/bin/python -m bench.ingest --scale 0.01 0.1 --repeat 3
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bench.common import ensure_dataset, fmt_table, machine, min_median
from bench.one_parse import load_one_parse
from orchestration.landing.contracts import EVENTS, SOURCE_DOCUMENTS, Contract
from orchestration.landing.loading import load_extract, ndjson_staging
from orchestration.settings import load_settings

Method = Callable[[Path, Path, Contract], int]  # (entity dir's raw root, database) -> rows


def connect(db: Path) -> duckdb.DuckDBPyConnection:
    """The pipeline's writer settings (operations/writer.py), for every method alike."""
    settings = load_settings({})
    return duckdb.connect(
        str(db),
        config={
            "memory_limit": settings.memory_limit,
            "threads": settings.threads,
            "temp_directory": str(db.parent / "duckdb_tmp"),
        },
    )


def files_of(raw: Path, contract: Contract) -> list[Path]:
    folder = raw / contract.system / contract.entity
    return sorted(p for p in folder.iterdir() if p.suffix in contract.extensions)


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def run_loader(raw: Path, db: Path, contract: Contract) -> int:
    con = connect(db)
    try:
        result = load_extract(con, raw, contract, run_id="bench")
        assert not result.failed, [f.message for f in result.failed]
        return result.table_rows[contract.entity]
    finally:
        con.close()


def run_loader_line_by_line(raw: Path, db: Path, contract: Contract) -> int:
    """The loader with its NDJSON fast and split paths switched off: every line read as text
    and parsed apart, the path that names each bad line. What the two other paths buy."""
    if contract.format != "ndjson":
        return run_loader(raw, db, contract)
    real = ndjson_staging._lines_needing_the_slow_path
    ndjson_staging._lines_needing_the_slow_path = lambda *args: None
    try:
        return run_loader(raw, db, contract)
    finally:
        ndjson_staging._lines_needing_the_slow_path = real


def run_loader_without_one_parse(raw: Path, db: Path, contract: Contract) -> int:
    """The loader with its one-parse path switched off: what it was before, for a clean file
    a keys pass over the lines and then ``read_json``."""
    real = ndjson_staging.read_records
    ndjson_staging.read_records = lambda *args: None
    try:
        return run_loader(raw, db, contract)
    finally:
        ndjson_staging.read_records = real


def typed_columns(contract: Contract) -> str:
    """The contract's columns with their types (and nested arrays), as a DuckDB struct."""
    columns = [f"'{c.name}': '{c.duckdb_type}'" for c in contract.columns]
    for child in contract.children:
        if child.value_column is not None:
            kind = f"{child.value_column.duckdb_type}[]"
        else:
            kind = "STRUCT(" + ", ".join(f"{c.name} {c.duckdb_type}" for c in child.columns)
            kind += ")[]"
        columns.append(f"'{child.field}': '{kind}'")
    return "{" + ", ".join(columns) + "}"


def floor_query(raw: Path, contract: Contract) -> str:
    paths = [str(p) for p in files_of(raw, contract)]
    if contract.format == "ndjson":
        return (
            f"select * from read_json({paths}, format='newline_delimited', "
            f"columns={typed_columns(contract)}, ignore_errors=true)"
        )
    return (
        f"select * from read_csv({paths}, columns={typed_columns(contract)}, header=true, "
        "auto_detect=false, ignore_errors=true)"
    )


def run_floor(raw: Path, db: Path, contract: Contract) -> int:
    con = connect(db)
    try:
        con.execute(f"create table {contract.entity} as {floor_query(raw, contract)}")
        return count(con, contract.entity)
    finally:
        con.close()


def run_floor_unnest(raw: Path, db: Path, contract: Contract) -> int:
    """The floor, then one table per JSON array as the loader writes them."""
    con = connect(db)
    try:
        con.execute(f"create table {contract.entity} as {floor_query(raw, contract)}")
        key = contract.key[0]
        for child in contract.children:
            con.execute(
                f"create table {child.entity} as select {key}, unnest({child.field}, "
                f"recursive := true) from {contract.entity}"
            )
        return count(con, contract.entity)
    finally:
        con.close()


def run_one_parse(reader: str) -> Method:
    def run(raw: Path, db: Path, contract: Contract) -> int:
        con = connect(db)
        try:
            load_one_parse(con, raw, contract, reader)
            return count(con, contract.entity)
        finally:
            con.close()

    return run


def run_pandas(raw: Path, db: Path, contract: Contract) -> int:
    import pandas as pd

    con = connect(db)
    try:
        for number, path in enumerate(files_of(raw, contract)):
            if contract.format == "ndjson":
                frame = pd.read_json(path, lines=True, dtype=False)
            else:
                frame = pd.read_csv(path)
            verb = "create table {t} as" if number == 0 else "insert into {t}"
            con.register("_frame", frame)
            con.execute(f"{verb.format(t=contract.entity)} select * from _frame")
            con.unregister("_frame")
            del frame
        return count(con, contract.entity)
    finally:
        con.close()


def run_dlt(raw: Path, db: Path, contract: Contract) -> int:
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    import dlt
    from dlt.sources.filesystem import filesystem, read_csv, read_jsonl

    folder = raw / contract.system / contract.entity
    glob = "*.ndjson" if contract.format == "ndjson" else "*.csv"
    reader = read_jsonl() if contract.format == "ndjson" else read_csv()
    source = (filesystem(bucket_url=folder.as_uri(), file_glob=glob) | reader).with_name(
        contract.entity
    )
    pipeline = dlt.pipeline(
        pipeline_name=f"bench_{contract.entity}",
        destination=dlt.destinations.duckdb(str(db)),
        dataset_name="raw",
        pipelines_dir=str(db.parent / "dlt_pipelines"),
    )
    pipeline.run(source)
    with duckdb.connect(str(db)) as con:
        return count(con, f"raw.{contract.entity}")


METHODS: dict[str, Method] = {
    "loader": run_loader,
    "loader, line by line": run_loader_line_by_line,
    "loader without one parse": run_loader_without_one_parse,
    "duckdb floor": run_floor,
    "duckdb + unnest": run_floor_unnest,
    "msgspec, one parse": run_one_parse("msgspec"),
    "pyarrow.json, one parse": run_one_parse("pyarrow"),
    "pandas": run_pandas,
    "dlt": run_dlt,
}
FLOOR = "duckdb floor"


def measure(method: Method, raw: Path, contract: Contract, work: Path) -> tuple[float, float, int]:
    """Seconds, CPU seconds (every thread of this process: a steadier figure than the clock
    on a machine others load) and rows loaded for one run into a fresh folder."""
    folder = work / "db"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    gc.collect()
    began, cpu = time.perf_counter(), time.process_time()
    rows = method(raw, folder / "bench.duckdb", contract)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    shutil.rmtree(folder, ignore_errors=True)
    return seconds, cpu, rows


def bench_extract(
    raw: Path, contract: Contract, names: list[str], repeat: int, work: Path
) -> list[list[str]]:
    ndjson_only = ("duckdb + unnest", "msgspec, one parse", "pyarrow.json, one parse")
    methods = [n for n in names if contract.format == "ndjson" or n not in ndjson_only]
    times: dict[str, list[float]] = {n: [] for n in methods}
    cpus: dict[str, list[float]] = {n: [] for n in methods}
    rows: dict[str, int] = {}
    for number in range(repeat):
        for name in methods:
            seconds, cpu, rows[name] = measure(METHODS[name], raw, contract, work)
            times[name].append(seconds)
            cpus[name].append(cpu)
            print(f"  {contract.entity} rep {number + 1}: {name} {seconds:.2f} s "
                  f"(CPU {cpu:.2f} s)", flush=True)  # fmt: skip
    size = sum(p.stat().st_size for p in files_of(raw, contract))
    megabytes = f"{size / 1e6:,.{0 if size >= 1e7 else 1}f}"  # a small file is not "0 MB"
    floor = times.get(FLOOR)
    table = []
    for name in methods:
        low, mid = min_median(times[name])
        ratio = "-"
        if floor:
            ratio = f"{low / min(floor):.2f} / {mid / min_median(floor)[1]:.2f}"
        table.append(
            [
                f"{contract.entity} ({contract.format}, {megabytes} MB)",
                name,
                f"{low:.2f} / {mid:.2f}",
                f"{rows[name] / low / 1e3:,.0f}",
                f"{size / low / 1e6:.1f}",
                ratio,
                f"{min(cpus[name]):.2f}"
                + (f" ({min(cpus[name]) / min(cpus[FLOOR]):.2f}x)" if floor else ""),
                f"{rows[name]:,}",
            ]
        )
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, nargs="+", default=[0.01])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--bad-share", type=float, default=0.0,
        help="bad rows in the data (default none: pandas and dlt cannot quarantine)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    parser.add_argument("--extracts", nargs="+", default=["events", "source_documents"])
    parser.add_argument("--work", type=Path, default=None, help="default: a temporary folder")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="coop-ingest-"))
    contracts = {c.entity: c for c in (EVENTS, SOURCE_DOCUMENTS)}
    header = ["extract", "method", "seconds min / median", "k rows/s", "MB/s",
              "x floor min / median", "CPU s min (x floor)", "rows loaded"]  # fmt: skip
    outputs = []
    for scale in args.scale:
        raw = ensure_dataset(work, scale, args.seed, args.bad_share)
        rows = []
        for entity in args.extracts:
            rows += bench_extract(raw, contracts[entity], args.methods, args.repeat, work)
        outputs.append(
            f"ingest at scale {scale:g} (seed {args.seed}, bad share {args.bad_share:g}), "
            f"{args.repeat} repetitions; {machine()}\n{fmt_table(header, rows)}"
        )
        print(outputs[-1], flush=True)  # each scale as soon as it is done
    if len(outputs) > 1:
        print("\n\n".join(outputs))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
