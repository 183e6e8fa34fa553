"""Documents: linking one document, and the review queue of candidate facts."""

from __future__ import annotations

import typer
from rich.table import Table

from orchestration.cli.app import Typer, app
from orchestration.cli.output import console, fail


@app.command()
def link(
    file: str = typer.Argument(..., help="A document: .txt, .md or .html, front matter optional."),
    output: str = typer.Option("table", "--format", help="table, or json: one object per line."),
) -> None:
    """The partners, threats and dates one document mentions, without building anything."""
    import json
    from pathlib import Path

    from orchestration.documents.linking.files import UnlinkableDocument, link_file
    from orchestration.settings import load_settings

    try:
        mentions = link_file(Path(file), load_settings().raw_dir)
    except (UnlinkableDocument, OSError) as error:
        fail(str(error))
    fields = ("kind", "id", "surface", "start", "end", "confidence", "method", "precision")
    if output == "json":
        for mention in mentions:
            print(json.dumps(mention.as_dict(), ensure_ascii=False))
        return
    table = Table(*fields)
    for mention in mentions:
        table.add_row(*(str(getattr(mention, f) or "") for f in fields))
    console.print(table)


review_app = Typer(no_args_is_help=False, help="Candidate facts from the landed documents.")
app.add_typer(review_app, name="review")


@review_app.callback(invoke_without_command=True)
def review(ctx: typer.Context) -> None:
    """List the candidate facts not decided yet, and the recorded facts each already matches."""
    if ctx.invoked_subcommand is not None:
        return
    from orchestration.documents.review import pending_candidates
    from orchestration.settings import load_settings

    table = Table("id", "type", "date", "partners", "document", "already recorded as")
    for c in pending_candidates(load_settings().raw_dir):
        date = c.date if c.date_precision == "day" else f"{c.date} ({c.date_precision})"
        table.add_row(c.candidate_id, c.event_type, date, ", ".join(c.partner_ids),
                      c.document_id, "; ".join(c.matches) or "new")  # fmt: skip
    console.print(table)


@review_app.command("accept")
def review_accept(
    candidate_id: str = typer.Argument(..., help="An id from `coop review`."),
    event_type: str = typer.Option(None, "--type", help="Correct the event type."),
    partners: str = typer.Option(None, help="Correct the partners: ids, comma-separated."),
    roles: str = typer.Option(None, help="Roles, e.g. europol=host,clasi=visitor."),
    date: str = typer.Option(None, help="Correct the date: YYYY-MM-DD."),
    name: str = typer.Option(None, help="The event's name (default: the document's title)."),
    grade: str = typer.Option(None, help="The document's 4x4 grade, e.g. B2."),
    handling: str = typer.Option(None, help="The document's handling code, H0-H3."),
    reviewer: str = typer.Option(..., help="Who accepts it (kept as provenance)."),
) -> None:
    """Accept a candidate: append it as an event to raw/curated/events/events_reviewed.ndjson."""
    from orchestration.documents.review import Corrections, ReviewError, accept
    from orchestration.settings import load_settings

    corrections = Corrections(
        event_type=event_type,
        partner_ids=tuple(p.strip() for p in partners.split(",")) if partners else None,
        roles=dict(r.split("=", 1) for r in roles.split(",")) if roles else None,
        date=date, name=name, grade=grade, handling_code=handling,
    )  # fmt: skip
    try:
        event = accept(load_settings().raw_dir, candidate_id, corrections, reviewer)
    except ReviewError as error:
        fail(str(error))
    console.print(f"accepted: event {event['event_id']} appended; `coop build` loads it")


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
