"""Threats as people write them: an activity word near the goods it acts on, in any order,
inflection or coordination, in English, Spanish and Portuguese.

The alias list holds fixed phrases ("drug trafficking", "narcotráfico"); these rules add what no
list can hold: "cocaine-smuggling network", "trafficking cocaine and cannabis", "tráfico
internacional de droga", "laundering the proceeds", "lavagem de ativos", "tráfico ilícito de
migrantes y de armas de fuego" (one activity, two goods), "armas, drogas y trata de personas"
(goods listed before the activity), and seizure stories ("seized 2 tonnes of cocaine",
"apreensão de 7 toneladas de cocaína") as drug trafficking. Words are matched on the folded
text by their stem, within a few words of each other and never across a sentence end.

Organised crime as such is a threat of its own only where the text fights it ("the fight
against organised crime", "lucha contra el crimen organizado") or names it in its first
sentence; "an organised crime group" is the perpetrator of another crime, not the subject.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

import ahocorasick

WORD = re.compile(r"\w+")
NOT_WORD = re.compile(r"[^\w ]")
SENTENCE_BREAK = re.compile(r"[.!?;]\s|\n\s*\n")

TRAFFIC, SMUGGLE, TRADE = "traffic", "smuggle", "trade"
LAUNDER, SEIZE, QUANTITY = "launder", "seize", "quantity"
ACTIVITIES = (TRAFFIC, SMUGGLE, TRADE, LAUNDER, SEIZE, QUANTITY)
DRUG, WEAPON, HUMAN, MIGRANT, MONEY = "drug", "weapon", "human", "migrant", "money"
# (class, stems): a folded word starting with a stem is of the class
STEMS = (
    (TRAFFIC, ("traffick", "trafic", "trata")),
    (SMUGGLE, ("smuggl", "contraband")),
    (TRADE, ("trade", "comercio", "supply", "suministr", "abastec", "pipeline", "importac",
             "importat", "imported", "importing", "exportac", "exportat", "exported",
             "shipment", "envio", "cargament", "transporte", "transported", "transportad",
             "transporting")),
    (LAUNDER, ("launder", "lavad", "lavag", "blanque", "branque")),
    (SEIZE, ("seiz", "incaut", "decomis", "intervenid", "apreen", "apreend", "confisc",
             "aprehen")),
    (QUANTITY, ("kilo", "kg", "tonel", "tonne", "tons", "quilo", "gram", "libra")),
    (DRUG, ("drug", "droga", "cocain", "heroin", "cannabis", "marihuan", "maconha", "hashish",
            "haxixe", "metanfetamin", "methamphetamin", "estupefacient", "entorpecent",
            "narcotic", "narcotico", "fentanyl", "psicotropic")),
    (WEAPON, ("arms", "armas", "firearm", "weapon", "explosiv", "municion", "municoes",
              "ammunition", "fusil", "rifle")),
    (HUMAN, ("human", "persons", "people", "personas", "pessoas", "seres")),
    (MIGRANT, ("migrant", "migrante", "inmigrant", "imigrant")),
    (MONEY, ("money", "proceeds", "profits", "assets", "capital", "activos", "ativos",
             "dinero", "dinheiro", "fondos", "fundos", "funds", "bens", "bienes", "valores",
             "ganancias", "lucros")),
)  # fmt: skip
# whole words that name the threat alone
ALONE = {"narcotrafico": "drug-trafficking", "narcotraficantes": "drug-trafficking",
         "narcotraficante": "drug-trafficking", "narcotrafficking": "drug-trafficking",
         "narcotraffickers": "drug-trafficking", "laundering": "money-laundering",
         "launder": "money-laundering", "laundered": "money-laundering",
         "blanqueo": "money-laundering", "branqueamento": "money-laundering"}  # fmt: skip
# (activity, goods) -> (threat, words before the activity, words after it)
PAIRS = {
    (TRAFFIC, DRUG): ("drug-trafficking", 4, 6), (TRADE, DRUG): ("drug-trafficking", 3, 3),
    (TRAFFIC, WEAPON): ("weapons-and-explosives", 4, 7),
    (TRADE, WEAPON): ("weapons-and-explosives", 2, 3),
    (TRAFFIC, HUMAN): ("trafficking-in-human-beings", 1, 3),
    (TRAFFIC, MIGRANT): ("migrant-smuggling", 1, 4),
    (SMUGGLE, DRUG): ("drug-trafficking", 4, 6),
    (SMUGGLE, WEAPON): ("weapons-and-explosives", 4, 7),
    (SMUGGLE, HUMAN): ("migrant-smuggling", 1, 4), (SMUGGLE, MIGRANT): ("migrant-smuggling", 1, 4),
    (LAUNDER, MONEY): ("money-laundering", 2, 5),
    (SEIZE, DRUG): ("drug-trafficking", 8, 8), (QUANTITY, DRUG): ("drug-trafficking", 0, 3),
}  # fmt: skip
GENERIC = "organised-crime"
FIGHT = ("fight", "combat", "tackl", "against", "contra", "luch", "prevent", "prevenc", "prevenir",
         "enfrent", "disrupt", "counter", "reprim", "erradic", "persegu", "persecu")  # fmt: skip
FIGHT_RE = re.compile(r"\b(?:" + "|".join(FIGHT) + ")")
# the same words without the leading \b: the engine then scans for their first letters; the
# boundary is checked on each hit (is_the_subject)
FIGHT_ANYWHERE = re.compile("|".join(FIGHT))
PERPETRATOR = ("group", "grupo", "ocg", "gang", "network", "organi")


class ThreatHit(NamedTuple):
    threat_id: str
    start: int
    end: int


_CLASS: dict[str, str | None] = {}


def word_class(word: str) -> str | None:
    """The class of a folded word (cached: words repeat across documents)."""
    if word in _CLASS:
        return _CLASS[word]
    found = None
    if not (word.startswith("trata") and word != "trata"):  # "tratado" is no "trata"
        found = next((name for name, stems in STEMS if word.startswith(stems)), None)
    if len(_CLASS) < 200_000:
        _CLASS[word] = found
    return found


@cache
def stem_automaton() -> ahocorasick.Automaton:
    """Every stem at a word's start (a space before it), and the words that stand alone."""
    automaton = ahocorasick.Automaton()
    for _, stems in STEMS:
        for stem in stems:
            automaton.add_word(" " + stem, len(stem) + 1)
    for word in ALONE:
        automaton.add_word(" " + word, len(word) + 1)
    automaton.make_automaton()
    return automaton


def candidate_words(folded: str, words: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of the words that may take part in a threat: a few per text, found
    by one Aho-Corasick pass over `words` (the folded text with punctuation as spaces, a space
    before it)."""
    starts = sorted({last - length + 1 for last, length in stem_automaton().iter(words)})
    found = []
    for start in starts:
        match = WORD.match(folded, start)
        if match:
            found.append((start, match.end(), match.group()))
    return found


def find_threats(text: str, folded: str, words: str | None = None) -> list[ThreatHit]:
    """Threats named by an activity and its goods, or by one word that says both."""
    words = " " + NOT_WORD.sub(" ", folded) if words is None else words
    candidates = [(s, e, w, word_class(w)) for s, e, w in candidate_words(folded, words)]
    hits = []
    for i, (start, end, word, activity) in enumerate(candidates):
        if word in ALONE:
            hits.append(ThreatHit(ALONE[word], start, end))
        if activity not in ACTIVITIES:
            continue
        for j in range(max(0, i - 8), min(len(candidates), i + 9)):
            other_start, other_end, _, goods = candidates[j]
            rule = PAIRS.get((activity, goods))
            if rule is None or abs(other_start - start) > 120:
                continue
            low, high = min(start, other_start), max(end, other_end)
            between = len(WORD.findall(folded, min(end, other_end), max(start, other_start)))
            distance = between + 1 if j > i else -(between + 1)
            if not -rule[1] <= distance <= rule[2]:
                continue
            if SENTENCE_BREAK.search(folded, low, high):
                continue  # never across a sentence end
            hits.append(ThreatHit(rule[0], low, high))
    return hits


NAME_HEADS = ("centre", "center", "centro", "unit", "unidad", "division", "divisao", "office",
              "oficina", "agency", "agencia", "programme", "program", "task", "department",
              "departamento", "directorate", "coalition", "network", "red", "rede")  # fmt: skip


def in_a_name(text: str, start: int, end: int) -> bool:
    """A threat inside a body's name: capitalised, and a capitalised head after it ("European
    Cybercrime Centre", "Financial & Economic Crime Centre")."""
    if not text[start].isupper():
        return False  # the usual case: "drug trafficking"
    following = WORD.search(text, end, end + 20)
    return bool(following and following.group()[0].isupper()
                and following.group().lower().startswith(NAME_HEADS))  # fmt: skip


def is_the_subject(folded: str, start: int, end: int, sentence: tuple[int, int],
                   first: bool) -> bool:  # fmt: skip
    """Whether an organised-crime mention is the subject: fought, or named in the first
    sentence, and not the perpetrator ("organised crime group")."""
    following = WORD.findall(folded[end : end + 20])
    if following and following[0].startswith(PERPETRATOR):
        return False
    return first or fought(folded, sentence[0], end)


def fought(folded: str, low: int, high: int) -> bool:
    """FIGHT_RE.search(folded, low, high): a fight word starting a word in [low, high)."""
    for hit in FIGHT_ANYWHERE.finditer(folded, low, high):
        before = folded[hit.start() - 1] if hit.start() else " "
        if not (before.isalnum() or before == "_"):  # \b before a word character
            return True
    return False
