"""Bad inputs against the loader: each case states what must happen to a file, precisely.

Three outcomes (architecture decision 7, nothing lost, nothing doubled):

- ``Fails``: the whole file is refused with a message naming it and the problem; nothing of it
  is loaded, and a good sibling file of the same extract still loads.
- ``Quarantines``: the bad rows go to ``<entity>__rejects`` with exact line, column and reason;
  the good rows of the same file load; rows read = rows loaded + rows rejected.
- ``Loads``: the file loads correctly; an optional check proves the values are right.

Static inputs live in ``tests/bad_inputs/<entity>/`` (see its README); inputs that must be made at
run time (a 1 MB field, NUL and Latin-1 bytes, odd file names, symlinks) are built here.
Every case lands in a temporary ``<tmp>/raw/curated/<entity>/`` beside ``00_good.<ext>`` and loads
into a temporary DuckDB file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.landing.contract_schema import IDENTIFIER_MAX_LENGTH, IDENTIFIER_TEXT
from orchestration.landing.contracts import Contract, contract_for
from orchestration.landing.loading import (
    ExtractResult,
    FileResult,
    json_values,
    load_extract,
    ndjson_staging,
    reconcile_ledger,
)
from orchestration.landing.loading import load as file_loading
from orchestration.landing.loading.reading import BAD_QUOTE, CR_ONLY, NOT_UTF8

CORPUS = Path(__file__).parent / "bad_inputs"
GOOD_ROWS = {
    "partners": 3,
    "source_documents": 2,
    "memberships": 2,
    "threats": 2,
    "events": 2,
    "agreements": 2,
}
ALLOWED_PARTNER_TYPES = (
    "not one of the allowed values: country, international_organisation, eu_body, agency, programme"
)
MALFORMED_JSON = "not a valid JSON object: truncated or malformed line"
IN_FORCE_EARLY = "in_force_on is before signed_on without an in_force_basis that allows it"
NOT_AN_IDENTIFIER = f"not an identifier: {IDENTIFIER_TEXT}"
TWICE = "field named twice in one JSON object: which value is meant cannot be told"
INFERRED_ACCURACY = "an inferred event needs its own information_accuracy of 3 or 4"
PRECISION_NO_DATE = "date_precision is not unknown but the record has no date"
IN_FORCE_PRECISION_NO_DATE = "in_force_precision without an in_force_on"

Check = Callable[[duckdb.DuckDBPyConnection, str], None]


@dataclass(frozen=True)
class Fails:
    problem: str  # the message is "<relative path>: <problem>"


@dataclass(frozen=True)
class Quarantines:
    rejects: tuple[tuple[int, str | None, str], ...]  # (line, column, reason), in line order
    loaded: int
    check: Check | None = None


@dataclass(frozen=True)
class Loads:
    rows: int
    check: Check | None = None


@dataclass(frozen=True)
class Case:
    id: str
    entity: str
    name: str  # the landed file name
    content: bytes
    expect: Fails | Quarantines | Loads
    why: str = ""


def corpus(relative: str) -> bytes:
    return (CORPUS / relative).read_bytes()


def extension(entity: str) -> str:
    return contract_for("curated", entity).extensions[0]


def rows(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> list[tuple]:
    return con.execute(query, params or []).fetchall()


# --- inputs made at run time --------------------------------------------------------------------

PARTNERS_HEADER = corpus("partners/header_only.csv")
GOOD_EVENT = corpus("good/events.ndjson").splitlines(keepends=True)[0]
BIG_VALUE = "abcdefghé," * 100_000  # 1.1 MB of UTF-8 with commas: must be quoted in CSV


def event(event_id: str, **replace: bytes) -> bytes:
    line = GOOD_EVENT.replace(b"ev-good-1", event_id.encode())
    for old, new in replace.items():
        line = line.replace(old.encode(), new)
    return line


def latin1_row() -> bytes:
    return (
        PARTNERS_HEADER
        + b"malta,Malta,country,,,,Valletta,doc-1,\n"
        + "peru,Perú,country,,,,Lima,doc-1,café\n".encode("latin-1")
        + b"chile,Chile,country,,,,Santiago,doc-1,\n"
    )


def nul_in_csv_row() -> bytes:
    return (
        PARTNERS_HEADER
        + b"malta,Malta,country,,,,Valletta,doc-1,\n"
        + b"peru,Pe\x00ru,country,,,,Lima,doc-1,\n"
        + b"chile,Chile,country,,,,Santiago,doc-1,\n"
    )


def one_mb_csv_field() -> bytes:
    return (
        PARTNERS_HEADER
        + f'malta,Malta,country,,,,Valletta,doc-1,"{BIG_VALUE}"\n'.encode()
        + b"peru,Peru,country,,,,Lima,doc-1,\n"
    )


# --- checks of loaded values ---------------------------------------------------------------------


def partner_rows(con: duckdb.DuckDBPyConnection, source_file: str, columns: str) -> list[tuple]:
    return rows(
        con,
        f"select {columns} from raw_curated.partners where _source_file = ? order by _source_line",
        [source_file],
    )


def check_reordered(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    got = partner_rows(
        con, source_file, "partner_id, partner_name, acronym, founded_on, headquarters_city"
    )
    assert got == [
        ("malta", "Malta", "MT", dt.date(1964, 9, 21), "Valletta"),
        ("peru", "Peru", None, None, "Lima"),
    ]


def check_bom(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    # the BOM must not stick to the first column name or to the first value
    assert partner_rows(con, source_file, "partner_id, _source_line") == [("malta", 2)]


def check_crlf(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    got = partner_rows(con, source_file, "partner_id, headquarters_city, note, _source_line")
    assert got == [("malta", "Valletta", None, 2), ("peru", "Lima", None, 3)]


def check_mixed_line_ends(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    got = partner_rows(con, source_file, "partner_id, note, _source_line")
    assert got == [("malta", "first", 2), ("peru", "second", 3), ("brazil", "fourth", 5)]


def check_quoted(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    got = partner_rows(con, source_file, "partner_id, partner_name, note, _source_line")
    assert got == [
        (
            "malta",
            "Malta, Republic of",
            'first line\nsecond line, with a comma\nthird "quoted" line',
            2,
        ),
        ("peru", "Peru", "a, b", 5),  # the record after a three-line field starts on line 5
    ]


def check_one_mb(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    (note,) = rows(
        con,
        "select note from raw_curated.partners where _source_file = ? and partner_id = 'malta'",
        [source_file],
    )[0]
    assert note.encode() == BIG_VALUE.encode()


def check_one_mb_json(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    (note,) = rows(
        con, "select note from raw_curated.events where _source_file = ?", [source_file]
    )[0]
    assert note.encode() == BIG_VALUE.encode()


def check_sql_csv(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    got = partner_rows(con, source_file, "partner_name, headquarters_city, note")
    assert got == [
        ("'); drop table x; --", "Robert'); DROP TABLE raw_curated.partners;--", '"; select 1; --')
    ]
    assert rows(con, "select count(*) from raw_curated.partners")[0][0] == GOOD_ROWS["partners"] + 1


def check_sql_json(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    got = rows(
        con,
        "select raw_value, event_name_loaded from (select raw_value, (select count(*) from "
        "raw_curated.events where event_name like '%delete from%') as event_name_loaded "
        "from raw_curated.events__rejects where _source_file = ? and column_name = 'event_id')",
        [source_file],
    )
    assert got == [("ev-sql-'); drop table raw_curated.events; --", 0)]
    assert rows(con, "select count(*) from _meta.load_ledger")[0][0] == 2  # both files recorded
    assert rows(con, "select count(*) from raw_curated.events")[0][0] == GOOD_ROWS["events"]


def check_children_of_loaded_rows(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    # the good record's participants and threats load; the bad record's do not
    participants = rows(
        con,
        "select event_id, partner_id, _source_line from raw_curated.event_participants "
        "where _source_file = ?",
        [source_file],
    )
    assert [p[0] for p in participants] == ["ev-p-2"]


def check_after_the_quote(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    got = rows(
        con,
        "select member_partner_id, _source_line, note from raw_curated.memberships "
        "where _source_file = ? order by _source_line",
        [source_file],
    )
    assert [(m, line) for m, line, _ in got] == [
        ("costa-rica", 2), ("ecuador", 3), ("el-salvador", 4), ("chile", 6), ("peru", 7),
        ("uruguay", 8),
    ]  # fmt: skip
    assert got[4][2] in ("seventh", "seventh, quoted")


def check_lines_after_multi_line(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    assert partner_rows(con, source_file, "partner_id, _source_line") == [
        ("malta", 2), ("chile", 6), ("brazil", 7)
    ]  # fmt: skip


def check_dates(con: duckdb.DuckDBPyConnection, source_file: str) -> None:
    assert partner_rows(con, source_file, "partner_id, founded_on") == [
        ("chile", dt.date(2025, 3, 7))
    ]


# --- the cases -----------------------------------------------------------------------------------

# fmt: off
CASES = [
    # whole file refused
    Case("empty_file", "partners", "empty.csv", corpus("partners/empty.csv"),
         Fails("the file is empty; expected a header row")),
    Case("missing_required_column", "partners", "missing_required_column.csv",
         corpus("partners/missing_required_column.csv"),
         Fails("line 1: missing required column(s) partner_type")),
    Case("unknown_extra_column", "partners", "unknown_extra_column.csv",
         corpus("partners/unknown_extra_column.csv"),
         Fails("line 1: unknown column(s) colour (not in the contract)"),
         "a CSV header is the file's schema: an unknown column is refused as a whole, so a "
         "renamed or new column is noticed instead of silently dropped"),
    Case("repeated_column", "partners", "repeated_column.csv",
         b"partner_id,partner_name,partner_type,partner_id,document_id\nmalta,Malta,country,m,d\n",
         Fails("line 1: repeated column(s) partner_id")),
    Case("semicolon_delimiter", "partners", "semicolon_delimiter.csv",
         corpus("partners/semicolon_delimiter.csv"),
         Fails("line 1: the header is one column split by ';': the delimiter looks wrong: this "
               "extract is comma-separated")),
    Case("png_bytes", "partners", "png_bytes.csv", corpus("partners/png_bytes.csv"),
         Fails("not CSV text: the file looks like a PNG image")),
    Case("png_bytes_ndjson", "events", "png_bytes.ndjson", corpus("partners/png_bytes.csv"),
         Fails("not NDJSON text: the file looks like a PNG image")),
    Case("utf16_csv", "partners", "utf16.csv", PARTNERS_HEADER.decode().encode("utf-16"),
         Fails("not CSV text: the file looks like UTF-16 text (the extract must be UTF-8)")),
    Case("json_array_one_line", "events", "json_array_one_line.ndjson",
         corpus("events/json_array_one_line.ndjson"),
         Fails("line 1: the file is one JSON array (it starts with '['): expected "
               "newline-delimited JSON, one object per line")),
    Case("json_array_object_per_line", "events", "json_array_one_per_line.ndjson",
         corpus("events/json_array_one_per_line.ndjson"),
         Fails("line 1: the file is one JSON array (it starts with '['): expected "
               "newline-delimited JSON, one object per line"),
         "its inner lines parse as objects: without the whole-file check half of it would load"),
    Case("json_array_pretty", "events", "json_array_pretty.ndjson",
         corpus("events/json_array_pretty.ndjson"),
         Fails("line 1: the file is one JSON array (it starts with '['): expected "
               "newline-delimited JSON, one object per line")),
    Case("cr_only_line_ends", "partners", "cr_only.csv", corpus("partners/cr_only.csv"),
         Fails(f"line 1: {CR_ONLY}"),
         "issue 29: it raised an unhandled _csv.Error naming no file, and wrote no ledger row"),
    Case("cr_only_line_ends_ndjson", "events", "cr_only.ndjson",
         (event("ev-x-1") + event("ev-x-2")).replace(b"\n", b"\r"), Fails(f"line 1: {CR_ONLY}"),
         "read as one line, it loaded two records the line count did not match"),
    Case("ndjson_empty", "events", "empty.ndjson", b"",
         Fails("the file is empty; expected one JSON object per line")),
    Case("ndjson_of_csv_text", "events", "csv_text.ndjson", PARTNERS_HEADER,
         Fails("no line is a JSON object: expected newline-delimited JSON records")),
    # bad rows quarantined, good rows of the same file loaded
    Case("wrong_integer", "source_documents", "wrong_integer.csv",
         corpus("source_documents/wrong_integer.csv"),
         Quarantines(((2, "information_accuracy", "not an integer"),
                      (3, "information_accuracy", "not an integer")), loaded=1),
         "one reason per value: 'one' is not also reported as outside 1-4"),
    Case("wrong_boolean", "threats", "wrong_boolean.csv", corpus("threats/wrong_boolean.csv"),
         Quarantines(((2, "is_europol_crime_area", "not true or false"),), loaded=1)),
    Case("impossible_date", "partners", "impossible_date.csv",
         corpus("partners/impossible_date.csv"),
         Quarantines(((3, "founded_on", "not a calendar date"),
                      (4, "founded_on", "not a calendar date")), loaded=1)),
    Case("foreign_date_format", "partners", "foreign_date.csv", corpus("partners/foreign_date.csv"),
         Quarantines(((2, "founded_on", "not a date in YYYY-MM-DD form"),
                      (3, "founded_on", "not a date in YYYY-MM-DD form")), loaded=1,
                     check=check_dates),
         "07/03/2025 is 7 March or 3 July: never guessed"),
    Case("duplicate_key_in_file", "partners", "duplicate_key_in_file.csv",
         corpus("partners/duplicate_key_in_file.csv"),
         Quarantines(((4, "partner_id", "duplicate key: first seen at line 2"),), loaded=2)),
    Case("missing_required_value", "partners", "missing_required_value.csv",
         corpus("partners/missing_required_value.csv"),
         Quarantines(((2, "partner_id", "required value is missing"),), loaded=1)),
    Case("ragged_rows", "partners", "ragged_row.csv", corpus("partners/ragged_row.csv"),
         Quarantines(((3, None, "too few fields: expected 9, found 3"),
                      (4, None, "too many fields: expected 9, found 10 (an unquoted comma?)")),
                     loaded=1)),
    Case("unterminated_quote", "partners", "unterminated_quote.csv",
         PARTNERS_HEADER + b"malta,Malta,country,,,,Valletta,doc-1,\n"
         b'peru,Peru,country,,,,Lima,doc-1,"open quote\nchile,Chile,country,,,,Santiago,doc-1,\n',
         Quarantines(((3, None, BAD_QUOTE),), loaded=2),
         "the quote never closes: line 3 alone is rejected and reading resumes at line 4 (it "
         "once swallowed line 4 into the record of line 3, silently)"),
    Case("unclosed_quote_mid_file", "memberships", "unclosed_quote.csv",
         corpus("memberships/unclosed_quote.csv"),
         Quarantines(((5, None, BAD_QUOTE),), loaded=6, check=check_after_the_quote),
         "issue 16: a stray quote before the last field of line 5 made one record of lines 5 to "
         "the end; the mart went from 52 rows to 3 with exit 0"),
    Case("unclosed_quote_closed_lines_later", "memberships", "unclosed_quote_closed_later.csv",
         corpus("memberships/unclosed_quote_closed_later.csv"),
         Quarantines(((5, None, BAD_QUOTE),), loaded=6, check=check_after_the_quote),
         "the stray quote pairs with the first quote of line 7: DuckDB reports other errors at "
         "line 5, whose record runs over lines 5-7; the same re-synchronisation applies"),
    Case("latin1_bytes", "partners", "latin1.csv", latin1_row(),
         Quarantines(((3, "note", NOT_UTF8), (3, "partner_name", NOT_UTF8)),
                     loaded=2)),
    Case("latin1_bytes_ndjson", "events", "latin1.ndjson",
         event("ev-x-1") + event("ev-x-2", Signing="Señal".encode("latin-1")),
         Quarantines(((2, None, NOT_UTF8),), loaded=1)),
    Case("nul_bytes_csv", "partners", "nul.csv", nul_in_csv_row(),
         Quarantines(((3, "partner_name", "contains a NUL byte"),), loaded=2)),
    Case("nul_bytes_ndjson", "events", "nul.ndjson",
         event("ev-x-1") + event("ev-x-2", Signing=b"Sign\x00ing") + event("ev-x-3"),
         Quarantines(((2, None, "holds a NUL byte: not valid JSON text"),), loaded=2)),
    Case("nul_escape_ndjson", "events", "nul_escape.ndjson",
         event("ev-x-1", Signing=b"Sign\\u0000ing") + event("ev-x-2"),
         Quarantines(((1, "event_name", "contains a NUL byte"),), loaded=1),
         "valid JSON (an escaped U+0000) but a NUL in a text column breaks tools downstream"),
    Case("handling_code_outside_h0_h3", "source_documents", "handling_code_outside.csv",
         corpus("source_documents/handling_code_outside.csv"),
         Quarantines(((2, "handling_code", "not one of the allowed values: H0, H1, H2, H3"),
                      (3, "handling_code", "not one of the allowed values: H0, H1, H2, H3")),
                     loaded=1),
         "codes are case-sensitive: h1 is refused, not folded to H1"),
    Case("grade_outside_4x4", "source_documents", "grade_outside.csv",
         corpus("source_documents/grade_outside.csv"),
         Quarantines(((2, "source_reliability", "not one of the allowed values: A, B, C, X"),
                      (3, "information_accuracy", "not one of the allowed values: 1, 2, 3, 4"),
                      (5, "information_accuracy", "not one of the allowed values: 1, 2, 3, 4")),
                     loaded=1)),
    Case("membership_ends_before_it_starts", "memberships", "valid_to_before_valid_from.csv",
         corpus("memberships/valid_to_before_valid_from.csv"),
         Quarantines(((2, "valid_to", "valid_to is before valid_from"),), loaded=1),
         "a one-day spell (valid_to = valid_from) is fine"),
    Case("event_ends_before_it_starts", "events", "ended_before_started.ndjson",
         corpus("events/ended_before_started.ndjson"),
         Quarantines(((1, "ended_on", "ended_on is before started_on"),), loaded=1)),
    Case("in_force_before_signed_needs_a_basis", "agreements", "in_force_before_signed.ndjson",
         corpus("agreements/in_force_before_signed.ndjson"),
         Quarantines(((2, "in_force_basis", IN_FORCE_EARLY), (3, "in_force_basis", IN_FORCE_EARLY)),
                     loaded=1),
         "an entry into force before a ceremonial signing is a fact: kept when the basis says so"),
    Case("precision_needs_a_date", "agreements", "precision_without_a_date.ndjson",
         corpus("agreements/precision_without_a_date.ndjson"),
         Quarantines(((2, "date_precision", PRECISION_NO_DATE),
                      (3, "date_precision", PRECISION_NO_DATE),
                      (3, "in_force_precision", IN_FORCE_PRECISION_NO_DATE),
                      (4, "in_force_precision", IN_FORCE_PRECISION_NO_DATE)), loaded=2),
         "a precision states how exact a date is: without one it claims what no source gave; "
         "a Commission recommendation's date is a date like any other"),
    Case("inferred_event_needs_its_own_accuracy", "events", "inferred_without_own_accuracy.ndjson",
         corpus("events/inferred_without_own_accuracy.ndjson"),
         Quarantines(((2, "information_accuracy", INFERRED_ACCURACY),
                      (3, "information_accuracy", INFERRED_ACCURACY)), loaded=1)),
    Case("ndjson_truncated_last_line", "events", "truncated_last_line.ndjson",
         corpus("events/truncated_last_line.ndjson"),
         Quarantines(((3, None, MALFORMED_JSON),), loaded=2)),
    Case("ndjson_invalid_json_in_middle", "events", "invalid_json_in_middle.ndjson",
         corpus("events/invalid_json_in_middle.ndjson"),
         Quarantines(((2, None, MALFORMED_JSON),), loaded=2)),
    Case("ndjson_line_not_an_object", "events", "not_an_object.ndjson",
         event("ev-x-1") + b'"just a string"\n' + event("ev-x-2"),
         Quarantines(((2, None, "not a JSON object: got JSON varchar"),), loaded=2)),
    Case("json_parties_as_string", "agreements", "parties_as_string.ndjson",
         corpus("agreements/parties_as_string.ndjson"),
         Quarantines(((1, "parties", "expected a JSON array, got JSON varchar"),), loaded=1)),
    Case("json_participant_not_object", "events", "participant_not_object.ndjson",
         corpus("events/participant_not_object.ndjson"),
         Quarantines(((1, "participants[0]", "expected a JSON object, got JSON varchar"),),
                     loaded=1, check=check_children_of_loaded_rows)),
    Case("json_participant_null", "events", "participant_null.ndjson",
         event("ev-p-1", **{'"participants": [{': b'"participants": [null, {'}) + event("ev-p-2"),
         Quarantines(((1, "participants[0]", "expected a JSON object, got JSON null"),),
                     loaded=1, check=check_children_of_loaded_rows),
         "it once failed the whole run with a NOT NULL error on the reason"),
    Case("json_threat_id_number", "events", "threat_id_number.ndjson",
         corpus("events/threat_id_number.ndjson"),
         Quarantines(((1, "threat_ids[1]", "expected a string, got JSON ubigint"),), loaded=1)),
    Case("json_scalar_wrong_type", "events", "wrong_scalar_types.ndjson",
         corpus("events/wrong_scalar_types.ndjson"),
         Quarantines(((1, "event_name", "expected a string, got JSON ubigint"),), loaded=1)),
    Case("json_boolean_as_string", "agreements", "wrong_boolean_type.ndjson",
         corpus("agreements/wrong_boolean_type.ndjson"),
         Quarantines(((1, "allows_personal_data", "expected true or false, got JSON varchar"),),
                     loaded=1)),
    Case("json_unknown_field", "events", "unknown_field.ndjson",
         corpus("events/unknown_field.ndjson"),
         Quarantines(((1, "colour", "unknown field: not in the contract"),), loaded=1),
         "in NDJSON the fields are per record, so an unknown one rejects that record only"),
    Case("identifier_of_a_million_characters", "partners", "long_identifier.csv",
         PARTNERS_HEADER + b"malta,Malta,country,,,,Valletta,doc-1,\n"
         + b"m" * 1_000_000 + b",Long,country,,,,,doc-1,\n"
         + b"peru,Peru,country,,Malta Rep.,,Lima,doc-1,\n",
         Quarantines(((3, "partner_id", f"longer than {IDENTIFIER_MAX_LENGTH} characters"),
                      (4, "parent_partner_id", NOT_AN_IDENTIFIER)), loaded=1),
         "issue 29: a key of a million characters loaded, then broke the atlas after "
         "publication (a file name too long)"),
    Case("json_identifier_in_an_array", "events", "identifier_in_array.ndjson",
         event("ev-x-1", **{'["cybercrime"]': b'["Cyber crime"]'}) + event("ev-x-2"),
         Quarantines(((1, "threat_ids[0].threat_id", NOT_AN_IDENTIFIER),), loaded=1)),
    Case("json_field_named_twice", "events", "field_named_twice.ndjson",
         corpus("events/field_named_twice.ndjson"),
         Quarantines(((2, "event_id", TWICE),), loaded=2),
         "issue 29: {\"event_id\": \"a\", …, \"event_id\": \"b\"} loaded as a, silently"),
    Case("crlf_with_bad_row", "partners", "crlf.csv", corpus("partners/crlf.csv"),
         Quarantines(((4, "partner_type", ALLOWED_PARTNER_TYPES),), loaded=2, check=check_crlf)),
    Case("mixed_line_ends", "partners", "mixed_line_ends.csv",
         corpus("partners/mixed_line_ends.csv"),
         Quarantines(((4, "partner_type", ALLOWED_PARTNER_TYPES),), loaded=3,
                     check=check_mixed_line_ends),
         "issue 29: one CRLF line in an LF file refused the whole file with DuckDB's 19-line "
         "message and no line number; the contract allows both line ends, mixed too"),
    Case("quoted_delimiters_and_newlines", "partners", "quoted_delimiters_newlines.csv",
         corpus("partners/quoted_delimiters_newlines.csv"),
         Quarantines(((6, "partner_type", ALLOWED_PARTNER_TYPES),), loaded=2,
                     check=check_quoted),
         "line numbers are physical lines: the rows after a multi-line field keep theirs"),
    Case("blank_lines_between_rows", "partners", "blank_lines.csv",
         PARTNERS_HEADER + b"malta,Malta,country,,,,Valletta,doc-1,\n\n\n"
         b"peru,Peru,bogus_type,,,,Lima,doc-1,\n",
         Quarantines(((5, "partner_type", ALLOWED_PARTNER_TYPES),), loaded=1)),
    Case("sql_looking_json_key", "events", "sql_looking_values.ndjson",
         corpus("events/sql_looking_values.ndjson"),
         Quarantines(((1, "event_id", NOT_AN_IDENTIFIER),
                      (2, 'x"); drop table raw_curated.events; --',
                       "unknown field: not in the contract")), loaded=0, check=check_sql_json),
         "an unknown field name is data too: it is reported verbatim, never spliced into SQL; "
         "an id holding SQL is no identifier, and is kept byte for byte in the quarantine"),
    # loads correctly
    Case("header_only", "partners", "header_only.csv", corpus("partners/header_only.csv"),
         Loads(0)),
    Case("blank_lines_only_ndjson", "events", "blank.ndjson", b"\n\n", Loads(0)),
    Case("reordered_columns", "partners", "reordered_columns.csv",
         corpus("partners/reordered_columns.csv"), Loads(2, check_reordered)),
    Case("utf8_bom", "partners", "utf8_bom.csv", corpus("partners/utf8_bom.csv"),
         Loads(1, check_bom)),
    Case("utf8_bom_ndjson", "events", "bom.ndjson", b"\xef\xbb\xbf" + event("ev-x-1"), Loads(1)),
    Case("crlf_ndjson", "events", "crlf.ndjson",
         (event("ev-x-1") + event("ev-x-2")).replace(b"\n", b"\r\n"), Loads(2)),
    Case("mixed_line_ends_ndjson", "events", "mixed_line_ends.ndjson",
         event("ev-x-1").replace(b"\n", b"\r\n") + event("ev-x-2"), Loads(2)),
    Case("one_mb_field_csv", "partners", "one_mb_field.csv", one_mb_csv_field(),
         Loads(2, check_one_mb)),
    Case("one_mb_field_ndjson", "events", "one_mb_field.ndjson",
         event("ev-x-1", **{'"note": null': f'"note": "{BIG_VALUE}"'.encode()}),
         Loads(1, check_one_mb_json)),
    Case("sql_looking_values", "partners", "sql_looking_values.csv",
         corpus("partners/sql_looking_values.csv"), Loads(1, check_sql_csv),
         "values are parameters or file content, never SQL text: stored byte for byte"),
    Case("orphan_foreign_key", "partners", "orphan_foreign_key.csv",
         corpus("partners/orphan_foreign_key.csv"), Loads(1),
         "the loader checks each file against its own contract only; a parent or document that "
         "exists nowhere is caught by the dbt relationships tests on the marts"),
    Case("structural_rejects_after_a_multi_line_value", "partners", "after_multi_line.csv",
         PARTNERS_HEADER + b'malta,"Malta\nRep",country,,,,Valletta,doc-1,\n\n'
         b'peru,Peru,country,,,,Lima,doc-1,"open\nchile,Chile,country,,,,Santiago,doc-1,x\n'
         b'brazil,Brazil,country,,,,,doc-1,"a ""q"" b"\nx,y,z\n',
         Quarantines(((5, None, BAD_QUOTE), (8, None, "too few fields: expected 9, found 3")),
                     loaded=3, check=check_lines_after_multi_line),
         "DuckDB numbers a record holding a newline as one line: each reject's line is the "
         "physical one, found from the byte where DuckDB says the record starts"),
    Case("truncated_mid_line_without_manifest", "partners", "truncated_mid_line.csv",
         corpus("partners/truncated_mid_line.csv"), Loads(2),
         "a hand-edited file often lacks its last newline: it loads, with a warning naming the "
         "file (test_truncation.py); with a manifest the cut is refused"),
    Case("file_name_with_spaces_and_non_ascii", "partners", "Ünïcode partners – liste d'été.csv",
         PARTNERS_HEADER + b"malta,Malta,country,,,,Valletta,doc-1,\n", Loads(1),
         "recorded under its exact relative path (asserted for every case)"),
]
# fmt: on


def land(tmp_path: Path, entity: str, files: dict[str, bytes]) -> tuple[Path, Path]:
    """A landing zone holding the good sibling file and ``files``; returns (raw dir, folder)."""
    folder = tmp_path / "raw" / "curated" / entity
    folder.mkdir(parents=True, exist_ok=True)
    good = f"good/{entity}{extension(entity)}"
    (folder / f"00_good{extension(entity)}").write_bytes(corpus(good))
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return tmp_path / "raw", folder


def by_file(result: ExtractResult) -> dict[str, FileResult]:
    return {f.source_file: f for f in result.files}


def file_rows(con: duckdb.DuckDBPyConnection, contract: Contract, table: str, source: str) -> int:
    return rows(
        con,
        f'select count(*) from "{contract.schema}"."{table}" where _source_file = ?',
        [source],
    )[0][0]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    contract = contract_for("curated", case.entity)
    raw_dir, _ = land(tmp_path, case.entity, {case.name: case.content})
    relative = f"curated/{case.entity}/{case.name}"
    good = f"curated/{case.entity}/00_good{extension(case.entity)}"
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        files = by_file(load_extract(con, raw_dir, contract, run_id="test"))
        assert set(files) == {good, relative}
        # the good sibling always loads in full, whatever happens to the bad file
        assert (files[good].outcome, files[good].rows_loaded) == ("loaded", GOOD_ROWS[case.entity])
        result = files[relative]
        expect = case.expect
        if isinstance(expect, Fails):
            assert result.outcome == "failed"
            assert result.message == f"{relative}: {expect.problem}"
            assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (0, 0, 0)
            for table in (*contract.tables, f"{case.entity}__rejects"):
                assert file_rows(con, contract, table, relative) == 0, table
            ledger = rows(
                con,
                "select outcome, message from _meta.load_ledger where source_file = ?",
                [relative],
            )
            assert ledger == [("failed", result.message)]
        else:
            assert result.outcome == "loaded"
            expected_rejects = expect.rejects if isinstance(expect, Quarantines) else ()
            got = rows(
                con,
                f'select _source_line, column_name, reason from "{contract.schema}".'
                f'"{case.entity}__rejects" where _source_file = ? order by all',
                [relative],
            )
            assert got == sorted(expected_rejects, key=lambda r: (r[0], r[1] or "", r[2]))
            loaded = expect.loaded if isinstance(expect, Quarantines) else expect.rows
            rejected_lines = {line for line, _, _ in expected_rejects}
            assert result.rows_loaded == loaded
            assert result.rows_rejected == len(rejected_lines)
            assert result.rows_read == loaded + len(rejected_lines)
            assert file_rows(con, contract, case.entity, relative) == loaded
            # no row of a rejected record reaches the raw table or a child table
            for table in contract.tables:
                lines = rows(
                    con,
                    f'select distinct _source_line from "{contract.schema}"."{table}" '
                    "where _source_file = ?",
                    [relative],
                )
                assert not {line for (line,) in lines} & rejected_lines, table
            if expect.check:
                expect.check(con, relative)
        assert reconcile_ledger(con, contract) == []
    finally:
        con.close()


def test_at_least_28_kinds_of_bad_input() -> None:
    assert len(CASES) >= 28
    assert len({c.id for c in CASES}) == len(CASES)


# --- cases across files and runs -----------------------------------------------------------------


def load(tmp_path: Path, entity: str) -> tuple[duckdb.DuckDBPyConnection, dict[str, FileResult]]:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    result = load_extract(con, tmp_path / "raw", contract_for("curated", entity), run_id="test")
    return con, by_file(result)


def counts(con: duckdb.DuckDBPyConnection, entity: str) -> tuple[int, int]:
    """(data rows, ledger rows)."""
    data = rows(con, f"select count(*) from raw_curated.{entity}")[0][0]
    return data, rows(con, "select count(*) from _meta.load_ledger")[0][0]


def test_duplicate_key_across_two_files(tmp_path: Path) -> None:
    files = {
        "a.csv": corpus("memberships/duplicate_key_across_files_a.csv"),
        "b.csv": corpus("memberships/duplicate_key_across_files_b.csv"),
    }
    land(tmp_path, "memberships", files)
    con, result = load(tmp_path, "memberships")
    b = result["curated/memberships/b.csv"]
    assert (b.outcome, b.rows_read, b.rows_loaded, b.rows_rejected) == ("loaded", 2, 1, 1)
    assert rows(
        con,
        "select _source_file, _source_line, column_name, raw_value, reason "
        "from raw_curated.memberships__rejects",
    ) == [
        (
            "curated/memberships/b.csv",
            3,
            "organisation_partner_id, member_partner_id, valid_from",
            "clasi, peru, 2022-03-02",
            "duplicate key: already loaded from curated/memberships/a.csv",
        )
    ]
    assert reconcile_ledger(con, contract_for("curated", "memberships")) == []


def test_relanding_an_identical_file_is_a_no_op(tmp_path: Path) -> None:
    land(tmp_path, "partners", {"p.csv": corpus("partners/crlf.csv")})
    con, _ = load(tmp_path, "partners")
    before = counts(con, "partners")
    rejects_before = rows(con, "select count(*) from raw_curated.partners__rejects")
    con.close()
    # landed again: same bytes, even with a fresh modification time
    land(tmp_path, "partners", {"p.csv": corpus("partners/crlf.csv")})
    con, result = load(tmp_path, "partners")
    assert {f.outcome for f in result.values()} == {"unchanged"}
    assert counts(con, "partners") == before
    assert rows(con, "select count(*) from raw_curated.partners__rejects") == rejects_before


def test_a_file_with_the_size_and_time_the_ledger_saw_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, folder = land(tmp_path, "events", {"b.ndjson": event("ev-1")})
    con, _ = load(tmp_path, "events")
    con.close()
    hashed: list[str] = []
    real_digest = file_loading.file_digest
    monkeypatch.setattr(
        file_loading, "file_digest", lambda p: hashed.append(p.name) or real_digest(p)
    )

    def run() -> dict[str, FileResult]:
        hashed.clear()
        con, result = load(tmp_path, "events")
        con.close()
        return result

    result = run()
    assert hashed == []
    assert result["curated/events/b.ndjson"].outcome == "unchanged"
    assert "not read again" in result["curated/events/b.ndjson"].message
    # touched: the same content is hashed once, then its new time is remembered
    path = folder / "b.ndjson"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert run()["curated/events/b.ndjson"].outcome == "unchanged"
    assert hashed == ["b.ndjson"]
    run()
    assert hashed == []
    # rewritten with the same size: the new time makes it read
    path.write_bytes(event("ev-2"))
    assert run()["curated/events/b.ndjson"].outcome == "loaded"
    assert hashed == ["b.ndjson"]
    con, _ = load(tmp_path, "events")
    query = "select event_id from raw_curated.events where _source_file = 'curated/events/b.ndjson'"
    assert rows(con, query) == [("ev-2",)]


def test_a_ledger_from_before_modification_times_gains_the_column(tmp_path: Path) -> None:
    land(tmp_path, "partners", {})
    con, _ = load(tmp_path, "partners")
    con.execute("alter table _meta.load_ledger drop column file_mtime_ns")
    con.close()
    con, result = load(tmp_path, "partners")  # hashed (no time known), unchanged, time recorded
    assert result["curated/partners/00_good.csv"].message == "same SHA-256 as loaded"
    con.close()
    con, result = load(tmp_path, "partners")
    assert "not read again" in result["curated/partners/00_good.csv"].message
    assert rows(con, "select count(*) from _meta.load_ledger where file_mtime_ns is null") == [(0,)]


def test_a_changed_file_replaces_exactly_its_own_rows(tmp_path: Path) -> None:
    _, folder = land(tmp_path, "events", {"b.ndjson": event("ev-1") + event("ev-2")})
    con, _ = load(tmp_path, "events")
    con.close()
    (folder / "b.ndjson").write_bytes(event("ev-2", Signing=b"Renamed") + event("ev-3"))
    con, result = load(tmp_path, "events")
    assert result["curated/events/00_good.ndjson"].outcome == "unchanged"
    assert result["curated/events/b.ndjson"].outcome == "loaded"
    got = rows(con, "select _source_file, event_id, event_name from raw_curated.events order by 2")
    assert got == [
        ("curated/events/b.ndjson", "ev-2", "Renamed"),
        ("curated/events/b.ndjson", "ev-3", "Signing"),
        ("curated/events/00_good.ndjson", "ev-good-1", "Signing"),
        ("curated/events/00_good.ndjson", "ev-good-2", "Signing"),
    ]
    children = rows(con, "select event_id from raw_curated.event_participants order by 1")
    assert children == [("ev-2",), ("ev-3",), ("ev-good-1",), ("ev-good-2",)]
    assert reconcile_ledger(con, contract_for("curated", "events")) == []


def test_a_file_changed_into_an_unreadable_one_loses_its_old_rows(tmp_path: Path) -> None:
    _, folder = land(tmp_path, "partners", {"p.csv": corpus("partners/reordered_columns.csv")})
    con, _ = load(tmp_path, "partners")
    con.close()
    (folder / "p.csv").write_bytes(corpus("partners/semicolon_delimiter.csv"))
    con, result = load(tmp_path, "partners")
    failed = result["curated/partners/p.csv"]
    assert failed.outcome == "failed"
    assert failed.message.endswith("; the 2 row(s) of its previous version were removed")
    contract = contract_for("curated", "partners")
    assert file_rows(con, contract, "partners", "curated/partners/p.csv") == 0
    con.close()
    # still broken on the next run: reported again, recorded once
    con, result = load(tmp_path, "partners")
    assert result["curated/partners/p.csv"].outcome == "failed"
    assert rows(con, "select count(*) from _meta.load_ledger where outcome = 'failed'") == [(1,)]


def test_a_deleted_snapshot_file_removes_its_rows(tmp_path: Path) -> None:
    _, folder = land(tmp_path, "partners", {"p.csv": corpus("partners/reordered_columns.csv")})
    con, _ = load(tmp_path, "partners")
    con.close()
    (folder / "p.csv").unlink()
    con, result = load(tmp_path, "partners")
    assert result["curated/partners/p.csv"].outcome == "removed"
    assert counts(con, "partners")[0] == GOOD_ROWS["partners"]
    assert reconcile_ledger(con, contract_for("curated", "partners")) == []


def test_a_deleted_increment_file_keeps_its_rows(tmp_path: Path) -> None:
    _, folder = land(tmp_path, "events", {"b.ndjson": event("ev-1")})
    con, _ = load(tmp_path, "events")
    con.close()
    (folder / "b.ndjson").unlink()
    con, result = load(tmp_path, "events")
    assert result["curated/events/b.ndjson"].outcome == "retained"
    assert counts(con, "events")[0] == GOOD_ROWS["events"] + 1
    assert rows(con, "select count(*) from raw_curated.event_participants") == [(3,)]


def test_a_symlink_leading_outside_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside" / "secret.csv"
    outside.parent.mkdir()
    outside.write_bytes(PARTNERS_HEADER + b"secret,Secret,country,,,,,doc-1,\n")
    _, folder = land(tmp_path, "partners", {})
    (folder / "link.csv").symlink_to(outside)
    opened: list[Path] = []
    real_digest, real_stage = file_loading.file_digest, file_loading.stage_csv
    monkeypatch.setattr(file_loading, "file_digest", lambda p: opened.append(p) or real_digest(p))
    monkeypatch.setattr(
        file_loading, "stage_csv", lambda con, p, *a: opened.append(p) or real_stage(con, p, *a)
    )
    con, result = load(tmp_path, "partners")
    link = result["curated/partners/link.csv"]
    assert link.outcome == "failed"
    assert link.message == (
        f"refused: curated/partners/link.csv leads outside the landing zone (to {outside})"
    )
    assert all(p.name != "link.csv" for p in opened)  # neither hashed nor parsed
    assert rows(con, "select count(*) from raw_curated.partners where partner_id = 'secret'") == [
        (0,)
    ]
    ledger = rows(
        con,
        "select file_sha256, outcome from _meta.load_ledger where source_file = ?",
        ["curated/partners/link.csv"],
    )
    assert ledger == [(None, "failed")]  # no SHA-256: the target was never read
    assert result["curated/partners/00_good.csv"].rows_loaded == GOOD_ROWS["partners"]


def test_a_symlinked_directory_leading_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "more.csv").write_bytes(PARTNERS_HEADER + b"secret,Secret,country,,,,,doc-1,\n")
    _, folder = land(tmp_path, "partners", {})
    (folder / "more").symlink_to(outside, target_is_directory=True)
    con, result = load(tmp_path, "partners")
    assert set(result) == {"curated/partners/00_good.csv", "curated/partners/more"}
    refused = result["curated/partners/more"]
    assert refused.outcome == "failed"
    assert refused.message == "refused: curated/partners/more leads outside the landing zone"
    assert rows(con, "select count(*) from raw_curated.partners where partner_id = 'secret'") == [
        (0,)
    ]


# --- the NDJSON fast path ------------------------------------------------------------------------

NDJSON_CASES = [c for c in CASES if extension(c.entity) == ".ndjson"]
# every line a JSON object of contract fields only: the fast path takes these, bad types and all
FAST_PATH_CASES = {
    "event_ends_before_it_starts", "in_force_before_signed_needs_a_basis", "precision_needs_a_date",
    "inferred_event_needs_its_own_accuracy", "json_parties_as_string",
    "json_participant_not_object",
    "json_participant_null",
    "json_threat_id_number", "json_scalar_wrong_type", "json_boolean_as_string",
    "nul_escape_ndjson", "utf8_bom_ndjson", "crlf_ndjson", "one_mb_field_ndjson",
    "json_identifier_in_an_array",
}  # fmt: skip
# a few odd lines (malformed, not objects, unknown fields): those alone go line by line
SPLIT_CASES = {
    "nul_bytes_ndjson", "ndjson_truncated_last_line", "ndjson_invalid_json_in_middle",
    "ndjson_line_not_an_object", "json_unknown_field", "sql_looking_json_key",
    "json_field_named_twice",
}  # fmt: skip


def loaded_tables(tmp_path: Path, case: Case, fast_path: bool, monkeypatch) -> tuple[dict, set]:
    """Every row the loader wrote for a case (load time left out), and the files it took the
    fast path for."""
    contract = contract_for("curated", case.entity)
    raw_dir, _ = land(tmp_path / ("fast" if fast_path else "slow"), case.entity,
                      {case.name: case.content})  # fmt: skip
    taken: set[str] = set()
    plan = ndjson_staging._lines_needing_the_slow_path

    def spy(con, path, fields):
        found = plan(con, path, fields) if fast_path else None
        if found is not None:
            _lines, odd = found
            taken.add(path.name if not odd else f"{path.name} (split)")
        return found

    monkeypatch.setattr(ndjson_staging, "_lines_needing_the_slow_path", spy)
    con = duckdb.connect()
    try:
        load_extract(con, raw_dir, contract, run_id="test", loaded_at=dt.datetime(2026, 1, 1))
        tables = {
            table: rows(con, f'select * exclude (_loaded_at) from "{contract.schema}"."{table}" '
                             "order by all")
            for table in (*contract.tables, f"{case.entity}__rejects")
        }  # fmt: skip
    finally:
        con.close()
    return tables, taken


@pytest.mark.parametrize("case", NDJSON_CASES, ids=[c.id for c in NDJSON_CASES])
def test_the_ndjson_fast_path_loads_exactly_what_the_line_by_line_path_loads(
    case: Case, tmp_path: Path, monkeypatch
) -> None:
    fast, taken = loaded_tables(tmp_path, case, True, monkeypatch)
    slow, never = loaded_tables(tmp_path, case, False, monkeypatch)
    assert never == set()
    assert fast == slow
    assert "00_good.ndjson" in taken
    path = "fast" if case.name in taken else "split" if f"{case.name} (split)" in taken else "slow"
    assert path == ("fast" if case.id in FAST_PATH_CASES else
                    "split" if case.id in SPLIT_CASES else "slow")  # fmt: skip


def test_fast_path_cases_exist() -> None:
    assert {c.id for c in NDJSON_CASES} >= FAST_PATH_CASES | SPLIT_CASES


# arrays around the edge of plain_array_pattern: each line's arrays either match it (and are
# converted in one go) or take the element-by-element checks; both must load the same
PART = '[{"partner_id": "europol", "participant_role": "signatory"}]'
ARRAY_EDGES = [
    ("[]", "[]"),
    (
        '[{"partner_id": null, "participant_role": "host"}, {"partner_id": "a", '
        '"participant_role": null}]',
        '["x", "y"]',
    ),
    ('[{"participant_role": "host", "partner_id": "a"}]', '["a\\"b"]'),  # other order; escape
    ('[{"partner_id": "a\\u00e9", "participant_role": "host"}]', '["\\u00e9", "b"]'),
    ('[{"partner_id": "a"}]', "[null]"),  # a field missing; a null element
    ('[{"partner_id": "a", "participant_role": "host", "extra": 1}]', '[1, "a"]'),
    ('[{"partner_id": 7, "participant_role": "host"}, null]', '[["a"]]'),
    ('[{"partner_id": "a", "participant_role": "host"}, "b"]', '["", " "]'),
    ('[{"partner_id": "", "participant_role": " host"}]', '["a,b", "]"]'),
    ('[{"partner_id": {"x": "y"}, "participant_role": "host"}]', '"cybercrime"'),
    ("null", "null"),
]
EDGE_FILE = b"".join(
    event(f"ev-e-{n}", **{PART: parts.encode(), '["cybercrime"]': threats.encode()})
    for n, (parts, threats) in enumerate(ARRAY_EDGES)
)


@pytest.mark.parametrize(
    "case",
    [*NDJSON_CASES, Case("array_edges", "events", "array_edges.ndjson", EDGE_FILE, Loads(0))],
    ids=[*(c.id for c in NDJSON_CASES), "array_edges"],
)
def test_plain_arrays_load_as_the_element_checks_load_them(
    case: Case, tmp_path: Path, monkeypatch
) -> None:
    plain, _ = loaded_tables(tmp_path / "plain", case, True, monkeypatch)
    monkeypatch.setattr(json_values, "plain_array_pattern", lambda child: None)
    checked, _ = loaded_tables(tmp_path / "checked", case, True, monkeypatch)
    assert plain == checked


def test_the_array_edges_take_both_ways() -> None:
    """Some arrays of the edge file match the pattern and some do not, so the test above
    compares both ways (DuckDB gives the arrays minified, as json.dumps does here)."""
    contract = contract_for("curated", "events")
    for child, position in ((contract.children[0], 0), (contract.children[1], 1)):
        pattern = re.compile(json_values.plain_array_pattern(child))
        minified = [
            json.dumps(json.loads(pair[position]), separators=(",", ":"), ensure_ascii=False)
            for pair in ARRAY_EDGES
        ]
        matched = [bool(pattern.fullmatch(text)) for text in minified]
        assert 2 <= sum(matched) < len(matched) - 2, minified
