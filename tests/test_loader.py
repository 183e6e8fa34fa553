"""Unit tests of the loader's and the landing zone's helpers; whole files are in test_bad_inputs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from orchestration.landing.contracts import MEMBERSHIPS, PARTNERS, Column
from orchestration.landing.loading.csv_staging import (
    check_header,
    csv_record_lines,
    read_csv_header,
)
from orchestration.landing.loading.ndjson_staging import split_lines
from orchestration.landing.loading.reading import NOT_UTF8, UnreadableFile
from orchestration.landing.loading.reading import structural_problems as _structural_problems
from orchestration.landing.loading.rules import (
    breaks_a_value_rule,
    contract_problem_queries,
    value_problem_queries,
)
from orchestration.landing.loading.sql import quote_ident, scalar, sql_literal
from orchestration.landing.zone import (
    LineCensus,
    binary_kind,
    file_digest,
    find_landed_files,
    line_census,
)

PARTNER_COLUMNS = [c.name for c in PARTNERS.columns]


def test_identifiers_and_literals_are_quoted() -> None:
    assert quote_ident('a"b') == '"a""b"'
    assert sql_literal("it's") == "'it''s'"
    con = duckdb.connect()
    value = "'); drop table x; --"
    assert scalar(con, f"select {sql_literal(value)}") == value


def test_read_csv_header_strips_bom_and_cr(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"\xef\xbb\xbfpartner_id, partner_name\r\nx,y\r\n")
    assert read_csv_header(path, "p.csv") == ["partner_id", "partner_name"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "p.csv: the file is empty; expected a header row"),
        (b" \n\n", "p.csv: the file is empty; expected a header row"),
        (b"id,n\xe9\n", "p.csv: line 1, byte 5: the header is not UTF-8 text"),
        (b"id\x00,name\n", "p.csv: line 1: holds NUL bytes: binary data, not CSV text"),
        (b"PK\x03\x04rest", "p.csv: not CSV text: the file looks like a ZIP archive"),
    ],
)
def test_read_csv_header_refuses(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match="^" + message.replace("(", r"\(")):
        read_csv_header(path, "p.csv")


def test_check_header_accepts_any_order_and_optional_columns_missing() -> None:
    check_header(list(reversed(PARTNER_COLUMNS)), PARTNERS, "p.csv")
    check_header(["partner_id", "partner_name", "partner_type", "document_id"], PARTNERS, "p.csv")


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (["partner_id"], "missing required column(s) partner_name, partner_type, document_id"),
        ([*PARTNER_COLUMNS, "colour"], "unknown column(s) colour (not in the contract)"),
        ([*PARTNER_COLUMNS, "note"], "repeated column(s) note"),
        ([";".join(PARTNER_COLUMNS)], "the header is one column split by ';'"),
        (["\t".join(PARTNER_COLUMNS)], "the header is one column split by tab"),
    ],
)
def test_check_header_names_the_problem(header: list[str], problem: str) -> None:
    with pytest.raises(UnreadableFile) as error:
        check_header(header, PARTNERS, "p.csv")
    assert str(error.value).startswith("p.csv: line 1: ")
    assert problem in str(error.value)


def test_csv_record_lines_follow_quoted_newlines_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b'a,b\n1,"x\ny"\n\n2,z\r\n3,"q\r\n"\n')
    assert csv_record_lines(path) == [2, 5, 6]


def test_structural_problems_one_per_short_row_with_its_real_field_count() -> None:
    message = "Expected Number of Columns: 9 Found: {}"
    rejects = [
        (3, "c5", "MISSING COLUMNS", "a,b,c", message.format(5)),
        (3, "c3", "MISSING COLUMNS", "a,b,c", message.format(3)),
        (3, "c4", "MISSING COLUMNS", "a,b,c", message.format(4)),
        (7, "c1", "INVALID ENCODING", "raw", ""),
        (7, "c0", "INVALID ENCODING", "raw", ""),
    ]
    names = {"c0": "partner_id", "c1": "partner_name"}
    assert _structural_problems(rejects, names) == [
        (3, None, "a,b,c", "too few fields: expected 9, found 3"),
        (7, "partner_id", "raw", NOT_UTF8),
        (7, "partner_name", "raw", NOT_UTF8),
    ]


def test_value_rules() -> None:
    con = duckdb.connect()
    con.execute(
        "create table t as select * from (values (1, 'x', '2025-02-29', 'true'), "
        "(2, null, '2025-02-28', 'yes'), (3, 'y', '28/02/2025', null)) v(_source_line, name, d, b)"
    )
    columns = [Column("name", required=True), Column("d", "date"), Column("b", "boolean")]
    problems = sorted(
        row
        for query in value_problem_queries(columns, "t")
        for row in con.execute(query).fetchall()
    )
    assert problems == [
        (1, "d", "2025-02-29", "not a calendar date"),
        (2, "b", "yes", "not true or false"),
        (2, "name", None, "required value is missing"),
        (3, "d", "28/02/2025", "not a date in YYYY-MM-DD form"),
    ]


def test_value_rules_run_on_the_rows_the_prefilter_keeps() -> None:
    """The rules run only over rows `breaks_a_value_rule` keeps: it must keep every row that
    breaks one; and the cheap blank test must agree with trim() on every kind of space."""
    con = duckdb.connect()
    values = ["", " ", "  ", "\u00a0", "\u3000 ", "\t", " a", "a ", "x", "é", "A", "2025-02-29",
              "2025-02-28", "2025-2-28", None]  # fmt: skip
    con.execute("create table v (x varchar)")
    con.executemany("insert into v values (?)", [[x] for x in values])
    con.execute(
        "create table t as select row_number() over () as _source_line, a.x as name, b.x as d, "
        "c.x as kind from v a, v b, (select unnest(['A', 'B', ' ', null, 'b']) as x) c"
    )
    columns = [Column("name", required=True), Column("d", "date"),
               Column("kind", required=True, values=("A", "B"))]  # fmt: skip
    broken = {
        row[0]
        for query in value_problem_queries(columns, "t")
        for row in con.execute(query).fetchall()
    }
    kept = {row[0] for row in con.execute(
        f"select _source_line from t where {breaks_a_value_rule(columns)}"
    ).fetchall()}  # fmt: skip
    assert broken == kept
    missing = {row[0] for row in con.execute(
        value_problem_queries(columns[:1], "t")[0]
    ).fetchall()}  # fmt: skip
    assert missing == {row[0] for row in con.execute(
        "select _source_line from t where name is null or trim(name) = ''"
    ).fetchall()}  # fmt: skip
    assert len(missing) > 5


def test_duplicate_keys_with_nulls_are_those_of_the_window_over_all_rows() -> None:
    con = duckdb.connect()
    con.execute(
        "create table raw (organisation_partner_id varchar, member_partner_id varchar, "
        "valid_from date, _source_file varchar)"
    )
    names = [c.name for c in MEMBERSHIPS.columns]
    keys = [("o", "m", "2020-01-01"), ("o", None, "2020-01-01"), ("o", None, "2020-01-01"),
            ("o", "m", "2020-01-01"), (None, None, None), (None, None, "bad"), ("p", "m", None),
            ("p", "m", None), ("q", "m", "2020-01-01")]  # fmt: skip
    rows = [[n + 2, *k, *[None] * (len(names) - 3)] for n, k in enumerate(keys)]
    con.execute(
        "create table _staged (_source_line bigint, "
        + ", ".join(f'"{n}" varchar' for n in names) + ")"
    )  # fmt: skip
    con.executemany(f"insert into _staged values ({', '.join('?' * (len(names) + 1))})", rows)
    query = next(
        q for q in contract_problem_queries(MEMBERSHIPS, "raw", "f.csv") if "first seen" in q
    )
    found = sorted((line, reason) for line, _, _, reason in con.execute(query).fetchall())
    window = con.execute(
        "select _source_line, 'duplicate key: first seen at line ' || first from (select "
        "_source_line, min(_source_line) over (partition by organisation_partner_id, "
        "member_partner_id, try_cast(valid_from as date)) as first from _staged) "
        "where _source_line > first order by 1"
    ).fetchall()
    assert found == window
    assert [line for line, _ in found] == [4, 5, 7, 9]


def test_binary_kind(tmp_path: Path) -> None:
    path = tmp_path / "f"
    for content, kind in [
        (b"\x89PNG\r\n\x1a\nrest", "a PNG image"),
        (b"%PDF-1.7", "a PDF document"),
        (b"\x00" * 64, "binary data (full of NUL bytes)"),
        (b"id,name\n1,a\x00b\n", None),  # one NUL in a row is that row's problem
        (b"id,name\n", None),
        (b"", None),
    ]:
        path.write_bytes(content)
        assert binary_kind(path) == kind, content


def test_count_lines_and_digest(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"a\nb")
    assert line_census(path).lines == 2
    path.write_bytes(b"a\nb\n")
    assert line_census(path).lines == 2
    # read in chunks: a one-byte chunk gives the same digest and census as the whole file
    scan = file_digest(path, chunk_size=1)
    assert (scan.sha256, scan.size) == (hashlib.sha256(b"a\nb\n").hexdigest(), 4)
    assert scan.census == line_census(path) == file_digest(path).census
    path.write_bytes(b"a\n\n  \r\nb")
    assert file_digest(path, chunk_size=2).census == line_census(path, 3)
    assert line_census(path) == LineCensus(lines=4, empty=1, spaces=1, ends_with_newline=False)


def test_find_landed_files_skips_partials_dotfiles_and_other_extensions(tmp_path: Path) -> None:
    folder = tmp_path / "curated" / "partners"
    (folder / "sub").mkdir(parents=True)
    for name in ["b.csv", "a.CSV", ".hidden.csv", "c.csv.partial", "d.tmp", "e.json", "sub/f.csv"]:
        (folder / name).write_text("x")
    found = find_landed_files(tmp_path, PARTNERS)
    assert [f.relative_path for f in found] == [
        "curated/partners/a.CSV",
        "curated/partners/b.csv",
        "curated/partners/sub/f.csv",
    ]
    assert all(f.refused_reason is None for f in found)
    assert find_landed_files(tmp_path / "missing", PARTNERS) == []


def split_lines_one_by_one(path: Path, odd: set[int]) -> tuple[bytes, bytes]:
    """What `split_lines` must write, line by line."""
    fast, slow = b"", b""
    with path.open("rb") as source:
        for number, line in enumerate(source, start=1):
            if number in odd:
                fast += b"{}\n"
                slow += line if line.endswith(b"\n") else line + b"\n"
            else:
                fast += line
                slow += b"\n"
    return fast, slow


@pytest.mark.parametrize("block_size", [1, 3, 7, 64, 1 << 16])
def test_split_lines_copies_blocks_as_it_would_copy_lines(tmp_path: Path, block_size: int) -> None:
    import random

    rng = random.Random(block_size)
    path, records, others = tmp_path / "in", tmp_path / "records", tmp_path / "others"
    for trial in range(40):
        lines = [b"x" * rng.choice([0, 1, 5, 30]) + b"\r" * rng.randint(0, 1)
                 for _ in range(rng.randint(1, 25))]  # fmt: skip
        content = b"\n".join(lines) + (b"\n" if trial % 2 else b"")
        path.write_bytes(content)
        odd = sorted(rng.sample(range(1, len(lines) + 1), rng.randint(0, len(lines))))
        split_lines(path, records, others, odd, block_size)
        assert (records.read_bytes(), others.read_bytes()) == split_lines_one_by_one(
            path, set(odd)
        ), (content, odd)
