"""The benchmarks' generator: deterministic for a seed, in the contracts' formats, skewed as
news is, with a share of bad rows that the loader must quarantine, and nothing else."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import duckdb
import pytest

from bench import ingest, profile_load
from bench.generate import FULL_EVENTS, GENERATED, generate, sizes_for, write_increment
from orchestration.landing.contracts import EVENTS
from orchestration.landing.loading import load_extract

SCALE = 0.0005  # 5,000 events, 500 documents, and the floors of the small extracts


def digests(raw: Path) -> dict[str, str]:
    return {
        str(path.relative_to(raw)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(raw.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("clean")
    generate(raw, SCALE, seed=5, bad_share=0)
    return raw


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(clean, tmp_path):
    generate(tmp_path / "again", SCALE, seed=5, bad_share=0)
    generate(tmp_path / "other", SCALE, seed=6, bad_share=0)
    same, other = digests(tmp_path / "again"), digests(tmp_path / "other")
    assert same == digests(clean)
    assert len(same) == len(GENERATED)  # one file per extract at this scale
    events = "curated/events/events_001.ndjson"
    assert other[events] != same[events]


def test_every_extract_has_the_rows_its_scale_asks_for(clean):
    assert (sizes_for(1.0).events, sizes_for(1.0).agreements) == (10_000_000, 100_000)
    assert (sizes_for(1.0).partners, sizes_for(1.0).documents) == (10_000, 1_000_000)
    s = sizes_for(SCALE)
    assert s.events == round(FULL_EVENTS * SCALE)
    con = duckdb.connect()
    expected = {
        "events": s.events, "agreements": s.agreements, "partners": s.partners,
        "source_documents": s.documents, "memberships": s.memberships, "threats": s.threats,
    }  # fmt: skip
    for contract in GENERATED:
        (path,) = (clean / contract.system / contract.entity).iterdir()
        reader = "read_csv" if contract.format == "csv" else "read_json"
        rows = con.execute(f"select count(*) from {reader}(?)", [str(path)]).fetchone()[0]
        assert rows == expected[contract.entity], contract.entity


def test_a_few_partners_take_part_in_most_events(clean):
    events = [
        json.loads(line) for line in (clean / "curated/events/events_001.ndjson").open()
    ]  # fmt: skip
    taking_part: dict[str, int] = {}
    for event in events:
        for participant in event["participants"]:
            taking_part[participant["partner_id"]] = (
                taking_part.get(participant["partner_id"], 0) + 1
            )
    top = set(
        sorted(taking_part, key=taking_part.get, reverse=True)[: sizes_for(SCALE).partners // 10]
    )
    with_top = sum(1 for e in events if top & {p["partner_id"] for p in e["participants"]})
    # uniform draws would put a tenth of the partners in about a fifth of the events
    assert with_top / len(events) > 0.5


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def test_the_loader_quarantines_exactly_the_rows_the_generator_spoiled(clean, tmp_path):
    """The same seed without bad rows gives the good version of each line: the lines that
    differ (events) or come after the good ones (the other extracts) are the spoiled ones, and
    the loader must reject exactly those and load every other row."""
    spoiled_raw = tmp_path / "spoiled"
    generate(spoiled_raw, SCALE, seed=5, bad_share=0.05)
    con = duckdb.connect(str(tmp_path / "load.duckdb"))
    for contract in GENERATED:
        result = load_extract(con, spoiled_raw, contract, run_id="test")
        (loaded,) = result.files
        relative = loaded.source_file
        good, bad = lines_of(clean / relative), lines_of(spoiled_raw / relative)
        first = 2 if contract.format == "csv" else 1  # a CSV's line 1 is its header
        spoiled = {n for n, line in enumerate(bad, start=1) if n > len(good) or line != good[n - 1]}
        assert spoiled or contract.entity == "threats", f"{relative}: no bad row generated"
        rejected = {
            line for (line,) in con.execute(
                f'select distinct _source_line from {contract.schema}."{contract.entity}__rejects" '
                "where _source_file = ?", [relative],
            ).fetchall()
        }  # fmt: skip
        assert rejected == spoiled, relative
        assert loaded.outcome == "loaded"
        assert loaded.rows_loaded == len(bad) - (first - 1) - len(spoiled)
    kinds = con.execute(
        "select distinct column_name, split_part(reason, ':', 1) from raw_curated.events__rejects"
    ).fetchall()
    # every kind of spoiled event, each named where it is
    assert sorted(kinds, key=str) == sorted([
        ("ended_on", "ended_on is before started_on"),
        ("event_name", "required value is missing"),
        ("event_type", "not one of the allowed values"),
        ("participants[0].participant_role", "not one of the allowed values"),
        ("started_on", "not a calendar date"),
        ("started_on", "not a date in YYYY-MM-DD form"),
        (None, "not a valid JSON object"),
    ], key=str)  # fmt: skip


def test_clean_extracts_load_without_a_reject(clean, tmp_path):
    con = duckdb.connect(str(tmp_path / "load.duckdb"))
    for contract in GENERATED:
        result = load_extract(con, clean, contract, run_id="test")
        assert [f.outcome for f in result.files] == ["loaded"], contract.entity
        assert result.files[0].rows_rejected == 0, contract.entity


def test_each_increment_lands_new_events_in_a_new_file(tmp_path):
    raw = tmp_path / "raw"
    generate(raw, SCALE, seed=5, bad_share=0)
    first = write_increment(raw, SCALE, seed=5, bad_share=0, share=0.02)
    second = write_increment(raw, SCALE, seed=5, bad_share=0, share=0.01)
    assert (first.name, second.name) == (
        "events_increment_001.ndjson", "events_increment_002.ndjson"
    )  # fmt: skip
    base = sizes_for(SCALE).events
    assert (len(lines_of(first)), len(lines_of(second))) == (base // 50, base // 100)
    con = duckdb.connect(str(tmp_path / "load.duckdb"))
    result = load_extract(con, raw, EVENTS, run_id="test")
    # the loader rejects a key already loaded from another file: none may repeat
    assert [f.rows_rejected for f in result.files] == [0, 0, 0]
    assert result.table_rows["events"] == base + base // 50 + base // 100


def test_the_ingest_benchmark_runs_each_method_on_the_same_rows(tmp_path, capsys):
    ingest.main(
        ["--scale", str(SCALE), "--repeat", "1", "--work", str(tmp_path),
         "--methods", "loader", "duckdb floor", "--extracts", "events"]
    )  # fmt: skip
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("| events")
    ]
    assert [row[1] for row in rows] == ["loader", "duckdb floor"]
    assert rows[1][5] == "1.00 / 1.00"  # the floor against itself
    assert {row[-1] for row in rows} == {f"{sizes_for(SCALE).events:,}"}


def test_the_loader_profile_times_every_statement(tmp_path, capsys):
    profile_load.main(["--scale", str(SCALE), "--work", str(tmp_path), "--top", "3"])
    out = capsys.readouterr().out
    total, in_sql = re.search(r"total ([\d.]+) s, in SQL ([\d.]+) s", out).groups()
    assert 0 < float(in_sql) <= float(total)
    slowest = re.findall(r"^ +([\d.]+) s  (.+)$", out, re.MULTILINE)
    assert len(slowest) == 3
    assert [float(s) for s, _ in slowest] == sorted((float(s) for s, _ in slowest), reverse=True)
