"""One line a person can act on, for every problem the pipeline reports.

Every failure the loader, the CLI, the Dagster UI and the alerts show goes through here: a
problem is one line, `file: line N, column: reason` where the place is known, with no stack
trace, no Python type prefix and no colour codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# ANSI escape sequences (colours, cursor moves) that dbt and Dagster put in their messages
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
# "dagster._core.definitions.events.Failure: ", "duckdb.duckdb.BinderException: " ...
TYPE_PREFIX = re.compile(r"^(?:[A-Za-z_]\w*\.)*\w*(?:Error|Exception|Failure): ")


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is and why: what a person needs to act on it. ``file`` is
    relative to the landing zone (None for a problem of no one file, a failing dbt test say);
    ``column`` is a column or field name, or a position in the line ("byte 5")."""

    file: str | None
    reason: str
    line: int | None = None
    column: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else ""
        if self.column:
            where = f"{where}, {self.column}" if where else self.column
        if self.file is None:
            return f"{where + ': ' if where else ''}{self.reason}"
        return f"{self.file}: {where + ': ' if where else ''}{self.reason}"


def clean(text: str) -> str:
    """`text` without colour codes, and as one line: runs of whitespace become one space."""
    return " ".join(ANSI.sub("", text).split())


def one_line(message: str) -> str:
    """The first meaningful line of an error message, without a stack trace or the Python type
    of the exception that carried it."""
    for raw in ANSI.sub("", message).splitlines():
        line = raw.strip()
        if not line or line.startswith(("Traceback", "Stack Trace", 'File "')):
            continue
        while TYPE_PREFIX.match(line):
            line = TYPE_PREFIX.sub("", line, count=1)
        return clean(line)
    return "failed (no message)"


def problem_lines(message: str) -> list[str]:
    """A message that already lists problems one per line (a Failure raised by this project's
    assets) as those lines; any other message as its one meaningful line."""
    text = ANSI.sub("", message).strip()
    while TYPE_PREFIX.match(text):
        text = TYPE_PREFIX.sub("", text, count=1)
    if "\n" in text and "Traceback" not in text and "Stack Trace" not in text:
        return [clean(line) for line in text.splitlines() if line.strip()]
    return [one_line(text)]
