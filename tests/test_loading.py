"""Unit tests of the loading package's modules one by one (whole files: test_bad_inputs)."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

import duckdb
import pytest

from orchestration.landing.contracts import EVENTS, MEMBERSHIPS, PARTNERS
from orchestration.landing.loading.audit import Counts, audit_staged, reset_spans
from orchestration.landing.loading.csv_staging import MAX_BAD_QUOTES, stage_csv
from orchestration.landing.loading.json_values import json_type_suspect, plain_array_pattern
from orchestration.landing.loading.keys import duplicate_key_queries
from orchestration.landing.loading.ledger import (
    FileResult,
    latest_ledger_row,
    reconcile_ledger,
    record_ledger,
)
from orchestration.landing.loading.load import load_file
from orchestration.landing.loading.reading import BAD_QUOTE, UnreadableFile, physical_lines
from orchestration.landing.loading.sql import insertion_order_kept, scalar, sql_list, transaction
from orchestration.landing.loading.tables import delete_file_rows, prepare_tables, table_rows
from orchestration.landing.zone import LandedFile, LineCensus, file_digest, line_census

WHEN = dt.datetime(2026, 1, 1)


def test_transaction_commits_or_rolls_back_as_a_whole() -> None:
    con = duckdb.connect()
    con.execute("create table t (x int)")
    with transaction(con):
        con.execute("insert into t values (1)")
    with pytest.raises(ZeroDivisionError), transaction(con):
        con.execute("insert into t values (2)")
        raise ZeroDivisionError
    assert con.execute("select x from t").fetchall() == [(1,)]


def test_insertion_order_setting_comes_back() -> None:
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = false")
    with insertion_order_kept(con):
        assert scalar(con, "select current_setting('preserve_insertion_order')") is True
    assert scalar(con, "select current_setting('preserve_insertion_order')") is False


def test_sql_list_quotes_each_value() -> None:
    con = duckdb.connect()
    values = ["a", "it's"]
    assert scalar(con, f"select {sql_list(values)}") == values


def test_tables_are_created_once_and_a_files_rows_deleted_alone() -> None:
    con = duckdb.connect()
    prepare_tables(con, EVENTS)
    prepare_tables(con, EVENTS)  # again: nothing changes
    assert set(table_rows(con, EVENTS)) == {*EVENTS.tables, "events__rejects"}
    con.execute(
        "insert into raw_curated.events (event_id, _source_file, _source_line, _loaded_at, "
        "_file_sha256) values ('a', 'f1', 1, now(), 's'), ('b', 'f2', 1, now(), 's')"
    )
    assert delete_file_rows(con, EVENTS, "f1") == 1
    assert con.execute("select event_id from raw_curated.events").fetchall() == [("b",)]


def test_the_ledger_reconciles_rows_and_lines_with_the_tables() -> None:
    con = duckdb.connect()
    prepare_tables(con, PARTNERS)
    result = FileResult("f.csv", "loaded", "sha", 10, 5, rows_read=2, rows_loaded=1,
                        rows_rejected=1, file_lines=3, lines_loaded=1, lines_rejected=1,
                        lines_skipped=1)  # fmt: skip
    record_ledger(con, PARTNERS, result, "run", WHEN)
    assert latest_ledger_row(con, "f.csv").sha256 == "sha"
    # the ledger says one row loaded and one rejected, the tables hold neither
    assert reconcile_ledger(con, PARTNERS) == [("f.csv", 2, 1, 1, 0, 0, 3, 1, 1, 1)]
    con.execute(
        "insert into raw_curated.partners (partner_id, _source_file, _source_line, _loaded_at, "
        "_file_sha256) values ('a', 'f.csv', 2, now(), 'sha')"
    )
    con.execute(
        "insert into raw_curated.partners__rejects values ('f.csv', 3, null, 'x', 'bad', 'sha', "
        "now(), 'run')"
    )
    assert reconcile_ledger(con, PARTNERS) == []
    # a line of the file in no record: a record that swallowed it, say
    con.execute("update _meta.load_ledger set file_lines = 4")
    assert reconcile_ledger(con, PARTNERS) == [("f.csv", 2, 1, 1, 1, 1, 4, 1, 1, 1)]


def test_duplicate_keys_against_another_file_only() -> None:
    con = duckdb.connect()
    con.execute("create table target (partner_id varchar, _source_file varchar)")
    con.execute("insert into target values ('a', 'other.csv'), ('b', 'this.csv')")
    con.execute(
        "create table staged as select * from (values (2, 'a'), (3, 'b')) "
        "v(_source_line, partner_id)"
    )
    _, across = duplicate_key_queries(("partner_id",), "select * from staged", "target", "this.csv")
    assert con.execute(across).fetchall() == [
        (2, "partner_id", "a", "duplicate key: already loaded from other.csv")
    ]


def test_audit_gives_one_reason_per_value_and_counts_lines() -> None:
    con = duckdb.connect()
    prepare_tables(con, MEMBERSHIPS)
    names = [c.name for c in MEMBERSHIPS.columns]
    con.execute(
        "create temp table _staged (_source_line bigint, "
        + ", ".join(f'"{n}" varchar' for n in names) + ")"
    )  # fmt: skip
    good = ["o", "m", "member", "2020-01-01", "exact", None, "d", None]
    bad = ["o", "m", "member", "2020-02-31", "exact", "2019-01-01", "d", None]
    con.executemany(f"insert into _staged values ({', '.join('?' * 9)})", [[2, *good], [3, *bad]])
    early = [(6, None, "x,y", "too few fields: expected 8, found 2")]
    reset_spans(con)  # the record of line 3 runs over lines 3-5, one of them blank
    con.execute("insert into _spans values (3, 3, 1)")
    counts = audit_staged(con, MEMBERSHIPS, "raw_curated.memberships", "f.csv", early)
    assert counts == Counts(rows_read=3, rows_rejected=2, lines_loaded=1, lines_rejected=4,
                            blank_lines_in_values=1)  # fmt: skip
    assert con.execute("select * from _problems order by 1").fetchall() == [
        (3, "valid_from", "2020-02-31", "not a calendar date"),
        (6, None, "x,y", "too few fields: expected 8, found 2"),
    ]


def test_plain_array_pattern_and_type_suspects() -> None:
    participants, threats = EVENTS.children
    objects = re.compile(plain_array_pattern(participants))
    assert objects.fullmatch('[{"partner_id":"a","participant_role":"host"}]')
    assert not objects.fullmatch('[{"partner_id":7,"participant_role":"host"}]')
    assert re.fullmatch(plain_array_pattern(threats), '["a","b"]')
    con = duckdb.connect()
    values = ['"x"', "null", "7", "true", "[1]"]
    suspects = {
        kind: [v for v in values if scalar(con, f"select {json_type_suspect(repr(v), kind)}")]
        for kind in ("text", "integer", "boolean")
    }
    assert suspects == {"text": ["7", "true", "[1]"], "integer": ['"x"', "true", "[1]"],
                        "boolean": ['"x"', "7", "[1]"]}  # fmt: skip
    assert json.loads('"x"') == "x"


def test_load_file_reads_a_file_once_and_then_knows_it(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"partner_id,partner_name,partner_type,document_id\nmt,Malta,country,d\n")
    landed = LandedFile(path, "curated/partners/p.csv")
    con = duckdb.connect()
    prepare_tables(con, PARTNERS)
    first = load_file(con, landed, PARTNERS, "run", WHEN)
    again = load_file(con, landed, PARTNERS, "run", WHEN)
    assert (first.outcome, first.rows_loaded, again.outcome) == ("loaded", 1, "unchanged")
    assert scalar(con, "select count(*) from _meta.load_ledger") == 1


def test_too_many_unclosed_quotes_refuse_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    header = b"partner_id,partner_name,partner_type,document_id\n"
    quoted = b"".join(b'p%d,"P,country,d\nq%d,Q,country,d\n' % (n, n) for n in range(25))
    path.write_bytes(header + quoted)
    con = duckdb.connect()
    reset_spans(con)
    with pytest.raises(UnreadableFile) as error:
        stage_csv(con, path, "p.csv", PARTNERS, line_census(path))
    assert (error.value.problem.line, error.value.problem.file) == (2, "p.csv")
    assert f"more than {MAX_BAD_QUOTES} records run over several lines" in str(error.value)
    # up to the limit, each bad line is rejected alone and the others are read
    path.write_bytes(header + b"".join(quoted.splitlines(keepends=True)[:10]))
    problems = stage_csv(con, path, "p.csv", PARTNERS, line_census(path))
    assert [(p[0], p[3]) for p in problems] == [(n, BAD_QUOTE) for n in (2, 4, 6, 8, 10)]
    assert scalar(con, "select list(partner_id order by _source_line) from _staged") == [
        f"q{n}" for n in range(5)
    ]


@pytest.mark.parametrize("block_size", [1, 5, 1 << 20])
def test_line_census_counts_lines_and_blank_ones_from_bytes(tmp_path: Path, block_size) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"\na\r\n\r\n  \r\nb\n\n\n c\n  ")
    assert line_census(path, block_size) == LineCensus(
        lines=9, empty=4, spaces=2, ends_with_newline=False
    )


def test_line_census_equals_a_count_line_by_line_for_any_chunking(tmp_path: Path) -> None:
    """Lines made of a few pieces (text, spaces, CR, nothing), cut into chunks of every small
    size: the census read chunk by chunk equals one made line by line in Python."""
    rng = random.Random(11)
    path = tmp_path / "f"
    for _ in range(60):
        pieces = [rng.choice([b"", b" ", b"  ", b"\r", b"x", b"ab", b" y\r"]) for _ in range(12)]
        content = b"\n".join(pieces) + rng.choice([b"", b"\n"])
        path.write_bytes(content)
        lines = content.split(b"\n")
        if content.endswith(b"\n"):
            lines.pop()
        stripped = [line.removesuffix(b"\r") for line in lines]
        if not content.endswith(b"\n"):  # a last line of spaces or CR alone counts as spaces
            stripped[-1] = lines[-1].replace(b"\r", b" ")
        expected = LineCensus(
            lines=len(lines),
            empty=sum(1 for line in stripped if line == b""),
            spaces=sum(1 for line in stripped if line and not line.strip(b" ")),
            ends_with_newline=content.endswith(b"\n"),
        )
        for chunk in range(1, 8):
            assert line_census(path, chunk) == expected, (content, chunk)
            assert file_digest(path, chunk).census == expected, (content, chunk)


def test_a_raw_table_of_an_earlier_contract_gains_the_new_columns_and_keeps_its_rows() -> None:
    from orchestration.landing.contracts import PARTNERS
    from orchestration.landing.loading.tables import PROVENANCE_COLUMNS, prepare_tables

    con = duckdb.connect()
    con.execute("create schema raw_curated")
    # partners as an earlier contract had it: no `note`, and the provenance columns
    old = [c for c in PARTNERS.columns if c.name != "note"]
    columns = ", ".join(f"{c.name} {c.duckdb_type}" for c in old)
    provenance = ", ".join(f"{name} {kind}" for name, kind in PROVENANCE_COLUMNS)
    con.execute(f"create table raw_curated.partners ({columns}, {provenance})")
    values = ["europol", "Europol", "eu_body", None, None, None, "The Hague", "doc-1"]
    con.execute(
        f"insert into raw_curated.partners values ({', '.join('?' * len(values))}, "
        "'p.csv', 2, now(), 'sha')",
        values,
    )
    prepare_tables(con, PARTNERS)
    names = [r[0] for r in con.execute("describe raw_curated.partners").fetchall()]
    assert names == [c.name for c in PARTNERS.columns] + [n for n, _ in PROVENANCE_COLUMNS]
    row = con.execute("select partner_id, headquarters_city, note from raw_curated.partners")
    assert row.fetchall() == [("europol", "The Hague", None)]


def test_physical_lines_skip_the_line_ends_duckdb_counts_as_the_records(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b'h\r\n"a\r\nb"\r\n\r\nc\r\nd')
    # byte 0: line 1; byte 11 is the CRLF of blank line 4, so the record starts on line 5
    assert physical_lines(path, [0, 3, 11, 13, 18]) == {0: 1, 3: 2, 11: 5, 13: 5, 18: 6}
