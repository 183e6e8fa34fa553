"""Where the loader's time goes: every SQL statement of one ``load_extract`` timed, and the
Python outside SQL (hashing, the line census) under ``cProfile``.

The connection is wrapped so that each ``execute`` is timed as it returns (DuckDB runs a
statement to its end inside ``execute``; the few results fetched afterwards are small). Prints
the total, the time in SQL, the slowest statements and the Python functions by own time.

    .venv/bin/python -m bench.profile_load --scale 0.1 --extract events
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import tempfile
import time
from pathlib import Path

import duckdb

from bench.common import ensure_dataset, machine
from bench.ingest import connect
from orchestration.landing.contracts import EVENTS, SOURCE_DOCUMENTS
from orchestration.landing.loading import load_extract


class TimedConnection:
    """A DuckDB connection that records the seconds of each statement it executes."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con, self.statements = con, []

    def execute(self, query: str, *args):
        began = time.perf_counter()
        result = self.con.execute(query, *args)
        self.statements.append((time.perf_counter() - began, re.sub(r"\s+", " ", query)))
        return result

    def executemany(self, query: str, *args):
        began = time.perf_counter()
        result = self.con.executemany(query, *args)
        self.statements.append((time.perf_counter() - began, query))
        return result

    def __getattr__(self, name: str):
        return getattr(self.con, name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bad-share", type=float, default=0.0)
    parser.add_argument("--extract", choices=["events", "source_documents"], default="events")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "coop-bench")
    args = parser.parse_args(argv)
    raw = ensure_dataset(args.work, args.scale, args.seed, args.bad_share)
    contract = EVENTS if args.extract == "events" else SOURCE_DOCUMENTS
    with tempfile.TemporaryDirectory(prefix="coop-profile-") as folder:
        con = TimedConnection(connect(Path(folder) / "profile.duckdb"))
        profile = cProfile.Profile()
        began = time.perf_counter()
        profile.runcall(load_extract, con, raw, contract, run_id="profile")
        took = time.perf_counter() - began
        con.close()
    in_sql = sum(seconds for seconds, _ in con.statements)
    print(f"{args.extract} at scale {args.scale:g}; {machine()}")
    print(f"total {took:.2f} s, in SQL {in_sql:.2f} s, outside {took - in_sql:.2f} s")
    for seconds, query in sorted(con.statements, reverse=True)[: args.top]:
        print(f"{seconds:8.3f} s  {query[:150]}")
    pstats.Stats(profile).sort_stats("tottime").print_stats(8)


if __name__ == "__main__":
    main()
