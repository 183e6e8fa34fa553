"""The cue words of the role rules (roles.py), folded, in English, Spanish and Portuguese.

A word belongs to a class when it starts with one of the class's stems ("detuvieron" is an
action by "detuv"); `classes(word)` says which, cached per word (words repeat across documents,
so a running linker mostly looks them up).
"""

from __future__ import annotations

import re
from functools import cache

import ahocorasick

# folded word stems (a word starting with one matches)
ACTION = ("arrest", "detain", "detuv", "deteni", "detid", "detencion", "detencao", "prend",
          "prisao", "prisoes", "captur", "seiz", "incaut", "decomis", "apreen",
          "intercept", "intercet", "raid", "search", "registr", "busca", "allan", "operation",
          "operacion", "operacao", "operativ", "investigat", "investigac", "dismantl",
          "desarticul", "desmantel", "cooperat", "cooperac", "coopera", "collaborat", "colabor",
          "support", "apoi", "apoy", "assist", "particip", "coordinat", "coordin", "join",
          "signed", "signing", "signs", "signat", "firm", "assin", "rubric", "ratific", "visit",
          "host", "meet", "reun", "encontr", "attend", "asist", "welcom", "recib", "receb",
          "police", "polic",
          "authorit", "autoridad", "gendarm", "agent", "officer", "prosecut", "fiscal",
          "ministr", "govern", "gobiern", "carried", "realiz", "deflagr", "launch", "lanz",
          "lead", "lider", "dirig", "funded", "funding", "financ", "chair", "presid", "extradit",
          "extradi", "deliver", "entreg", "implement", "agree", "acord", "concluded",
          "founded", "fundad", "worked", "together", "conjunt", "joint")  # fmt: skip
GOODS = ("transport", "shipment", "shipped", "shipping", "importac", "importat", "imported",
         "importing", "exportac", "exportat", "exported", "exporting", "smuggl", "traffick",
         "trafica", "envia", "envio", "enviad", "sent", "send", "traslad", "transferid",
         "transferred", "introduc",
         "introduz", "destin", "bound", "route", "ruta", "rota", "pipeline", "supply",
         "suministr", "abastec", "produc", "produz", "acquir", "adquir", "compra", "comprou",
         "bought", "cargament", "levav", "llevab", "flood", "originat", "procedente",
         "provenient", "launder", "lavar", "blanque", "transit", "transito", "sold", "vend",
         "contenedor", "container", "conteiner")  # fmt: skip
# a seat is no place of cooperation ("headquarters of Europol in The Hague, the Netherlands"),
# though "la sede de la Comisión Europea" is the Commission's own
SEAT = ("headquarter", "sede", "sediad", "seat", "based")  # fmt: skip
CRIMINAL = ("cartel", "gang", "network", "redes", "criminal", "criminos", "delictiv", "narco",
            "trafficker", "traficante", "smuggler", "suspect", "sospech", "suspeit",
            "quadrilha", "banda", "clan", "mafia", "fugitiv", "capo", "boss", "lider del",
            "cabecilla", "laborator", "empresa", "compan")  # fmt: skip
DRUGS = ("cocain", "drug", "droga", "heroin", "cannabis", "metanfetamin", "methamphetamin",
         "estupefacient", "entorpecent", "narcotic", "fentanyl")  # fmt: skip
ACTION_WORDS = frozenset(("met", "led", "preso", "presos", "presa", "presas"))
LOCATIVE = frozenset(("in", "en", "em", "na", "no", "nas", "nos", "at", "inside", "within",
                      "throughout", "across", "dentro"))  # fmt: skip
DIRECTIONAL = frozenset(("from", "to", "into", "towards", "desde", "hacia", "hasta", "rumbo",
                         "rumo", "para", "ate", "via", "entre", "between"))  # fmt: skip
ARTICLES = frozenset(("the", "a", "an", "la", "el", "los", "las", "o", "os", "as", "lo", "both",
                      "ambos", "todo", "toda", "do", "da", "de", "del", "dos", "das"))  # fmt: skip
GLUE = frozenset((",", "and", "y", "e", "or", "o", "ou", "as", "well"))
AUTHORITY = ("police", "polic", "authorit", "autoridad", "govern", "gobiern", "ministr",
             "prosecut", "fiscal", "procurad", "navy", "marinh", "armada", "air force",
             "forc", "fuerz", "guard", "custom", "aduan", "alfandeg", "agenc", "officer",
             "official", "oficial", "agent", "investigat", "judici", "justic", "justi",
             "delegat", "delegac", "embass", "embaj", "embaix", "cuerpo", "corpo", "servic",
             "unidad", "unidade", "instituto", "receita", "coast", "costera", "gendarm",
             "state", "estado", "president", "presid", "ejercito", "exercito", "army",
             "military", "militar")  # fmt: skip
NAME_HEADS = frozenset(("agency", "agencia", "agence", "embassy", "embajada", "embaixada",
                        "delegation", "delegacion", "delegacao", "bank", "banco", "court",
                        "tribunal", "university", "universidad", "universidade", "port",
                        "porto", "puerto", "consulate", "consulado", "office", "oficina",
                        "escritorio", "institute", "instituto", "programme", "program",
                        "programa", "college", "colegio", "centre", "center", "centro",
                        "fund", "fondo", "fundo", "network", "red", "rede"))  # fmt: skip
DESCRIBES = ("agency", "agencia", "crime agency", "police agency", "s police", "s crime",
             "s law", "s judicial", "s agency", "member state", "estados miembro",
             "estados membro", "estado miembro", "estado membro", "delegation to",
             "delegacion en", "delegacao n")  # fmt: skip
OTHER_BEFORE = ("con destino", "com destino", "destined for", "bound for", "destino final",
                "procedente", "provenient", "originari", "originating", "de origem",
                "similar a", "similar to", "semelhante a", "equivalente a", "equivalent to",
                "comparable to", "equipara a", "report from", "report by", "report of",
                "informe de", "relatorio d", "presidency of", "presidencia", "presidencia d",
                "ambassador to", "embajador en", "embajadora en", "embaixador n",
                "embaixadora n", "nationals of", "citizens of", "ciudadanos de",
                "cidadaos d", "nacionalidad", "nacionalidade", "nationality")  # fmt: skip
REGION_AFTER = ("member state", "estados miembro", "estados membro", "countries", "paises",
                "port", "puerto", "porto", "economy", "economia", "citizen", "ciudadan",
                "cidada", "territor", "market", "mercado", "border", "fronter")  # fmt: skip
REGION_BEFORE = ("in the", "into the", "to the", "within the", "across the", "throughout the",
                 "in both the", "enter the", "paises de la", "paises da", "paises de",
                 "en la", "na", "dentro de la", "countries of the", "outside the", "beyond the",
                 "para a", "a la", "hacia la", "fuera de la")  # fmt: skip
REGION_IDS = frozenset(("european-union",))
FUNCTION_WORDS = frozenset(("with", "and", "of", "the", "in", "for", "to", "y", "e", "de", "da",
                            "do", "con", "com", "en", "em", "na", "no", "a", "el", "la", "o",
                            "between", "entre", "from", "by", "por", "para", "at", "on",
                            "sobre", "desde", "as", "los", "las", "os", "del", "dos", "das",
                            "des", "und", "et", "signs", "sign", "and"))  # fmt: skip

ACTION_CLASS, GOODS_CLASS, CRIMINAL_CLASS, DRUGS_CLASS, SEAT_CLASS, AUTHORITY_CLASS = (
    1, 2, 4, 8, 16, 32)  # fmt: skip
_STEMS = ((ACTION_CLASS, ACTION), (GOODS_CLASS, GOODS), (CRIMINAL_CLASS, CRIMINAL),
          (DRUGS_CLASS, DRUGS), (SEAT_CLASS, SEAT), (AUTHORITY_CLASS, AUTHORITY))  # fmt: skip
_CLASSES: dict[str, int] = {}


def classes(word: str) -> int:
    """The cue classes of a folded word, as bits."""
    found = _CLASSES.get(word)
    if found is None:
        found = sum(bit for bit, stems in _STEMS if word.startswith(stems))
        found |= ACTION_CLASS if word in ACTION_WORDS else 0
        if len(_CLASSES) < 200_000:
            _CLASSES[word] = found
    return found


def phrases(items: tuple[str, ...], at_end: bool = False) -> re.Pattern:
    """One pattern for a list of folded phrases on word boundaries (at the end of a window)."""
    body = "|".join(re.escape(p) for p in sorted(items, key=len, reverse=True))
    return re.compile(rf"\b(?:{body})" + (r"\s*$" if at_end else ""))


def following(items: tuple[str, ...]) -> re.Pattern:
    """One pattern for a list of folded phrases right after a mention (spaces or an apostrophe
    between: "the European Union's police agency", not "Europol (Agência ...)")."""
    body = "|".join(re.escape(p).replace(r"\ ", r"\W+")
                    for p in sorted(items, key=len, reverse=True))  # fmt: skip
    return re.compile(rf"[\s']*(?:{body})")


OTHER_BEFORE_RE = phrases(OTHER_BEFORE)
# the last word of each phrase: only a window ending in one of them is searched
OTHER_BEFORE_LAST = frozenset(p.split()[-1] for p in OTHER_BEFORE)
DESCRIBES_RE = following(DESCRIBES)
REGION_AFTER_RE = following(REGION_AFTER)
REGION_BEFORE_RE = phrases(REGION_BEFORE, at_end=True)


# the longest cue pattern (a stem or word with its space): a search up to `end` reads this far on
CUE_LONGEST = max(*(len(s) + 1 for _, stems in _STEMS for s in stems),
                  *(len(w) + 2 for w in ACTION_WORDS))  # fmt: skip


@cache
def cue_automaton() -> ahocorasick.Automaton:
    """Every cue stem of the role rules at a word's start (a space before it), with its class
    bits; the exact words with a space after too."""
    bits: dict[str, int] = {}
    for bit, stems in _STEMS:
        if bit != AUTHORITY_CLASS:
            for stem in stems:
                bits[" " + stem] = bits.get(" " + stem, 0) | bit
    for word in ACTION_WORDS:
        bits[f" {word} "] = ACTION_CLASS
    automaton = ahocorasick.Automaton()
    for pattern, bit in bits.items():
        automaton.add_word(pattern, (len(pattern), bit))
    automaton.make_automaton()
    return automaton


def cue_positions(words: str, low: int = 0, end: int | None = None) -> tuple[list[int], list[int]]:
    """Where the cue words start in a text (`words`: the text with punctuation as spaces and a
    space before it), from `low` up to `end`, and their class bits, in text order: one pass
    over the whole document, or over the few words a rule reads."""
    found: dict[int, int] = {}
    high = len(words) if end is None else min(len(words), end + CUE_LONGEST)
    for last, (length, bit) in cue_automaton().iter(words, low, high):
        start = last - length + 1  # the pattern's space is the word's start - 1, padding + 1
        if end is None or start < end:
            found[start] = found.get(start, 0) | bit
    starts = sorted(found)
    return starts, [found[s] for s in starts]
