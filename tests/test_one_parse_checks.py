"""What the one parse (orchestration/landing/loading/arrow_records.py) checks beside Arrow's
read: the census's verdict on the lines' form, read chunk by chunk, and the sieve
(arrow_rules.py), which keeps every value the SQL rules reject; a file of such values loads
through the one parse exactly as through the other readers. And the key bounds that narrow the
search for keys loaded from other files (keys.py) find what the search without them finds."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from orchestration.landing.contract_schema import Column
from orchestration.landing.contracts import CONTRACTS, EVENTS
from orchestration.landing.loading import load_extract, ndjson_staging
from orchestration.landing.loading.arrow_rules import may_break
from orchestration.landing.loading.keys import duplicate_key_queries, key_bounds
from orchestration.landing.loading.rules import value_problem_queries
from orchestration.landing.zone import file_digest, line_census

TEXTS = [
    "", " ", "  x", "\tx", "\u00a0x", "\x7fx", "x\x00y", "\x00", "x ", "A", "a b", "ab-c.d_e",
    "ab/c", "-ab", ".a", "é", "é" * 60, "é" * 101, "a" * 100, "a" * 101, "a" * 200, "a" * 201,
    "http://x", "https://x/y?z=1", "https://x y", "ftp://x", "http://", "2024-02-29",
    "2023-02-29", "1900-02-29", "2000-02-29", "2023-04-31", "2023-04-30", "2023-12-31",
    "2023-13-01", "2023-00-01", "2023-01-00", "2023-01-32", "0000-01-01", "0000-02-29",
    "2023-1-01", "2023-01-01 ", " 2023-01-01", "2023/01/01", "1", "-1", "01", "999999999",
    "1000000000", "-999999999", "true", "false", "True", "null",
]  # fmt: skip
INTEGERS = [0, 1, 2, 3, 4, 5, -1, 999_999_999, 1_000_000_000, -999_999_999, -1_000_000_000,
            2**62, -(2**63)]  # fmt: skip


def columns_of_every_contract() -> list[Column]:
    columns: dict[tuple, Column] = {}
    for contract in CONTRACTS:
        for column in (
            *contract.columns,
            *(c for child in contract.children for c in child.element_columns),
        ):
            columns[(column.name, column.type, column.required, column.values, column.pattern,
                     column.max_length)] = column  # fmt: skip
    return list(columns.values())


def values_for(column: Column) -> tuple[pa.ChunkedArray, list[str | None]]:
    """Edge values of the column's Arrow type, and their text as the readers stage it."""
    if column.type == "integer":
        values = [*INTEGERS, None]
        return pa.chunked_array([pa.array(values, pa.int64())]), [
            None if v is None else str(v) for v in values
        ]
    if column.type == "boolean":
        values = [True, False, None]
        return pa.chunked_array([pa.array(values)]), [None if v is None else str(v).lower()
                                                      for v in values]  # fmt: skip
    allowed = list(column.values or ())
    texts = [*TEXTS, *allowed, *(f" {v}" for v in allowed), *(f"{v}\x00" for v in allowed), None]
    # two chunks, as Arrow's reader gives them
    middle = len(texts) // 2
    return pa.chunked_array([pa.array(texts[:middle]), pa.array(texts[middle:])]), texts


@pytest.mark.parametrize("column", columns_of_every_contract(), ids=lambda c: f"{c.name}-{c.type}")
def test_the_sieve_keeps_every_value_a_rule_rejects(column: Column) -> None:
    arrow, texts = values_for(column)
    con = duckdb.connect()
    con.execute(f'create table t (_source_line BIGINT, "{column.name}" VARCHAR)')
    con.executemany("insert into t values (?, ?)", list(enumerate(texts)))
    rejected = {
        line
        for query in value_problem_queries([column], "t")
        for line, *_ in con.execute(query).fetchall()
    }
    kept = may_break(arrow, column).to_pylist()
    assert None not in kept
    # the edge values break some rule of every column (a boolean can only be missing)
    assert rejected or (column.type == "boolean" and not column.required)
    assert {texts[n] for n in rejected} <= {texts[n] for n, keep in enumerate(kept) if keep}


def broken_events() -> bytes:
    """Good events, then one line per value that breaks a rule, in a field or in an array."""
    good = json.loads(Path("tests/bad_inputs/good/events.ndjson").read_bytes().splitlines()[0])
    changes = [
        {}, {"event_id": "Ev 1"}, {"event_name": " "}, {"event_name": "a\x00b"},
        {"event_type": "party"}, {"started_on": "2023-02-29"}, {"started_on": "2024-02-29"},
        {"ended_on": "2025-04-31"}, {"started_on": "2025-3-5"}, {"date_precision": ""},
        {"information_accuracy": 5}, {"information_accuracy": 1_000_000_000},
        {"document_id": "x" * 201}, {"agreement_id": "é"}, {"participants": []},
        {"participants": [{"partner_id": "europol", "participant_role": "host"},
                          {"partner_id": "Europol", "participant_role": "signatory"}]},
        {"participants": [{"partner_id": "europol", "participant_role": None}]},
        {"threat_ids": ["cybercrime", "", "x\x00"]}, {"threat_ids": ["a" * 101]},
    ]  # fmt: skip
    lines = [{**good, "event_id": f"ev-{n}", **change} for n, change in enumerate(changes)]
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def loaded(tmp_path: Path, one_parse: bool, monkeypatch) -> tuple[dict, list]:
    folder = tmp_path / "raw" / "curated" / "events"
    folder.mkdir(parents=True)
    (folder / "e.ndjson").write_bytes(broken_events())
    taken = []

    def read_records(path, contract, census):
        found = real(path, contract, census) if one_parse else None
        taken.append(found is not None)
        return found

    real = ndjson_staging.read_records
    monkeypatch.setattr(ndjson_staging, "read_records", read_records)
    con = duckdb.connect()
    load_extract(con, tmp_path / "raw", EVENTS, run_id="t", loaded_at=dt.datetime(2026, 1, 1))
    tables = {
        table: con.execute(f"select * from raw_curated.{table} order by all").fetchall()
        for table in (*EVENTS.tables, "events__rejects")
    }
    return tables, taken


def test_broken_values_load_through_the_one_parse_as_through_the_other_readers(
    tmp_path: Path, monkeypatch
) -> None:
    sieved, taken = loaded(tmp_path / "one", True, monkeypatch)
    other, not_taken = loaded(tmp_path / "other", False, monkeypatch)
    assert (taken, not_taken) == ([True], [False])
    assert sieved == other
    assert len(sieved["events__rejects"]) >= 17 and sieved["events"]


def object_lines(content: bytes) -> bool:
    """Every line, split in Python, starts with "{" (the first after a BOM) and ends with "}"
    before at most one CR."""
    lines = content.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    if content.endswith(b"\n"):
        lines.pop()
    return all(line[:1] == b"{" and line.removesuffix(b"\r")[-1:] == b"}" for line in lines)


def test_the_census_sees_whether_every_line_looks_like_an_object_for_any_chunking(
    tmp_path: Path,
) -> None:
    """And counts the same lines as in the same bytes with no "{" (it searches for blank lines
    only once some line does not start with one; tests/test_loading.py checks that search)."""
    rng = random.Random(5)
    path, plain = tmp_path / "f", tmp_path / "plain"
    pieces = [b"{", b"}", b"{}", b"\r", b"\n", b"x", b" ", b'{"a":1}', b"\r\n", b"}\r"]
    lines = [b"{}", b'{"a": 1}', b"{}\r", b"{x}", b"{}\r\r", b" {}", b"{} ", b"", b"  ", b"\r"]
    seen = set()
    for _ in range(1500):
        if rng.random() < 0.5:
            content = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        else:
            content = b"\n".join(rng.choice(lines) for _ in range(rng.randint(1, 5)))
            content += rng.choice([b"", b"\n"])
        content = rng.choice([b"", b"\xef\xbb\xbf"]) + content
        if not content:
            continue  # an empty file is refused before its lines are read
        path.write_bytes(content)
        plain.write_bytes(content.replace(b"{", b"x"))
        expected = object_lines(content)
        seen.add(expected)
        for chunk in range(1, 9):
            census = line_census(path, chunk)
            assert census.object_lines is expected, (content, chunk)
            assert census == line_census(plain, chunk), (content, chunk)
        assert file_digest(path, 3).census.object_lines is expected, content
    assert seen == {True, False}


@pytest.mark.parametrize(
    "staged",
    [
        [(1, "a", 1), (2, "m", 2), (3, "z", 3)],  # every loaded key inside the bounds
        [(1, "b", 7), (2, "c", 2)],  # a part of the key outside them
        [(1, None, 1), (2, None, None)],  # no whole key: bounds of nulls
        [(1, "a", None), (2, "z", 3)],
    ],
)
def test_the_key_bounds_find_the_same_duplicates_across_files(staged: list[tuple]) -> None:
    con = duckdb.connect()
    con.execute("create table target (k1 varchar, k2 integer, _source_file varchar)")
    loaded = [("a", 1), ("b", 2), ("c", 2), ("m", 2), ("z", 3), (None, 1), ("y", None)]
    con.executemany("insert into target values (?, ?, 'other.csv')", loaded)
    con.execute("create table staged (_source_line bigint, k1 varchar, k2 integer)")
    con.executemany("insert into staged values (?, ?, ?)", staged)
    typed, key = "select * from staged", ("k1", "k2")
    bounds = key_bounds(con, key, typed)
    plain = duplicate_key_queries(key, typed, "target", "this.csv")[1]
    bounded = duplicate_key_queries(key, typed, "target", "this.csv", bounds=bounds)[1]
    assert "between" in bounded
    found = sorted(con.execute(plain).fetchall())
    assert sorted(con.execute(bounded).fetchall()) == found
    assert len(found) == sum(
        1 for _, k1, k2 in staged if (k1, k2) in loaded and None not in (k1, k2)
    )
