"""Find gazetteer names in a text: one Aho-Corasick pass over the folded text.

Matches must start and end on a word boundary ("EU" is not found in "EUR", "Niger" not in
"Nigeria"), must be written as their case rule asks, and overlapping matches keep the longest
("Mexico City" over "Mexico"). Offsets are character offsets in the original text.
"""

from __future__ import annotations

from typing import NamedTuple

import ahocorasick

from orchestration.lib.linking.folding import fold
from orchestration.lib.linking.gazetteer import Entry, Gazetteer


class Match(NamedTuple):
    start: int
    end: int  # exclusive
    entries: tuple[Entry, ...]


def build_automaton(gazetteer: Gazetteer) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for pattern, entries in gazetteer.by_pattern().items():
        # whether any entry has a case rule: most do not need the span looked at
        cased = any(e.case_rule != "any" for e in entries)
        automaton.add_word(pattern, (len(pattern), entries, cased))
    automaton.make_automaton()
    return automaton


def written_as_required(entry: Entry, span: str) -> bool:
    rule = entry.case_rule
    if rule == "capitalised":
        return span[:1].isupper() or span[:1].isdigit()
    if rule == "upper":
        return span == entry.surface or span.isupper()
    return True


def find_matches(
    automaton: ahocorasick.Automaton, text: str, folded: str | None = None
) -> list[Match]:
    """Non-overlapping matches, longest first where they overlap, in text order; `folded` is
    fold(text) when the caller has it already."""
    folded = fold(text) if folded is None else folded
    size = len(folded)
    found: list[Match] = []
    for last, (length, entries, cased) in automaton.iter(folded):
        start, end = last - length + 1, last + 1
        if (start > 0 and folded[start - 1].isalnum()) or (end < size and folded[end].isalnum()):
            continue
        if cased:
            span = text[start:end]
            entries = tuple(e for e in entries if written_as_required(e, span))
        if entries:
            found.append(Match(start, end, entries))
    found.sort(key=lambda m: (m.start, m.start - m.end))
    chosen: list[Match] = []
    for match in found:
        if chosen and match.start < chosen[-1].end:
            if match.end - match.start > chosen[-1].end - chosen[-1].start:
                chosen[-1] = match  # a longer match starting inside the previous one
            continue
        chosen.append(match)
    return chosen
