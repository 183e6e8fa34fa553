"""Who does what: each partner mention is an `actor`, the `place` of the cooperation, or `other`.

Rules over the words around a mention, in English, Spanish and Portuguese (folded text, so
"policía" and "policia" are one word), tried in order:
1. the mention is part of another name or describes one ("Agência da União Europeia para a
   Cooperação Policial", "the European Union's police agency", "Policía Federal de Australia"),
   a seat ("headquarters of Europol in The Hague, the Netherlands"), a destination or origin
   ("con destino a España"), a comparison ("similar a Europol"), a report's author, a
   presidency, or a person's surname ("Paulo França"): other;
2. a demonym acts only through an authority it qualifies ("autoridades colombianas", "a polícia
   romena", "Dutch authorities"); a nationality ("tres ciudadanos colombianos", "un venezolano")
   or a criminal group ("carteles mexicanos") is other;
3. the EU counts only where it acts: "EU Member States", "in the EU", "países de la UE" are other;
4. otherwise the nearest cue before the mention decides: a law-enforcement action (arrest,
   seize, sign, visit, cooperate, support, ...) makes an actor, or a place after a locative
   preposition ("detained in France", "arrested in Tulua, Colombia"); a movement of goods or a
   criminal subject ("adquirir drogas na Bolívia", "organizaciones criminales locales en Panamá",
   "cocaine from Colombia to Spain") makes other; with no cue, a locative gives a place and
   anything else an actor.
A mention in parentheses right after another ("Comunidad de Policías de América (Ameripol)")
takes that mention's role.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

WORD = re.compile(r"\w+")

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


def starts(word: str, stems: Sequence[str]) -> bool:
    return word.startswith(tuple(stems)) if isinstance(stems, tuple) else word in stems


def contains(window: str, phrases: Sequence[str]) -> bool:
    return any(p in window for p in phrases)


class Context:
    """One sentence's folded words, with which of them belong to a partner mention."""

    def __init__(self, text: str, folded: str, start: int, end: int, spans: list[tuple]):
        self.text, self.folded, self.start, self.end = text, folded, start, end
        self.words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(folded, start, end)]
        self.spans = spans  # (start, end) of the partner mentions in this sentence

    def index(self, offset: int) -> int:
        """The first word at or after `offset`."""
        for n, (s, _, _) in enumerate(self.words):
            if s >= offset:
                return n
        return len(self.words)

    def in_mention(self, n: int) -> bool:
        s, e, _ = self.words[n]
        return any(a <= s and e <= b for a, b in self.spans)

    def boundary_after(self, n: int) -> bool:
        """Whether punctuation that closes a clause follows word `n` (before word n + 1)."""
        end = self.words[n + 1][0] if n + 1 < len(self.words) else self.end
        return any(c in ",;:()" for c in self.folded[self.words[n][1] : end])

    def before(self, offset: int, chars: int = 40) -> str:
        """The folded text just before `offset` in this sentence, punctuation as spaces."""
        return " " + " ".join(WORD.findall(self.folded[max(self.start, offset - chars) : offset]))

    def after(self, offset: int, chars: int = 30) -> str:
        return " ".join(WORD.findall(self.folded[offset : min(self.end, offset + chars)])) + " "


def role_of(ctx: Context, start: int, end: int, partner_id: str, method: str,
            language: str | None) -> str:  # fmt: skip
    """The role of the partner mention at [start, end) in its sentence `ctx`."""
    before, after = ctx.before(start), ctx.after(end)
    if in_another_name(ctx, start, end, before, after, method):
        return "other"
    if contains(before[-24:], OTHER_BEFORE) or surname(ctx, start):
        return "other"
    if method == "demonym":
        return "actor" if qualifies_authority(ctx, start, end) else "other"
    if partner_id in REGION_IDS and (after.startswith(REGION_AFTER) or
                                     before.endswith(REGION_BEFORE)):  # fmt: skip
        return "other"
    return nearest_cue(ctx, start)


def in_another_name(ctx: Context, start: int, end: int, before: str, after: str,
                    method: str) -> bool:  # fmt: skip
    """Inside or describing another body's name, or an institution of another state."""
    if after.startswith(DESCRIBES):
        return True
    if method == "institution":
        following = after.split()
        if following[:1] and following[0] in ("de", "do", "da", "of", "del") and any(
                s >= end and s - end <= 6 for s, _ in ctx.spans):  # fmt: skip
            return True  # "Policía Federal de Australia": Australia's, not Brazil's
    if not continues_a_name(ctx, end):
        return False
    words = before.split()
    # "Agência da União Europeia para a Cooperação Policial", "Delegation of the European
    # Union to Chile"; but "National Crime Agency do Reino Unido" is the UK's agency
    for n in range(len(words) - 1, max(-1, len(words) - 4), -1):
        if words[n] in NAME_HEADS:
            head_start = ctx.folded.rfind(words[n], ctx.start, start)
            return head_start >= 0 and ctx.text[head_start].isupper()
        if words[n] not in ARTICLES and words[n] not in ("for", "para", "of", "to"):
            break
    return False


def continues_a_name(ctx: Context, end: int) -> bool:
    """Whether a capitalised word follows the mention, directly or after one connector."""
    n = ctx.index(end)
    for j in range(n, min(n + 3, len(ctx.words))):
        s, _, word = ctx.words[j]
        if ctx.text[s].isupper():
            return True
        if word not in ("para", "for", "de", "of", "to", "on", "a", "the", "la", "el", "da",
                        "do", "del", "en", "in"):  # fmt: skip
            return False
    return False


def surname(ctx: Context, start: int) -> bool:
    """A capitalised given name right before the mention ("Paulo França"), outside a headline."""
    n = ctx.index(start) - 1
    if n < 1 or ctx.in_mention(n):
        return False
    s, e, word = ctx.words[n]
    if e != start - 1 or ctx.text[e] != " " or not ctx.text[s].isupper() or word in FUNCTION_WORDS:
        return False
    if starts(word, AUTHORITY) or word in NAME_HEADS:
        return False  # "Gendarmería Argentina" is the state's
    capitals = sum(ctx.text[a].isupper() for a, _, _ in ctx.words)
    return capitals * 2 < len(ctx.words)  # most words of a headline are capitalised


def qualifies_authority(ctx: Context, start: int, end: int) -> bool:
    """A demonym beside an authority noun: before it in Spanish and Portuguese ("autoridades
    brasileiras, portuguesas e norte-americanas"), after it in English ("French and Dutch
    authorities"), across a list of demonyms."""
    n = ctx.index(start)
    i, seen = n - 1, 0
    while i >= 0 and seen < 6:
        word = ctx.words[i][2]
        if ctx.in_mention(i) or word in GLUE:
            i -= 1
            continue
        if starts(word, AUTHORITY):
            return True
        if word not in ARTICLES and not word.isdigit():
            seen += 2  # an adjective or a name between ("Guardia Civil española")
        i -= 1
        seen += 1
    i = n
    while i < len(ctx.words) and ctx.words[i][0] < end:
        i += 1
    for j in range(i, min(i + 4, len(ctx.words))):
        word = ctx.words[j][2]
        if starts(word, AUTHORITY):
            return True
        if not (ctx.in_mention(j) or word in GLUE):
            break
    return False


def nearest_cue(ctx: Context, start: int) -> str:
    """Actor, place or other from the nearest cue word among the eight before the mention."""
    n = ctx.index(start)
    i = n - 1
    while i >= 0 and (ctx.in_mention(i) or ctx.words[i][2] in GLUE or
                      ctx.words[i][2] in ARTICLES):  # fmt: skip
        i -= 1  # over a list of partners: "en España, Portugal y Croacia" share the preposition
    if i >= 1 and ctx.text[ctx.words[i][0]].isupper() and not ctx.in_mention(i):
        i -= 1  # "arrested in Tulua, Colombia": the city's preposition
        while i >= 0 and ctx.words[i][2] in ARTICLES:
            i -= 1
    preposition = ctx.words[i][2] if i >= 0 else ""
    locative, directional = preposition in LOCATIVE, preposition in DIRECTIONAL
    for j in range(i - (locative or directional), max(-1, i - 9), -1):
        word = ctx.words[j][2]
        if ctx.boundary_after(j):
            break  # a comma, semicolon or parenthesis closes the clause
        if ctx.in_mention(j):
            continue
        if starts(word, GOODS) or starts(word, CRIMINAL):
            return "other"
        if locative and starts(word, SEAT):
            return "other"
        if directional and starts(word, DRUGS):
            return "other"  # "cocaine from Colombia"
        if starts(word, ACTION) or word in ACTION_WORDS:
            return "place" if locative else "actor"
    return "place" if locative else "actor"


def assign_roles(text: str, folded: str, sentences: list[tuple[int, int]], mentions: list,
                 language: str | None) -> list[str]:  # fmt: skip
    """The role of each partner mention (`mentions`: (start, end, id, method), in text order)."""
    roles: list[str] = []
    contexts: dict[int, Context] = {}
    bounds = [s for s, _ in sentences]
    import bisect

    for k, (start, end, pid, method) in enumerate(mentions):
        n = bisect.bisect_right(bounds, start) - 1
        if n not in contexts:
            s, e = sentences[n]
            contexts[n] = Context(text, folded, s, e,
                                  [(a, b) for a, b, _, _ in mentions if s <= a < e])  # fmt: skip
        ctx = contexts[n]
        previous = mentions[k - 1] if k else None
        if previous and text[previous[1] : start].strip() == "(" and previous[2] != pid:
            roles.append(roles[-1])  # "(Ameripol)" after its name: the same role
            continue
        if previous and previous[2] == pid and text[previous[1] : start].strip() == "(":
            roles.append(roles[-1])
            continue
        roles.append(role_of(ctx, start, end, pid, method, language))
    return roles
