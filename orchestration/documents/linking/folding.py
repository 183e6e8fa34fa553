"""Case and accent folding that keeps every character in place.

`fold(text)[i]` is the folded `text[i]`: offsets found in the folded text are offsets in the
original, with no mapping table. Each character folds to exactly one character (lowercase,
accents removed: "Ó" -> "o"); one whose folding would be longer ("ß" -> "ss") stays as it is.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Latin, Greek and Cyrillic letters, and punctuation that comes in typographic variants.
FOLDED_RANGES = ((0x0000, 0x0250), (0x0370, 0x0530), (0x1E00, 0x1F00), (0x2000, 0x2070))
PUNCTUATION = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2010": "-",
               "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u00a0": " ",
               "\u202f": " ", "\u2009": " "}  # fmt: skip


def fold_char(char: str) -> str:
    if char in PUNCTUATION:
        return PUNCTUATION[char]
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
    )
    folded = stripped.lower()
    return folded if len(folded) == 1 else char


@cache
def fold_table() -> dict[int, str]:
    table = {}
    for low, high in FOLDED_RANGES:
        for point in range(low, high):
            char = chr(point)
            folded = fold_char(char)
            if folded != char:
                table[point] = folded
    return table


NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
CHUNK = 256


def _fold_run(match: re.Match) -> str:
    return match.group().translate(fold_table())


def fold(text: str) -> str:
    """Lowercase, accents removed, typographic quotes and dashes made plain; same length.

    `str.lower` in C first, then the table only on the (few) runs of non-ASCII characters:
    translating every character through the table cost several times the matching."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer ("İ")
        return text.translate(fold_table())
    if lowered.isascii():
        return lowered
    # the pattern only where a chunk holds a non-ASCII character (isascii is a C scan, the
    # pattern tries every position); folding is per character, so chunks fold alike
    return "".join(
        chunk if chunk.isascii() else NOT_ASCII.sub(_fold_run, chunk)
        for chunk in (lowered[i : i + CHUNK] for i in range(0, len(lowered), CHUNK))
    )
