"""The atlas's headline and what changed since the previous publication, for the index."""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.publication.atlas.drawing import Row, slug

HEADLINE = ("partners", "agreements_in_force", "events_this_year", "documents")


@dataclass
class Changes:
    """Pages whose rows changed since the previous atlas, and how the headline moved."""

    since: str | None  # the previous atlas's publication; None for the first one
    partners: list[Row] = field(default_factory=list)  # new or changed partner pages
    threats: list[Row] = field(default_factory=list)
    deltas: dict[str, int] = field(default_factory=dict)  # headline figure: change

    @property
    def nothing(self) -> bool:
        return not (self.partners or self.threats or any(self.deltas.values()))


def headline_figures(results: dict[str, list[Row]]) -> dict[str, int]:
    row = results["headline"][0] if results["headline"] else {}
    return {name: int(row.get(name) or 0) for name in HEADLINE}


def changes(
    results: dict[str, list[Row]], pages: dict[str, dict], previous_manifest: dict
) -> Changes:
    """Compare what this atlas's pages show (their rows' digests, not the code's: a new
    template is no news) and its headline with the previous manifest's."""
    if not previous_manifest:
        return Changes(None)
    before = previous_manifest.get("pages", {})

    def changed(folder: str, rows: list[Row], key: str) -> list[Row]:
        return [
            row
            for row in rows
            if (page := f"{folder}/{slug(row[key])}.html") in pages
            and before.get(page, {}).get("rows") != pages[page]["rows"]
        ]

    previous = previous_manifest.get("headline", {})
    now = headline_figures(results)
    return Changes(
        previous_manifest.get("data_date"),
        changed("partners", results["partners"], "partner_id"),
        changed("threats", results["threats"], "threat_id"),
        {name: now[name] - previous.get(name, now[name]) for name in HEADLINE},
    )
