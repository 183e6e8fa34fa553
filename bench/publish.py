"""Publishing side by side with its floor, on a build file the pipeline made.

The floor is what any atomic replacement of a file has to do: copy the build file into the
published folder, flush it to disk and rename it into place. Our publish does that, plus the
audit of the build and of the copy, the publication stamp, and the Parquet export of every mart:
a fingerprint of every load batch, and each batch not published yet written as a file. It is
measured twice per repetition: with no Parquet published yet (a first publication, every batch
written) and right after (an increment's case, every batch unchanged and linked). The removal
of the replaced file runs in a thread after the rename; it is waited for, untimed, before the
next measurement, and the floor renames onto no file, so neither pays for it.

    .venv/bin/python -m bench.pipeline --scale 0.1 --repeat 1 --work /tmp/bw --keep
    .venv/bin/python -m bench.publish --rep /tmp/bw/rep1 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import threading
import time
from pathlib import Path

import duckdb

from bench.common import fmt_seconds, fmt_table, machine, min_median
from orchestration.publication.publish import RETIRING_THREAD, fsync, mart_tables, publish
from orchestration.settings import Settings, load_settings

FLOOR = "floor: copy, fsync, rename"
FIRST = "publish, first (every batch written)"
AGAIN = "publish, again (every batch linked)"


def floor(settings: Settings) -> None:
    target = settings.warehouse_dir / "floor.duckdb"
    target.unlink(missing_ok=True)  # untimed in effect: nothing to replace
    temporary = settings.warehouse_dir / ".floor.tmp"
    shutil.copyfile(settings.build_db, temporary)
    fsync(temporary)
    os.replace(temporary, target)
    fsync(settings.warehouse_dir)


def wait_for_removals() -> None:
    """The replaced publication's removal runs after publish returns: not part of the next
    measurement."""
    for thread in threading.enumerate():
        if thread.name == RETIRING_THREAD:
            thread.join()


def measure(settings: Settings, repeat: int) -> dict[str, list[float]]:
    con = duckdb.connect(str(settings.build_db), read_only=True)
    try:
        marts = mart_tables(con)
    finally:
        con.close()
    times: dict[str, list[float]] = {FLOOR: [], FIRST: [], AGAIN: []}
    for _ in range(repeat):
        steps = [
            (FLOOR, lambda: floor(settings)),
            (FIRST, lambda: publish(settings, marts, run_id="bench")),
            (AGAIN, lambda: publish(settings, marts, run_id="bench")),
        ]
        for name, step in steps:
            if name == FIRST:
                shutil.rmtree(settings.parquet_dir, ignore_errors=True)
            wait_for_removals()
            started = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - started)
    wait_for_removals()
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rep", type=Path, required=True, help="a kept pipeline repetition")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    # the repetition's own published warehouse stays as it is: this one is beside it
    settings = load_settings(
        {
            "COOP_RAW_DIR": str(args.rep / "raw"),
            "COOP_WAREHOUSE_DIR": str(args.rep / "bench-publish"),
            "COOP_BUILD_DIR": str(args.rep / "build"),
        }
    )
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    times = measure(settings, args.repeat)
    floor_low, floor_mid = min_median(times[FLOOR])
    rows = []
    for name, values in times.items():
        low, mid = min_median(values)
        rows.append([name, fmt_seconds(values), f"{low / floor_low:.2f} / {mid / floor_mid:.2f}"])
    size = settings.build_db.stat().st_size / 2**30
    print(
        f"publish of {settings.build_db} ({size:.2f} GiB), {args.repeat} repetition(s), "
        f"interleaved; {machine()}\n"
        + fmt_table(["method", "seconds min / median", "x floor min / median"], rows)
    )
    shutil.rmtree(settings.warehouse_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
