"""The names to look for: built at run time from the partner, threat and alias extracts.

Partners bring their name and acronym; countries add their names in English, Spanish and
Portuguese from CLDR (babel) and pycountry's official and common names; the curated alias
extract (`raw/curated/aliases/`) adds what no package knows: institutions standing for a
country ("Policía Nacional de Colombia"), organisation names in other languages ("Comité
Latinoamericano de Seguridad Interior"), demonyms, crime terms ("narcotráfico"), and places
that must not be read as a partner ("Mexico City"). Its fingerprint changes whenever any name,
rule or package version changes, and then every document is linked again.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.metadata import version
from pathlib import Path

from orchestration.documents.linking.folding import fold

LANGUAGES = ("en", "es", "pt")
LINKER_VERSION = "2"  # bump when a rule changes what is linked: every document is relinked

# method -> (confidence, case rule). "capitalised": a proper noun, its first letter written
# upper case ("Chile", not the chile pepper); "upper": an acronym written as given or in
# capitals ("EU", not the Portuguese pronoun "Eu"); "any": a common noun ("narcotráfico").
METHODS = {
    "name": (0.95, "capitalised"),
    "cldr_name": (0.95, "capitalised"),
    "acronym": (0.9, "upper"),
    "alias": (0.9, "capitalised"),
    "institution": (0.9, "any"),
    "demonym": (0.8, "any"),
    "threat_name": (0.9, "any"),
    "term": (0.85, "any"),
    "place": (1.0, "capitalised"),
}
# matched only in a document of their own language ("colombiano" is Spanish and Portuguese)
LANGUAGE_BOUND = ("demonym", "term")
ALIAS_METHODS = {"name": "alias", "acronym": "acronym", "demonym": "demonym",
                 "institution": "institution", "term": "term", "place": "place"}  # fmt: skip


@dataclass(frozen=True)
class Entry:
    """One name of one partner, threat or place, and how a match on it is judged."""

    kind: str  # partner | threat | place (a place is never emitted: it blocks a partner name)
    target_id: str
    surface: str
    method: str
    language: str = "any"
    veto: tuple[str, ...] = ()  # folded words that, in the same sentence, undo the match

    # cached on the instance (not fields: repr, equality and the fingerprint are unchanged);
    # the matcher reads them for every match
    @cached_property
    def confidence(self) -> float:
        return METHODS[self.method][0]

    @cached_property
    def case_rule(self) -> str:
        rule = METHODS[self.method][1]
        if self.method == "demonym" and self.language == "en":
            return "capitalised"  # "Colombian"; Spanish and Portuguese write "colombianos"
        return rule


@dataclass
class Gazetteer:
    entries: list[Entry] = field(default_factory=list)

    def by_pattern(self) -> dict[str, tuple[Entry, ...]]:
        """Entries per folded pattern. Entries of one target judged alike (same case rule,
        veto words, and no language condition) keep only the most confident: "Chile" in
        English, Spanish and Portuguese is one entry, so most matches need no weighing."""
        patterns: dict[str, dict[tuple, Entry]] = {}
        for entry in self.entries:
            key = fold(entry.surface).strip()
            if len(key) < 2:
                continue
            by_language = entry.method in LANGUAGE_BOUND
            alike = (entry.kind, entry.target_id, entry.case_rule, entry.veto,
                     entry.language if by_language else "", by_language)  # fmt: skip
            kept = patterns.setdefault(key, {}).get(alike)
            if kept is None or entry.confidence > kept.confidence:
                patterns[key][alike] = entry
        return {key: tuple(found.values()) for key, found in patterns.items()}

    @property
    def fingerprint(self) -> str:
        """Changes when any entry, the linker's rules or the name packages change."""
        digest = hashlib.sha256(LINKER_VERSION.encode())
        for package in ("babel", "pycountry", "dateparser"):
            digest.update(f"{package}=={version(package)}".encode())
        for entry in sorted(self.entries, key=repr):
            digest.update(repr(entry).encode())
        return digest.hexdigest()[:16]


# Spanish and Portuguese endings other than -o, -e, -a: ending -> feminine and plural endings
# ("francés" -> francesa, franceses, francesas; "alemão" -> alemã, alemães; "español")
ENDINGS = {
    "es": {"és": ("esa", "eses", "esas"), "án": ("ana", "anes", "anas"), "í": ("íes", "ís"),
           "ol": ("ola", "oles", "olas"), "ín": ("ina", "ines", "inas")},
    "pt": {"ês": ("esa", "eses", "esas"), "ão": ("ã", "ães", "ãos", "ãs"),
           "ol": ("ola", "óis", "olas")},
}  # fmt: skip


def demonym_forms(demonym: str, language: str) -> list[str]:
    """A demonym's inflections: Spanish and Portuguese gender and number, English plural."""
    for ending, others in ENDINGS.get(language, {}).items():
        if demonym.endswith(ending):
            stem = demonym[: -len(ending)]
            return [demonym] + [stem + other for other in others]
    if language in ("es", "pt") and demonym.endswith("o"):
        stem = demonym[:-1]
        return [demonym, stem + "a", stem + "os", stem + "as"]
    if language in ("es", "pt") and demonym.endswith(("e", "a")):
        return [demonym, demonym + "s"]
    if language == "en" and demonym.endswith(("an", "i")):
        return [demonym, demonym + "s"]
    return [demonym]


@cache
def _territory_names() -> dict[str, dict[str, str]]:
    """CLDR's country names per language, by ISO alpha-2 (read once per process)."""
    from babel import Locale

    return {language: dict(Locale.parse(language).territories) for language in LANGUAGES}


def _country(partner_name: str):
    """The pycountry record of a country partner's name (one of pycountry's names, or a name
    its fuzzy search resolves), or None."""
    import pycountry

    try:
        return pycountry.countries.lookup(partner_name)
    except LookupError:
        pass
    try:
        return pycountry.countries.search_fuzzy(partner_name)[0] if partner_name else None
    except LookupError:
        return None


def country_names(partner_name: str) -> list[tuple[str, str]]:
    """(name, language) of a country in CLDR (en, es, pt) and pycountry, from its English
    short name; nothing when no package knows the name."""
    country = _country(partner_name)
    if country is None:
        return []
    names = [(getattr(country, attr), "en") for attr in ("name", "common_name", "official_name")
             if getattr(country, attr, None)]  # fmt: skip
    for language, territories in _territory_names().items():
        if territories.get(country.alpha_2):
            names.append((territories[country.alpha_2], language))
    return names


def build_gazetteer(
    partners: Iterable[dict], threats: Iterable[dict], aliases: Iterable[dict]
) -> Gazetteer:
    """From rows of the partner, threat and alias extracts (dicts keyed by column name)."""
    entries: list[Entry] = []
    for row in partners:
        pid, name = row["partner_id"], row["partner_name"]
        entries.append(Entry("partner", pid, name, "name", "en"))
        if row.get("acronym") and row["acronym"] != name:
            entries.append(Entry("partner", pid, row["acronym"], "acronym"))
        if row.get("partner_type") == "country":
            entries += [Entry("partner", pid, n, "cldr_name", lang)
                        for n, lang in country_names(name) if "," not in n]  # fmt: skip
    for row in threats:
        entries.append(Entry("threat", row["threat_id"], row["threat_name"], "threat_name", "en"))
    for row in aliases:
        method = ALIAS_METHODS[row["alias_type"]]
        kind = "place" if method == "place" else row["kind"]
        veto = tuple(fold(v).strip() for v in (row.get("veto_context") or "").split("|") if v)
        forms = demonym_forms(row["alias"], row["language"]) if method == "demonym" else [
            row["alias"]]  # fmt: skip
        entries += [Entry(kind, row["target_id"], form, method, row["language"], veto)
                    for form in forms]  # fmt: skip
    return Gazetteer(sorted(set(entries), key=lambda e: (e.kind, e.target_id, e.surface, e.method)))


def read_csv_rows(folder: Path) -> list[dict]:
    rows: list[dict] = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows += [{k: (v or None) for k, v in row.items()} for row in csv.DictReader(handle)]
    return rows


def gazetteer_from_files(raw_dir: Path, cache_dir: Path | None = None) -> Gazetteer:
    """The gazetteer straight from the landed CSV files, for `coop link` (no build needed).

    With `cache_dir`, the names built last time are reused while the CSV files, the rules'
    version and the name packages are the same: building them reads pycountry's and CLDR's
    data for every country, most of a `coop link` call's start-up."""
    curated = raw_dir / "curated"
    folders = (curated / "partners", curated / "threats", curated / "aliases")
    path = cache_dir / f"gazetteer-{_files_key(folders)}.json" if cache_dir else None
    if path is not None and path.exists():
        try:
            return Gazetteer(
                [Entry(*row[:5], tuple(row[5])) for row in json.loads(path.read_text())]
            )
        except (ValueError, TypeError, IndexError):
            pass  # an unreadable cache is built again
    gazetteer = build_gazetteer(*(read_csv_rows(folder) for folder in folders))
    if path is not None:
        _write_cache(path, gazetteer)
    return gazetteer


def _files_key(folders: Iterable[Path]) -> str:
    digest = hashlib.sha256(LINKER_VERSION.encode())
    for package in ("babel", "pycountry"):
        digest.update(f"{package}=={version(package)}".encode())
    for folder in folders:
        for csv_path in sorted(folder.glob("*.csv")):
            digest.update(csv_path.name.encode() + b"\0" + csv_path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _write_cache(path: Path, gazetteer: Gazetteer) -> None:
    """Written aside and renamed (a reader never sees half a file); older caches removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [[e.kind, e.target_id, e.surface, e.method, e.language, list(e.veto)]
            for e in gazetteer.entries]  # fmt: skip
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(rows, ensure_ascii=False))
    os.replace(temporary, path)
    for old in path.parent.glob("gazetteer-*.json"):
        if old != path:
            old.unlink(missing_ok=True)
