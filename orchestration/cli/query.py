"""`coop query`: SQL on the published warehouse, read-only."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from orchestration.cli.app import app
from orchestration.cli.output import console, fail, print_rows


@app.command(context_settings={"ignore_unknown_options": True})
def query(
    sql: str = typer.Argument(
        None,
        help="SQL: one query, or several separated by ;, or - to read it from standard input. "
        "It may begin with a -- "
        "comment, as the files in analyses/ do.",
        show_default=False,
    ),
    sql_file: str = typer.Option(
        None, "-f", "--file", help="Read the query from this file.", show_default=False
    ),
    output: str = typer.Option("table", "--format", help="table, csv (\\n line ends) or json."),
    expanded: bool = typer.Option(
        None,
        "--expanded/--no-expanded",
        "-x",
        help="One block per record, a column per line (as psql's \\x), or always a table. "
        "Default: a table when it fits the terminal, blocks when it does not.",
        show_default=False,
    ),
) -> None:
    """Run a query on the published warehouse, read-only in every sense: nothing is written,
    not even a file elsewhere (COPY ... TO, read_csv and ATTACH are refused). Unqualified
    names resolve in the schema marts (`select * from dim_partner`, `show tables`).

    No value is cut or wrapped: a result wider than the terminal is shown a record at a time.
    Several statements (`select 1; select 2`) are each shown in turn, under their SQL, with
    --format table; csv and json hold one result, so they take one statement."""
    from orchestration.analyst.querying import QueryError, connect_published, run_queries
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
        results = run_queries(con, sql or "")
    except QueryError as error:
        fail(str(error))
    finally:
        con.close()
    if len(results) > 1 and output != "table":
        fail(f"{output} holds one result and the query has {len(results)} statements: give one, "
             "or use --format table to see each")  # fmt: skip
    for number, result in enumerate(results, start=1):
        if len(results) > 1:
            console.print(f"{'' if number == 1 else chr(10)}-- {number} of {len(results)}: "
                          f"{result.sql}")  # fmt: skip
        print_rows(result.columns, result.rows, output, expanded)
