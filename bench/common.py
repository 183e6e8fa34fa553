"""Shared helpers of the benchmarks: timing statistics, peak RSS of a process tree, formatting."""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.generate import generate

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent


def min_median(values: Sequence[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


def fmt_seconds(values: Sequence[float]) -> str:
    """``min / median`` in seconds (one value alone when there is one repetition)."""
    if not values:
        return "-"
    low, mid = min_median(values)
    return f"{low:.2f}" if len(values) == 1 else f"{low:.2f} / {mid:.2f}"


def fmt_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, padded so that it also reads well in a terminal."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def ensure_dataset(root: Path, scale: float, seed: int, bad_share: float) -> Path:
    """Generate a landing zone once per (scale, seed, bad share) and reuse it afterwards."""
    raw = root / f"raw-s{scale:g}-seed{seed}-bad{bad_share:g}"
    done = raw / ".complete"
    if not done.exists():
        began = time.perf_counter()
        generate(raw, scale, seed, bad_share)
        done.write_text(f"{time.perf_counter() - began:.1f} s\n")
        print(f"generated {raw} in {done.read_text().strip()}", flush=True)
    return raw


def link_tree(source: Path, target: Path) -> None:
    """Hard links, not copies or symlinks: instant, same bytes, and the loader refuses
    symlinks that lead outside the landing zone."""
    for path in source.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, destination)


def isolated_run_env(dataset: Path, rep_dir: Path) -> dict[str, str]:
    """A fresh folder for one repetition: the dataset's files linked in as its raw/, its own
    Dagster instance, and the environment that points a whole run at them."""
    shutil.rmtree(rep_dir, ignore_errors=True)
    link_tree(dataset, rep_dir / "raw")
    home = rep_dir / "dagster_home"
    home.mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return {
        **os.environ,
        "COOP_RAW_DIR": str(rep_dir / "raw"),
        "COOP_WAREHOUSE_DIR": str(rep_dir / "warehouse"),
        "COOP_BUILD_DIR": str(rep_dir / "build"),
        "DAGSTER_HOME": str(home),
    }


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a child may end between listing and reading
            total += proc.memory_info().rss
    return total


@dataclass
class RssSampler:
    """Polls the resident memory of a process and all its descendants in a thread."""

    pid: int
    interval: float = 0.1
    samples: list[tuple[float, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            process = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                self.samples.append((time.time(), tree_rss(process)))
            except psutil.Error:
                return
            self._stop.wait(self.interval)

    def peak(self, start: float = 0.0, end: float = float("inf")) -> int:
        return max((rss for t, rss in self.samples if start <= t <= end), default=0)


def run_measured(command: list[str], env: dict[str, str] | None = None) -> tuple[int, RssSampler]:
    """Run a command to its end, sampling its process tree's RSS; return its exit code."""
    process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT)
    with RssSampler(process.pid) as sampler:
        code = process.wait()
    return code, sampler


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    return f"{os.cpu_count()} CPUs (nproc), {memory:.1f} GiB RAM"
