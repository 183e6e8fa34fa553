"""Fetching at scale against local newsrooms: polls that find nothing new, polls that do,
and the one pipeline run that loads, links and queues for review what a poll landed.

Each source is its own host (127.0.0.2, 127.0.0.3, ...: every 127/8 address is loopback), a
``FetchServer`` (tests/fetchserver.py) serving an RSS feed with an ETag and its releases.
Phases, in one landing zone (a hard-linked copy of the project's raw/):

1. first contact: every source's robots.txt, feed and one release (each release a distinct
   text that names partners, so the linker and the review queue have something to find);
2. nothing changed: every feed answers 304; the issue's target is under 5 s for 100 sources;
3. new releases on some sources, fetched at the rate limit's pace (``--interval`` between two
   requests to one host; hosts in parallel);
4. one ``coop build`` for everything the polls landed (``--build``): the landed-files sensor
   starts one run per poll in the same way, since a poll's documents appear together.

Usage: .venv/bin/python -m bench.fetch --sources 100 --new-sources 10 --new-per-source 3 --build
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.common import PROJECT_ROOT, fmt_table, isolated_run_env, machine
from orchestration.documents.fetching.client import ClientConfig
from orchestration.documents.fetching.poll import Poller
from orchestration.documents.fetching.sources import Source
from tests.fetchserver import FetchServer

PUBLISHED = "Wed, 02 Dec 2026 09:00:00 GMT"
HTML = "text/html; charset=utf-8"
PARTNERS = ["Brazil", "Colombia", "Ecuador", "Chile", "Mexico", "Peru", "Argentina", "Panama"]
AGENCIES = ["Europol", "Eurojust", "EL PAcCTO", "AMERIPOL"]
CRIMES = [
    "drug trafficking",
    "migrant smuggling",
    "cybercrime",
    "money laundering",
    "environmental crime",
    "trafficking in human beings",
]
WORDS = [
    "network",
    "port",
    "cargo",
    "route",
    "seizure",
    "arrest",
    "court",
    "warrant",
    "officer",
    "unit",
    "border",
    "hub",
    "airport",
    "container",
    "analyst",
    "liaison",
    "exchange",
    "training",
    "cooperation",
    "vessel",
]


def release(number: int) -> tuple[str, str]:
    """A title and a text of its own (no two releases near copies of each other)."""
    rng = random.Random(number)
    partner, agency, crime = rng.choice(PARTNERS), rng.choice(AGENCIES), rng.choice(CRIMES)
    title = f"{agency} and {partner} act against {crime} ({number})"
    filler = " ".join(rng.choice(WORDS) for _ in range(120))
    text = (
        f"On 2 December 2026 {agency} and the police of {partner} signed a working "
        f"arrangement against {crime}. {filler}. Release number {number}."
    )
    return title, text


def feed(srv: FetchServer, numbers: list[int], etag: str) -> None:
    items = "".join(
        f"<item><title>{release(n)[0]}</title><link>/news/{n}</link>"
        f"<pubDate>{PUBLISHED}</pubDate></item>"
        for n in numbers
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>n</title>{items}</channel></rss>'
    )
    srv.route(
        "/feed.xml",
        {"body": body.encode(), "etag": etag, "headers": {"Content-Type": "application/rss+xml"}},
    )
    for n in numbers:
        title, text = release(n)
        html = (
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{text}</p></article></body></html>"
        )
        srv.route(f"/news/{n}", {"body": html.encode(), "headers": {"Content-Type": HTML}})


def timed_poll(poller: Poller, sources: list[Source]) -> tuple[float, object]:
    began = time.perf_counter()
    result = poller.poll(sources)
    return time.perf_counter() - began, result


def build(env: dict[str, str]) -> tuple[float, int]:
    began = time.perf_counter()
    code = subprocess.run(
        [str(Path(sys.executable).parent / "coop"), "build"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    ).returncode
    return time.perf_counter() - began, code


def linked_and_queued(env: dict[str, str], folders: list[str]) -> tuple[int, int, int]:
    """Fetched documents loaded, linked (with a mention) and queued for review."""
    from orchestration.documents.review import pending_candidates

    published = Path(env["COOP_WAREHOUSE_DIR"]) / "cooperation.duckdb"
    names = ", ".join(f"'{f}'" for f in folders)
    with duckdb.connect(str(published), read_only=True) as con:
        loaded, linked = con.execute(
            "select count(*), count(*) filter (where document_id in (select document_id from "
            "marts.fct_document_mention)) from marts.dim_document where split_part(document_id,"
            f" '/', 1) in ({names})"
        ).fetchone()
    queued = {
        c.document_id
        for c in pending_candidates(Path(env["COOP_RAW_DIR"]))
        if c.document_id.split("/", 1)[0] in folders
    }
    return loaded, linked, len(queued)


def newsrooms(count: int) -> tuple[list[FetchServer], list[Source]]:
    """One local newsroom per source, each on its own loopback address, one release listed."""
    servers, sources = [], []
    for i in range(count):
        srv = FetchServer(f"127.0.0.{2 + i}")
        srv.route("/robots.txt", {"status": 404})
        feed(srv, [1000 * i], '"v1"')
        servers.append(srv)
        name = f"bench-{i:03d}"
        sources.append(Source(name=name, publisher=f"Bench newsroom {i}", language="en",
                              publisher_kind="programme_implementer", kind="feed",
                              url=f"{srv.base}/feed.xml", enabled=True, folder=name))  # fmt: skip
    return servers, sources


def three_polls(poller: Poller, servers, sources, args) -> list[list[str]]:
    rows = []
    for phase in ("first contact", "nothing changed", "new releases"):
        if phase == "new releases":
            for i in range(args.new_sources):
                feed(servers[i], [1000 * i + k for k in range(args.new_per_source + 1)], '"v2"')
        seconds, result = timed_poll(poller, sources)
        rows.append([phase, f"{seconds:.2f}", str(result.requests), str(len(result.landed)),
                     str(len(result.unchanged)), str(len(result.failures))])  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--new-sources", type=int, default=10)
    parser.add_argument("--new-per-source", type=int, default=3)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between requests")
    parser.add_argument("--build", action="store_true", help="then run coop build once")
    args = parser.parse_args(argv)
    os.environ["COOP_FETCH_ALLOW_LOOPBACK"] = "1"
    work = Path(tempfile.mkdtemp(prefix="bench-fetch-"))
    env = isolated_run_env(PROJECT_ROOT / "raw", work)
    servers, sources = newsrooms(args.sources)
    poller = Poller(Path(env["COOP_RAW_DIR"]), ClientConfig(min_interval_s=args.interval))
    rows = three_polls(poller, servers, sources, args)
    print(f"{args.sources} sources, one host each; {args.interval:g} s between requests to a "
          f"host; {poller.workers} sources asked at once; {machine()}")  # fmt: skip
    print(fmt_table(["poll", "wall s", "requests", "landed", "unchanged (304)", "failed"], rows))
    # the feed costs no wait (the host's last request was a poll ago); each release waits
    pace = args.new_per_source * args.interval * -(-args.new_sources // poller.workers)
    print(f"rate limit's pace for the new releases: {args.new_per_source} releases x "
          f"{args.interval:g} s per host after its feed, {args.new_sources} hosts "
          f"{poller.workers} at a time: {pace:.1f} s")  # fmt: skip
    if args.build:
        seconds, code = build(env)
        loaded, linked, queued = linked_and_queued(env, [s.folder for s in sources])
        print(f"one coop build for all {loaded} fetched documents: {seconds:.1f} s, exit "
              f"{code}; {linked} linked (a mention or more), {queued} with candidates queued "
              "for review")  # fmt: skip
    for srv in servers:
        srv.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
