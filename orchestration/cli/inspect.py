"""Inspecting the published warehouse: status, rejects, trace."""

from __future__ import annotations

import typer
from rich.table import Table

from orchestration.cli.app import app
from orchestration.cli.output import console, fail, print_rows, report_rejects


@app.command()
def status() -> None:
    """The published version (when, by which run, its checks, rows, quarantine) and the
    last run."""
    import datetime as dt

    from orchestration.analyst.querying import connect_published
    from orchestration.analyst.status import (
        last_run,
        publication,
        published_rows,
        run_by_id,
        stale_extract_lines,
    )
    from orchestration.landing.rejects import quarantined
    from orchestration.settings import load_settings

    def when(seconds: float | None) -> str:
        if not seconds:
            return "?"
        return f"{dt.datetime.fromtimestamp(seconds, dt.UTC):%Y-%m-%d %H:%M:%S} UTC"

    settings = load_settings()
    stale = stale_extract_lines(settings.raw_dir)
    console.print(f"stale extracts: {len(stale)}", highlight=False)
    for line in stale:
        console.print(f"  stale {line}", style="yellow")
    run = last_run()
    if run is None:
        console.print("no run of build_warehouse yet: run `coop build`")
    else:
        console.print(f"last run {run['run_id']}: {run['status']}, started {when(run['started'])}")
    published = publication(settings.published_db)
    if published is None:
        console.print(f"nothing published at {settings.published_db}")
        return
    console.print(f"published {settings.published_db} at {published[0]} UTC by run {published[1]}")
    if published[2]:
        console.print(f"newest fact loaded at {published[2]} UTC")
    built = run_by_id(published[1])
    if built is None:
        console.print("  the run that built it is not in this Dagster instance's history")
    else:
        console.print(
            f"  built by that run from {when(built['started'])} to {when(built['ended'])}; "
            f"checks: {len(built['checks_passed'])} passed, {len(built['checks_failed'])} failed"
        )
        for name in built["checks_failed"]:
            console.print(f"  failed check {name}", style="red")
    table = Table("mart", "rows")
    for mart, rows in published_rows(settings.published_db).items():
        table.add_row(mart, str(rows))
    console.print(table)
    con = connect_published(settings.published_db)
    try:
        report_rejects(quarantined(con), "quarantine of the published version")
    finally:
        con.close()
    from orchestration.analyst.coverage import coverage_tables

    for coverage_table in coverage_tables(settings.published_db):
        console.print(coverage_table)


@app.command()
def rejects(
    file: str = typer.Option(
        None, "--file", help="Only this landed file's rows, e.g. raw/curated/events/x.ndjson."
    ),
    output: str = typer.Option("table", "--format", help="table, csv or json."),
    build_file: bool = typer.Option(
        False,
        "--build",
        help="Read the private build file (the last run) instead of the "
        "published version; waits while a run writes it.",
    ),
) -> None:
    """Every row the loader quarantined: file, line, column, reason, the raw value and the raw
    text of the line (read from the landed file while it is there)."""
    from orchestration.analyst.querying import connect_published
    from orchestration.landing.rejects import by_file, line_texts, quarantined
    from orchestration.operations.writer import build_connection
    from orchestration.settings import load_settings

    if output not in ("table", "csv", "json"):
        fail(f"unknown format '{output}': use table, csv or json")
    settings = load_settings()
    if build_file:
        if not settings.build_db.exists():
            fail(f"no build file at {settings.build_db}: run `coop build` first")
        with build_connection(settings) as con:
            found = quarantined(con, file)
    else:
        if not settings.published_db.exists():
            fail(f"nothing published at {settings.published_db}: run `coop build` first")
        con = connect_published(settings.published_db)
        try:
            found = quarantined(con, file)
        finally:
            con.close()
    texts = {
        name: line_texts(settings.raw_dir, name, {r.line for r in items if r.line})
        for name, items in by_file(found).items()
    }
    columns = ["file", "line", "column", "reason", "raw_value", "line_text"]
    rows = [
        (r.file, r.line, r.column, r.reason, r.raw_value, texts[r.file].get(r.line)) for r in found
    ]
    print_rows(columns, rows, output)
    if output == "table":
        console.print(f"{len(rows)} quarantined value(s)")


@app.command()
def trace(
    table: str = typer.Argument(..., help="A mart: dim_partner, fct_agreement, fct_event..."),
    key: str = typer.Argument(..., help="The row's natural key, e.g. an agreement_id."),
) -> None:
    """Where a row came from: source document, its grade and handling code, extract file, line."""
    from orchestration.analyst.querying import connect_published
    from orchestration.analyst.trace import TraceError
    from orchestration.analyst.trace import trace as trace_row
    from orchestration.settings import load_settings

    path = load_settings().published_db
    if not path.exists():
        fail(f"nothing published at {path}: run `coop build` first")
    con = connect_published(path)
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
