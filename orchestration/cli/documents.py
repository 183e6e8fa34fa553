"""Documents: linking documents (many files and folders in one process), and the review queue
of candidate facts."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from orchestration.cli.app import Typer, app
from orchestration.cli.output import console, errors, fail

LINK_PATHS = typer.Argument(
    ..., help="Documents (.txt, .md, .html; front matter optional) or folders of them."
)


@app.command()
def link(
    paths: list[str] = LINK_PATHS,
    output: str = typer.Option("table", "--format", help="table, or json: one object per line."),
) -> None:
    """The partners (each with its role: actor, place or other), threats and dates documents
    mention, without building anything. Many files and folders link in one process."""
    from pathlib import Path

    from orchestration.documents.linking.files import (
        UnlinkableDocument,
        document_files,
        link_file,
        linker_for,
    )
    from orchestration.settings import load_settings

    settings = load_settings()
    try:
        files = document_files([Path(p) for p in paths])
    except UnlinkableDocument as error:
        fail(str(error))
    linker = linker_for(settings.raw_dir, settings.build_dir / "linking")
    fields = ("kind", "id", "role", "surface", "start", "end", "confidence", "method", "precision")
    table = Table(*(("file",) if len(files) > 1 else ()), *fields)
    failed = False
    for path in files:
        try:
            mentions = link_file(path, settings.raw_dir, linker)
        except (UnlinkableDocument, OSError) as error:
            errors.print(f"error: {error}", style="bold red")
            failed = True  # the other files are still linked
            continue
        for mention in mentions:
            if output == "json":
                print(json.dumps({"file": str(path), **mention.as_dict()}, ensure_ascii=False))
            else:
                cells = [str(getattr(mention, f) if getattr(mention, f) is not None else "")
                         for f in fields]  # fmt: skip
                table.add_row(*([str(path)] if len(files) > 1 else []), *cells)
    if output != "json":
        console.print(table)
    if failed:
        raise typer.Exit(1)


review_app = Typer(no_args_is_help=False, help="Candidate facts from the landed documents.")
app.add_typer(review_app, name="review")


@review_app.callback(invoke_without_command=True)
def review(
    ctx: typer.Context,
    output: str = typer.Option("text", "--format", help="text, or json: one object per line."),
) -> None:
    """The candidate facts not decided yet: new ones first, then those already recorded
    (not proposed as new), each with its sentence, its document and its partners with the
    role each would have."""
    if ctx.invoked_subcommand is not None:
        return
    from orchestration.documents.review import review_queue
    from orchestration.settings import load_settings

    if output not in ("text", "json"):
        fail(f"unknown format '{output}': use text or json")
    candidates, documents = review_queue(load_settings().raw_dir)
    if output == "json":
        for candidate in candidates:
            print(json.dumps(_as_record(candidate, documents), ensure_ascii=False))
        return
    new = [c for c in candidates if not c.matches]
    recorded = [c for c in candidates if c.matches]
    console.print(f"new candidates: {len(new)} (coop review accept ID --reviewer NAME "
                  "[--name ...], or coop review reject ID --reason ...)")  # fmt: skip
    for candidate in new:
        _print_candidate(candidate, documents)
    console.print(f"\nalready recorded: {len(recorded)} (not proposed: reject them, or accept "
                  "one that is another fact with --even-if-recorded)")  # fmt: skip
    for candidate in recorded:
        _print_candidate(candidate, documents)


def _as_record(candidate, documents: dict) -> dict:
    from orchestration.documents.review import participant_roles

    document = documents[candidate.document_id]
    roles = participant_roles(candidate)
    return {
        "candidate_id": candidate.candidate_id, "event_type": candidate.event_type,
        "date": candidate.date, "date_precision": candidate.date_precision,
        "sentence": " ".join(candidate.sentence.split()),
        "document_id": candidate.document_id, "document_title": document.get("title"),
        "document_url": document.get("url"),
        "partners": [{"partner_id": p, "participant_role": roles[p], "named_as": named}
                     for p, named in zip(candidate.partner_ids, candidate.partner_roles
                                         or (None,) * len(candidate.partner_ids), strict=True)],
        "threat_ids": list(candidate.threat_ids), "recorded_as": candidate.matches,
    }  # fmt: skip


def _print_candidate(candidate, documents: dict) -> None:
    """A block per candidate; nothing cut (ids and sentences run on past the edge)."""
    record = _as_record(candidate, documents)
    date = record["date"] + ("" if record["date_precision"] == "day"
                             else f" (the {record['date_precision']} of)")  # fmt: skip
    partners = ", ".join(
        f"{p['partner_id']} ({p['participant_role']}"
        + (f", named as {p['named_as']})" if p["named_as"] else ")")
        for p in record["partners"]
    )
    lines = [
        f"\n{record['candidate_id']}  {record['event_type']}, {date}",
        f"  sentence:    {record['sentence']}",
        f"  document:    {record['document_id']}: {record['document_title']}"
        + (f" <{record['document_url']}>" if record["document_url"] else ""),
        f"  partners:    {partners}",
    ]
    if record["threat_ids"]:
        lines.append(f"  threats:     {', '.join(record['threat_ids'])}")
    if record["recorded_as"]:
        lines.append(f"  recorded as: {'; '.join(record['recorded_as'])}")
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False)


@review_app.command("accept")
def review_accept(
    candidate_id: str = typer.Argument(..., help="An id from `coop review`."),
    event_type: str = typer.Option(None, "--type", help="Correct the event type."),
    partners: str = typer.Option(None, help="Correct the partners: ids, comma-separated."),
    roles: str = typer.Option(None, help="Roles, e.g. europol=host,clasi=visitor."),
    date: str = typer.Option(None, help="Correct the date: YYYY-MM-DD."),
    name: str = typer.Option(None, help="The event's name (default: the candidate's sentence)."),
    grade: str = typer.Option(None, help="The document's 4x4 grade, e.g. B2."),
    handling: str = typer.Option(None, help="The document's handling code, H0-H3."),
    reviewer: str = typer.Option(..., help="Who accepts it (kept as provenance)."),
    even_if_recorded: bool = typer.Option(
        False,
        "--even-if-recorded",
        help="Accept a candidate that matches a recorded event or agreement: it is another fact.",
    ),
) -> None:
    """Accept a candidate: append it as an event to raw/curated/events/events_reviewed.ndjson.

    Its name is --name or the candidate's sentence, its type --type or the candidate's. A
    candidate already recorded as an event or agreement is refused unless --even-if-recorded."""
    from orchestration.documents.review import Corrections, ReviewError, accept
    from orchestration.settings import load_settings

    corrections = Corrections(
        event_type=event_type,
        partner_ids=tuple(p.strip() for p in partners.split(",")) if partners else None,
        roles=dict(r.split("=", 1) for r in roles.split(",")) if roles else None,
        date=date, name=name, grade=grade, handling_code=handling,
    )  # fmt: skip
    try:
        event = accept(load_settings().raw_dir, candidate_id, corrections, reviewer,
                       even_if_recorded)  # fmt: skip
    except ReviewError as error:
        fail(str(error))
    roles = ", ".join(f"{p['partner_id']} ({p['participant_role']})" for p in event["participants"])
    console.print(f"accepted: event {event['event_id']}, {event['event_type']} on "
                  f"{event['started_on']}, \"{event['event_name']}\", with {roles}; appended "
                  "to raw/curated/events/events_reviewed.ndjson (coop build loads it)")  # fmt: skip


@review_app.command("reject")
def review_reject(
    candidate_id: str = typer.Argument(..., help="An id from `coop review`."),
    reason: str = typer.Option(..., help="Why it is not a fact (kept with the decision)."),
    reviewer: str = typer.Option("reviewer", help="Who rejects it."),
) -> None:
    """Reject a candidate: it is recorded in review/decisions.ndjson and not proposed again."""
    from orchestration.documents.review import ReviewError, reject
    from orchestration.settings import load_settings

    try:
        reject(load_settings().raw_dir, candidate_id, reason, reviewer)
    except ReviewError as error:
        fail(str(error))
    console.print(f"rejected: {candidate_id}")
