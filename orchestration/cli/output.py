"""What the commands print: data as data (never markup), errors as one line."""

from __future__ import annotations

import sys

import typer
from rich.console import Console


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


def fail(message: str) -> None:
    errors.print(f"error: {message}", style="bold red")
    raise typer.Exit(1)


def report_rejects(rejects: list, title: str) -> None:
    from orchestration.landing.rejects import by_file, summary_lines

    if not rejects:
        console.print(f"{title}: no row quarantined")
        return
    files = by_file(rejects)
    rows = sum(len({r.line for r in items}) for items in files.values())
    console.print(f"{title}: {rows} row(s) quarantined in {len(files)} file(s) (coop rejects)")
    for line in summary_lines(rejects):
        console.print(f"  {line}")


def print_rows(columns: list[str], rows: list[tuple], output: str,
               expanded: bool | None = None) -> None:  # fmt: skip
    """Rows as CSV, JSON or a table (a block per record when too wide: cli/layout.py);
    values are printed as data, never read as markup."""
    from orchestration.analyst.querying import as_csv, as_json
    from orchestration.cli.layout import print_result

    if output == "csv":
        sys.stdout.write(as_csv(columns, rows))
    elif output == "json":
        print(as_json(columns, rows))
    else:
        print_result(_console(sys.stdout), columns, rows, expanded)
