"""Review of candidate facts: list them, accept one (with corrections) or reject it.

Candidates come from the landed documents (`raw/documents/`), linked as `coop link` does.
Nothing a machine proposes becomes a fact by itself: `accept` appends the event to the
append-only extract `raw/curated/events/events_reviewed.ndjson`, which the normal ingest loads
like every events file, with the document as its source (added once to
`raw/curated/source_documents/source_documents_reviewed.csv` with the reviewer's grade).
Every decision, accept or reject, is appended to `review/decisions.ndjson`, so a decided
candidate is never proposed again. A candidate that matches an event or agreement already in
the curated extracts (same partners, a date within its precision) says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path

from orchestration.documents.linking.candidates import Candidate, find_candidates
from orchestration.documents.linking.gazetteer import gazetteer_from_files, read_csv_rows
from orchestration.documents.linking.linker import Linker
from orchestration.documents.reading import read_document
from orchestration.landing.contracts import DOCUMENTS
from orchestration.landing.vocabularies import EVENT_TYPES, PARTICIPANT_ROLES
from orchestration.landing.zone import find_landed_files

REVIEWED_EVENTS = Path("curated/events/events_reviewed.ndjson")
REVIEWED_DOCUMENTS = Path("curated/source_documents/source_documents_reviewed.csv")
SOURCE_DOCUMENT_COLUMNS = ("document_id", "title", "publisher", "published_on", "url",
                           "language", "source_reliability", "information_accuracy",
                           "handling_code", "verification_status", "note")  # fmt: skip
ROLE_OF_TYPE = {"signing": "signatory"}


class ReviewError(Exception):
    """A decision that cannot be recorded, with what to do about it."""


@dataclass
class Corrections:
    event_type: str | None = None
    partner_ids: tuple[str, ...] | None = None
    roles: dict[str, str] | None = None
    date: str | None = None
    name: str | None = None
    grade: str | None = None  # e.g. "B2": source reliability and information accuracy
    handling_code: str | None = None


def decisions_path(raw_dir: Path) -> Path:
    return raw_dir.parent / "review" / "decisions.ndjson"


def read_ndjson(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def read_folder(folder: Path) -> list[dict]:
    return [row for path in sorted(folder.glob("*.ndjson")) for row in read_ndjson(path)]


def date_window(candidate: Candidate) -> tuple[dt.date, dt.date]:
    day = dt.date.fromisoformat(candidate.date)
    if candidate.date_precision == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    return day, day


def matching_facts(candidate: Candidate, events: list[dict], agreements: list[dict]) -> list[str]:
    """Events and agreements already recorded with the candidate's partners (two of them, or
    its only one) on a date within the candidate's precision."""
    low, high = date_window(candidate)
    needed = min(2, len(candidate.partner_ids))
    found = []
    for kind, rows, date_key, people, key in (
        ("event", events, "started_on", "participants", "event_id"),
        ("agreement", agreements, "signed_on", "parties", "agreement_id"),
    ):
        for row in rows:
            when = row.get(date_key)
            ids = {p["partner_id"] for p in row.get(people) or []}
            if when and low <= dt.date.fromisoformat(when) <= high and (
                len(ids & set(candidate.partner_ids)) >= needed):  # fmt: skip
                found.append(f"{kind} {row[key]}")
    return found


def all_candidates(raw_dir: Path) -> tuple[list[Candidate], dict[str, dict]]:
    """Every candidate of the landed documents, and each usable document's values."""
    linker = Linker(gazetteer_from_files(raw_dir))
    candidates, documents = [], {}
    for landed in find_landed_files(raw_dir, DOCUMENTS):
        if landed.refused_reason:
            continue
        document = read_document(landed.path, landed.relative_path)
        values = document.values
        if document.problems or not values.get("text"):
            continue  # quarantined at load: nothing to propose from it
        base = dt.date.fromisoformat(values["published_on"]) if values.get("published_on") else None
        mentions = linker.link(values["text"], values.get("language"), base)
        documents[values["document_id"]] = values
        candidates += find_candidates(values["document_id"], values["text"], mentions)
    return candidates, documents


def pending_candidates(raw_dir: Path) -> list[Candidate]:
    """Candidates not decided yet, each with the recorded facts it matches."""
    decided = {d["candidate_id"] for d in read_ndjson(decisions_path(raw_dir))}
    events = read_folder(raw_dir / "curated" / "events")
    agreements = read_folder(raw_dir / "curated" / "agreements")
    candidates, _ = all_candidates(raw_dir)
    return [replace(c, matches=matching_facts(c, events, agreements))
            for c in candidates if c.candidate_id not in decided]  # fmt: skip


def _find(raw_dir: Path, candidate_id: str) -> tuple[Candidate, dict]:
    decided = {d["candidate_id"]: d for d in read_ndjson(decisions_path(raw_dir))}
    if candidate_id in decided:
        raise ReviewError(
            f"candidate {candidate_id} was already {decided[candidate_id]['decision']}"
        )
    candidates, documents = all_candidates(raw_dir)
    for candidate in candidates:
        if candidate.candidate_id == candidate_id:
            return candidate, documents[candidate.document_id]
    raise ReviewError(f"no candidate {candidate_id}: `coop review` lists them")


def _append(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _record_decision(raw_dir: Path, candidate_id: str, decision: str, reviewer: str,
                     **extra) -> None:  # fmt: skip
    _append(decisions_path(raw_dir), {
        "candidate_id": candidate_id, "decision": decision, "reviewer": reviewer,
        "decided_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **extra})  # fmt: skip


def reject(raw_dir: Path, candidate_id: str, reason: str, reviewer: str) -> None:
    if not reason.strip():
        raise ReviewError("a rejection needs --reason")
    _find(raw_dir, candidate_id)
    _record_decision(raw_dir, candidate_id, "rejected", reviewer, reason=reason)


def _event(candidate: Candidate, corrections: Corrections, document: dict, known: set[str],
           reviewer: str) -> dict:  # fmt: skip
    """The event record an accepted candidate becomes, corrections applied and checked."""
    event_type = corrections.event_type or candidate.event_type
    partners = corrections.partner_ids or candidate.partner_ids
    roles = corrections.roles or {}
    problems = []
    if event_type not in EVENT_TYPES:
        problems.append(f"type {event_type!r} is not one of {', '.join(EVENT_TYPES)}")
    problems += [f"partner {p!r} is not in raw/curated/partners" for p in
                 (*partners, *roles) if p not in known]  # fmt: skip
    problems += [f"role {r!r} is not one of {', '.join(PARTICIPANT_ROLES)}"
                 for r in roles.values() if r not in PARTICIPANT_ROLES]  # fmt: skip
    date = corrections.date or (candidate.date if candidate.date_precision == "day" else None)
    if date is None:
        problems.append(f"the date is known only to the {candidate.date_precision} "
                        f"({candidate.date}): give --date YYYY-MM-DD")  # fmt: skip
    else:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            problems.append(f"--date {date!r} is not a date in YYYY-MM-DD form")
    if problems:
        raise ReviewError(f"candidate {candidate.candidate_id}: " + "; ".join(problems))
    default_role = ROLE_OF_TYPE.get(event_type, "participant")
    return {
        "event_id": f"ev-{date}-reviewed-{candidate.candidate_id}",
        "event_name": corrections.name or document["title"],
        "event_type": event_type,
        "started_on": date,
        "ended_on": None,
        "date_precision": "day",
        "location_name": None,
        "location_partner_id": None,
        "agreement_id": None,
        "participants": [
            {"partner_id": p, "participant_role": roles.get(p, default_role)}
            for p in dict.fromkeys((*partners, *roles))
        ],  # fmt: skip
        "threat_ids": list(candidate.threat_ids),
        "document_id": candidate.document_id,
        "note": f"accepted in review by {reviewer} from candidate {candidate.candidate_id} "
        f"(characters {candidate.sentence_start}-{candidate.sentence_end} of the document)",
    }


def _ensure_source_document(raw_dir: Path, document: dict, corrections: Corrections,
                            reviewer: str) -> None:  # fmt: skip
    """The landed document becomes a cited source document once, with the reviewer's grade."""
    known = {r["document_id"] for r in read_csv_rows(raw_dir / "curated" / "source_documents")}
    if document["document_id"] in known:
        return
    if not document.get("url"):
        raise ReviewError(f"document {document['document_id']} has no url: add one to its "
                          "front matter before accepting a fact from it")  # fmt: skip
    grade = corrections.grade or document["source_reliability"] + document["information_accuracy"]
    if len(grade) != 2 or grade[0] not in "ABCX" or grade[1] not in "1234":
        raise ReviewError(f"--grade {grade!r}: a reliability A, B, C or X and an accuracy 1-4")
    path = raw_dir / REVIEWED_DOCUMENTS
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if new:
            writer.writerow(SOURCE_DOCUMENT_COLUMNS)
        writer.writerow([document["document_id"], document["title"], document["publisher"],
                         document.get("published_on") or "", document["url"],
                         document.get("language") or "", grade[0], grade[1],
                         corrections.handling_code or document["handling_code"], "single_source",
                         f"landed document; graded in review by {reviewer}"])  # fmt: skip


def accept(raw_dir: Path, candidate_id: str, corrections: Corrections, reviewer: str) -> dict:
    """Append the candidate as an event to the reviewed extract; return the event."""
    candidate, document = _find(raw_dir, candidate_id)
    known = {r["partner_id"] for r in read_csv_rows(raw_dir / "curated" / "partners")}
    event = _event(candidate, corrections, document, known, reviewer)
    _ensure_source_document(raw_dir, document, corrections, reviewer)
    _append(raw_dir / REVIEWED_EVENTS, event)
    _record_decision(raw_dir, candidate_id, "accepted", reviewer, event_id=event["event_id"])
    return event
