"""What both readers share: the refusal of a whole file, and DuckDB's structural rejects (a
line its reader cannot take apart) turned into one problem a person can act on."""

from __future__ import annotations

import mmap
import re
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.landing.loading.sql import drop_temp
from orchestration.landing.zone import binary_kind
from orchestration.problems import Problem

MAX_LINE_BYTES = 64 << 20  # a record may hold a 1 MB field and more; DuckDB's default is 2 MB
HEADER_PROBE_BYTES = 1 << 20
REJECT_TABLES = ("_load_reject_errors", "_load_reject_scans")
# the options that make DuckDB's readers keep what they cannot read instead of failing
STORE_REJECTS = (
    "store_rejects=true, rejects_table='_load_reject_errors', "
    f"rejects_scan='_load_reject_scans', max_line_size={MAX_LINE_BYTES}"
)
NOT_UTF8 = "bytes that are not UTF-8 (Latin-1?): the extract must be UTF-8 text"
CR_ONLY = "lines end in a carriage return alone (an old Mac export): lines must end in LF or CRLF"
BAD_QUOTE = "unterminated or misplaced quote: a quoted value must close before the next comma"


class UnreadableFile(Exception):
    """The file cannot be read as its contract's format; nothing of it is loaded."""

    def __init__(self, file: str, reason: str, line: int | None = None, column: str | None = None):
        self.problem = Problem(file, reason, line, column)
        super().__init__(str(self.problem))


def refuse_cr_only(probe: bytes, relative: str) -> None:
    """A first line holding a CR not at its end: the file ends its lines in CR alone, which no
    reader here splits (the ledger's line count would not match either)."""
    if b"\r" in probe.split(b"\n", 1)[0].rstrip(b"\r"):
        raise UnreadableFile(relative, CR_ONLY, line=1)


def first_line_of(error: Exception) -> str:
    """DuckDB's reader errors run over many lines of options: the first says what happened."""
    return (str(error).strip().splitlines() or [""])[0]


def refuse_binary(path: Path, relative: str, fmt: str) -> None:
    """Fail early and by name on a binary file, before a CSV parser reports a state machine."""
    kind = binary_kind(path)
    if kind:
        raise UnreadableFile(relative, f"not {fmt} text: the file looks like {kind}")


def take_structural_rejects(
    con: duckdb.DuckDBPyConnection, path: Path | None = None
) -> list[tuple]:
    """(line, column, error type, raw line, message) of each line the last read rejected.

    DuckDB's line number counts a record holding newlines as one line, so with `path` (a CSV
    file) each line is recomputed as the physical line where the record starts, from the byte
    where DuckDB says it starts (past the blank lines it counts as the record's)."""
    rows = con.execute(
        "select line, column_name, error_type, csv_line, error_message, line_byte_position "
        "from _load_reject_errors order by line"
    ).fetchall()
    drop_temp(con, *REJECT_TABLES)
    if path is None or not rows:
        return [row[:5] for row in rows]
    lines = physical_lines(path, sorted({row[5] for row in rows}))
    return sorted(((lines[row[5]], *row[1:5]) for row in rows), key=lambda r: r[0])


def physical_lines(path: Path, positions: list[int]) -> dict[int, int]:
    """The physical line of the first byte at or after each position that is not a line end,
    by position (positions in ascending order; one pass over the file up to the last)."""
    found: dict[int, int] = {}
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        counted, newlines = 0, 0
        for position in positions:
            start = position
            while start < len(data) and data[start : start + 1] in (b"\r", b"\n"):
                start += 1
            newlines += data[counted:start].count(b"\n")
            counted = start
            found[position] = newlines + 1
    return found


def structural_reason(error_type: str, message: str) -> str:
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if error_type == "INVALID ENCODING":
        return NOT_UTF8
    if error_type == "MISSING COLUMNS" and counts:
        return f"too few fields: expected {counts[1]}, found {counts[2]}"
    if error_type == "TOO MANY COLUMNS" and counts:
        return f"too many fields: expected {counts[1]}, found {counts[2]} (an unquoted comma?)"
    if error_type == "UNQUOTED VALUE":
        return BAD_QUOTE
    return f"{error_type.lower()}: {message.strip()}"


def structural_problems(rejects: list[tuple], names: dict[str, str]) -> list[tuple]:
    """One problem per line and kind, except bad bytes, which name each column holding them.

    DuckDB reports a short row once per missing column, each with a growing field count: the
    lowest count is the number of fields the row really has.
    """

    def found_fields(message: str) -> int:
        match = re.search(r"Found: (\d+)", message)
        return int(match[1]) if match else 0

    problems: dict[tuple, tuple] = {}
    for line, column, kind, raw, message in sorted(
        rejects, key=lambda r: (r[0], found_fields(r[4]))
    ):
        shown = names.get(column, column) if kind == "INVALID ENCODING" else None
        reason = structural_reason(kind, message)
        problems.setdefault((line, shown, kind), (line, shown, raw, reason))
    return sorted(problems.values(), key=lambda p: (p[0], p[1] or ""))


def line_map(con: duckdb.DuckDBPyConnection, lines: list[int]) -> None:
    """Temp table ``_line_map`` (_rn, _line): the physical line of the n-th record read."""
    table = pa.table({"_rn": pa.array(range(1, len(lines) + 1), pa.int64()), "_line": lines})
    con.register("_line_map_arrow", table)
    con.execute("create or replace temp table _line_map as select * from _line_map_arrow")
    con.unregister("_line_map_arrow")
