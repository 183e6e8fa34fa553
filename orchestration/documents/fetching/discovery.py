"""What a source lists: the addresses of its documents, with a title and date when it says.

A ``feed`` (RSS or Atom) is read by feedparser, relative links resolved against the feed's
address; a ``sitemap`` is its ``<url><loc>`` entries (a sitemap index is not followed); a
``listing`` is an HTML page whose links matching ``link_pattern`` are documents. Items are
unique by document key (addresses.py): a feed that lists one release twice, or under two forms
of its address, gives it once.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser
from selectolax.lexbor import LexborHTMLParser

from orchestration.documents.fetching.addresses import canonical_url, document_key
from orchestration.documents.fetching.sources import Source


class DiscoveryError(ValueError):
    """A source's answer that lists nothing readable; the message is one line."""


@dataclass(frozen=True)
class Item:
    url: str
    title: str | None = None
    published_on: str | None = None  # YYYY-MM-DD


def _date(struct) -> str | None:
    return dt.date(*struct[:3]).isoformat() if struct else None


def feed_items(body: bytes, base_url: str) -> list[Item]:
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    if not parsed.entries and (parsed.bozo or not parsed.get("feed")):
        reason = getattr(parsed.get("bozo_exception"), "getMessage", lambda: "no entries")()
        raise DiscoveryError(f"not an RSS or Atom feed: {reason}")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (x.get("href") for x in entry.get("links", []) if x.get("href")), None
        )
        if link:
            published = entry.get("published_parsed") or entry.get("updated_parsed")
            items.append(Item(urljoin(base_url, link), entry.get("title"), _date(published)))
    return items


def sitemap_items(body: bytes) -> list[Item]:
    if re.search(rb"<!(DOCTYPE|ENTITY)", body[:4096]):  # no entity tricks in a sitemap
        raise DiscoveryError("a sitemap with a DOCTYPE or entities is not read")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise DiscoveryError(f"not a sitemap: {error}") from None
    items = []
    for node in root.iter():
        if node.tag.rsplit("}", 1)[-1] != "url":
            continue
        fields = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in node}
        if fields.get("loc"):
            lastmod = fields.get("lastmod", "")[:10]
            date = lastmod if re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod) else None
            items.append(Item(fields["loc"], None, date))
    return items


def listing_items(text: str, base_url: str, link_pattern: str) -> list[Item]:
    pattern = re.compile(link_pattern)
    items = []
    for anchor in LexborHTMLParser(text).css("a[href]"):
        url = urljoin(base_url, anchor.attributes.get("href") or "")
        if pattern.search(url):
            title = " ".join(anchor.text(deep=True).split()) or None
            items.append(Item(url, title, None))
    return items


def discover(source: Source, body: bytes, text: str, base_url: str) -> list[Item]:
    """The unique documents the source's answer lists, in its order; http(s) only."""
    if source.kind == "feed":
        found = feed_items(body, base_url)
    elif source.kind == "sitemap":
        found = sitemap_items(body)
    else:
        found = listing_items(text, base_url, source.link_pattern or "")
    unique: dict[str, Item] = {}
    for item in found:
        if not item.url.startswith(("http://", "https://")):
            continue
        key = document_key(item.url)
        if key not in unique:
            unique[key] = Item(canonical_url(item.url), item.title, item.published_on)
    return list(unique.values())
