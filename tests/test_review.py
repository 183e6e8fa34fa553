"""Candidate facts and their review: proposed from the documents, accepted into the reviewed
extract the normal ingest loads, or rejected; never proposed twice."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from bench.linking import SHARED
from orchestration.documents.linking.candidates import find_candidates
from orchestration.documents.linking.gazetteer import gazetteer_from_files
from orchestration.documents.linking.linker import Linker
from orchestration.documents.review import (
    REVIEWED_EVENTS,
    Corrections,
    ReviewError,
    accept,
    decisions_path,
    pending_candidates,
    reject,
)
from orchestration.landing.contracts import EVENTS, SOURCE_DOCUMENTS
from orchestration.landing.loading import load_extract
from orchestration.settings import PROJECT_ROOT
from tests.conftest import needs_shared

NEW_RELEASE = """---
title: Peru and Europol meet
published_on: 2025-10-02
language: en
url: https://example.org/peru-europol
---
Peru and Europol met in The Hague on 1 October 2025 to discuss cybercrime.

A joint operation with Colombia is planned for next week.
"""


@pytest.fixture
def raw(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "raw", root / "raw")
    path = root / "raw" / "documents" / "europol" / "2025-10-02-peru.md"
    path.write_text(NEW_RELEASE)
    return root / "raw"


def by_document(candidates, suffix):
    return [c for c in candidates if c.document_id.endswith(suffix)]


@needs_shared
def test_the_seed_release_gives_the_visit_and_the_signing():
    text = (SHARED / "domain" / "europol-2025-03-07-clasi-press-release.txt").read_text()
    linker = Linker(gazetteer_from_files(PROJECT_ROOT / "raw"))
    found = find_candidates("seed", text, linker.link(text, "en", dt.date(2025, 3, 7)))
    facts = {(c.event_type, c.date, c.date_precision, frozenset(c.partner_ids)) for c in found}
    assert ("delegation_visit", "2025-03-07", "day", frozenset({"europol", "clasi"})) in facts
    signing = [c for c in found if c.event_type == "signing"]
    # "just this week": the week of the release, which holds 5 March
    assert {"european-union", "brazil"} <= set(signing[0].partner_ids)
    assert signing[0].date_precision == "week" and signing[0].sentence.startswith("Just this week")


def test_a_candidate_matching_a_recorded_fact_says_so(raw):
    pending = pending_candidates(raw)
    brazil = by_document(pending, "2025-03-05-eu-brazil-agreement")
    assert "agreement eu-brazil-europol-agreement-2025" in brazil[0].matches
    (peru,) = [
        c for c in by_document(pending, "2025-10-02-peru") if c.event_type != "operational_action"
    ]
    assert peru.matches == [] and set(peru.partner_ids) == {"peru", "europol"}


def test_accept_appends_to_the_reviewed_extract_that_the_ingest_loads(raw):
    (peru,) = [c for c in by_document(pending_candidates(raw), "2025-10-02-peru")
               if c.event_type == "ministerial_meeting"]  # fmt: skip
    event = accept(raw, peru.candidate_id, Corrections(roles={"europol": "host"}, grade="B2"),
                   "analyst-1")  # fmt: skip
    assert event["started_on"] == "2025-10-01" and event["threat_ids"] == ["cybercrime"]
    assert {"partner_id": "europol", "participant_role": "host"} in event["participants"]
    assert peru.candidate_id not in {c.candidate_id for c in pending_candidates(raw)}
    with pytest.raises(ReviewError, match="already accepted"):
        accept(raw, peru.candidate_id, Corrections(), "analyst-1")
    con = duckdb.connect()
    loaded = load_extract(con, raw, EVENTS)
    assert not loaded.failed
    row = con.execute(
        "select event_type, started_on, document_id, _source_file from raw_curated.events "
        "where event_id = ?", [event["event_id"]],
    ).fetchall()  # fmt: skip
    assert row == [("ministerial_meeting", dt.date(2025, 10, 1), "europol/2025-10-02-peru",
                    REVIEWED_EVENTS.as_posix())]  # fmt: skip
    load_extract(con, raw, SOURCE_DOCUMENTS)
    grade = con.execute(
        "select source_reliability, information_accuracy, url from raw_curated.source_documents "
        "where document_id = 'europol/2025-10-02-peru'"
    ).fetchall()
    assert grade == [("B", 2, "https://example.org/peru-europol")]


def test_accept_refuses_what_would_break_the_contract(raw):
    pending = by_document(pending_candidates(raw), "2025-10-02-peru")
    meeting = next(c for c in pending if c.event_type == "ministerial_meeting")
    with pytest.raises(ReviewError, match="'atlantis' is not in raw/curated/partners"):
        accept(raw, meeting.candidate_id, Corrections(partner_ids=("atlantis",)), "a")
    with pytest.raises(ReviewError, match="type 'party' is not one of"):
        accept(raw, meeting.candidate_id, Corrections(event_type="party"), "a")
    assert not (raw / REVIEWED_EVENTS).exists()  # nothing appended by a refused accept


def test_a_week_precise_date_needs_a_correction(raw):
    (operation,) = [c for c in by_document(pending_candidates(raw), "2025-10-02-peru")
                    if c.event_type == "operational_action"]  # fmt: skip
    assert (operation.date, operation.date_precision) == ("2025-10-09", "week")
    with pytest.raises(ReviewError, match="known only to the week"):
        accept(raw, operation.candidate_id, Corrections(), "a")
    event = accept(raw, operation.candidate_id, Corrections(date="2025-10-08"), "a")
    assert (event["started_on"], event["date_precision"]) == ("2025-10-08", "day")


def test_reject_is_recorded_and_not_proposed_again(raw):
    first = pending_candidates(raw)[0]
    reject(raw, first.candidate_id, "a duplicate of a curated event", "analyst-2")
    assert first.candidate_id not in {c.candidate_id for c in pending_candidates(raw)}
    (decision,) = [json.loads(x) for x in decisions_path(raw).read_text().splitlines()]
    assert decision["decision"] == "rejected" and decision["reason"].startswith("a duplicate")
    with pytest.raises(ReviewError, match="needs --reason"):
        reject(raw, pending_candidates(raw)[0].candidate_id, " ", "analyst-2")


def test_coop_review_lists_and_rejects(raw, monkeypatch):
    from orchestration.cli import app

    monkeypatch.setenv("COOP_RAW_DIR", str(raw))
    listed = CliRunner().invoke(app, ["review"], env={"COLUMNS": "250"})
    assert listed.exit_code == 0 and "eu-brazil-europol-agreement-2025" in listed.output
    candidate = pending_candidates(raw)[0].candidate_id
    rejected = CliRunner().invoke(app, ["review", "reject", candidate, "--reason", "no"])
    assert rejected.exit_code == 0, rejected.output
    again = CliRunner().invoke(app, ["review", "reject", candidate, "--reason", "no"])
    assert again.exit_code == 1 and "already rejected" in again.output


def test_accept_refuses_a_candidate_already_recorded_unless_told_it_is_another_fact(
    raw, monkeypatch
):
    from orchestration.cli import app

    (brazil,) = by_document(pending_candidates(raw), "2025-03-05-eu-brazil-agreement")
    with pytest.raises(ReviewError, match="already recorded as .*agreement eu-brazil-europol"):
        accept(raw, brazil.candidate_id, Corrections(grade="B2"), "a")
    monkeypatch.setenv("COOP_RAW_DIR", str(raw))
    refused = CliRunner().invoke(app, ["review", "accept", brazil.candidate_id, "--reviewer", "a"])
    assert refused.exit_code == 1 and "--even-if-recorded" in refused.output
    assert refused.output.startswith("error: candidate ") and len(refused.output.splitlines()) == 1
    assert not (raw / REVIEWED_EVENTS).exists()
    # corrected to other partners, it is no longer the recorded fact
    (peru,) = [c for c in by_document(pending_candidates(raw), "2025-10-02-peru")
               if c.event_type == "ministerial_meeting"]  # fmt: skip
    accept(raw, peru.candidate_id, Corrections(grade="B2"), "a")
    (operation,) = [c for c in by_document(pending_candidates(raw), "2025-10-02-peru")
                    if c.event_type == "operational_action"]  # fmt: skip
    # the same partners and day as the meeting just accepted: now a recorded fact
    twice = Corrections(partner_ids=("peru", "europol"), date="2025-10-01")
    with pytest.raises(
        ReviewError, match=f"already recorded as event ev-2025-10-01-reviewed-{peru.candidate_id}"
    ):
        accept(raw, operation.candidate_id, twice, "a")
    event = accept(raw, operation.candidate_id, twice, "a", even_if_recorded=True)
    assert event["started_on"] == "2025-10-01"


def test_an_accepted_event_is_named_by_the_reviewer_or_its_sentence_never_the_title(raw):
    pending = by_document(pending_candidates(raw), "2025-10-02-peru")
    meeting = next(c for c in pending if c.event_type == "ministerial_meeting")
    event = accept(raw, meeting.candidate_id, Corrections(grade="B2"), "a")
    sentence = "Peru and Europol met in The Hague on 1 October 2025 to discuss cybercrime."
    assert event["event_name"] == sentence != "Peru and Europol meet"  # the document's title
    operation = next(c for c in pending if c.event_type == "operational_action")
    named = accept(raw, operation.candidate_id,
                   Corrections(date="2025-10-08", name="Joint operation of Peru and Colombia"),
                   "a")  # fmt: skip
    assert named["event_name"] == "Joint operation of Peru and Colombia"


def test_the_listing_shows_sentence_document_roles_and_every_matching_id(raw, monkeypatch):
    from orchestration.cli import app

    monkeypatch.setenv("COOP_RAW_DIR", str(raw))
    listed = CliRunner().invoke(app, ["review"], env={"COLUMNS": "80"})
    assert listed.exit_code == 0, listed.output
    new_part, recorded_part = listed.output.split("\nalready recorded: ")
    pending = pending_candidates(raw)
    for candidate in pending:  # new ones proposed, recorded ones shown as such
        part = recorded_part if candidate.matches else new_part
        assert f"\n{candidate.candidate_id}  {candidate.event_type}, " in part
        for match in candidate.matches:  # every id whole, never cut
            assert match.split(" ", 1)[1] in part
    meeting = next(c for c in pending if c.document_id.endswith("2025-10-02-peru")
                   and c.event_type == "ministerial_meeting")  # fmt: skip
    block = new_part.split(f"\n{meeting.candidate_id}  ")[1].split("\n\n")[0]
    assert "  sentence:    Peru and Europol met in The Hague on 1 October 2025" in block
    assert "  document:    europol/2025-10-02-peru: Peru and Europol meet" in block
    assert "peru (participant, named as actor)" in block
    assert "europol (participant, named as actor)" in block
    as_json = CliRunner().invoke(app, ["review", "--format", "json"])
    records = [json.loads(line) for line in as_json.output.splitlines()]
    assert {r["candidate_id"] for r in records} == {c.candidate_id for c in pending}
    brazil = next(r for r in records if r["document_id"].endswith("eu-brazil-agreement"))
    assert brazil["recorded_as"] and brazil["partners"][0]["participant_role"] == "signatory"


def test_a_candidate_carries_how_the_sentence_names_each_partner():
    from orchestration.documents.linking.linker import Mention

    text = "Peru and Europol met in The Hague on 1 October 2025, on cocaine from Colombia."
    mentions = [
        Mention("partner", "peru", "Peru", 0, 4, 1, "name", role="actor"),
        Mention("partner", "netherlands", "The Hague", 24, 33, 1, "place", role="place"),
        Mention("date", "2025-10-01", "1 October 2025", 37, 51, 1, "date", "day"),
        Mention("partner", "colombia", "Colombia", 70, 78, 1, "name", role="other"),
    ]
    (candidate,) = find_candidates("d", text, mentions)
    assert dict(zip(candidate.partner_ids, candidate.partner_roles, strict=True)) == {
        "peru": "actor", "netherlands": "place"}  # fmt: skip
