"""One poll: ask every enabled source what is new, land each new document once, commit.

Sources are asked by a few threads at once (the rate limit is per host, and each newsroom is
its own host, so one slow or rate-limited site does not hold up the others). A source that
fails is one line (``<source>: <reason>``, or ``<source>: <address>: <reason>`` for one of its
documents) and the poll goes on with the others. A source's validators (ETag, Last-Modified)
are kept only when every document it listed was fetched: otherwise its next answer would be a
304 and a document would be lost. The documents of a poll are landed after every source was
asked, originals before reposts (official publishers first, then by date), so that a release
and its repost fetched in the same poll are told apart as they would be a poll apart.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.documents.fetching.addresses import canonical_url, document_key
from orchestration.documents.fetching.client import (
    ClientConfig,
    Fetched,
    FetchError,
    PoliteClient,
    config_from_env,
)
from orchestration.documents.fetching.discovery import DiscoveryError, Item, discover
from orchestration.documents.fetching.freshness import freshness_warnings, record_outcome
from orchestration.documents.fetching.landing import Lander
from orchestration.documents.fetching.library import Library
from orchestration.documents.fetching.pages import decode_page
from orchestration.documents.fetching.placing import place
from orchestration.documents.fetching.sources import Source
from orchestration.documents.fetching.state import load_state, save_state, state_dir


class PollBusy(RuntimeError):
    """Another poll of the same landing zone is running."""


@dataclass
class Candidate:
    source: Source
    order: int
    item: Item
    page: Fetched


@dataclass
class PollResult:
    landed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # sources that answered 304
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # documents not landed, and why
    warnings: list[str] = field(default_factory=list)  # freshness
    requests: int = 0


@dataclass
class Poller:
    raw_dir: Path
    config: ClientConfig = field(default_factory=config_from_env)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall: Callable[[], float] = time.time
    workers: int = 8  # sources asked at once; each host still gets one request at a time

    def poll(self, sources: list[Source], only: str | None = None) -> PollResult:
        """Ask the enabled sources (or only the one named), land what is new. One poll at a
        time per landing zone: a second one (the schedule while `coop fetch` runs) is refused
        rather than land the same documents twice."""
        folder = state_dir(self.raw_dir)
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "poll.lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PollBusy(f"another poll of {self.raw_dir} is running") from None
            return self._poll(sources, only)

    def _poll(self, sources: list[Source], only: str | None) -> PollResult:
        state = load_state(self.raw_dir)
        client = PoliteClient(self.config, state.robots, self.clock, self.sleep, self.wall)
        library = Library(self.raw_dir, state.library)
        lander = Lander(self.raw_dir)
        result, candidates, failed = PollResult(), [], {}
        chosen = [s for s in sources if (s.name == only if only else s.enabled)]
        memories = [state.source(s.name) for s in chosen]  # made here: threads only read
        try:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                asked = list(pool.map(
                    lambda i: self.ask(client, library, chosen[i], i, memories[i]),
                    range(len(chosen)),
                ))  # fmt: skip
        finally:
            client.close()
        for source, (found, failures) in zip(chosen, asked, strict=True):
            failed[source.name] = failures
            candidates += found
            result.failures += failures
            if not failures and not found:
                result.unchanged.append(source.name)
        for candidate in sorted(candidates, key=landing_order):
            if line := place(candidate, library, lander, self.wall()):
                result.notes.append(line)
        result.landed = lander.commit()
        now = self.wall()
        for source in chosen:
            news = sum(1 for path in result.landed if path.split("/")[1] == source.folder)
            record_outcome(state.source(source.name), failed[source.name], news, now)
        result.warnings = freshness_warnings(chosen, state, now)
        state.library = library.cache
        save_state(self.raw_dir, state)
        result.requests = client.requests
        return result

    def ask(self, client: PoliteClient, library: Library, source: Source, order: int,
            memory: dict) -> tuple[list[Candidate], list[str]]:  # fmt: skip
        """The new documents a source lists, fetched, and its failure lines."""
        try:
            answer = client.get(source.url, memory.get("etag"), memory.get("last_modified"))
            if answer.status == 304:
                return [], []
            text, _ = decode_page(answer.body, answer.content_type)
            items = discover(source, answer.body, text, answer.url)
        except (FetchError, DiscoveryError) as error:
            return [], [f"{source.name}: {error}"]
        found, failures = [], []
        for item in items:
            if document_key(item.url) in library.by_key:
                continue  # landed already, under this address or another form of it
            try:
                page = client.get(item.url)
            except FetchError as error:
                failures.append(f"{source.name}: {item.url}: {error}")
                continue
            if document_key(page.url) not in library.by_key:  # a redirect to a landed one
                found.append(Candidate(source, order, item, page))
        if not failures:  # every listed document is in hand: the next 304 loses nothing
            memory.update(etag=answer.etag, last_modified=answer.last_modified)
        return found, failures


def landing_order(candidate: Candidate) -> tuple:
    """Originals before reposts: official publishers first, then the earlier, then the
    source's place in the file."""
    from orchestration.landing.grading import RELIABILITY_BY_KIND

    grade = RELIABILITY_BY_KIND[candidate.source.publisher_kind]
    return (grade, candidate.item.published_on or "9999", candidate.order,
            canonical_url(candidate.page.url))  # fmt: skip
