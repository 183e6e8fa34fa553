"""robots.txt, read by protego and cached per site (scheme and host) between polls.

A site's rules are kept for a day (``ROBOTS_TTL_S``), in the fetch state that survives between
polls, so an unchanged source costs one request, not two. As RFC 9309 says: a robots.txt that
is missing (4xx) allows everything; one that cannot be fetched (5xx, timeout, refused) allows
nothing until it can be, and is asked for again at the next poll.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from urllib.parse import urlsplit

from protego import Protego

ROBOTS_TTL_S = 24 * 3600
MAX_ROBOTS_BYTES = 512 * 1024  # what Google reads of a robots.txt at most
ALLOW_ALL = ""


def site_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class RobotsCache:
    """Whether the rules of each site allow an address to the fetcher's user agent.

    ``fetch_rules(robots_url)`` returns the text of robots.txt ("" when the site has none), or
    None when it could not be read; ``store`` is the fetch state's mapping of site to
    ``{"at": seconds, "text": ...}``; ``now()`` gives wall seconds."""

    def __init__(self, user_agent: str, fetch_rules: Callable[[str], str | None],
                 store: MutableMapping[str, dict], now: Callable[[], float]) -> None:  # fmt: skip
        self.agent = user_agent.split("/", 1)[0]
        self.fetch_rules = fetch_rules
        self.store = store
        self.now = now
        self.parsed: dict[str, Protego | None] = {}

    def rules(self, site: str) -> Protego | None:
        """The site's parsed rules, or None when its robots.txt cannot be read."""
        if site in self.parsed:
            return self.parsed[site]
        cached = self.store.get(site)
        if cached is None or self.now() - cached["at"] > ROBOTS_TTL_S:
            text = self.fetch_rules(f"{site}/robots.txt")
            if text is None:
                self.parsed[site] = None  # not stored: asked again at the next poll
                return None
            cached = self.store[site] = {"at": self.now(), "text": text}
        self.parsed[site] = Protego.parse(cached["text"])
        return self.parsed[site]

    def allowed(self, url: str) -> tuple[bool, str]:
        """(allowed, reason when not)."""
        rules = self.rules(site_of(url))
        if rules is None:
            return False, f"{site_of(url)}/robots.txt could not be read: nothing fetched there"
        if not rules.can_fetch(url, self.agent):
            return False, f"robots.txt of {site_of(url)} disallows {urlsplit(url).path}"
        return True, ""

    def delay(self, url: str) -> float | None:
        """The site's Crawl-delay for the fetcher, when it sets one."""
        rules = self.rules(site_of(url))
        return rules.crawl_delay(self.agent) if rules is not None else None
