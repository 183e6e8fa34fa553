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
    engine: str = typer.Option(
        None, help="duckdb or spark: where dbt builds the marts (default: COOP_ENGINE, duckdb)."
    ),
) -> None:
    """Materialize every asset through Dagster (load, dbt build and tests, publish)."""
    import os

    if engine:  # read by orchestration.settings, like every other setting
        os.environ["COOP_ENGINE"] = engine
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
        table = Table("mart", "rows", title=f"published {settings.publication}")
        for mart, rows in published_rows(settings.publication).items():
            table.add_row(mart, str(rows))
        console.print(table)
        if settings.engine == "duckdb":  # Spark's publication is Parquet itself
            console.print(f"Parquet exports: {settings.parquet_dir}")
    else:
        console.print(
            f"not published: the last good warehouse (if any) is unchanged at "
            f"{settings.publication}"
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


if __name__ == "__main__":
    app()
