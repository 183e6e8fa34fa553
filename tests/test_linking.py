"""The linker: the ambiguity rules one by one, offsets, the quality floor on the labelled set,
incremental linking, and `coop link`."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest
from typer.testing import CliRunner

from bench.linking import SHARED, evaluate, evaluate_candidates, load_documents
from orchestration.documents.linking.dates import find_dates, parse_span
from orchestration.documents.linking.folding import fold
from orchestration.documents.linking.gazetteer import Entry, Gazetteer, gazetteer_from_files
from orchestration.documents.linking.linker import Linker
from orchestration.documents.linking.store import link_documents
from orchestration.settings import PROJECT_ROOT
from tests.conftest import needs_shared


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(gazetteer_from_files(PROJECT_ROOT / "raw"))


def ids(mentions, kind):
    return {m.id for m in mentions if m.kind == kind}


def test_folding_keeps_every_offset():
    text = "Comitê Latino-Americano — ÉL “PAcCTO” Straße İstanbul"
    assert len(fold(text)) == len(text)
    assert fold("Polícia Federal") == "policia federal"


def test_offsets_point_at_the_surface_in_the_original_text(linker):
    text = "La Policía Nacional de Colombia firmó con la Unión Europea."
    for mention in linker.link(text, "es"):
        assert text[mention.start : mention.end] == mention.surface
    # a national police is its own partner (tied to its state in dim_partner)
    expected = {"policia-nacional-colombia", "european-union"}
    assert ids(linker.link(text, "es"), "partner") == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Funds: EUR 5 million.", "en", set()),
        ("An EU-funded project.", "en", {"european-union"}),
        ("Eu acredito na UE.", "pt", {"european-union"}),
        ("A green chile sauce and chilli.", "en", set()),
        ("Chile signed.", "en", {"chile"}),
        ("They met in Mexico City.", "en", set()),
        ("The government of Mexico spoke in Mexico City.", "en", {"mexico"}),
        ("Police in Atlanta, Georgia, said so.", "en", set()),
        ("Georgia signed with Europol.", "en", {"georgia", "europol"}),
        ("A summit in Santiago de Chile.", "es", set()),
        ("Las autoridades colombianas.", "es", {"colombia"}),
    ],
)
def test_ambiguity_rules(linker, text, language, expected):
    assert ids(linker.link(text, language), "partner") == expected


def test_word_boundaries_keep_niger_out_of_nigeria():
    gazetteer = Gazetteer([Entry("partner", "niger", "Niger", "name"),
                           Entry("partner", "nigeria", "Nigeria", "name")])  # fmt: skip
    linker = Linker(gazetteer)
    found = linker.link("Nigeria and Niger; Nigerian traders.", "en")
    assert [(m.id, m.surface) for m in found] == [("nigeria", "Nigeria"), ("niger", "Niger")]


def test_each_mention_has_a_method_and_confidence(linker):
    found = linker.link("Mexican authorities met in Mexico City; the ministry of Mexico.", "en")
    methods = {(m.id, m.method) for m in found}
    assert ("mexico", "demonym") in methods and ("mexico", "place_as_state") in methods
    by_method = {m.method: m.confidence for m in found}
    assert by_method["place_as_state"] < by_method["demonym"] < by_method["cldr_name"]


def test_dates_in_three_languages_with_precision():
    base = dt.date(2025, 3, 7)
    cases = [
        ("On 7 March 2025 they met.", "en", ("2025-03-07", "day")),
        ("el 5 de marzo se firmó", "es", ("2025-03-05", "day")),
        ("na próxima semana", "pt", ("2025-03-14", "week")),
        ("Established in March 2022", "en", ("2022-03-01", "month")),
        ("since 2022", "en", ("2022-01-01", "year")),
        ("em 12/05/2024", "pt", ("2024-05-12", "day")),
    ]
    for text, language, expected in cases:
        (found,) = find_dates(text, language, base)
        assert (found.date.isoformat(), found.precision) == expected, text
    assert find_dates("next week", "en", None) == []  # no document date: no relative date


@needs_shared
def test_the_month_table_and_dateparser_agree_on_every_absolute_date_of_the_set():
    checked = 0
    for document in load_documents(SHARED):
        for found in find_dates(document["text"], document["lang"], document["date"]):
            if found.method == "month_table" and found.precision in ("day", "month"):
                parsed = parse_span(found.surface, document["lang"], document["date"])
                assert parsed is not None and parsed.replace(day=1 if found.precision ==
                       "month" else parsed.day) == found.date, found  # fmt: skip
                checked += 1
    assert checked >= 30


@needs_shared
def test_quality_floor_on_the_labelled_set(linker):
    documents = load_documents(SHARED)
    assert len(documents) >= 64 and {d["lang"] for d in documents} == {"en", "es", "pt"}
    results = evaluate(linker, documents)
    floors = {"partner": (0.93, 0.88), "threat": (0.88, 0.83), "date": (0.93, 0.88)}
    for kind, (precision, recall) in floors.items():
        assert results[("doc", kind)]["p"] >= precision, (kind, results[("doc", kind)])
        assert results[("doc", kind)]["r"] >= recall, (kind, results[("doc", kind)])


@needs_shared
def test_candidate_events_floor_on_the_labelled_set(linker):
    result = evaluate_candidates(linker, load_documents(SHARED))
    assert result["gold"] >= 25 and result["recall"] >= 0.75, result


@needs_shared
def test_the_seed_release_is_annotated_and_read_from_shared():
    seed = [d for d in load_documents(SHARED) if d["id"] == "seed"]
    assert seed and "CLASI" in seed[0]["text"]


def documents_table(con, rows):
    con.execute("create schema if not exists raw_documents")
    con.execute(
        "create or replace table raw_documents.documents (document_id varchar, "
        "text varchar, language varchar, published_on date, _file_sha256 varchar)"
    )
    con.executemany("insert into raw_documents.documents values (?, ?, ?, ?, ?)", rows)


def test_linking_is_incremental(linker):
    con = duckdb.connect()
    base = dt.date(2025, 3, 7)
    documents_table(con, [("a", "Brazil and Europol.", "en", base, "1"),
                          ("b", "Chile, today.", "en", base, "2")])  # fmt: skip
    first = link_documents(con, linker)
    assert (first.linked, first.relinked_all, first.mentions) == (2, False, 4)
    assert con.execute("select mention_id, role from raw_linking.document_mentions where "
                       "document_id = 'a' order by mention_ordinal").fetchall() == [
        ("brazil", "actor"), ("europol", "actor")]  # dates and threats have none  # fmt: skip
    con.execute("insert into raw_documents.documents values ('c', 'Peru.', 'en', null, '3')")
    second = link_documents(con, linker)
    assert (second.linked, second.kept) == (1, 2)  # only the new document
    unchanged = link_documents(con, linker)
    assert unchanged.linked == 0  # nothing new: nothing linked, the same data version
    assert unchanged.state_digest == second.state_digest != first.state_digest
    con.execute("update raw_documents.documents set text = 'Mexico.', _file_sha256 = '4' "
                "where document_id = 'a'")  # fmt: skip
    changed = link_documents(con, linker)
    assert changed.linked == 1
    assert con.execute("select mention_id from raw_linking.document_mentions "
                       "where document_id = 'a'").fetchall() == [("mexico",)]  # fmt: skip
    grown = Gazetteer([*linker.gazetteer.entries, Entry("partner", "peru", "Inca", "alias")])
    relinked = link_documents(con, Linker(grown))
    assert (relinked.linked, relinked.relinked_all) == (3, True)
    con.execute("delete from raw_documents.documents where document_id = 'b'")
    assert link_documents(con, Linker(grown)).dropped == 1


def test_coop_link_prints_one_json_object_per_mention():
    from orchestration.cli import app

    path = PROJECT_ROOT / "raw/documents/gov-br/2025-03-05-acordo-ue-brasil.md"
    result = CliRunner().invoke(app, ["link", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert {"kind", "id", "surface", "start", "end", "confidence"} <= set(rows[0])
    expected = {("partner", "brazil"), ("partner", "european-union"), ("date", "2025-03-05")}
    assert {(r["kind"], r["id"]) for r in rows} >= expected | {("threat", "terrorism")}


def test_coop_link_names_a_bad_file(tmp_path):
    from orchestration.cli import app

    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Bogot\xe1".encode("latin-1"))
    result = CliRunner().invoke(app, ["link", str(bad)])
    assert result.exit_code == 1
    assert "latin1.txt" in result.output and "line 1, column 6" in result.output


def test_lineage_runs_from_the_document_extract_through_mentions_to_the_marts():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()

    def parents(*path):
        return {key.to_user_string() for key in graph.get(dg_key(path)).parent_keys}

    assert "raw/documents/documents" in parents("raw", "linking", "document_mentions")
    assert "raw/curated/aliases" in parents("raw", "linking", "document_mentions")
    assert "raw/linking/document_mentions" in parents("staging", "stg_linking__document_mentions")
    assert "staging/stg_linking__document_mentions" in parents("marts", "fct_document_mention")
    assert "staging/stg_documents__documents" in parents("marts", "dim_document")
    assert "raw/documents/documents" in parents("staging", "stg_documents__documents")


def dg_key(path):
    import dagster as dg

    return dg.AssetKey(list(path))


def test_a_mentions_table_from_before_roles_gets_the_column_and_is_relinked(linker):
    from orchestration.documents.linking.store import MENTION_COLUMNS, MENTIONS, prepare

    con = duckdb.connect()
    documents_table(con, [("a", "Brazil and Europol.", "en", dt.date(2025, 3, 7), "1")])
    old = ", ".join(f"{n} {k}" for n, k in MENTION_COLUMNS if n != "role")
    con.execute("create schema raw_linking")
    con.execute(f"create table {MENTIONS} ({old})")
    prepare(con)
    link_documents(con, linker)
    assert con.execute(f"select mention_id, role from {MENTIONS} order by mention_ordinal"
                       ).fetchall() == [("brazil", "actor"), ("europol", "actor")]  # fmt: skip
