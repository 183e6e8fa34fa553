"""The atlas's generation side by side with the full build that publishes it.

Per data set (`sample`: the committed raw/; or a generator scale, 0.1 = 1M events) and per
repetition, a fresh child process points COOP_RAW_DIR, COOP_WAREHOUSE_DIR, COOP_BUILD_DIR and
DAGSTER_HOME at temporary folders and runs ``run_main_job()``: the full build, whose last step
generates the atlas from the published marts. The atlas step's time comes from the run's
STEP_START / STEP_SUCCESS events, so it is measured inside the very build it is compared with. The
atlas's figures are dbt models built in the dbt step: their time comes from that run's
run_results.json. The atlas's cost to the build is the models and the step over the rest of
the run. The publish step's time is shown beside them: when the atlas will draw every chart, its
chart workers start in that step (atlas/workers.py). Then, in the same process, the atlas is
regenerated alone (forced) `--regenerate` times: the warm cost, imports done, as wall
time and as the process's CPU time (what the machine's other load does not inflate).

    .venv/bin/python -m bench.atlas --data sample 0.1 --repeat 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

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
from bench.pipeline import step_durations

ATLAS_STEP = "warehouse__atlas"
PUBLISH_STEP = "warehouse__cooperation"  # the chart workers start in it (atlas/workers.py)
LIMITS = {"sample": ("share of the build", 0.10), "scaled": ("seconds", 30.0)}


def cpu_seconds() -> float:
    """User and system CPU time of this process, all its threads (DuckDB's), and of its
    living child processes (the atlas's chart worker, vl-convert's engine): the work done,
    whatever else the shared machine runs meanwhile."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = 0.0
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):  # a child may end between listing and reading
            children += child.cpu_times().user + child.cpu_times().system
    return usage.ru_utime + usage.ru_stime + children


def build_cpu_seconds() -> float:
    """`cpu_seconds` and the CPU time of the ended child processes waited for (dbt's): a whole
    build's work, which the shared machine's other load does not inflate as it does wall time."""
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return cpu_seconds() + ended.ru_utime + ended.ru_stime


def atlas_models_seconds() -> float:
    """The atlas models' execution time in the newest dbt run of this checkout (models only,
    their tests left out: dbt runs one node at a time here, so the times add up)."""
    from orchestration.settings import DBT_PROJECT_DIR, load_settings
    from orchestration.transform.dbt_manifest import atlas_model_names

    target = DBT_PROJECT_DIR / load_settings().dbt_target_path
    names = set(atlas_model_names(target / "manifest.json"))
    newest = max(target.glob("*/run_results.json"), key=lambda p: p.stat().st_mtime)
    results = json.loads(newest.read_text())["results"]
    return sum(
        r["execution_time"]
        for r in results
        if r["unique_id"].startswith("model.") and r["unique_id"].split(".")[-1] in names
    )


def child(rep_dir: Path, regenerate: int) -> None:
    """One repetition: the full build, then the atlas alone, forced; to result.json."""
    from orchestration.publication.atlas import refresh_atlas
    from orchestration.runner.runs import run_main_job
    from orchestration.settings import load_settings

    began, began_cpu = time.perf_counter(), build_cpu_seconds()
    summary = run_main_job()
    wall, build_cpu = time.perf_counter() - began, build_cpu_seconds() - began_cpu
    steps = step_durations(summary.run_id)
    models = atlas_models_seconds()
    settings = load_settings()
    alone, cpu = [], []
    for _ in range(regenerate):
        started, used = time.perf_counter(), cpu_seconds()
        refresh_atlas(settings, force=True)
        alone.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - used)
    pages = sum(1 for _ in settings.atlas_dir.rglob("*.html"))
    charts = json.loads((settings.atlas_dir / "atlas.json").read_text())["charts"]
    result = {"success": summary.success, "published": summary.published, "wall": wall,
              "build_cpu": build_cpu,
              "atlas_step": steps.get(ATLAS_STEP), "publish_step": steps.get(PUBLISH_STEP),
              "models": models, "alone": alone, "cpu": cpu,
              "pages": pages, "charts": len(charts)}  # fmt: skip
    (rep_dir / "result.json").write_text(json.dumps(result, indent=1))


def repetition(raw: Path, work: Path, label: str, number: int, regenerate: int) -> dict[str, Any]:
    rep_dir = work / f"atlas-{label}-rep{number}"
    env = isolated_run_env(raw, rep_dir)
    command = [sys.executable, "-m", "bench.atlas", "--child", str(rep_dir)]
    code, _ = run_measured([*command, "--regenerate", str(regenerate)], env)
    if code != 0:
        raise SystemExit(f"{label} repetition {number} failed with exit code {code}")
    result = json.loads((rep_dir / "result.json").read_text())
    shutil.rmtree(rep_dir, ignore_errors=True)
    if not (result["success"] and result["published"] and result["atlas_step"] is not None):
        raise SystemExit(f"{label} repetition {number}: the build did not publish an atlas")
    return result


def report_rows(label: str, results: list[dict[str, Any]]) -> list[list[str]]:
    builds = [r["wall"] for r in results]
    steps = [r["atlas_step"] for r in results]
    publish = [r["publish_step"] for r in results]
    models = [r["models"] for r in results]
    atlas = [r["atlas_step"] + r["models"] for r in results]
    shares = [a / (r["wall"] - a) for a, r in zip(atlas, results, strict=True)]
    alone = [seconds for r in results for seconds in r["alone"]]
    low, mid = min_median(shares)
    kind = "sample" if label == "sample" else "scaled"
    limit_name, limit = LIMITS[kind]
    worst = max(shares) if kind == "sample" else max(atlas)
    return [[
        label, f"{results[0]['pages']} / {results[0]['charts']}", fmt_seconds(builds),
        fmt_seconds([r["build_cpu"] for r in results]),
        fmt_seconds(publish), fmt_seconds(models), fmt_seconds(steps), f"{low:.1%} / {mid:.1%}",
        fmt_seconds(alone),
        fmt_seconds([seconds for r in results for seconds in r["cpu"]]),
        f"{limit_name} <= {limit:g}: {worst <= limit}",
    ]]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", default=["sample", "0.1"],
                        help="'sample' (raw/) or generator scales")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regenerate", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bad-share", type=float, default=0.001)
    parser.add_argument("--work", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.regenerate)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="coop-bench-atlas-"))
    rows = []
    for label in args.data:
        if label == "sample":
            raw = PROJECT_ROOT / "raw"
        else:
            raw = ensure_dataset(work, float(label), args.seed, args.bad_share)
        results = []
        for number in range(1, args.repeat + 1):
            print(f"{label}: repetition {number}/{args.repeat}", flush=True)
            results.append(repetition(raw, work, label, number, args.regenerate))
        rows += report_rows(label, results)
    print(
        f"atlas generation beside the full build, {args.repeat} repetition(s) per data set, "
        f"seconds as min / median; {machine()}\n"
        + fmt_table(["data", "pages / charts", "full build (wall)", "its CPU s", "publish step",
                     "atlas models in dbt",
                     "atlas step in it", "atlas (models + step) / rest of build",
                     "atlas alone, warm",
                     "its CPU seconds", "target met"], rows)
    )  # fmt: skip
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
