"""The fetcher's HTTP client against a local server: every answer a newsroom can give."""

from __future__ import annotations

import pytest

from orchestration.documents.fetching.client import ClientConfig, FetchError, PoliteClient
from tests.fetchserver import FetchServer

PAGE = {"body": b"<html><title>T</title><p>text</p></html>",
        "headers": {"Content-Type": "text/html; charset=utf-8"}}  # fmt: skip


class FakeTime:
    """A clock that moves only when the client sleeps: waits are recorded, never slept."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("COOP_FETCH_ALLOW_LOOPBACK", "1")
    srv = FetchServer()
    srv.route("/robots.txt", {"status": 404})
    yield srv
    srv.close()


@pytest.fixture
def time_():
    return FakeTime()


def client(time_: FakeTime, **config) -> PoliteClient:
    settings = {"min_interval_s": 0.0, "read_timeout_s": 0.5, **config}
    return PoliteClient(ClientConfig(**settings), {}, time_.clock, time_.sleep, lambda: 1e9)


def failure(c: PoliteClient, url: str) -> str:
    with pytest.raises(FetchError) as caught:
        c.get(url)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_200_then_304_with_the_validators(server, time_):
    stamp = "Mon, 01 Dec 2026 10:00:00 GMT"
    headers = {**PAGE["headers"], "Last-Modified": stamp}
    url = server.route("/news", {**PAGE, "etag": '"v1"', "headers": headers})
    c = client(time_)
    first = c.get(url)
    assert (first.status, first.body, first.etag) == (200, PAGE["body"], '"v1"')
    second = c.get(url, first.etag, first.last_modified)
    assert second.status == 304 and second.body == b""
    sent = server.requests[-1][1]
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == stamp
    assert sent["User-Agent"].startswith("cooperation-warehouse/")


@pytest.mark.parametrize("status", [404, 410])
def test_gone_pages_fail_once_without_retry(server, time_, status):
    url = server.route("/gone", {"status": status})
    assert failure(client(time_), url).startswith(f"HTTP {status}")
    assert server.paths().count("/gone") == 1


def test_429_waits_as_retry_after_says(server, time_):
    url = server.route("/busy", {"status": 429, "headers": {"Retry-After": "7"}}, PAGE)
    assert client(time_).get(url).status == 200
    assert time_.slept == [7.0]
    assert server.paths().count("/busy") == 2


def test_429_asking_too_long_a_wait_fails_at_once(server, time_):
    url = server.route("/busy", {"status": 429, "headers": {"Retry-After": "86400"}})
    assert "asked to wait 86400 s" in failure(client(time_), url)
    assert time_.slept == []


def test_500_then_200_backs_off_then_succeeds(server, time_):
    url = server.route("/flaky", {"status": 500}, {"status": 503}, PAGE)
    assert client(time_, backoff_s=2.0).get(url).body == PAGE["body"]
    assert time_.slept == [2.0, 4.0]


def test_500_every_time_fails_after_the_bounded_retries(server, time_):
    url = server.route("/down", {"status": 500})
    assert failure(client(time_, max_retries=2), url) == "HTTP 500 (3 attempts)"
    assert server.paths().count("/down") == 3


def test_a_server_that_never_answers_times_out(server, time_):
    url = server.route("/slow", {"hang": True})
    message = failure(client(time_, max_retries=1), url)
    assert "ReadTimeout" in message and "(2 attempts)" in message


def test_a_redirect_loop_is_refused(server, time_):
    server.route("/a", {"status": 302, "headers": {"Location": "/b"}})
    url = server.route("/b", {"status": 301, "headers": {"Location": "/a"}})
    assert failure(client(time_), url).startswith("redirect loop:")
    assert server.paths().count("/a") == 1


def test_too_many_redirects_are_refused(server, time_):
    for n in range(4):
        server.route(f"/r{n}", {"status": 307, "headers": {"Location": f"/r{n + 1}"}})
    assert "more than 2 redirects" in failure(client(time_, max_redirects=2), server.base + "/r0")


@pytest.mark.parametrize(
    "target, reason",
    [("http://10.0.0.7/x", "private"), ("http://169.254.169.254/latest/meta-data/", "link-local"),
     ("http://[fd00::1]/x", "private"), ("file:///etc/passwd", "not an http(s) address")],
)  # fmt: skip
def test_a_redirect_off_the_public_internet_is_refused(server, time_, target, reason):
    url = server.route("/jump", {"status": 302, "headers": {"Location": target}})
    assert reason in failure(client(time_), url)


def test_loopback_needs_the_setting(server, time_, monkeypatch):
    url = server.route("/news", PAGE)
    monkeypatch.delenv("COOP_FETCH_ALLOW_LOOPBACK")
    assert "loopback" in failure(client(time_), url)
    assert server.requests == []


def test_robots_txt_is_obeyed_and_read_once(server, time_):
    server.route("/robots.txt", {"body": b"User-agent: *\nDisallow: /private/\n"})
    server.route("/private/x", PAGE)
    open_url = server.route("/public", PAGE)
    c = client(time_)
    assert "robots.txt" in failure(c, server.base + "/private/x")
    assert c.get(open_url).status == 200
    assert "/private/x" not in server.paths()
    assert server.paths().count("/robots.txt") == 1


def test_an_unreadable_robots_txt_allows_nothing(server, time_):
    server.route("/robots.txt", {"status": 500})
    url = server.route("/news", PAGE)
    assert "could not be read" in failure(client(time_, max_retries=0), url)
    assert "/news" not in server.paths()


@pytest.mark.parametrize("announce", [True, False])
def test_a_50_mb_response_is_refused_while_streaming(server, time_, announce):
    url = server.route("/huge", {"stream": 50 << 20, "announce": announce})
    assert failure(client(time_, max_bytes=1 << 20), url).startswith("refused:")


def test_requests_to_one_host_are_spaced_by_the_rate_limit(server, time_):
    url = server.route("/news", PAGE)
    c = client(time_, min_interval_s=1.0)
    for _ in range(3):
        c.get(url)
    # robots.txt, then three pages: each waits for the previous one's second to pass
    assert time_.slept == [1.0, 1.0, 1.0]
