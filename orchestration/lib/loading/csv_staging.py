"""Reading a CSV extract: its header checked against the contract, then every record as text
with the physical line where it starts, into temp table ``_staged``."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from orchestration.lib.contracts import Contract
from orchestration.lib.landing import count_lines
from orchestration.lib.loading.reading import (
    HEADER_PROBE_BYTES,
    MAX_LINE_BYTES,
    REJECT_TABLES,
    STORE_REJECTS,
    UnreadableFile,
    line_map,
    refuse_binary,
    structural_problems,
    take_structural_rejects,
)
from orchestration.lib.loading.sql import drop_temp, quote_ident, scalar


def read_csv_header(path: Path, relative: str) -> list[str]:
    refuse_binary(path, relative, "CSV")
    with path.open("rb") as handle:
        probe = handle.read(HEADER_PROBE_BYTES)
    if not probe.strip():
        raise UnreadableFile(f"{relative}: the file is empty; expected a header row")
    if b"\x00" in probe.split(b"\n", 1)[0]:
        raise UnreadableFile(f"{relative}: line 1 holds NUL bytes: binary data, not CSV text")
    first_line = probe.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"{relative}: line 1, byte {error.start + 1}: the header is not UTF-8 text"
        ) from error
    return [name.strip() for name in next(csv.reader([text]))]


def check_header(header: list[str], contract: Contract, relative: str) -> None:
    expected = [c.name for c in contract.columns]
    if len(header) == 1 and len(expected) > 1:
        found = [sep for sep in (";", "\t", "|") if sep in header[0]]
        if found:
            # one long column name means the file is split on another character: say so first
            shown = "tab" if found[0] == "\t" else f"'{found[0]}'"
            raise UnreadableFile(
                f"{relative}: line 1: the header is one column split by {shown}: the delimiter "
                "looks wrong: this extract is comma-separated"
            )
    problems = []
    duplicates = sorted({n for n in header if header.count(n) > 1})
    if duplicates:
        problems.append(f"repeated column(s) {', '.join(duplicates)}")
    missing = [c.name for c in contract.columns if c.required and c.name not in header]
    if missing:
        problems.append(f"missing required column(s) {', '.join(missing)}")
    unknown = [n for n in header if n not in expected]
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)} (not in the contract)")
    if problems:
        raise UnreadableFile(f"{relative}: line 1: {'; '.join(problems)}")


def csv_record_lines(path: Path) -> list[int]:
    """Physical line where each data record starts, for files with quoted newlines or gaps."""
    csv.field_size_limit(MAX_LINE_BYTES)
    starts: list[int] = []
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        previous = 0
        for row in reader:
            start, previous = previous + 1, reader.line_num
            if row:
                starts.append(start)
    return starts[1:]


def _read_records(con: duckdb.DuckDBPyConnection, path: Path, relative: str, width: int) -> None:
    """Temp table ``_staged_src`` (_rn, c0, c1, ...): every record as text, in file order."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    try:
        con.execute(
            "create or replace temp table _staged_src as "
            "select row_number() over () as _rn, * from read_csv(?, "
            f"columns={columns}, header=true, auto_detect=false, delim=',', "
            f"quote='\"', escape='\"', strict_mode=true, {STORE_REJECTS})",
            [str(path)],
        )
    except duckdb.Error as error:
        drop_temp(con, *REJECT_TABLES)
        raise UnreadableFile(f"{relative}: cannot be read as CSV: {error}") from error


def _record_line_expr(
    con: duckdb.DuckDBPyConnection, path: Path, width: int, reject_lines: list[int]
) -> str:
    """SQL for the physical line of each record of ``_staged_src``: its number plus one in a
    plain file; from a map of where each record starts when values hold newlines, lines are
    blank or lines were rejected."""
    staged_rows = scalar(con, "select count(*) from _staged_src")
    newline_test = " or ".join(f"contains(c{i}, chr(10))" for i in range(width)) or "false"
    has_newlines = scalar(con, f"select count(*) from _staged_src where {newline_test}")
    if not reject_lines and not has_newlines and count_lines(path) == staged_rows + 1:
        return "_rn + 1"
    rejected = set(reject_lines)
    starts = [line for line in csv_record_lines(path) if line not in rejected]
    if len(starts) != staged_rows:
        return "_rn + 1"
    line_map(con, starts)
    return "(select _line from _line_map m where m._rn = s._rn)"


def stage_csv(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, contract: Contract
) -> list[tuple]:
    """Fill temp table ``_staged`` (one text column per contract column) and return problems."""
    header = read_csv_header(path, relative)
    check_header(header, contract, relative)
    positional = {name: f"c{i}" for i, name in enumerate(header)}
    _read_records(con, path, relative, len(header))
    rejects = take_structural_rejects(con)
    line_expr = _record_line_expr(con, path, len(header), sorted({row[0] for row in rejects}))
    selects = [f"{line_expr} as _source_line"]
    for column in contract.columns:
        source = positional.get(column.name)
        value = f"nullif({source}, '')" if source else "cast(null as varchar)"
        selects.append(f"{value} as {quote_ident(column.name)}")
    con.execute(
        f"create or replace temp table _staged as select {', '.join(selects)} from _staged_src s"
    )
    drop_temp(con, "_staged_src", "_line_map")
    return structural_problems(rejects, {f"c{i}": name for i, name in enumerate(header)})
