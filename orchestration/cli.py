"""`coop`: build, inspect and query the cooperation warehouse from a terminal."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()
errors = Console(stderr=True)


@app.callback()
def main() -> None:
    """Build, inspect and query the cooperation warehouse."""


def fail(message: str) -> None:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(1)


@app.command()
def parse() -> None:
    """Parse the dbt project into the manifest Dagster reads (skipped when it is unchanged)."""
    from orchestration.lib.runs import prepare_dbt_manifest

    parsed = prepare_dbt_manifest()
    console.print("dbt project parsed" if parsed else "dbt project unchanged: manifest kept")


@app.command()
def build(
    verbose: bool = typer.Option(False, help="Show Dagster's own step logs."),
    full_refresh: bool = typer.Option(False, help="Rebuild incremental facts from scratch."),
    force: bool = typer.Option(False, help="Rebuild and republish even if nothing changed."),
) -> None:
    """Materialize every asset through Dagster (load, dbt build and tests, publish)."""
    from orchestration.lib.runs import prepare_dbt_manifest, run_main_job
    from orchestration.lib.status import published_rows
    from orchestration.settings import load_settings

    with console.status("parsing the dbt project"):
        prepare_dbt_manifest()
    with console.status("running job build_warehouse (load → dbt build → checks → publish)"):
        summary = run_main_job(verbose=verbose, full_refresh=full_refresh, force=force)
    settings = load_settings()
    console.print(f"run {summary.run_id}: {'succeeded' if summary.success else 'FAILED'}")
    console.print(
        f"checks: {len(summary.checks_passed)} passed, {len(summary.checks_failed)} failed"
    )
    for name in summary.checks_failed:
        console.print(f"  [red]failed[/] {name}", highlight=False)
    for failure in summary.step_failures:
        console.print(f"  [red]step failed[/] {failure}", highlight=False)
    if summary.noop and summary.success:
        console.print(
            "nothing landed or changed since the last published build: every file confirmed "
            "unchanged, no model rebuilt (use --force to rebuild anyway)"
        )
        console.print(f"published warehouse (current): {settings.published_db}")
        return
    if summary.rebuilt_for:
        console.print(
            f"landed or changed: {', '.join(summary.rebuilt_for)}; rebuilt only what depends on "
            "them (use --force to rebuild everything)"
        )
    if summary.published:
        table = Table("mart", "rows", title=f"published {settings.published_db}")
        for mart, rows in published_rows(settings.published_db).items():
            table.add_row(mart, str(rows))
        console.print(table)
        console.print(f"Parquet exports: {settings.parquet_dir}")
    else:
        console.print(
            f"not published: the last good warehouse (if any) is unchanged at "
            f"{settings.published_db}"
        )
        raise typer.Exit(1)


@app.command()
def status() -> None:
    """Last run and its outcome, the published version, checks passed and failed, row counts."""
    import datetime as dt

    from orchestration.lib.status import last_run, publication, published_rows
    from orchestration.settings import load_settings

    settings = load_settings()
    run = last_run()
    if run is None:
        console.print("no run of build_warehouse yet: run `coop build`")
    else:
        started = dt.datetime.fromtimestamp(run["started"], dt.UTC) if run["started"] else None
        console.print(
            f"last run {run['run_id']}: {run['status']}, started {started:%Y-%m-%d %H:%M:%S} UTC"
            if started
            else f"last run {run['run_id']}: {run['status']}"
        )
        console.print(
            f"checks: {len(run['checks_passed'])} passed, {len(run['checks_failed'])} failed"
        )
        for name in run["checks_failed"]:
            console.print(f"  [red]failed[/] {name}", highlight=False)
    published = publication(settings.published_db)
    if published is None:
        console.print(f"nothing published at {settings.published_db}")
        return
    console.print(f"published {settings.published_db} at {published[0]} UTC by run {published[1]}")
    table = Table("mart", "rows")
    for mart, rows in published_rows(settings.published_db).items():
        table.add_row(mart, str(rows))
    console.print(table)


@app.command()
def query(
    sql: str = typer.Argument(..., help="One SQL query over the published warehouse."),
    output: str = typer.Option("table", "--format", help="table, csv or json"),
) -> None:
    """Run a read-only query on the published warehouse."""
    import csv
    import json
    import sys

    import duckdb

    from orchestration.settings import load_settings

    if output not in ("table", "csv", "json"):
        fail(f"unknown format '{output}': use table, csv or json")
    path = load_settings().published_db
    if not path.exists():
        fail(f"nothing published at {path}: run `coop build` first")
    try:
        con = duckdb.connect(str(path), read_only=True)
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall()
    except duckdb.Error as error:
        fail(str(error).splitlines()[0])
    if output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output == "json":
        print(json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str))
    else:
        table = Table(*columns)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)


@app.command()
def trace(
    table: str = typer.Argument(..., help="A mart: dim_partner, fct_agreement, fct_event..."),
    key: str = typer.Argument(..., help="The row's natural key, e.g. an agreement_id."),
) -> None:
    """Where a row came from: source document, its grade and handling code, extract file, line."""
    import duckdb

    from orchestration.lib.trace import TraceError
    from orchestration.lib.trace import trace as trace_row
    from orchestration.settings import load_settings

    path = load_settings().published_db
    if not path.exists():
        fail(f"nothing published at {path}: run `coop build` first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = trace_row(con, table, key)
    except TraceError as error:
        fail(str(error))
    finally:
        con.close()
    console.print(f"{found.table} {found.key}", highlight=False)
    console.print(f"  extract   raw/{found.source_file}, line {found.source_line}", highlight=False)
    console.print(f"  document  {found.document_id}: {found.title}", highlight=False)
    console.print(f"  url       {found.url}", highlight=False)
    console.print(
        f"  grade     {found.evaluation_code} ({found.verification_status}), "
        f"handling {found.handling_code}",
        highlight=False,
    )


@app.command()
def link(
    file: str = typer.Argument(..., help="A document: .txt, .md or .html, front matter optional."),
    output: str = typer.Option("table", "--format", help="table, or json: one object per line."),
) -> None:
    """The partners, threats and dates one document mentions, without building anything."""
    import json
    from pathlib import Path

    from orchestration.lib.linking.files import UnlinkableDocument, link_file
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


review_app = typer.Typer(no_args_is_help=False, help="Candidate facts from the landed documents.")
app.add_typer(review_app, name="review")


@review_app.callback(invoke_without_command=True)
def review(ctx: typer.Context) -> None:
    """List the candidate facts not decided yet, and the recorded facts each already matches."""
    if ctx.invoked_subcommand is not None:
        return
    from orchestration.lib.review import pending_candidates
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
    from orchestration.lib.review import Corrections, ReviewError, accept
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
    from orchestration.lib.review import ReviewError, reject
    from orchestration.settings import load_settings

    try:
        reject(load_settings().raw_dir, candidate_id, reason, reviewer)
    except ReviewError as error:
        fail(str(error))
    console.print(f"rejected: {candidate_id}")


if __name__ == "__main__":
    app()
