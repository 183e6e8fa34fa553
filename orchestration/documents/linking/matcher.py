"""Find gazetteer names in a text: one Aho-Corasick pass over the folded text.

Matches must start and end on a word boundary ("EU" is not found in "EUR", "Niger" not in
"Nigeria"), must be written as their case rule asks, and overlapping matches keep the longest
("Mexico City" over "Mexico"). Offsets are character offsets in the original text.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import NamedTuple

import ahocorasick

from orchestration.documents.linking.folding import fold
from orchestration.documents.linking.gazetteer import Entry, Gazetteer


class Match(NamedTuple):
    start: int
    end: int  # exclusive
    entries: tuple[Entry, ...]


# Punctuation and line breaks read as spaces (one for one: offsets stay), so "EU-funded",
# "Europol's" and a name broken across two lines match, and every pattern is searched with a
# space on both sides: a hit is on word boundaries by construction. Checking boundaries after
# the fact let short names ("ue", "eu") hit inside every other Spanish word first.
NOT_WORD = re.compile(r"[^\w ]")


# the same for ASCII text, byte for byte: bytes.translate is ~50x faster than the pattern
ASCII_SPACES = bytes(c if chr(c).isalnum() or c in (32, 95) else 32 for c in range(256))


def as_words(folded: str) -> str:
    if folded.isascii():
        return folded.encode().translate(ASCII_SPACES).decode()
    return NOT_WORD.sub(" ", folded)


def build_automaton(gazetteer: Gazetteer) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for pattern, entries in gazetteer.by_pattern().items():
        words = " " + " ".join(as_words(pattern).split()) + " "
        # whether any entry has a case rule: most do not need the span looked at
        cased = any(e.case_rule != "any" for e in entries)
        known = automaton.get(words, None)
        if known is not None:  # "cyber-attacks" and "cyber attacks" are one pattern
            entries = known[1] + tuple(e for e in entries if e not in known[1])
            cased = cased or known[2]
        automaton.add_word(words, (len(words), entries, cased))
    automaton.make_automaton()
    return automaton


def written_as_required(entry: Entry, span: str) -> bool:
    rule = entry.case_rule
    if rule == "capitalised":
        return span[:1].isupper() or span[:1].isdigit()
    if rule == "upper":
        # as written, in capitals, or an established acronym of five letters or more written
        # as a name ("Ameripol", "Celac"); never the Portuguese "Eu"
        return (
            span == entry.surface
            or span.isupper()
            or (len(entry.surface) >= 5 and span == entry.surface.capitalize())
        )
    return True


def find_matches(
    automaton: ahocorasick.Automaton,
    text: str,
    folded: str | None = None,
    words: str | None = None,
) -> list[Match]:
    """Non-overlapping matches, longest first where they overlap, in text order; `folded` is
    fold(text) when the caller has it already."""
    folded = fold(text) if folded is None else folded
    found: list[tuple] = []
    # padded with a space at each end: index i in the padded text is i - 1 in the original
    words = " " + as_words(folded) + " " if words is None else words
    for last, (length, entries, cased) in automaton.iter(words):
        start, end = last - length + 1, last - 1
        if cased and len(entries) == 1:  # the usual case: one name, kept or not
            if entries[0].case_rule == "capitalised":  # written_as_required's first rule
                if not (text[start].isupper() or text[start].isdigit()):
                    continue
            elif not written_as_required(entries[0], text[start:end]):
                continue
        elif cased:
            span = text[start:end]
            entries = tuple(e for e in entries if written_as_required(e, span))
        if entries:
            found.append((start, start - end, end, entries))
    # by start, the longer first; a Match made only for what is kept
    found.sort(key=itemgetter(0, 1))
    chosen: list[Match] = []
    for start, _, end, entries in found:
        if chosen and start < chosen[-1].end:
            if end - start > chosen[-1].end - chosen[-1].start:
                chosen[-1] = Match(start, end, entries)  # a longer match starting inside
            continue
        chosen.append(Match(start, end, entries))
    return chosen
