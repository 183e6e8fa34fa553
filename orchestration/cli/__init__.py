"""`coop`: build, inspect and query the cooperation warehouse from a terminal.

One module per group of commands; importing them registers their commands on `app`."""

from __future__ import annotations  # noqa: I001 (command groups imported in help order)

import sys

from orchestration.cli import pipeline, inspect, query, documents, fetching  # noqa: F401
from orchestration.cli.app import app
from orchestration.cli.output import errors

__all__ = ["app", "run"]


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
