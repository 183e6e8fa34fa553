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
def build(verbose: bool = typer.Option(False, help="Show Dagster's own step logs.")) -> None:
    """Materialize every asset through Dagster (load, dbt build and tests, publish)."""
    from orchestration.lib.runs import prepare_dbt_manifest, run_main_job
    from orchestration.lib.status import published_rows
    from orchestration.settings import load_settings

    with console.status("parsing the dbt project"):
        prepare_dbt_manifest()
    with console.status("running job build_warehouse (load → dbt build → checks → publish)"):
        summary = run_main_job(verbose=verbose)
    settings = load_settings()
    console.print(f"run {summary.run_id}: {'succeeded' if summary.success else 'FAILED'}")
    console.print(
        f"checks: {len(summary.checks_passed)} passed, {len(summary.checks_failed)} failed"
    )
    for name in summary.checks_failed:
        console.print(f"  [red]failed[/] {name}", highlight=False)
    for failure in summary.step_failures:
        console.print(f"  [red]step failed[/] {failure}", highlight=False)
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


if __name__ == "__main__":
    app()
