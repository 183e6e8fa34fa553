"""Link one document: its partner, threat and date mentions, each with offsets, method and
confidence.

Ambiguity rules, each visible in a mention's method:
- a place overlapping a partner's name blocks it ("Mexico City" is not Mexico), unless the
  sentence speaks of a state (government, ministry, authorities): then the partner is linked
  at the place with method `place_as_state` and a low confidence;
- an alias with veto words drops out when one is in its sentence ("Georgia" next to "Atlanta");
- word boundaries and case rules live in the matcher ("EU" in "EUR", "chile" the pepper,
  "Niger" in "Nigeria", the Portuguese pronoun "Eu").
Then each partner mention gets its role (roles.py: actor, place or other), the threat rules
add what the name lists cannot hold (threats.py), and the dates are found (dates.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from operator import itemgetter
from typing import NamedTuple

from orchestration.documents.linking.dates import find_dates
from orchestration.documents.linking.folding import fold
from orchestration.documents.linking.gazetteer import LANGUAGE_BOUND, Entry, Gazetteer
from orchestration.documents.linking.matcher import Match, as_words, build_automaton, find_matches
from orchestration.documents.linking.roles import assign_roles
from orchestration.documents.linking.threats import (
    GENERIC,
    find_threats,
    in_a_name,
    is_the_subject,
)

# the punctuation is matched (not looked behind for), and every branch starts with one class:
# the engine then jumps from one [.!?\n] to the next instead of trying every position
SENTENCE_END = re.compile(r"[.!?\n](?:(?<=[.!?])[\"')\]]*\s+|(?<=\n)\s*\n|(?<=\n)(?=[A-Z#*-]))")
STATE_WORDS = ("government", "gobierno", "governo", "authorities", "autoridades", "ministry",
               "ministerio", "minister", "ministro", "ministra", "state", "estado")  # fmt: skip


class Mention(NamedTuple):
    kind: str  # partner | threat | date
    id: str  # partner_id, threat_id or the ISO date
    surface: str
    start: int
    end: int
    confidence: float
    method: str
    precision: str | None = None  # dates only: day | week | month | year
    role: str | None = None  # partners only: actor | place | other (roles.py)

    def as_dict(self) -> dict:
        return self._asdict()


# (start, kind, id): a mention's order in the result
BY_START = itemgetter(3, 0, 1)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for boundary in SENTENCE_END.finditer(text):
        # a sentence keeps its final punctuation, not a line break
        spans.append((start, boundary.start() + (text[boundary.start()] != "\n")))
        start = boundary.end()
    spans.append((start, len(text)))
    return spans


class Linker:
    """A gazetteer compiled once, applied to many documents."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.fingerprint = gazetteer.fingerprint
        self.automaton = build_automaton(gazetteer)
        self._decided: dict[tuple, list[tuple]] = {}  # _judged: a few hundred at most
        # partners known as states (a country name from CLDR, a demonym): places and origins
        self.states = frozenset(e.target_id for e in gazetteer.entries if e.kind == "partner"
                                and e.method in ("cldr_name", "demonym"))  # fmt: skip

    def link(
        self, text: str, language: str | None = None, published_on: dt.date | None = None
    ) -> list[Mention]:
        folded = fold(text)
        words = " " + as_words(folded) + " "  # one copy for names, threats and dates
        sentences = sentence_spans(text)
        starts = [s for s, _ in sentences]

        def sentence_of(offset: int) -> str:
            start, end = sentences[bisect.bisect_right(starts, offset) - 1]
            return folded[start:end]

        # partners as plain tuples until their role is known: each Mention is made once
        mentions, partners = [], []
        for match in find_matches(self.automaton, text, folded, words):
            # only places and vetoed names read their sentence (most matches need none)
            entries = match.entries
            if len(entries) == 1 and not entries[0].veto and entries[0].kind != "place" and (
                entries[0].method not in LANGUAGE_BOUND):  # fmt: skip
                e, start, end = entries[0], match.start, match.end  # one plain name: the usual
                found = (e.kind, e.target_id, text[start:end], start, end, e.confidence, e.method)
                (partners if e.kind == "partner" else mentions).append(found)
                continue
            if any(e.veto or e.kind == "place" for e in entries):
                judged = self._judge(match, text, sentence_of(match.start), language)
            else:
                judged = self._judged(match, text, language)
            for m in judged:
                (partners if m.kind == "partner" else mentions).append(m[:7])
        partners = self._with_roles(text, folded, sentences, partners, language)
        mentions = self._with_threat_rules(text, folded, words, sentences,
                                           [Mention(*m) for m in mentions], partners)  # fmt: skip
        mentions += [
            Mention("date", d.date.isoformat(), d.surface, d.start, d.end, d.confidence,
                    d.method, d.precision)
            for d in find_dates(text, language, published_on, folded, words)
        ]  # fmt: skip
        return sorted(mentions, key=BY_START)

    @staticmethod
    def _with_threat_rules(text, folded, words, sentences, mentions, partners) -> list[Mention]:
        """Threats the rules find where no name from the lists already says them; organised
        crime only where it is the subject. `mentions` holds no partner: `partners` are put
        after them, before the rules' threats."""
        starts = [s for s, _ in sentences]
        kept = []
        for m in mentions:
            if m.kind == "threat" and in_a_name(text, m.start, m.end):
                continue  # "European Cybercrime Centre" names a body, not its subject
            if m.kind == "threat" and m.id == GENERIC:
                n = bisect.bisect_right(starts, m.start) - 1
                if not is_the_subject(folded, m.start, m.end, sentences[n], n == 0):
                    continue
            kept.append(m)
        named, added = [(m.id, m.start, m.end) for m in kept if m.kind == "threat"], []
        for hit in find_threats(text, folded, words):
            if any(i == hit.threat_id and s < hit.end and hit.start < e for i, s, e in named):
                continue  # the list's name already covers it
            named.append((hit.threat_id, hit.start, hit.end))
            added.append(Mention("threat", hit.threat_id, text[hit.start : hit.end], hit.start,
                                 hit.end, 0.8, "threat_rule"))  # fmt: skip
        return kept + partners + added

    def _with_roles(self, text, folded, sentences, partners, language) -> list[Mention]:
        """The partner mentions (Mention's first seven fields, in text order: matches come in
        text order) with their role: actor, place or other."""
        spans = [(p[3], p[4], p[1], p[6]) for p in partners]
        roles = assign_roles(text, folded, sentences, spans, language, self.states)
        return [Mention(*p, None, role) for p, role in zip(partners, roles, strict=True)]

    def _judged(self, match: Match, text: str, language: str | None) -> list[Mention]:
        """A match whose judgement reads no sentence: decided once per set of entries (ids:
        the automaton holds them as long as the linker lives) and language."""
        key = (language, *map(id, match.entries))
        decided = self._decided.get(key)
        if decided is None:
            decided = [(m.kind, m.id, m.confidence, m.method)
                       for m in self._judge(match, text, "", language)]  # fmt: skip
            self._decided[key] = decided
        start, end = match.start, match.end
        return [Mention(kind, target, text[start:end], start, end, confidence, method)
                for kind, target, confidence, method in decided]  # fmt: skip

    @staticmethod
    def _judge(match: Match, text: str, sentence: str, language: str | None) -> list[Mention]:
        surface = text[match.start : match.end]
        places = [e for e in match.entries if e.kind == "place"]
        if places:
            words = set(re.findall(r"\w+", sentence))
            if not words.intersection(STATE_WORDS):
                return []
            return [Mention("partner", places[0].target_id, surface, match.start, match.end,
                            0.6, "place_as_state")]  # fmt: skip
        vetoed = {e.target_id for e in match.entries if any(w in sentence for w in e.veto)}
        best: dict[tuple[str, str], Entry] = {}
        for entry in match.entries:
            if entry.target_id in vetoed:
                continue
            if language and entry.language not in ("any", language) and (
                entry.method in LANGUAGE_BOUND):  # fmt: skip
                continue  # "colombiano" is a demonym in Spanish, a threat term only in its own
            key = (entry.kind, entry.target_id)
            if key not in best or entry.confidence > best[key].confidence:
                best[key] = entry
        return [Mention(e.kind, e.target_id, surface, match.start, match.end, e.confidence,
                        e.method) for e in best.values()]  # fmt: skip
