"""Inspecting the published warehouse: status, rejects, trace."""

from __future__ import annotations

import typer
from rich.table import Table

from orchestration.cli.app import app
from orchestration.cli.output import console, fail, print_rows, report_rejects


@app.command()
def status(
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Add the rows per mart and the coverage tables."
    ),
) -> None:
    """The status in a few lines: the published version (when, by which run, its checks,
    its quarantine), stale extracts and the last run. --verbose adds the rows per mart and
    the coverage of the published facts (documents per publisher, dates, grades)."""
    from orchestration.analyst.status import last_run, publication, run_by_id
    from orchestration.settings import load_settings

    settings = load_settings()
    published = publication(settings.published_db)
    built = run_by_id(published[1]) if published else None
    if published is None:
        console.print(f"nothing published at {settings.published_db}: run `coop build`")
    else:
        checks = "checks: the run is not in this Dagster instance's history"
        if built is not None:
            passed, failed = len(built["checks_passed"]), len(built["checks_failed"])
            checks = f"checks: {passed} passed, {failed} failed"
        console.print(
            f"published {published[0]:%Y-%m-%d %H:%M:%S} UTC by run {published[1]}; {checks}"
        )
        for name in built["checks_failed"] if built else []:
            console.print(f"  failed check {name}", style="red")
    run = last_run()
    if run is None:
        console.print("last run: none of build_warehouse yet: run `coop build`")
    elif published is None or run["run_id"] != published[1]:
        console.print(f"last run {run['run_id']}: {run['status']}, started {_when(run['started'])}")
    else:
        console.print(f"last run: the one that published ({run['status']})")
    _stale_extracts(settings.raw_dir)
    if published is None:
        return
    _published_details(settings, published, built, verbose)
    if not verbose:
        console.print("(coop status --verbose: rows per mart and the coverage of the facts)")


def _when(seconds: float | None) -> str:
    import datetime as dt

    if not seconds:
        return "?"
    return f"{dt.datetime.fromtimestamp(seconds, dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


def _stale_extracts(raw_dir) -> None:
    from orchestration.analyst.status import stale_extract_lines

    stale = stale_extract_lines(raw_dir)
    console.print(f"stale extracts: {len(stale) or 'none'}", highlight=False)
    for line in stale:
        console.print(f"  stale {line}", style="yellow")


def _published_details(settings, published: tuple, built: dict | None, verbose: bool) -> None:
    """The quarantine of the published version; with `verbose`, where it is, the run's
    times, the rows per mart and the coverage tables."""
    from orchestration.analyst.coverage import coverage_tables
    from orchestration.analyst.querying import connect_published
    from orchestration.analyst.status import published_rows
    from orchestration.landing.rejects import quarantined

    con = connect_published(settings.published_db)
    try:
        report_rejects(quarantined(con), "quarantine of the published version")
    finally:
        con.close()
    if not verbose:
        return
    console.print(f"published file {settings.published_db}")
    if published[2]:
        console.print(f"newest fact loaded at {published[2]:%Y-%m-%d %H:%M:%S} UTC")
    if built is not None:
        console.print(f"built by run {built['run_id']} from {_when(built['started'])} "
                      f"to {_when(built['ended'])}")  # fmt: skip
    table = Table("mart", "rows")
    for mart, rows in published_rows(settings.published_db).items():
        table.add_row(mart, str(rows))
    console.print(table)
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
            known = file is None or found or _known_file(con, settings.raw_dir, file)
    else:
        if not settings.published_db.exists():
            fail(f"nothing published at {settings.published_db}: run `coop build` first")
        con = connect_published(settings.published_db)
        try:
            found = quarantined(con, file)
            known = file is None or found or _known_file(con, settings.raw_dir, file)
        finally:
            con.close()
    if not known:  # where an empty list would read as "no row quarantined"
        fail(
            f"no file {file.removeprefix('raw/')} landed under {settings.raw_dir} or "
            "ever loaded: give its path under raw/, e.g. raw/curated/partners/partners.csv"
        )
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


def _known_file(con, raw_dir, file: str) -> bool:
    """Landed under raw/, or named in the load ledger (a file removed since it was loaded)."""
    relative = file.removeprefix("raw/")
    if (raw_dir / relative).is_file():
        return True
    ledger = "select count(*) from _meta.load_ledger where source_file = ?"
    return con.execute(ledger, [relative]).fetchone()[0] > 0
