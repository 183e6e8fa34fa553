"""What a source lists: feeds, sitemaps and listing pages, each document once."""

from __future__ import annotations

import dataclasses

import pytest

from orchestration.documents.fetching.addresses import canonical_url, document_key
from orchestration.documents.fetching.discovery import DiscoveryError, Item, discover
from orchestration.documents.fetching.sources import Source

BASE = "https://news.example.org/en/press/"
LISTING = Source(name="s", publisher="P", publisher_kind="news_media", language="en",
                 kind="listing", url=BASE, enabled=True, folder="p",
                 link_pattern=r"/en/press/\d{4}/[a-z-]+$")  # fmt: skip


def test_a_listing_gives_its_matching_links_once_each_made_absolute():
    html = b"""<html><body><nav><a href="/en/about">About</a></nav>
      <a href="2026/signing">Signing <b>in Brussels</b></a>
      <a href="https://news.example.org/en/press/2026/signing?utm_source=x">again</a>
      <a href="/en/press/2026/visit">Visit</a> <a href="mailto:press@example.org">mail</a>
    </body></html>"""
    items = discover(LISTING, html, html.decode(), BASE)
    assert items == [Item(f"{BASE}2026/signing", "Signing in Brussels"),
                     Item(f"{BASE}2026/visit", "Visit")]  # fmt: skip


def test_a_sitemap_gives_its_addresses_and_days():
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://news.example.org/a</loc><lastmod>2026-12-01T10:00:00+00:00</lastmod></url>
      <url><loc>https://news.example.org/b</loc><lastmod>yesterday</lastmod></url>
    </urlset>"""
    sitemap = dataclasses.replace(LISTING, kind="sitemap", link_pattern=None)
    assert discover(sitemap, xml, "", BASE) == [
        Item("https://news.example.org/a", None, "2026-12-01"),
        Item("https://news.example.org/b", None, None),
    ]


@pytest.mark.parametrize(
    "body", [b"<html>not a sitemap", b'<!DOCTYPE x [<!ENTITY a "b">]><urlset/>']
)
def test_a_broken_sitemap_is_one_reason(body):
    sitemap = dataclasses.replace(LISTING, kind="sitemap", link_pattern=None)
    with pytest.raises(DiscoveryError):
        discover(sitemap, body, "", BASE)


def test_an_answer_that_is_no_feed_is_one_reason():
    feed = dataclasses.replace(LISTING, kind="feed", link_pattern=None)
    with pytest.raises(DiscoveryError, match="not an RSS or Atom feed"):
        discover(feed, b"<html><p>a page</p></html>", "", BASE)


@pytest.mark.parametrize(
    "other",
    ["http://news.example.org/a/b/", "https://www.news.example.org/a/b?utm_campaign=z#top",
     "HTTPS://NEWS.example.org:443/a/b?fbclid=1"],
)  # fmt: skip
def test_forms_of_one_address_are_one_document(other):
    assert document_key(other) == document_key("https://news.example.org/a/b")


def test_other_query_parameters_are_another_document():
    assert document_key("https://n.org/item?id=1") != document_key("https://n.org/item?id=2")
    assert canonical_url("https://n.org/item?b=2&a=1&utm_source=x") == "https://n.org/item?a=1&b=2"
