"""The value rules' sieve over the one parse's Arrow columns: which records, and which records'
array elements, may break a rule of the contract (:func:`.rules.value_rules`), found with
pyarrow.compute in the columns the read made, instead of a scan of every staged value in SQL.

Only the rows it keeps are staged as suspects; the SQL rules then say which rule each breaks,
exactly as for the other readers. So the sieve may keep a good row (the rules find nothing in
it), never drop a bad one: each test here is the SQL rule's, or wider (bytes for characters, a
29 February whatever the year)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc

from orchestration.landing.contract_schema import DOCUMENT_ID_PATTERN, IDENTIFIER_PATTERN, Column
from orchestration.landing.loading.rules import DATE_PATTERN, INTEGER_PATTERN, URL_PATTERN

# patterns whose every match starts with a letter or digit and holds printable ASCII only: a value
# they keep is never blank and holds no NUL byte, so those two tests can be left to them
PRINTABLE_PATTERNS = frozenset({IDENTIFIER_PATTERN, DOCUMENT_ID_PATTERN})

# the last day of each month (index 1-12; 0 for a month out of range), February's in a leap year
LAST_DAYS = pa.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], pa.int64())


def _full_match(text: pa.ChunkedArray, pattern: str) -> pa.ChunkedArray:
    """RE2, as DuckDB's regexp_full_match: null for a null value."""
    return pc.match_substring_regex(text, f"^(?:{pattern})$")


def _not_a_date(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """True for a value that may break a date rule: not of the form YYYY-MM-DD, its month or
    day out of range, or 29 February (the SQL rule decides the year)."""
    february_29 = pc.match_substring(text, "-02-29")
    try:  # Arrow's cast takes exactly YYYY-MM-DD, a calendar day, as the two rules do
        pc.cast(text, pa.date32())
        return february_29
    except pa.ArrowInvalid:  # some value is not: which ones, by its form and numbers
        pass
    shaped = pc.fill_null(_full_match(text, DATE_PATTERN), False)
    safe = pc.if_else(shaped, text, "2000-01-01")

    def part(start: int, stop: int) -> pa.ChunkedArray:
        return pc.cast(pc.utf8_slice_codeunits(safe, start, stop), pa.int64())

    month, day = part(5, 7), part(8, 10)
    month_ok = pc.and_(pc.greater_equal(month, 1), pc.less_equal(month, 12))
    last = pc.take(LAST_DAYS, pc.if_else(month_ok, month, 0))
    day_ok = pc.and_(pc.greater_equal(day, 1), pc.less_equal(day, last))
    calendar = pc.and_(shaped, pc.or_(pc.invert(pc.and_(month_ok, day_ok)), february_29))
    return pc.or_(pc.invert(shaped), calendar)


def _checked_whole(column: Column) -> bool:
    """Whether a value the column's form or list keeps is sure to start with a printable
    character and to hold no NUL byte (then "required" and "no NUL" need no test of their own
    beyond null)."""
    if column.type in ("date", "integer", "boolean") or column.pattern in PRINTABLE_PATTERNS:
        return True
    printable = ["\x00" not in v and "!" <= v[:1] <= "~" for v in column.values or ()]
    return bool(printable) and all(printable)


def may_break(values: pa.ChunkedArray, column: Column) -> pa.ChunkedArray:
    """True for each value that may break one of `column`'s rules; never null. The values are
    first made the text the other readers stage (DuckDB casts an integer or a boolean to the
    same text)."""
    text = values if pa.types.is_string(values.type) else pc.cast(values, pa.string())
    suspect = []
    if not _checked_whole(column):
        suspect.append(pc.match_substring(text, "\x00"))
        if column.required:  # empty, or starting with a space or a byte past ASCII
            suspect.append(pc.invert(pc.match_substring_regex(text, "^[!-~]")))
    if column.max_length:  # bytes: at least as many as characters
        suspect.append(pc.greater(pc.binary_length(text), column.max_length))
    if column.pattern:
        suspect.append(pc.invert(_full_match(text, column.pattern)))
    if column.type == "date":
        suspect.append(_not_a_date(text))
    elif column.type == "integer":
        suspect.append(pc.invert(_full_match(text, INTEGER_PATTERN)))
    elif column.type == "boolean":
        suspect.append(pc.invert(pc.is_in(text, pa.array(["true", "false"]))))
    elif column.type == "url":
        suspect.append(pc.invert(_full_match(text, URL_PATTERN)))
    if column.values:
        suspect.append(pc.invert(pc.is_in(text, pa.array(column.values, pa.string()))))
    either = _any(suspect)  # never empty: each type has a test of its own, or the NUL test
    # a null breaks only "required"
    nulls = pc.is_null(text) if column.required else pa.scalar(False)
    return pc.or_(pc.fill_null(either, False), nulls)


def _any(masks: list) -> pa.ChunkedArray:
    either = masks[0]
    for more in masks[1:]:
        either = pc.or_(either, more)
    return either


def rows_that_may_break(table: pa.Table, columns: tuple[Column, ...]) -> pa.ChunkedArray:
    """True for each row with a value that may break a rule of its column. The columns are
    sieved two at a time: Arrow's kernels let go of the GIL, and each runs on one core."""
    with ThreadPoolExecutor(2, "sieve") as pool:
        masks = list(pool.map(lambda column: may_break(table[column.name], column), columns))
    return _any(masks)
