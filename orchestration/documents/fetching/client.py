"""A polite, safe HTTP client for fetching documents: httpx over a guarded network layer.

Each request: http(s) only; robots.txt obeyed (robots.py); at most one request per
``min_interval_s`` per host (or the site's Crawl-delay when longer), threads sharing the client
included; conditional headers (ETag, Last-Modified) so an unchanged page costs one 304;
timeouts on connecting and on each read, plus a deadline for the whole body; every body
streamed and abandoned past ``max_bytes``; redirects followed by hand, at most
``max_redirects``, each hop checked again (scheme, robots, address) and a loop refused; a
bounded number of retries for 429, 5xx and network errors, waiting as ``Retry-After`` says (or
an exponential backoff) unless that is longer than ``max_wait_s``. The clock and sleep are
injected, so tests decide by state. Every failure is a FetchError whose message is one line.
"""

from __future__ import annotations

import email.utils
import os
import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from orchestration.documents.fetching.addresses import (
    GuardedBackend,
    RefusedAddress,
    check_scheme,
    resolve_checked,
)
from orchestration.documents.fetching.robots import MAX_ROBOTS_BYTES, RobotsCache

USER_AGENT = "cooperation-warehouse/0.1 (fetches official newsrooms' public releases)"
RETRY_STATUSES = (429, 500, 502, 503, 504)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A page that could not be fetched; the message is one line."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200 or 304
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Answer:
    """One response: its status, headers, and what was fetched (200 or 304)."""

    status: int
    headers: httpx.Headers
    fetched: Fetched | None = None


@dataclass
class ClientConfig:
    user_agent: str = USER_AGENT
    min_interval_s: float = 1.0
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    body_deadline_s: float = 60.0
    max_bytes: int = 5 << 20
    max_redirects: int = 5
    max_retries: int = 3
    backoff_s: float = 2.0
    max_wait_s: float = 120.0


def config_from_env() -> ClientConfig:
    """The defaults, but for COOP_FETCH_INTERVAL_S: the seconds between two requests to one
    host (a local mirror or a test server may take them faster)."""
    interval = os.environ.get("COOP_FETCH_INTERVAL_S")
    return ClientConfig(min_interval_s=float(interval)) if interval else ClientConfig()


@dataclass
class PoliteClient:
    config: ClientConfig = field(default_factory=ClientConfig)
    robots_store: MutableMapping[str, dict] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall: Callable[[], float] = time.time
    requests: int = 0

    def __post_init__(self) -> None:
        transport = httpx.HTTPTransport(retries=0)
        # httpx has no public hook for its network layer: this one checks every address
        # before connecting (tests/test_fetching.py fails if an upgrade moves the attribute)
        transport._pool._network_backend = GuardedBackend()
        timeout = httpx.Timeout(self.config.read_timeout_s, connect=self.config.connect_timeout_s)
        self.http = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False,
                                 trust_env=False,  # a proxy would bypass the address guard
                                 headers={"User-Agent": self.config.user_agent})  # fmt: skip
        self.robots = RobotsCache(self.config.user_agent, self._robots_text, self.robots_store,
                                  self.wall)  # fmt: skip
        self.next_at: dict[str, float] = {}
        self.lock = threading.Lock()

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """The page at ``url``: status 200 with its body, or 304 when the validators still
        hold. Raises FetchError with the reason otherwise."""
        seen = []
        for _ in range(self.config.max_redirects + 1):
            self._check(url)
            if url in seen:
                raise FetchError(f"redirect loop: {' -> '.join([*seen, url])[:300]}")
            seen.append(url)
            headers = {"If-None-Match": etag} if etag else {}
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            answer = self._with_retries(url, headers, self.config.max_bytes)
            if answer.fetched is None:  # a redirect: every other status is fetched or raised
                url = urljoin(url, answer.headers["location"])
                etag = last_modified = None  # validators belong to the first address
                continue
            return answer.fetched
        raise FetchError(f"more than {self.config.max_redirects} redirects from {seen[0]}")

    def _check(self, url: str) -> None:
        try:
            check_scheme(url)
            parts = urlsplit(url)
            resolve_checked(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        except RefusedAddress as error:
            raise FetchError(f"refused: {error}") from None
        allowed, reason = self.robots.allowed(url)
        if not allowed:
            raise FetchError(reason)

    def _robots_text(self, robots_url: str) -> str | None:
        """robots.txt of a site ("" when it has none), or None when it cannot be read."""
        for _ in range(2):  # robots.txt may redirect once, to another address it is read at
            try:
                check_scheme(robots_url)
                answer = self._with_retries(robots_url, {}, MAX_ROBOTS_BYTES, robots=True)
            except (FetchError, RefusedAddress):
                return None
            if answer.status not in REDIRECT_STATUSES:
                break
            robots_url = urljoin(robots_url, answer.headers["location"])
        else:
            return None
        return answer.fetched.body.decode("utf-8", "replace") if answer.fetched else ""

    def _wait_turn(self, url: str) -> None:
        """Reserve the host's next free moment and wait for it (threads asking different
        hosts never wait for each other)."""
        host = urlsplit(url).hostname or ""
        interval = self.config.min_interval_s
        if not url.endswith("/robots.txt"):
            interval = max(interval, self.robots.delay(url) or 0.0)
        with self.lock:
            now = self.clock()
            start = max(now, self.next_at.get(host, now))
            self.next_at[host] = start + interval
            self.requests += 1
        if start > now:
            self.sleep(start - now)

    def _with_retries(self, url: str, headers: dict, max_bytes: int, robots: bool = False):
        """The answer of one address, retried as the module docstring says."""
        for attempt in range(self.config.max_retries + 1):
            last = attempt == self.config.max_retries
            try:
                answer = self._once(url, headers, max_bytes, robots)
            except (httpx.TimeoutException, httpx.NetworkError) as error:
                reason = f"{type(error).__name__}: {error or 'no answer in time'}"
                if last:
                    raise FetchError(f"{reason} ({attempt + 1} attempts)") from None
                self._backoff(attempt, None, reason)
                continue
            if answer.status not in RETRY_STATUSES:
                return answer
            reason = f"HTTP {answer.status}"
            if last:
                raise FetchError(f"{reason} ({attempt + 1} attempts)")
            self._backoff(attempt, answer.headers.get("retry-after"), reason)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int, retry_after: str | None, reason: str) -> None:
        wait = self.config.backoff_s * 2**attempt
        if retry_after:
            wait = self._retry_after_s(retry_after, wait)
        if wait > self.config.max_wait_s:
            raise FetchError(f"{reason}: asked to wait {wait:.0f} s, more than the "
                             f"{self.config.max_wait_s:.0f} s a poll waits")  # fmt: skip
        self.sleep(wait)

    def _retry_after_s(self, value: str, default: float) -> float:
        if value.strip().isdigit():
            return float(value.strip())
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        return max(0.0, when.timestamp() - self.wall())

    def _once(self, url: str, headers: dict, max_bytes: int, robots: bool) -> Answer:
        self._wait_turn(url)
        try:
            with self.http.stream("GET", url, headers=headers) as response:
                status, got = response.status_code, response.headers
                if status == 200:
                    body = self._read_body(response, max_bytes)
                    fetched = Fetched(str(response.url), 200, body, got.get("content-type", ""),
                                      got.get("etag"), got.get("last-modified"))  # fmt: skip
                    return Answer(status, got, fetched)
                if status == 304:
                    return Answer(
                        status, got, Fetched(str(response.url), 304, etag=got.get("etag"))
                    )
                if (robots and 400 <= status < 500) or status in RETRY_STATUSES:
                    return Answer(status, got)  # robots: none, everything allowed
                if status in REDIRECT_STATUSES and "location" in got:
                    return Answer(status, got)
                raise FetchError(f"HTTP {status} {response.reason_phrase}".strip())
        except RefusedAddress as error:
            raise FetchError(f"refused: {error}") from None

    def _read_body(self, response: httpx.Response, max_bytes: int) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"refused: {int(declared):,} bytes announced, over the "
                             f"{max_bytes:,}-byte limit")  # fmt: skip
        chunks, size, deadline = [], 0, self.clock() + self.config.body_deadline_s
        for chunk in response.iter_bytes(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"refused: the body passed the {max_bytes:,}-byte limit")
            if self.clock() > deadline:
                raise FetchError(f"the body took more than {self.config.body_deadline_s:.0f} s")
            chunks.append(chunk)
        return b"".join(chunks)
