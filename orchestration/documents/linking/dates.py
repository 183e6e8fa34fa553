"""Dates in a text: cheap candidate spans, resolved against the document's date.

Running dateparser's search over a whole 5 KB text costs ~25 ms (40 documents/s); one parse of
a short span ~1.7 ms. So a regular expression over month names (English, Spanish, Portuguese),
numeric forms and relative words finds the few candidate spans first. A span whose day, month
name and year the expression already read is resolved from the month table (the fast path), as
are numeric dates (day first: "10.07.2024", "22/06/2021", "11/11/22"), weekdays after a cue
("el jueves", "nesta sexta-feira", "on Monday": the latest such day up to the document's date)
and the other end of a day range ("12-13 October", "18 y 21 de junio"); relative words are
handed to dateparser with the document's language and its date as RELATIVE_BASE (results cached
per span, language and base). `tests/test_linking.py` checks that the month table and dateparser
give the same date for every absolute span of the evaluation set.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache
from typing import NamedTuple

import ahocorasick

from orchestration.documents.linking.folding import fold

MONTHS = {
    "january": 1, "jan": 1, "enero": 1, "janeiro": 1, "february": 2, "feb": 2, "febrero": 2,
    "fevereiro": 2, "march": 3, "mar": 3, "marzo": 3, "marco": 3, "april": 4, "apr": 4,
    "abril": 4, "may": 5, "mayo": 5, "maio": 5, "june": 6, "jun": 6, "junio": 6, "junho": 6,
    "july": 7, "jul": 7, "julio": 7, "julho": 7, "august": 8, "aug": 8, "agosto": 8,
    "september": 9, "sep": 9, "sept": 9, "septiembre": 9, "setiembre": 9, "setembro": 9,
    "october": 10, "oct": 10, "octubre": 10, "outubro": 10, "november": 11, "nov": 11,
    "noviembre": 11, "novembro": 11, "december": 12, "dec": 12, "diciembre": 12, "dezembro": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|o|º)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_OF = r"(?:\s+(?:de|of|del))?"
# (precision, offset from the base) of relative words; resolved by dateparser, the table says
# only how precise each is
RELATIVE = {
    "today": "day", "yesterday": "day", "tomorrow": "day", "this week": "week",
    "next week": "week", "last week": "week", "next month": "month", "last month": "month",
    "last year": "year", "next year": "year",
    "hoy": "day", "ayer": "day", "esta semana": "week", "la proxima semana": "week",
    "la semana pasada": "week", "la semana que viene": "week", "el proximo mes": "month",
    "el mes pasado": "month", "el ano pasado": "year", "el proximo ano": "year",
    "hoje": "day", "ontem": "day", "amanha": "day", "nesta semana": "week",
    "na proxima semana": "week", "na semana passada": "week", "no proximo mes": "month",
    "no mes passado": "month", "no ano passado": "year", "no proximo ano": "year",
}  # fmt: skip
# weekdays: resolved to the latest such day on or before the document's date ("el jueves",
# "nesta sexta-feira", "on Monday"), or the next after it when the cue says so
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4,
    "sabado": 5, "domingo": 6, "segunda-feira": 0, "terca-feira": 1, "quarta-feira": 2,
    "quinta-feira": 3, "sexta-feira": 4,
}  # fmt: skip
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
# the word before a Spanish or Portuguese weekday that makes it a date ("Santo Domingo" is not)
WEEKDAY_CUES = frozenset(("este", "esta", "el", "pasado", "proximo", "proxima", "nesta", "neste",
                          "no", "na", "ultimo", "ultima", "passado", "passada", "this", "on",
                          "last", "next", "desde", "hasta", "until", "since", "ate"))  # fmt: skip
NEXT_CUES = frozenset(("proximo", "proxima", "next"))
ENGLISH_WEEKDAYS = frozenset(list(WEEKDAYS)[:7])  # "the agency said Monday"
# "12-13 October", "18 y 21 de junio", "17 e 20 de junho": the first day of a range
RANGE_START = re.compile(r"(?<![\d.,/])([0-3]?\d)(?:st|nd|rd|th|o)?\s*(?:-|y|e|and|to|al|a|&)\s*$")
# "November 8-19": the last day of a range
RANGE_END = re.compile(r"\s*(?:-|to|and|y|e|al|a)\s*([0-3]?\d)\b(?![.,/]\d)")
_RELATIVE = "|".join(re.escape(k) for k in sorted(RELATIVE, key=len, reverse=True))
CANDIDATES = re.compile(
    rf"\b(?:{_DAY}{_OF}\s+(?P<month>{_MONTH})\.?(?:,?{_OF}\s+{_YEAR})?"
    rf"|(?P<month2>{_MONTH})\.?\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?(?:,\s*(?P<year2>(?:19|20)\d{{2}}))?"
    rf"|(?P<month3>{_MONTH}){_OF}\s+(?P<year3>(?:19|20)\d{{2}})"
    r"|(?P<iso>(?:19|20)\d{2}-[01]\d-[0-3]\d)"
    # 07.03.2025, 07/03/2025, 7-3-2025, 11/11/22 (day first; a two-digit year only with "/")
    r"|(?P<numeric>(?P<nday>[0-3]?\d)(?P<sep>[./-])(?P<nmonth>[01]?\d)(?P=sep)"
    r"(?P<nyear>(?:19|20)\d{2}(?!\.?\d)|(?<=/)\d{2}(?![/\d])(?!\.\d)))"
    rf"|(?P<weekday>{_WEEKDAY})"
    r"|(?:in|since|from|until|en|desde|hasta|em|ate|durante|during)\s+(?P<year4>(?:19|20)\d{2})(?![-/]\d)"
    rf"|(?P<relative>{_RELATIVE}))\b"
)


YEAR_CUES = frozenset(("in", "since", "from", "until", "en", "desde", "hasta", "em", "ate",
                       "durante", "during"))  # fmt: skip
DIGITS = re.compile(r"\d+")
# ASCII text's digits as "0" and the rest as spaces: its runs are then found by a literal
# search (the engine scans for "0") instead of trying \d at every position
DIGIT_MASK = bytes(48 if 48 <= c <= 57 else 32 for c in range(256))
MASKED_RUN = re.compile(rb"00*")
NOT_WORD = re.compile(r"[^\w ]")


@cache
def anchor_automaton() -> ahocorasick.Automaton:
    """Month names and relative words, as whole words (a space on each side)."""
    automaton = ahocorasick.Automaton()
    for word in (*MONTHS, *RELATIVE, *(w.replace("-", " ") for w in WEEKDAYS)):
        automaton.add_word(f" {word} ", len(word) + 2)
    automaton.make_automaton()
    return automaton


def digit_runs(folded: str) -> list[tuple[int, int]]:
    """(start, end) of every run of digits (\\d: in ASCII text, 0-9)."""
    if folded.isascii():
        return [m.span() for m in MASKED_RUN.finditer(folded.encode().translate(DIGIT_MASK))]
    return [m.span() for m in DIGITS.finditer(folded)]


def candidate_starts(folded: str, words: str | None = None) -> list[int]:
    """Where a date expression may start: a number (or the year cue before a year: "since
    2022"), a month name, a relative word. The full expression is tried only there (`match`,
    one attempt each); searching the whole text with it cost far more."""
    starts = set()
    for start, end in digit_runs(folded):
        starts.add(start)
        if end - start == 4:
            before = folded[max(0, start - 9) : start].split()
            if before and before[-1] in YEAR_CUES:
                starts.add(start - 1 - len(before[-1]))
    if words is None:  # the folded text, punctuation as spaces, padded with a space each side
        words = " " + NOT_WORD.sub(" ", folded) + " "
    for end, length in anchor_automaton().iter(words):
        starts.add(end - length + 1)  # the padding's leading space is the word's start - 1 + 1
    return sorted(starts)


class DateMention(NamedTuple):  # a plain tuple: one is made for every date
    start: int
    end: int
    surface: str
    date: dt.date
    precision: str  # day | week | month | year
    method: str  # month_table | dateparser
    confidence: float


def _settings(base: dt.date | None) -> dict:
    settings: dict = {"PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    return settings


@lru_cache(maxsize=65536)
def parse_span(span: str, language: str | None, base: dt.date | None) -> dt.date | None:
    """dateparser on one short span, with explicit languages; a leading article or preposition
    it does not take ("na próxima semana") is tried without."""
    import dateparser

    languages = [language] if language else ["en", "es", "pt"]
    for text in (span, span.split(" ", 1)[-1]):
        parsed = dateparser.parse(text, languages=languages, settings=_settings(base))
        if parsed is not None:
            return parsed.date()
    return None


def _from_table(groups: dict, base: dt.date | None) -> tuple[dt.date, str] | None:
    """Day, month name and year read by the expression; a missing year is the document's."""
    month = MONTHS[groups["month"] or groups["month2"] or groups["month3"]]
    day = groups["day"] or groups["day2"]
    year = groups["year"] or groups["year2"] or groups["year3"]
    if year is None and (day is None or base is None):
        return None
    try:
        resolved = dt.date(int(year or base.year), month, int(day or 1))
    except ValueError:
        return None
    return resolved, "day" if day else "month"


def _numeric(groups: dict) -> dt.date | None:
    year = int(groups["nyear"])
    year += 2000 if year < 100 else 0
    try:
        return dt.date(year, int(groups["nmonth"]), int(groups["nday"]))
    except ValueError:
        return None


def _weekday(folded: str, match: re.Match, text: str, base: dt.date | None) -> dt.date | None:
    """The weekday's date: the latest such day on or before `base` ("el jueves", "on Monday"),
    or the next after it ("el próximo lunes"); only after a cue word, or capitalised in English."""
    if base is None:
        return None
    before = folded[max(0, match.start() - 12) : match.start()].split()
    cue = before[-1] if before else ""
    english = match.group() in ENGLISH_WEEKDAYS and text[match.start()].isupper()
    if cue not in WEEKDAY_CUES and not english:
        return None
    weekday = WEEKDAYS[match.group().replace(" ", "-")]
    if cue in NEXT_CUES:
        return base + dt.timedelta(days=(weekday - base.weekday() - 1) % 7 + 1)
    return base - dt.timedelta(days=(base.weekday() - weekday) % 7)


def _range_days(folded: str, start: int, end: int, day: dt.date) -> list[tuple[int, int, dt.date]]:
    """The other day of a range around a day-precise date ("12-13 October", "November 8-19")."""
    found = []
    before = RANGE_START.search(folded, max(0, start - 12), start)
    after = RANGE_END.match(folded, end)
    for m, first in ((before, True), (after, False)):
        if m is None:
            continue
        other = int(m.group(1))
        if (first and 1 <= other < day.day) or (not first and day.day < other <= 31):
            try:
                found.append((m.start(1), m.end(1), day.replace(day=other)))
            except ValueError:
                continue
    return found


def _resolve(groups: dict, match: re.Match, folded: str, text: str, language: str | None,
             base: dt.date | None) -> tuple[dt.date, str, str, float] | None:  # fmt: skip
    """(date, precision, method, confidence) of one matched expression, or None."""
    if groups["year4"]:
        return dt.date(int(groups["year4"]), 1, 1), "year", "year_cue", 0.7
    if groups["month"] or groups["month2"] or groups["month3"]:
        resolved = _from_table(groups, base)
        return (*resolved, "month_table", 0.95) if resolved else None
    if groups["numeric"]:
        day = _numeric(groups)
        return (day, "day", "numeric", 0.9) if day else None
    if groups["weekday"]:
        day = _weekday(folded, match, text, base)
        return (day, "day", "weekday", 0.8) if day else None
    relative = groups["relative"]
    if relative and base is None:
        return None  # "next week" of an undated document is no date
    if relative in ("today", "hoy", "hoje") and folded[: match.start()].split()[-1:] in (
            ["until"], ["hasta"], ["ate"]):  # fmt: skip
        return None  # "hasta hoy": until now, no day
    start, end = match.span()
    parsed = parse_span(folded[start:end] if relative else text[start:end], language,
                        base if relative else None)  # fmt: skip
    if parsed is None:
        return None
    return parsed, RELATIVE[relative] if relative else "day", "dateparser", 0.8 if relative else 0.9


def find_dates(
    text: str,
    language: str | None,
    base: dt.date | None,
    folded: str | None = None,
    words: str | None = None,
) -> list[DateMention]:
    """Every date expression in `text`, resolved; `folded` is fold(text) when already made."""
    folded = fold(text) if folded is None else folded
    found = []
    matches, covered = [], -1
    for position in candidate_starts(folded, words):
        if position < covered:
            continue  # inside the previous expression ("7 March 2025": 2025 is no new date)
        match = CANDIDATES.match(folded, position)
        if match:
            matches.append(match)
            covered = match.end()
    for match in matches:
        groups = match.groupdict()
        resolved = _resolve(groups, match, folded, text, language, base)
        if resolved is None:
            continue
        day, precision, method, confidence = resolved
        start, end = match.span()
        if groups["year4"]:
            start = match.start("year4")
        found.append(DateMention(start, end, text[start:end], day, precision, method,
                                 confidence))  # fmt: skip
        if method == "month_table" and precision == "day":
            found += [DateMention(s, e, text[s:e], other, "day", "day_range", 0.85)
                      for s, e, other in _range_days(folded, start, end, day)]  # fmt: skip
    return sorted(found, key=lambda d: d.start)
