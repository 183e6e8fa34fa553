"""The `coop` Typer application; each module of this package adds its commands to it."""

from __future__ import annotations

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)


@app.callback()
def main() -> None:
    """Build, inspect and query the cooperation warehouse."""
