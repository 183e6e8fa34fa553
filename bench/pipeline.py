"""The whole pipeline at a scale, through Dagster: full build, no-op rerun, 1 % increment, then
a full refresh whose marts must equal the increment's.

For each repetition a fresh child process points COOP_RAW_DIR, COOP_WAREHOUSE_DIR,
COOP_BUILD_DIR and DAGSTER_HOME (with a copy of the project's dagster.yaml) at temporary
folders, imports the definitions, then runs ``orchestration.runner.runs.run_main_job()`` three
times: on the generated extracts (full build), again with nothing landed (no-op), and after
landing one more events file with 1 % new events (increment), then a fourth time with
``full_refresh=True`` (every incremental mart rebuilt from scratch, nothing new loaded): the
published marts after the increment and after the full refresh are compared row for row, by
a count and an order-free sum of row hashes per mart. Stage durations come from the
run's STEP_START / STEP_SUCCESS events in the instance's event log; dbt's per-layer times from
the run_results.json that dagster-dbt leaves in ``dbt_project/target/<op>-<run id>-*``. The
parent samples the child's process tree for peak RSS.

    .venv/bin/python -m bench.pipeline --scale 0.01 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import (
    PROJECT_ROOT,
    ensure_dataset,
    fmt_seconds,
    fmt_table,
    isolated_run_env,
    machine,
    min_median,
    run_measured,
)

PHASES = ("full", "noop", "increment", "full_refresh")
PHASE_TITLES = {"full": "full build", "noop": "no-op rerun", "full_refresh": "full refresh"}
DBT_STEP = "cooperation_dbt_assets"
DBT_TARGET = PROJECT_ROOT / "dbt_project" / "target"

# --- inside the child process --------------------------------------------------------------------


def step_durations(run_id: str) -> dict[str, float]:
    """Seconds from STEP_START to STEP_SUCCESS (or STEP_FAILURE) per step key."""
    import dagster as dg

    kinds = {
        dg.DagsterEventType.STEP_START,
        dg.DagsterEventType.STEP_SUCCESS,
        dg.DagsterEventType.STEP_FAILURE,
    }
    starts: dict[str, float] = {}
    durations: dict[str, float] = {}
    with dg.DagsterInstance.get() as instance:
        for entry in instance.all_logs(run_id, of_type=kinds):
            event = entry.dagster_event
            if event.event_type == dg.DagsterEventType.STEP_START:
                starts[entry.step_key] = entry.timestamp
            else:
                durations[entry.step_key] = entry.timestamp - starts[entry.step_key]
    return durations


def layer_of(unique_id: str) -> str:
    kind, _project, name = unique_id.split(".", 2)
    if kind != "model":
        return {"test": "tests", "snapshot": "snapshot"}.get(kind, kind)
    if name.startswith("stg_"):
        return "staging"
    return "intermediate" if name.startswith("int_") else "marts"


SLOWEST_NODES = 8


def dbt_layers(run_id: str) -> dict[str, Any]:
    """Per-layer seconds from this run's run_results.json; the folder is removed afterwards
    (it is this benchmark's own output, and each run leaves one)."""
    folders = sorted(DBT_TARGET.glob(f"{DBT_STEP}-{run_id[:7]}-*"))
    found: dict[str, Any] = {}
    for folder in folders:
        results_file = folder / "run_results.json"
        if results_file.exists():
            results = json.loads(results_file.read_text())
            layers: dict[str, float] = defaultdict(float)
            executed = 0
            for result in results["results"]:
                layers[layer_of(result["unique_id"])] += result["execution_time"]
                is_model = result["unique_id"].startswith(("model.", "snapshot."))
                executed += is_model and result["status"] == "success"
            found = {"elapsed": results["elapsed_time"], "layers": dict(layers)}
            # the nodes that cost most: where an increment's model work goes
            timed = [(r["execution_time"], r["unique_id"]) for r in results["results"]]
            found["slowest"] = sorted(timed, reverse=True)[:SLOWEST_NODES]
            found["models_built"] = executed
            found["log_span"] = log_span(folder / "dbt.log")
        shutil.rmtree(folder, ignore_errors=True)
    return found


def log_span(path: Path) -> float | None:
    """Seconds from dbt's first to its last log line: the dbt command after its imports."""
    if not path.exists():
        return None
    stamps = []
    for line in path.read_text().splitlines():
        try:
            stamps.append(dt.datetime.fromisoformat(json.loads(line)["info"]["ts"]))
        except (ValueError, KeyError):
            continue
    return (max(stamps) - min(stamps)).total_seconds() if stamps else None


def run_phase(name: str) -> dict[str, Any]:
    from orchestration.runner.runs import run_main_job

    began, wall_start = time.perf_counter(), time.time()
    summary = run_main_job(full_refresh=name == "full_refresh")
    wall = time.perf_counter() - began
    steps = step_durations(summary.run_id)
    return {
        "phase": name,
        "success": summary.success,
        "published": summary.published,
        "failures": summary.step_failures + summary.checks_failed,
        "wall": wall,
        "start": wall_start,
        "end": time.time(),
        "steps": steps,
        "dbt": dbt_layers(summary.run_id),
    }


def marts_fingerprint(database: Path) -> dict[str, tuple[int, int]]:
    """Per mart of a published file: row count and the sum of its rows' hashes (order-free)."""
    import duckdb

    con = duckdb.connect(str(database), read_only=True)
    try:
        columns: dict[str, list[str]] = defaultdict(list)
        for table, column in con.execute(
            "select c.table_name, c.column_name from information_schema.columns c join "
            "information_schema.tables t using (table_schema, table_name) where "
            "c.table_schema = 'marts' and t.table_type = 'BASE TABLE' order by c.ordinal_position"
        ).fetchall():
            columns[table].append(f'"{column}"')
        return {
            table: tuple(
                con.execute(
                    f"select count(*), coalesce(sum(hash({', '.join(names)})::hugeint), 0) "
                    f'from marts."{table}"'
                ).fetchone()
            )
            for table, names in sorted(columns.items())
        }
    finally:
        con.close()


def child(rep_dir: Path, scale: float, seed: int, bad_share: float, share: float) -> None:
    """One repetition: import, full build, no-op rerun, increment, full refresh; results and
    the comparison of the increment's marts with the full refresh's to result.json."""
    from bench.generate import write_increment
    from orchestration.settings import load_settings

    result: dict[str, Any] = {}
    began = time.perf_counter()
    import orchestration.definitions  # noqa: F401  (dagster, dagster-dbt, dbt: seconds)

    result["import"] = time.perf_counter() - began
    for phase in PHASES:
        if phase == "increment":
            write_increment(rep_dir / "raw", scale, seed, bad_share, share)
        result[phase] = run_phase(phase)
        print(f"  {phase}: {result[phase]['wall']:.1f} s", flush=True)
        if phase in ("increment", "full_refresh"):
            result[phase]["marts"] = marts_fingerprint(load_settings().published_db)
    (rep_dir / "result.json").write_text(json.dumps(result, indent=1))


# --- the parent: data, repetitions, table -------------------------------------------------------


def repetition(dataset: Path, work: Path, number: int, args: argparse.Namespace) -> dict:
    rep_dir = work / f"rep{number}"
    env = isolated_run_env(dataset, rep_dir)
    options = {"--child": rep_dir, "--scale": args.scale, "--seed": args.seed,
               "--bad-share": args.bad_share,
               "--increment-share": args.increment_share}  # fmt: skip
    command = [sys.executable, "-m", "bench.pipeline"]
    command += [str(item) for pair in options.items() for item in pair]
    began = time.time()
    code, sampler = run_measured(command, env)
    if code != 0:
        raise SystemExit(f"repetition {number} failed with exit code {code}")
    result = json.loads((rep_dir / "result.json").read_text())
    result["peak_rss"] = sampler.peak(began)
    for phase in PHASES:
        result[phase]["peak_rss"] = sampler.peak(result[phase]["start"], result[phase]["end"])
    if not args.keep:
        shutil.rmtree(rep_dir, ignore_errors=True)
    return result


STAGES = {
    "ingest_curated_events": "ingest events",
    "raw__reference__countries": "ingest others",
    DBT_STEP: "dbt step",
    "warehouse__cooperation": "publish",
}


def stage_of(step_key: str) -> str:
    if step_key.startswith("ingest_") and step_key not in STAGES:
        return "ingest others"
    return STAGES.get(step_key, step_key)


def phase_figures(phase: dict) -> dict[str, float]:
    """Seconds per stage of one run, and what is left for orchestration."""
    figures: dict[str, float] = defaultdict(float)
    figures["run wall time"] = phase["wall"]
    for step_key, seconds in phase["steps"].items():
        figures[stage_of(step_key)] += seconds
    steps_total = sum(phase["steps"].values())
    figures["dagster outside steps"] = phase["wall"] - steps_total
    dbt = phase["dbt"]
    if dbt:
        for layer, seconds in sorted(dbt["layers"].items()):
            figures[f"  dbt {layer}"] = seconds
        span = dbt["log_span"] or dbt["elapsed"]
        figures["  dbt parse, connect, compile (log span - nodes)"] = span - sum(
            dbt["layers"].values()
        )
        # `dbt --version`, dbt's process start and imports, Dagster events, table metadata
        figures["dbt wrapper (step - dbt log span)"] = figures["dbt step"] - span
        figures["orchestration overhead"] = (
            figures["dagster outside steps"] + figures["dbt wrapper (step - dbt log span)"]
        )
        figures["dbt models rebuilt"] = dbt["models_built"]
        figures["dbt node time (models, snapshot, tests)"] = sum(dbt["layers"].values())
    # the measure: a run's wall time minus the loaders' and the dbt nodes' own time
    figures["overhead: wall - loaders - dbt nodes"] = (
        phase["wall"]
        - figures["ingest events"]
        - figures["ingest others"]
        - figures.get("dbt node time (models, snapshot, tests)", 0.0)
    )
    figures["peak RSS (GB)"] = phase["peak_rss"] / 1e9
    return figures


def report(results: list[dict], args: argparse.Namespace) -> str:
    per_phase = {p: [phase_figures(r[p]) for r in results] for p in PHASES}
    names: list[str] = []
    for figures in per_phase["full"] + per_phase["increment"]:
        names += [n for n in figures if n not in names]
    rows = [["process start-up (import definitions)", fmt_seconds([r["import"] for r in results]),
             *[""] * (len(PHASES) - 1)]]  # fmt: skip
    for name in names:
        cells = []
        for phase in PHASES:
            values = [f[name] for f in per_phase[phase] if name in f]
            if name == "dbt models rebuilt" or not values:
                cells.append(f"{values[0]:.0f}" if values else "-")
            else:
                cells.append(fmt_seconds(values))
        rows.append([name, *cells])
    full = [r["full"]["wall"] for r in results]
    inc = [r["increment"]["wall"] for r in results]
    ratio = min_median([i / f for i, f in zip(inc, full, strict=True)])
    # the no-op run must succeed without publishing again; the others must publish
    ok = all(
        r[p]["success"] and r[p]["published"] == (p != "noop") for r in results for p in PHASES
    )
    failures = {f for r in results for p in PHASES for f in r[p]["failures"]}
    lines = [
        f"pipeline at scale {args.scale:g} (seed {args.seed}, bad share {args.bad_share:g}), "
        f"{len(results)} repetition(s); seconds as min / median; {machine()}",
        fmt_table(["figure", *(PHASE_TITLES.get(p, f"{args.increment_share:.0%} {p}")
                               for p in PHASES)], rows),
        f"increment / full build: {ratio[0]:.0%} / {ratio[1]:.0%}; "
        f"peak RSS of the whole run: {max(r['peak_rss'] for r in results) / 1e9:.2f} GB; "
        f"every run succeeded, each published but the no-op: "
        f"{ok}",
    ]  # fmt: skip
    for phase in ("full", "increment"):
        slowest = results[-1][phase]["dbt"].get("slowest") if results[-1][phase]["dbt"] else None
        if slowest:
            nodes = ", ".join(
                f"{node.split('.', 2)[-1]} {seconds:.1f}" for seconds, node in slowest
            )
            lines.append(f"slowest dbt nodes, {phase} (last repetition, s): {nodes}")
    lines.append(compare_marts(results))
    if failures:
        lines.append("failures: " + "; ".join(sorted(failures))[:2000])
    return "\n".join(lines)


def compare_marts(results: list[dict]) -> str:
    """Whether every repetition's marts after the increment equal those after the refresh."""
    differing = sorted(
        {
            mart
            for r in results
            for mart in r["increment"]["marts"].keys() | r["full_refresh"]["marts"].keys()
            if r["increment"]["marts"].get(mart) != r["full_refresh"]["marts"].get(mart)
        }
    )
    marts = results[-1]["increment"]["marts"]
    rows = sum(count for count, _ in marts.values())
    return (
        f"marts after the increment = marts after a full refresh (row count and hash sum per "
        f"mart): {not differing} ({len(marts)} marts, {rows:,} rows)"
        + (f"; differing: {', '.join(differing)}" if differing else "")
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bad-share", type=float, default=0.001)
    parser.add_argument("--increment-share", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep each repetition's folders")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.scale, args.seed, args.bad_share, args.increment_share)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="coop-bench-"))
    dataset = ensure_dataset(work, args.scale, args.seed, args.bad_share)
    results = []
    for number in range(1, args.repeat + 1):
        print(f"repetition {number}/{args.repeat}", flush=True)
        results.append(repetition(dataset, work, number, args))
    print(report(results, args))
    if args.work is None and not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
