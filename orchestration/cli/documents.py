"""Documents: linking documents (many files and folders in one process), and the review queue
of candidate facts."""

from __future__ import annotations

import typer
from rich.table import Table

from orchestration.cli.app import app
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
    import json
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


review_app = typer.Typer(no_args_is_help=False, help="Candidate facts from the landed documents.")
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
