"""A fetched page as text: its charset decided, its title and date read from the page.

The loader reads documents as UTF-8. A page is decoded strictly as UTF-8 when its bytes are
UTF-8, whatever its header says (a server that declares ISO-8859-1 for UTF-8 bytes is the
common mistake, and Latin-1 text almost never forms valid UTF-8); otherwise by the charset its
header or its ``<meta>`` declares, when Python knows it; otherwise as Windows-1252, which
decodes every byte. The decoded text is what lands; the bytes as fetched are kept beside the
fetch state when they differ.
"""

from __future__ import annotations

import codecs
import re

from selectolax.lexbor import LexborHTMLParser

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
DATE_META = ("article:published_time", "og:published_time", "datePublished", "date",
             "dc.date", "dcterms.date", "dc.date.issued", "publication_date")  # fmt: skip


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def declared_charset(content_type: str, body: bytes) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    found = match.group(1) if match else None
    if found is None and (meta := META_CHARSET.search(body[:4096])):
        found = meta.group(1).decode("ascii")
    try:
        return codecs.lookup(found).name if found else None
    except LookupError:
        return None  # a charset Python does not know: decided as if none was given


def decode_page(body: bytes, content_type: str) -> tuple[str, str]:
    """(text, the charset it was decoded with)."""
    try:
        return body.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    charset = declared_charset(content_type, body)
    if charset and charset != "utf-8":
        try:
            return body.decode(charset), charset
        except UnicodeDecodeError:
            pass
    return body.decode("cp1252", errors="replace"), "cp1252"


def page_title(tree: LexborHTMLParser) -> str | None:
    for selector in ('meta[property="og:title"]', "title", "h1"):
        node = tree.css_first(selector)
        if node is not None:
            text = node.attributes.get("content") if node.tag == "meta" else node.text()
            if text and text.strip():
                return " ".join(text.split())[:300]
    return None


def page_date(tree: LexborHTMLParser) -> str | None:
    """The publication day a page states in its metadata or first ``<time>``."""
    for node in tree.css("meta"):
        name = node.attributes.get("property") or node.attributes.get("name") or ""
        day = _day(node.attributes.get("content") or "")
        if name.lower() in (d.lower() for d in DATE_META) and day:
            return day
    node = tree.css_first("time[datetime]")
    return _day(node.attributes.get("datetime") or "") if node is not None else None


def _day(value: str) -> str | None:
    match = re.match(r"(\d{4}-\d{2}-\d{2})", value.strip())
    return match.group(1) if match else None


def page_metadata(text: str) -> tuple[str | None, str | None]:
    """(title, published_on) of an HTML page."""
    tree = LexborHTMLParser(text)
    return page_title(tree), page_date(tree)
