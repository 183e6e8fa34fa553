"""Where one fetched document goes: landed as an original, as a repost, or not at all.

Not landed (one note line each): an address already landed in this poll under another form,
a page that is neither HTML nor text (a PDF, an image), the same text as a document of the
same publisher (fetched twice). Landed as a repost: the same or nearly the same text as a
document of another publisher; ``original_publisher`` and ``original_url`` name it and the
grade follows the policy for reposts (orchestration/landing/grading.py ``fetched_grade``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from orchestration.documents.fetching.addresses import canonical_url, document_key
from orchestration.documents.fetching.landing import Lander
from orchestration.documents.fetching.library import Landed, Library, signature, text_digest
from orchestration.documents.fetching.pages import (
    HTML_TYPES,
    TEXT_TYPES,
    decode_page,
    media_type,
    page_metadata,
)
from orchestration.documents.reading import html_main_text
from orchestration.landing.grading import fetched_grade

if TYPE_CHECKING:
    from orchestration.documents.fetching.poll import Candidate


def page_kind(content_type: str, body: bytes) -> str | None:
    """html, txt, or None for what is not a document's text."""
    kind = media_type(content_type)
    if not kind:  # no Content-Type: judged by the first bytes
        return "html" if b"<html" in body[:1024].lower() else "txt"
    return "html" if kind in HTML_TYPES else "txt" if kind in TEXT_TYPES else None


def place(candidate: Candidate, library: Library, lander: Lander, now: float) -> str | None:
    """Land the candidate, or say in one line why it is not landed."""
    source, item, page = candidate.source, candidate.item, candidate.page
    url = canonical_url(page.url)
    where = f"{source.name}: {url}"
    if document_key(url) in library.by_key:
        return f"{where}: not landed: listed twice in this poll"
    kind = page_kind(page.content_type, page.body)
    if kind is None:
        return f"{where}: not landed: {media_type(page.content_type)} is not HTML or text"
    text, _ = decode_page(page.body, page.content_type)
    main, page_title, page_day = text, None, None
    if kind == "html":
        main = html_main_text(text)[0]
        page_title, page_day = page_metadata(text)
    digest, sig = text_digest(main), signature(main)
    same = library.by_text.get(digest) if main.strip() else None
    if same is not None and same.folder == source.folder:
        return f"{where}: not landed: the same text as {same.relative}"
    original = same or library.near_copy(sig, source.folder)
    publisher_kind = source.publisher_kind
    if publisher_kind == "copy_site" and original is None:
        publisher_kind = "low_quality_site"  # a copy whose original is unknown
    grade = fetched_grade(source.publisher, publisher_kind, url,
                          original.accuracy if original else None)  # fmt: skip
    title = item.title or page_title or urlsplit(url).path.rsplit("/", 1)[-1] or url
    published_on = item.published_on or page_day
    fields = {
        "url": url, "title": title, "published_on": published_on, "language": source.language,
        "publisher": source.publisher, "publisher_kind": publisher_kind,
        "source_reliability": grade["source_reliability"],
        "information_accuracy": grade["information_accuracy"],
        "handling_code": grade["handling_code"],
        "original_publisher": original.publisher if original else None,
        "original_url": original.url if original else None,
    }  # fmt: skip
    day = published_on or dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat()
    target = lander.target(source.folder, day, title, f".{kind}")
    kept = None if text.encode("utf-8") == page.body else page.body
    relative = lander.stage(target, fields, text, kept)
    landed = Landed(relative, document_key(url), digest, source.publisher, url,
                    grade["information_accuracy"], sig)  # fmt: skip
    library.add(landed)
    library.by_key.setdefault(document_key(item.url), landed)
    return None
