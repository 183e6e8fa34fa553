"""Who does what: each partner mention is an `actor`, the `place` of the cooperation, or `other`.

Rules over the words around a mention, in English, Spanish and Portuguese (folded text, so
"policía" and "policia" are one word; the cue words are in cues.py), tried in order:
1. the mention is part of another name or describes one ("Agência da União Europeia para a
   Cooperação Policial", "the European Union's police agency", "Policía Federal de Australia"),
   a destination or origin ("con destino a España"), a comparison ("similar a Europol"), a
   report's author, a presidency, or a person's surname ("Paulo França"): other;
2. a demonym acts only through an authority it qualifies ("autoridades colombianas", "a polícia
   romena", "Dutch authorities"); a nationality ("tres ciudadanos colombianos", "un venezolano")
   or a criminal group ("carteles mexicanos") is other;
3. the EU counts only where it acts: "EU Member States", "in the EU", "países de la UE" are other;
4. otherwise the nearest cue among the eight words before the mention, within its clause,
   decides: a law-enforcement action (arrest, seize, sign, visit, cooperate, support, ...) makes
   an actor, or a place after a locative preposition ("detained in France", "arrested in Tulua,
   Colombia"); a movement of goods, a criminal subject or a seat ("adquirir drogas na Bolívia",
   "organizaciones criminales locales en Panamá", "cocaine from Colombia", "headquarters of
   Europol in The Hague, the Netherlands") makes other; with no cue, a locative gives a place
   and anything else an actor.
A mention in parentheses right after another ("Comunidad de Policías de América (Ameripol)")
takes that mention's role.

Speed: the other partner mentions are blanked out of the text once per document (their words
are no cues, and a list of partners reads as one), and each mention reads only its few words
around, with the cue classes of each word cached (cues.classes).
"""

from __future__ import annotations

import bisect
import re

from orchestration.documents.linking.cues import (
    ACTION_CLASS,
    ARTICLES,
    AUTHORITY_CLASS,
    CRIMINAL_CLASS,
    DESCRIBES_RE,
    DIRECTIONAL,
    DRUGS_CLASS,
    FUNCTION_WORDS,
    GLUE,
    GOODS_CLASS,
    LOCATIVE,
    NAME_HEADS,
    OTHER_BEFORE_LAST,
    OTHER_BEFORE_RE,
    REGION_AFTER_RE,
    REGION_BEFORE_RE,
    REGION_IDS,
    SEAT_CLASS,
    classes,
    cue_positions,
)
from orchestration.documents.linking.matcher import as_words

NEXT = re.compile(r"\s*(#+|\w+)")
LIST_GAP = re.compile(
    r"\s*(?:,|\band\b|\by\b|\be\b|\bou\b|\bor\b|&)?\s*(?:,\s*)?(?:(?:the|la|el|o|a)\s+)?"
)
PUNCTUATION = ".,;:()[]\"'!?«»-"
CONNECTORS = frozenset(("para", "for", "de", "of", "to", "on", "a", "the", "la", "el", "da", "do",
                        "del", "en", "in"))  # fmt: skip
BLANK = "#"
# the words before an organisation that make role_of look further (acts_plainly)
PLAIN_BEFORE = NAME_HEADS | OTHER_BEFORE_LAST


class Window:
    """The words around one mention, split on spaces (fast) in a text where the other partner
    mentions are blanked: folded words for the rules, the original ones for capitals."""

    def __init__(self, doc: Document, start: int, end: int, sentence: tuple[int, int],
                 chars: int = 50):  # fmt: skip
        self.doc, self.start, self.end, self.sentence = doc, start, end, sentence
        low = max(sentence[0], start - chars)
        # the first token may be cut by the window: dropped; both splits align (folding keeps
        # every character and every space in place)
        self.low = low
        self.raw = doc.folded[low:start].split()[-12:]
        self.back = [token.strip(PUNCTUATION) for token in self.raw]
        self._cased: list[str] | None = None

    @property
    def forward(self) -> list[str]:
        high = min(self.sentence[1], self.end + 40)
        return [t.strip(PUNCTUATION) for t in self.doc.folded[self.end : high].split()[:4]]

    def capitalised(self, n: int) -> bool:
        if self._cased is None:
            self._cased = self.doc.text[self.low : self.start].split()[-len(self.raw) :]
        return self._cased[n].lstrip(PUNCTUATION)[:1].isupper()

    def offset(self, n: int) -> int:
        """Where back word `n` starts in the text."""
        position = self.start
        for k in range(len(self.raw) - 1, n - 1, -1):
            position = self.doc.folded.rfind(self.raw[k], self.low, position)
        return position


class Document:
    """The text with every partner mention blanked (same length, so offsets hold)."""

    def __init__(self, text: str, folded: str, spans: list[tuple[int, int]]):
        pieces, last = [], 0
        self.spans, self.original = [], text
        for start, end in spans:
            if start >= last:
                pieces += [folded[last:start], BLANK * (end - start)]
                self.spans.append((start, end))
                last = end
        self.folded = "".join(pieces) + folded[last:]
        # the cue words are looked up where a rule reads them (cues.cue_positions)
        self.words = " " + as_words(self.folded)
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The original text, blanked the same way (for capitals), made when first needed."""
        if self._text is None:
            pieces, last = [], 0
            for start, end in self.spans:
                pieces += [self.original[last:start], BLANK * (end - start)]
                last = end
            self._text = "".join(pieces) + self.original[last:]
        return self._text

    def clause_start(self, low: int, offset: int) -> int:
        """Where the clause holding `offset` starts, not before `low` (after the last , ; : (
        or ) before it)."""
        f = self.folded
        found = max(f.rfind(",", low, offset), f.rfind(";", low, offset),
                    f.rfind(":", low, offset), f.rfind("(", low, offset),
                    f.rfind(")", low, offset))  # fmt: skip
        return found + 1 if found >= 0 else low


def role_of(w: Window, partner_id: str, method: str, state: bool = True) -> str:
    """The role of the partner mention the window is around; `state`: the partner is a state
    (an organisation is never a place, nor the origin of goods: the cue words are not read)."""
    if in_another_name(w, method) or other_before(w):
        return "other"
    if state and surname(w):
        return "other"
    if method == "demonym":
        return "actor" if qualifies_authority(w) else "other"
    region = partner_id in REGION_IDS
    if region and (REGION_AFTER_RE.match(w.doc.folded, w.end, w.sentence[1]) or
                   REGION_BEFORE_RE.search(" ".join(w.back[-4:]))):  # fmt: skip
        return "other"
    return nearest_cue(w) if state or region else "actor"


def other_before(w: Window) -> bool:
    """A destination, origin, comparison, report, presidency or nationality right before."""
    if OTHER_BEFORE_LAST.isdisjoint(w.back[-3:]):
        return False  # the usual case: no phrase ends here
    low = max(w.sentence[0], w.start - 30)
    return OTHER_BEFORE_RE.search(w.doc.folded, low, w.start) is not None


def in_another_name(w: Window, method: str) -> bool:
    """Inside or describing another body's name, or an institution of another state."""
    if DESCRIBES_RE.match(w.doc.folded, w.end, w.sentence[1]):
        return True
    following = NEXT.match(w.doc.folded, w.end)
    if method == "institution" and following and following.group(1) in ("de", "do", "da", "of",
                                                                          "del"):  # fmt: skip
        then = NEXT.match(w.doc.folded, following.end())
        if then and then.group(1).startswith(BLANK):
            return True  # "Policía Federal de Australia": Australia's, not Brazil's
    if NAME_HEADS.isdisjoint(w.back[-3:]) or not continues_a_name(w):
        return False
    # "Agência da União Europeia para a Cooperação Policial", "Delegation of the European
    # Union to Chile"; but "National Crime Agency do Reino Unido" is the UK's agency
    for n in range(len(w.back) - 1, max(-1, len(w.back) - 4), -1):
        word = w.back[n]
        if word in NAME_HEADS:
            return w.capitalised(n)
        if word not in ARTICLES and word not in ("for", "para", "of", "to"):
            break
    return False


def continues_a_name(w: Window) -> bool:
    """Whether a capitalised word (or another mention) follows, directly or after connectors."""
    position = w.end
    for _ in range(3):
        token = NEXT.match(w.doc.text, position)
        if token is None:
            return False
        word = token.group(1)
        if word.startswith(BLANK) or word[0].isupper():
            return True
        if word.lower() not in CONNECTORS:
            return False
        position = token.end()
    return False


def surname(w: Window) -> bool:
    """A capitalised given name right before the mention ("Paulo França"), outside a headline."""
    if not w.back or w.doc.text[w.start - 1 : w.start] != " " or w.raw[-1] != w.back[-1]:
        return False  # not one space after a bare word
    word = w.back[-1]
    if word in FUNCTION_WORDS or word.startswith(BLANK) or not w.capitalised(len(w.back) - 1):
        return False
    if w.low == w.sentence[0] and len(w.raw) == 1:
        return False  # the sentence's first word is capitalised anyway: "Today Brazil signed"
    if word in NAME_HEADS or classes(word) & AUTHORITY_CLASS:
        return False  # "Gendarmería Argentina" is the state's
    capitals = sum(w.capitalised(n) for n in range(len(w.back)))
    return len(w.back) < 4 or capitals * 2 < len(w.back)  # a headline capitalises most words


def qualifies_authority(w: Window) -> bool:
    """A demonym beside an authority noun: before it in Spanish and Portuguese ("autoridades
    brasileiras, portuguesas e norte-americanas"), after it in English ("French and Dutch
    authorities"), across a list of demonyms (blanked)."""
    seen = 0
    for word in reversed(w.back):
        if seen >= 6:
            break
        if word in GLUE or word.startswith(BLANK) or not word:
            continue
        if classes(word) & AUTHORITY_CLASS:
            return True
        seen += 1 if word in ARTICLES or word.isdigit() else 3
    for word in w.forward[:3]:
        if classes(word) & AUTHORITY_CLASS:
            return True
        if word not in GLUE and not word.startswith(BLANK):
            break
    return False


def nearest_cue(w: Window) -> str:
    """Actor, place or other from the nearest cue word in the ~60 characters of the mention's
    clause before it (one pass of the cue automaton over those characters)."""
    back = w.back
    i = len(back) - 1
    while i >= 0 and (back[i] in GLUE or back[i] in ARTICLES or back[i].startswith(BLANK)
                      or not back[i]):  # fmt: skip
        i -= 1  # over a list of partners: "en España, Portugal y Croacia" share the preposition
    if i >= 1 and back[i] not in FUNCTION_WORDS and not classes(back[i]) and w.capitalised(i):
        i -= 1  # "arrested in Tulua, Colombia": the city's preposition
        while i >= 0 and back[i] in ARTICLES:
            i -= 1
    if i < 0:
        return "actor"
    locative, directional = back[i] in LOCATIVE, back[i] in DIRECTIONAL
    offset, doc = w.offset(i), w.doc
    end = offset if locative or directional else offset + len(w.raw[i])
    if locative and i >= 1 and w.raw[i - 1].endswith(",") and w.capitalised(i - 1):
        offset = w.offset(i - 1)  # "destino ao Porto de Antuérpia, na Bélgica": the city's clause
    low = doc.clause_start(max(w.sentence[0], offset - 60), offset)
    for found in reversed(cue_positions(doc.words, low, end)[1]):  # the nearest first
        if found & (GOODS_CLASS | CRIMINAL_CLASS) or (locative and found & SEAT_CLASS):
            return "other"
        if directional and found & DRUGS_CLASS:
            return "other"  # "cocaine from Colombia"
        if found & ACTION_CLASS:
            return "place" if locative else "actor"
    return "place" if locative else "actor"


def assign_roles(
    text: str,
    folded: str,
    sentences: list[tuple[int, int]],
    mentions: list,
    language: str | None,
    states: frozenset[str] | None = None,
) -> list[str]:
    """The role of each partner mention (`mentions`: (start, end, id, method), in text order);
    `states`: the partner ids that are states (None: any may be)."""
    doc = Document(text, folded, [(s, e) for s, e, _, _ in mentions])
    bounds = [s for s, _ in sentences]
    roles: list[str] = []
    previous = None
    for start, end, pid, method in mentions:
        if previous and shares_role(folded, previous, start, pid, method):
            roles.append(roles[-1])  # "(Ameripol)" after its name; "Chile, Peru y Ecuador"
        else:
            sentence = sentences[bisect.bisect_right(bounds, start) - 1]
            state = states is None or pid in states or pid in REGION_IDS
            if not state and acts_plainly(doc.folded, start, end, sentence, method):
                roles.append("actor")  # most mentions of an organisation: no window needed
                previous = (end, method)
                continue
            window = Window(doc, start, end, sentence, 50 if state else 30)
            roles.append(role_of(window, pid, method, state))
        previous = (end, method)
    return roles


def acts_plainly(folded: str, start: int, end: int, sentence: tuple[int, int], method: str) -> bool:
    """What role_of says "actor" to for an organisation (not a state) without building its
    window: no name head nor the end of an "other" phrase among the three words before (those of
    Window(..., 30).back), no description after, and not an institution nor a demonym."""
    if method in ("institution", "demonym"):
        return False
    back = folded[max(sentence[0], start - 30) : start].split()[-3:]
    return PLAIN_BEFORE.isdisjoint([word.strip(PUNCTUATION) for word in back]) and (
        DESCRIBES_RE.match(folded, end, sentence[1]) is None)  # fmt: skip


def shares_role(folded: str, previous: tuple[int, str], start: int, pid: str, method: str) -> bool:
    """A mention in parentheses after another, or the next in a list of partners of one kind
    (not the EU, whose own rules differ: "Spain and the EU Member States")."""
    gap = folded[previous[0] : start]
    if gap.strip() == "(":
        return True
    if len(gap) > 8 or pid in REGION_IDS or method == "institution":
        return False  # an institution may be another state's: "Policía Federal de Australia"
    demonyms = (previous[1] == "demonym") == (method == "demonym")
    return demonyms and LIST_GAP.fullmatch(gap) is not None
