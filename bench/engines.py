"""DuckDB against Spark (session, and the loopback cluster through Thrift) on the same generated
extracts: the full build and a 1 % increment of events, side by side in one run.

For each engine a fresh warehouse and build folder (the landing zone is hard-linked from one
generated dataset, so every engine reads the same bytes) and `coop build --engine <engine>`
on the generated extracts, then after each increment (one more events file of 1 % new events,
or of each share `--increments` gives); with `--refresh`, once more with `--full-refresh
--force`, whose marts and atlas tables must equal the last increment's (`= full refresh`). Wall time
and the peak RSS of the command's process tree; for the cluster, also the peak RSS of the
master, worker and Thrift server (apart, as they run before and after). The published marts
of every engine are compared with DuckDB's (orchestration.engines.parity) after each phase.

    .venv/bin/python -m bench.engines --scale 0.01            # 100k events
    .venv/bin/python -m bench.engines --scale 0.1 --scale 1   # 1M, 10M
    .venv/bin/python -m bench.engines --engines duckdb spark  # without the cluster
    .venv/bin/python -m bench.engines --scale 1 --engines duckdb --increments 0.01 0.0003

The cluster is started (make spark-cluster) and stopped by this script when `thrift` is asked.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench.common import (
    PROJECT_ROOT,
    RssSampler,
    ensure_dataset,
    fmt_table,
    link_tree,
    machine,
    run_measured,
)
from bench.generate import write_increment
from orchestration.engines.parity import differences, duckdb_marts, parquet_marts
from orchestration.settings import load_settings
from orchestration.transform.dbt_manifest import atlas_model_names, mart_model_names

ENGINES = {  # name: (COOP_ENGINE, COOP_SPARK_METHOD)
    "duckdb": ("duckdb", "session"),
    "spark": ("spark", "session"),
    "thrift": ("spark", "thrift"),
}
COOP = str(Path(sys.executable).with_name("coop"))


def increment_phase(share: float) -> str:
    """The 1 % increment is "increment"; others say their share of the events."""
    return "increment" if share == 0.01 else f"increment of {share:.2%}"


def engine_env(folder: Path, name: str) -> dict[str, str]:
    engine, method = ENGINES[name]
    home = folder / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return {
        **os.environ,
        "COOP_RAW_DIR": str(folder / "raw"),
        "COOP_WAREHOUSE_DIR": str(folder / "warehouse"),
        "COOP_BUILD_DIR": str(folder / "build"),
        "COOP_ENGINE": engine,
        "COOP_SPARK_METHOD": method,
        "DAGSTER_HOME": str(home),
    }


def fingerprints(env: dict[str, str]) -> dict:
    settings = load_settings(env)
    manifest = PROJECT_ROOT / "dbt_project" / "target" / "manifest.json"
    marts = mart_model_names(manifest) + [f"atlas.{n}" for n in atlas_model_names(manifest)]
    if settings.engine == "duckdb":
        return duckdb_marts(settings.published_db, marts)
    return parquet_marts(settings.spark_marts_dir, marts)


class Cluster:
    """The loopback cluster for `thrift`, its processes' peak RSS sampled while it runs."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.samplers: list[RssSampler] = []

    def __enter__(self) -> Cluster:
        command = [sys.executable, "-m", "orchestration.engines.spark_cluster", "start"]
        subprocess.run(command, env=self.env, check=True, cwd=PROJECT_ROOT)
        folder = load_settings({**self.env, "COOP_ENGINE": "spark"}).spark_dir / "cluster"
        for pid_file in folder.glob("*.pid"):
            self.samplers.append(RssSampler(int(pid_file.read_text()), interval=0.5).__enter__())
        return self

    def peak(self) -> int:
        return sum(s.peak() for s in self.samplers)

    def __exit__(self, *exc: object) -> None:
        for sampler in self.samplers:
            sampler.__exit__()
        command = [sys.executable, "-m", "orchestration.engines.spark_cluster", "stop"]
        subprocess.run(command, env=self.env, check=False, cwd=PROJECT_ROOT)


def run_engine(dataset: Path, work: Path, name: str, args: argparse.Namespace) -> dict:
    folder = work / name
    shutil.rmtree(folder, ignore_errors=True)
    link_tree(dataset, folder / "raw")
    env = engine_env(folder, name)
    result = {"engine": name, "phases": {}, "marts": {}}
    cluster = Cluster(env) if name == "thrift" else None
    if cluster:
        cluster.__enter__()
    try:
        shares = {increment_phase(share): share for share in args.increments}
        for phase in ["full", *shares] + (["full refresh"] if args.refresh else []):
            if phase in shares:  # one more events file, after those of earlier increments
                share = shares[phase]
                write_increment(folder / "raw", args.scale, args.seed, args.bad_share, share)
            command = [COOP, "build", "--engine", ENGINES[name][0]]
            if phase == "full refresh":
                command += ["--full-refresh", "--force"]
            began = time.perf_counter()
            code, sampler = run_measured(command, env)
            seconds = time.perf_counter() - began
            if code != 0:
                raise SystemExit(f"{name} {phase} build failed (exit {code})")
            result["phases"][phase] = {"seconds": seconds, "peak_rss": sampler.peak()}
            result["marts"][phase] = fingerprints(env)
            print(f"{name} {phase}: {seconds:.1f} s", flush=True)
        if cluster:
            result["cluster_rss"] = cluster.peak()
    finally:
        if cluster:
            cluster.__exit__()
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def report(scale: float, results: list[dict]) -> str:
    base = {r["engine"]: r for r in results}.get("duckdb")
    rows = []
    for r in results:
        for phase, figures in r["phases"].items():
            ratio = figures["seconds"] / base["phases"][phase]["seconds"] if base else None
            if phase.startswith("increment"):  # the increment against this engine's full build
                ratio_full = figures["seconds"] / r["phases"]["full"]["seconds"]
            else:
                ratio_full = None
            same = (
                "yes"
                if base is None or not differences(base["marts"][phase], r["marts"][phase])
                else "NO"
            )
            if phase == "full refresh":  # against this engine's own last increment
                last = list(r["marts"])[-2]
                same = "yes" if not differences(r["marts"][last], r["marts"][phase]) else "NO"
            memory = figures["peak_rss"] / 2**30
            extra = f" (+ cluster {r['cluster_rss'] / 2**30:.2f})" if "cluster_rss" in r else ""
            rows.append([
                r["engine"], phase, f"{figures['seconds']:.1f}", f"{ratio:.1f}x" if ratio else "",
                f"{ratio_full:.1%}" if ratio_full else "", f"{memory:.2f}{extra}", same,
            ])  # fmt: skip
    events = int(scale * 10_000_000)
    title = f"{events:,} events, {machine()}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    header = ["engine", "phase", "seconds", "/ DuckDB", "/ full build", "peak RSS GiB",
              "marts and atlas = DuckDB's (full refresh: = increment)"]  # fmt: skip
    return title + "\n" + fmt_table(header, rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, action="append", help="1.0 = 10M events")
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=list(ENGINES))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bad-share", type=float, default=0.001)
    parser.add_argument("--work", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep each engine's folders")
    parser.add_argument("--refresh", action="store_true", help="then a full refresh, compared")
    parser.add_argument(
        "--increments", nargs="+", type=float, default=[0.01],
        help="shares of the events landed as new files after the full build, one run each "
        "(e.g. 0.01 0.0003: 1 %%, then about a day's news at 10M events)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="coop-engines-"))
    print(f"{machine()}, {psutil.cpu_count()} logical CPUs", flush=True)
    for scale in args.scale or [0.01]:
        args.scale = scale
        dataset = ensure_dataset(work, scale, args.seed, args.bad_share)
        results = [run_engine(dataset, work, name, args) for name in args.engines]
        print(report(scale, results), flush=True)
    if args.work is None and not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
