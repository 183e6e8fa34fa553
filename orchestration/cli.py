"""`coop`: build, inspect and query the cooperation warehouse from a terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)


def _console(stream) -> Console:
    """Data, paths and errors are printed as they are: no markup or emoji read into them, no
    colour and no wrapping when the output is not a terminal (a pipe or a file)."""
    terminal = stream.isatty()
    return Console(
        file=stream,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=True,
        width=None if terminal else 100_000,
        no_color=not terminal,
    )


class _Output:
    """A console on whatever sys.stdout or sys.stderr is when it prints (a test runner or a
    caller may have replaced it since import)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attribute: str):
        return getattr(_console(getattr(sys, self.name)), attribute)


console = _Output("stdout")
errors = _Output("stderr")


@app.callback()
def main() -> None:
    """Build, inspect and query the cooperation warehouse."""


def fail(message: str) -> None:
    errors.print(f"error: {message}", style="bold red")
    raise typer.Exit(1)


@app.command()
def parse() -> None:
    """Parse the dbt project into the manifest Dagster reads (skipped when it is unchanged)."""
    from orchestration.runner.runs import prepare_dbt_manifest

    parsed = prepare_dbt_manifest()
    console.print("dbt project parsed" if parsed else "dbt project unchanged: manifest kept")


def _report_rejects(rejects: list, title: str) -> None:
    from orchestration.landing.rejects import by_file, summary_lines

    if not rejects:
        console.print(f"{title}: no row quarantined")
        return
    files = by_file(rejects)
    rows = sum(len({r.line for r in items}) for items in files.values())
    console.print(f"{title}: {rows} row(s) quarantined in {len(files)} file(s) (coop rejects)")
    for line in summary_lines(rejects):
        console.print(f"  {line}")


def _report_run(summary) -> None:
    """What a run did, ending with exit status 1 when it failed or did not publish."""
    from orchestration.analyst.status import published_rows
    from orchestration.settings import load_settings

    settings = load_settings()
    console.print(f"run {summary.run_id}: {'succeeded' if summary.success else 'FAILED'}")
    console.print(
        f"checks: {len(summary.checks_passed)} passed, {len(summary.checks_failed)} failed"
    )
    for name in summary.checks_failed:
        console.print(f"  failed check {name}", style="red")
    for problem in summary.problems:
        errors.print(problem, style="red")
    for warning in summary.warnings:
        errors.print(f"warning: {warning}", style="yellow")
    _report_rejects(summary.rejects, "quarantine of this build")
    if not summary.success:
        errors.print(f"run {summary.run_id} failed; full log: {summary.log_path}")
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
        table = Table("mart", "rows", title=f"published {settings.publication}")
        for mart, rows in published_rows(settings.publication).items():
            table.add_row(mart, str(rows))
        console.print(table)
        if settings.engine == "duckdb":  # Spark's publication is Parquet itself
            console.print(f"Parquet exports: {settings.parquet_dir}")
        console.print(f"Atlas: {settings.atlas_dir / 'index.html'}")
        if not summary.success:  # published, but a step after publishing failed (the atlas)
            raise typer.Exit(1)
    else:
        console.print(
            f"not published: the last good warehouse (if any) is unchanged at "
            f"{settings.publication}"
        )
        raise typer.Exit(1)


@app.command()
def build(
    verbose: bool = typer.Option(False, help="Show Dagster's own step logs and stack traces."),
    full_refresh: bool = typer.Option(False, help="Rebuild incremental facts from scratch."),
    force: bool = typer.Option(False, help="Rebuild and republish even if nothing changed."),
    engine: str = typer.Option(
        None, help="duckdb or spark: where dbt builds the marts (default: COOP_ENGINE, duckdb)."
    ),
) -> None:
    """Materialize every asset through Dagster (load, dbt build and tests, publish).

    Ends with the checks, one line per problem (file: line N, column: reason), the rows the
    loader quarantined per file, and the published row counts; exits 1 when nothing was
    published."""
    import os

    if engine:  # read by orchestration.settings, like every other setting
        os.environ["COOP_ENGINE"] = engine
    from orchestration.runner.runs import prepare_dbt_manifest, run_main_job

    with console.status("parsing the dbt project"):
        prepare_dbt_manifest()
    with console.status("running job build_warehouse (load → dbt build → checks → publish)"):
        summary = run_main_job(verbose=verbose, full_refresh=full_refresh, force=force)
    _report_run(summary)


@app.command()
def retract(
    file: str = typer.Argument(
        ..., help="The landed file whose load to take back, e.g. raw/curated/events/x.ndjson."
    ),
    reason: str = typer.Option("no reason given", help="Why, recorded in the load ledger."),
) -> None:
    """Take a file's load back: its rows leave the build, the ledger records the retraction,
    and what depends on the extract is rebuilt and republished. While the file is unchanged it
    is not loaded again; a corrected version (another SHA-256) loads as new."""
    from orchestration.landing.retraction import RetractionError, relative_to_landing
    from orchestration.landing.retraction import retract as retract_file
    from orchestration.operations.writer import build_connection
    from orchestration.runner.runs import prepare_dbt_manifest, run_main_job
    from orchestration.settings import load_settings

    settings = load_settings()
    if not settings.build_db.exists():
        fail(f"no build file at {settings.build_db}: nothing was loaded to retract")
    try:
        relative = relative_to_landing(file, settings.raw_dir)
        with build_connection(settings) as con:
            done = retract_file(con, relative, reason)
    except RetractionError as error:
        fail(str(error))
    console.print(
        f"retracted raw/{done.source_file}: {done.rows_removed} row(s) and "
        f"{done.rejects_removed} quarantined value(s) removed; rebuilding {done.extract}"
    )
    prepare_dbt_manifest()
    with console.status("running job build_warehouse (rebuild and republish)"):
        summary = run_main_job(also_changed=frozenset({done.extract}))
    _report_run(summary)


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
        _report_rejects(quarantined(con), "quarantine of the published version")
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
    _print_rows(columns, rows, output)
    if output == "table":
        console.print(f"{len(rows)} quarantined value(s)")


def _print_rows(columns: list[str], rows: list[tuple], output: str) -> None:
    """Rows as CSV, JSON or a table; values are printed as data, never read as markup."""
    from orchestration.analyst.querying import as_csv, as_json

    if output == "csv":
        sys.stdout.write(as_csv(columns, rows))
    elif output == "json":
        print(as_json(columns, rows))
    else:
        table = Table()
        for column in columns:
            table.add_column(Text(column))
        for row in rows:
            table.add_row(*(Text("" if v is None else str(v)) for v in row))
        console.print(table)


@app.command(context_settings={"ignore_unknown_options": True})
def query(
    sql: str = typer.Argument(
        None,
        help="One SQL query, or - to read it from standard input. It may begin with a -- "
        "comment, as the files in analyses/ do.",
        show_default=False,
    ),
    sql_file: str = typer.Option(
        None, "-f", "--file", help="Read the query from this file.", show_default=False
    ),
    output: str = typer.Option("table", "--format", help="table, csv (\\n line ends) or json."),
) -> None:
    """Run a query on the published warehouse, read-only in every sense: nothing is written,
    not even a file elsewhere (COPY ... TO, read_csv and ATTACH are refused). Unqualified
    names resolve in the schema marts (`select * from dim_partner`, `show tables`)."""
    from orchestration.analyst.querying import QueryError, connect_published, run_query
    from orchestration.settings import load_settings

    if output not in ("table", "csv", "json"):
        fail(f"unknown format '{output}': use table, csv or json")
    if sql_file is not None and sql is not None:
        fail("give the query either as an argument or with -f FILE, not both")
    if sql_file is not None:
        if not Path(sql_file).is_file():
            fail(f"no such file: {sql_file}")
        sql = Path(sql_file).read_text(encoding="utf-8")
    elif sql == "-":
        sql = sys.stdin.read()
    path = load_settings().published_db
    if not path.exists():
        fail(f"nothing published at {path}: run `coop build` first")
    con = connect_published(path)
    try:
        columns, rows = run_query(con, sql or "")
    except QueryError as error:
        fail(str(error))
    finally:
        con.close()
    _print_rows(columns, rows, output)


@app.command()
def trace(
    table: str = typer.Argument(..., help="A mart: dim_partner, fct_agreement, fct_event..."),
    key: str = typer.Argument(..., help="The row's natural key, e.g. an agreement_id."),
) -> None:
    """Where a row came from: source document, its grade and handling code, extract file, line."""
    import duckdb

    from orchestration.analyst.trace import TraceError
    from orchestration.analyst.trace import trace as trace_row
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


def run() -> None:
    """The `coop` command: an error nobody foresaw is still one line (COOP_DEBUG=1 shows the
    stack trace)."""
    import os

    try:
        app()
    except Exception as error:  # noqa: BLE001 - the last guard before a stack trace
        if os.environ.get("COOP_DEBUG"):
            raise
        from orchestration.problems import one_line

        errors.print(f"error: {one_line(f'{type(error).__name__}: {error}')}", style="bold red")
        errors.print("(set COOP_DEBUG=1 to see where it happened)")
        sys.exit(1)


if __name__ == "__main__":
    run()
