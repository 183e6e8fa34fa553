"""Candidate facts: sentences that state a signing, a visit, a meeting, an entry into force
or a joint operation, with partners and a date.

A candidate is only a proposal: `coop review` shows it, a person accepts (with corrections) or
rejects it (orchestration/documents/review.py). Trigger words are matched on the folded sentence, so
"firmó", "firmo" and "FIRMÓ" are one word.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from orchestration.documents.linking.folding import fold
from orchestration.documents.linking.linker import Mention, sentence_spans

# event type -> folded trigger stems (a word starting with one triggers it)
TRIGGERS = {
    "signing": ("sign", "firm", "assin", "conclu"),
    "delegation_visit": ("visit", "welcom", "hosted", "recib", "receb"),
    "ministerial_meeting": ("met ", "meet", "reuni", "encontr", "summit", "cumbre", "cupula"),
    "announcement": ("entered into force", "entry into force", "entro en vigor",
                     "entrada en vigor", "entrou em vigor", "entrada em vigor"),
    "operational_action": ("joint operation", "operacion conjunta", "operacao conjunta",
                           "action day"),
}  # fmt: skip
TRIGGER_PATTERN = re.compile(
    "|".join(
        f"(?P<{kind}>" + "|".join(rf"\b{re.escape(stem)}" for stem in stems) + ")"
        for kind, stems in TRIGGERS.items()
    )
)


@dataclass(frozen=True)
class Candidate:
    candidate_id: str
    document_id: str
    event_type: str
    partner_ids: tuple[str, ...]
    threat_ids: tuple[str, ...]
    date: str  # ISO
    date_precision: str
    sentence_start: int
    sentence_end: int
    sentence: str
    matches: list[str] = field(default_factory=list, compare=False)  # facts it already is
    # per partner, in partner_ids' order: how the sentence names it (actor or place), the
    # role of its first mention there
    partner_roles: tuple[str, ...] = ()


def candidate_id(document_id: str, start: int, event_type: str) -> str:
    digest = hashlib.sha256(f"{document_id}|{start}|{event_type}".encode()).hexdigest()
    return digest[:10]


def find_candidates(document_id: str, text: str, mentions: list[Mention]) -> list[Candidate]:
    """One candidate per sentence with a trigger, a partner and a day- or week-precise date
    (the first trigger in the sentence gives the type; the first such date, the date)."""
    found = []
    for start, end in sentence_spans(text):
        trigger = TRIGGER_PATTERN.search(fold(text[start:end]))
        if trigger is None:
            continue
        inside = [m for m in mentions if start <= m.start and m.end <= end]
        # only those that act or are the place: not an origin, a nationality, a comparison
        acting = [m for m in inside if m.kind == "partner" and m.role in ("actor", "place")]
        named_as: dict[str, str] = {}
        for m in acting:  # the first mention of each partner says how the sentence names it
            named_as.setdefault(m.id, m.role)
        partners = tuple(named_as)
        dates = [m for m in inside if m.kind == "date" and m.precision in ("day", "week")]
        if not partners or not dates:
            continue
        event_type = trigger.lastgroup
        threats = tuple(dict.fromkeys(m.id for m in inside if m.kind == "threat"))
        found.append(
            Candidate(
                candidate_id(document_id, start, event_type),
                document_id,
                event_type,
                partners,
                threats,
                dates[0].id,
                dates[0].precision,
                start,
                end,
                text[start:end].strip(),
                partner_roles=tuple(named_as[p] for p in partners),
            )  # fmt: skip
        )
    return found
