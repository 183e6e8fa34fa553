"""A poll end to end against local newsrooms: what lands, once, graded, and what fails, in
one line."""

from __future__ import annotations

import pytest

from orchestration.documents.fetching.client import ClientConfig
from orchestration.documents.fetching.poll import Poller
from orchestration.documents.fetching.sources import Source
from orchestration.documents.reading import read_document
from orchestration.landing import grading
from tests.fetchserver import FetchServer
from tests.test_fetching_client import FakeTime

DEC2, DEC3 = "Tue, 02 Dec 2026 09:00:00 GMT", "Wed, 03 Dec 2026 09:00:00 GMT"
RELEASE = (
    "Europol and the police of a partner state signed a working arrangement today in The "
    "Hague. The arrangement lets both exchange strategic information on drug trafficking, "
    "migrant smuggling and cybercrime, and plans a liaison officer at the agency. Officials "
    "of both sides said the arrangement was the result of two years of talks and would be "
    "reviewed after three years of use by a joint committee of experts from each side."
)


def page(title: str, text: str, charset: str = "utf-8", declared: str | None = "utf-8") -> dict:
    html = (
        f"<html><head><title>{title}</title></head><body><nav>Home</nav><article>"
        f"<h1>{title}</h1><p>{text}</p></article></body></html>"
    )
    content_type = "text/html" + (f"; charset={declared}" if declared else "")
    return {"body": html.encode(charset), "headers": {"Content-Type": content_type}}


def rss(*items: tuple[str, str, str]) -> dict:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate></item>"
        for t, link, d in items
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>n</title>{entries}'
        "</channel></rss>"
    )
    return {"body": body.encode(), "headers": {"Content-Type": "application/rss+xml"}}


def source(
    name: str,
    url: str,
    publisher: str = "Europol",
    folder: str | None = None,
    kind: str = "eu_institution",
) -> Source:
    return Source(
        name=name,
        publisher=publisher,
        publisher_kind=kind,
        language="en",
        kind="feed",
        url=url,
        enabled=True,
        folder=folder or name,
    )


@pytest.fixture
def servers(monkeypatch):
    monkeypatch.setenv("COOP_FETCH_ALLOW_LOOPBACK", "1")
    made = [FetchServer("127.0.0.1"), FetchServer("127.0.0.2")]
    for srv in made:
        srv.route("/robots.txt", {"status": 404})
    # the test hosts stand for the official sites, so the policy can grade them A
    monkeypatch.setitem(grading.OFFICIAL_PUBLISHERS, "Europol", ("127.0.0.1",))
    monkeypatch.setitem(grading.OFFICIAL_PUBLISHERS, "EEAS", ("127.0.0.2",))
    yield made
    for srv in made:
        srv.close()


@pytest.fixture
def poller(tmp_path):
    (tmp_path / "documents").mkdir()
    time_ = FakeTime()
    config = ClientConfig(min_interval_s=0.0, read_timeout_s=0.5, max_retries=1)
    return Poller(tmp_path, config, time_.clock, time_.sleep, lambda: 1_790_000_000.0)


def landed(poller: Poller, relative: str) -> dict:
    document = read_document(poller.raw_dir / relative, relative)
    assert document.problems == []
    return document.values


def test_a_feed_with_relative_links_and_duplicates_lands_each_document_once(servers, poller):
    srv = servers[0]
    feed = srv.route(
        "/feed.xml",
        rss(
            ("Arrangement signed", "/news/arrangement", DEC2),
            ("Arrangement signed", "/news/arrangement/?utm_source=rss", DEC2),
            ("Second", f"{srv.base}/news/second", DEC3),
        ),
    )
    srv.route("/news/arrangement", page("Arrangement signed", RELEASE))
    srv.route("/news/second", page("Second", "A short second release about a meeting."))
    result = poller.poll([source("europol", feed)])
    assert result.failures == [] and result.notes == []
    assert sorted(result.landed) == [
        "documents/europol/2026-12-02-arrangement-signed.html",
        "documents/europol/2026-12-03-second.html",
    ]
    assert srv.paths().count("/news/arrangement") == 1
    values = landed(poller, result.landed[0])
    assert values["url"] == f"{srv.base}/news/arrangement"
    assert (values["title"], values["published_on"], values["language"]) == (
        "Arrangement signed",
        "2026-12-02",
        "en",
    )
    assert (values["publisher"], values["publisher_kind"]) == ("Europol", "eu_institution")
    assert (values["source_reliability"], values["information_accuracy"]) == ("A", "1")
    assert "drug trafficking" in values["text"] and "Home" not in values["text"]
    assert not list(poller.raw_dir.rglob("*.partial"))


def test_an_unchanged_source_costs_one_304(servers, poller):
    srv = servers[0]
    feed = srv.route("/feed.xml", {**rss(("A", "/news/a", DEC2)), "etag": '"f1"'})
    srv.route("/news/a", page("A", RELEASE))
    assert len(poller.poll([source("europol", feed)]).landed) == 1
    before = len(srv.requests)
    result = poller.poll([source("europol", feed)])
    assert (result.landed, result.unchanged, result.failures) == ([], ["europol"], [])
    assert srv.paths()[before:] == ["/feed.xml"]  # robots.txt remembered, the feed a 304


def test_an_item_already_landed_under_another_form_is_not_fetched(servers, poller):
    srv = servers[0]
    folder = poller.raw_dir / "documents" / "europol"
    folder.mkdir()
    (folder / "held.md").write_text(
        f"---\nurl: {srv.base}/news/a/?utm_medium=email\ntitle: Held\n---\nHeld text.\n"
    )
    feed = srv.route("/feed.xml", rss(("A", "/news/a", DEC2)))
    result = poller.poll([source("europol", feed)])
    assert result.landed == [] and "/news/a" not in srv.paths()


def test_a_failing_source_is_one_line_and_the_others_land(servers, poller):
    srv = servers[0]
    gone = srv.route("/gone.xml", {"status": 410})
    feed = srv.route("/feed.xml", rss(("A", "/news/a", DEC2)))
    srv.route("/news/a", page("A", RELEASE))
    result = poller.poll([source("broken", gone), source("europol", feed)])
    assert result.failures == ["broken: HTTP 410 Gone"]
    assert len(result.landed) == 1


def test_a_document_that_fails_is_fetched_again_at_the_next_poll(servers, poller):
    srv = servers[0]
    feed = srv.route("/feed.xml", {**rss(("A", "/news/a", DEC2)), "etag": '"f1"'})
    srv.route("/news/a", {"status": 500}, {"status": 500}, page("A", RELEASE))
    first = poller.poll([source("europol", feed)])
    assert first.failures == [f"europol: {srv.base}/news/a: HTTP 500 (2 attempts)"]
    assert first.landed == []
    second = poller.poll([source("europol", feed)])  # no 304: the validators were not kept
    assert second.failures == [] and len(second.landed) == 1


@pytest.mark.parametrize("declared", [None, "utf-8", "x-no-such-charset"])
def test_latin_1_pages_land_as_utf8_whatever_charset_they_declare(servers, poller, declared):
    srv = servers[0]
    feed = srv.route("/feed.xml", rss(("Policía", "/news/p", DEC2)))
    srv.route(
        "/news/p", page("Policía", RELEASE + " La Policía Nacional firmó.", "latin-1", declared)
    )
    result = poller.poll([source("europol", feed)])
    values = landed(poller, result.landed[0])
    assert "La Policía Nacional firmó." in values["text"]
    kept = poller.raw_dir / ".fetch" / "originals" / result.landed[0]
    assert "Policía".encode("latin-1") in kept.read_bytes()


def test_the_same_text_twice_from_one_publisher_lands_once(servers, poller):
    srv = servers[0]
    feed = srv.route("/feed.xml", rss(("A", "/news/a", DEC2), ("A again", "/news/a-copy", DEC2)))
    srv.route("/news/a", page("A", RELEASE))
    srv.route("/news/a-copy", page("A", RELEASE))
    result = poller.poll([source("europol", feed)])
    assert len(result.landed) == 1
    assert result.notes == [
        f"europol: {srv.base}/news/a-copy: not landed: the same text as {result.landed[0]}"
    ]


def test_a_repost_on_a_second_host_names_its_original_and_is_never_accuracy_1(servers, poller):
    europol, eeas = servers
    original = europol.route("/feed.xml", rss(("Arrangement", "/news/arr", DEC2)))
    europol.route("/news/arr", page("Arrangement", RELEASE))
    copy = eeas.route("/feed.xml", rss(("Europol signs", "/press/copy", DEC3)))
    eeas.route("/press/copy", page("Europol signs", "Brussels, 3 December. " + RELEASE))
    # the repost's source comes first in the file: the original is still told apart
    result = poller.poll([source("eeas", copy, publisher="EEAS"), source("europol", original)])
    assert result.failures == [] and len(result.landed) == 2
    repost = landed(poller, next(p for p in result.landed if "/eeas/" in p))
    assert (repost["original_publisher"], repost["original_url"]) == (
        "Europol",
        f"{europol.base}/news/arr",
    )
    assert (repost["source_reliability"], repost["information_accuracy"]) == ("A", "2")
    first = landed(poller, next(p for p in result.landed if "/europol/" in p))
    assert first.get("original_publisher") is None and first["information_accuracy"] == "1"
    graded = {**repost, "verification_status": "single_source", "document_id": "x"}
    assert grading.document_problems(graded) == []


def test_a_source_failing_longer_than_its_interval_is_warned_about(servers, poller):
    srv = servers[0]
    url = srv.route("/feed.xml", {"status": 404})
    quiet = source("europol", url)
    assert poller.poll([quiet]).warnings == []
    poller.wall = lambda: 1_790_000_000.0 + 8 * 24 * 3600  # a day past the week expected
    result = poller.poll([quiet])
    assert result.warnings == [
        "europol: failing for 192 h (expected to publish every 168 h): europol: HTTP 404 Not Found"
    ]


def test_a_polls_documents_appear_together_when_it_commits(tmp_path):
    from orchestration.documents.fetching.landing import Lander
    from orchestration.landing.sensing import landing_zone_listing

    (tmp_path / "documents" / "europol").mkdir(parents=True)
    (tmp_path / "documents" / "europol" / ".fetch-old.html.partial").write_text("cut off")
    lander = Lander(tmp_path)  # a poll that died left a dotfile: removed
    for n in range(3):
        target = lander.target("europol", "2026-12-02", "Same title", ".html")
        lander.stage(target, {"url": f"https://example.org/{n}", "title": "T"}, "text", None)
        assert landing_zone_listing(tmp_path) == {}  # the sensor sees nothing mid-poll
    assert sorted(lander.commit()) == [
        "documents/europol/2026-12-02-same-title-2.html",
        "documents/europol/2026-12-02-same-title-3.html",
        "documents/europol/2026-12-02-same-title.html",
    ]
    assert len(landing_zone_listing(tmp_path)) == 3
    assert not list(tmp_path.rglob("*.partial"))
