"""Reading a CSV extract: its header checked against the contract, then every record as text
with the physical line where it starts, into temp table ``_staged``."""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

import duckdb

from orchestration.landing.contracts import Contract
from orchestration.landing.loading.reading import (
    BAD_QUOTE,
    HEADER_PROBE_BYTES,
    MAX_LINE_BYTES,
    REJECT_TABLES,
    STORE_REJECTS,
    UnreadableFile,
    first_line_of,
    line_map,
    refuse_binary,
    refuse_cr_only,
    structural_problems,
    take_structural_rejects,
)
from orchestration.landing.loading.sql import drop_temp, quote_ident, scalar
from orchestration.landing.zone import LineCensus, whole_line_blocks

# a bad quote may cost a read of the whole file; past this many, the file is refused whole
MAX_BAD_QUOTES = 20
LONE_LF = re.compile(rb"(?<!\r)\n")


def read_csv_header(path: Path, relative: str) -> list[str]:
    refuse_binary(path, relative, "CSV")
    with path.open("rb") as handle:
        probe = handle.read(HEADER_PROBE_BYTES)
    if not probe.strip():
        raise UnreadableFile(relative, "the file is empty; expected a header row")
    if b"\x00" in probe.split(b"\n", 1)[0]:
        raise UnreadableFile(relative, "holds NUL bytes: binary data, not CSV text", line=1)
    refuse_cr_only(probe, relative)
    first_line = probe.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            relative, "the header is not UTF-8 text", line=1, column=f"byte {error.start + 1}"
        ) from error
    try:
        return [name.strip() for name in next(csv.reader([text]))]
    except csv.Error as error:
        raise UnreadableFile(relative, f"the header cannot be read as CSV: {error}", 1) from error


def check_header(header: list[str], contract: Contract, relative: str) -> None:
    expected = [c.name for c in contract.columns]
    if len(header) == 1 and len(expected) > 1:
        found = [sep for sep in (";", "\t", "|") if sep in header[0]]
        if found:
            # one long column name means the file is split on another character: say so first
            shown = "tab" if found[0] == "\t" else f"'{found[0]}'"
            raise UnreadableFile(
                relative,
                f"the header is one column split by {shown}: the delimiter looks wrong: this "
                "extract is comma-separated",
                line=1,
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
        raise UnreadableFile(relative, "; ".join(problems), line=1)


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
        raise UnreadableFile(relative, f"cannot be read as CSV: {first_line_of(error)}") from error


def mixed_line_ends(path: Path) -> bool:
    """Whether some lines end in CRLF and others in LF alone (an LF file edited on Windows):
    DuckDB's reader takes one style per file."""
    crlf = lf = False
    for block in whole_line_blocks(path):
        crlf = crlf or b"\r\n" in block
        lf = lf or LONE_LF.search(block) is not None
        if crlf and lf:
            return True
    return False


def lf_copy(path: Path, copy: Path) -> Path:
    """`path` with every CRLF written as LF: each line keeps its number."""
    with copy.open("wb") as target:
        for block in whole_line_blocks(path):
            target.write(block.replace(b"\r\n", b"\n"))
    return copy


def _swallowing_lines(rejects: list[tuple]) -> dict[int, tuple]:
    """Rejected records that run over several physical lines, by the line they start on: a
    quote that never closes (or closes lines later) has made one record of many lines."""
    swallowing: dict[int, tuple] = {}
    for line, _column, _kind, raw, _message in rejects:
        # DuckDB puts the blank lines before a record in front of its text: they are not its own
        if raw and "\n" in raw.lstrip("\r\n").rstrip("\r\n"):
            swallowing.setdefault(line, raw)
    return swallowing


def _blank_lines(path: Path, copy: Path, numbers: set[int]) -> list[tuple]:
    """Write `copy`: `path` with the lines `numbers` emptied (their line endings kept, so every
    other line keeps its number and the file its newline style); return a problem per line."""
    problems = []
    with path.open("rb") as source, copy.open("wb") as target:
        for number, line in enumerate(source, start=1):
            if number in numbers:
                body = line.rstrip(b"\r\n")
                text = body.decode("utf-8", errors="replace").removeprefix("\ufeff")
                problems.append((number, None, text, BAD_QUOTE))
                line = line[len(body) :]
            target.write(line)
    return problems


def _read_resynchronised(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, width: int, folder: Path
) -> tuple[Path, list[tuple], list[tuple]]:
    """Read the records, and where a bad quote made one record of several lines, reject only
    the line it starts on and read again from the next line, as many times as it takes (each
    read takes out at least one more line; past MAX_BAD_QUOTES lines the file is refused).
    Returns the file finally read, DuckDB's rejects of it, and the problems of the lines taken
    out."""
    source, emptied, taken_out = path, set(), []
    while True:
        try:
            _read_records(con, source, relative, width)
        except UnreadableFile:
            if source is not path or not mixed_line_ends(path):
                raise
            # the contract allows both line ends, mixed too: read an LF copy instead
            path = source = lf_copy(path, folder / "lf.csv")
            continue
        rejects = take_structural_rejects(con, source)
        swallowing = _swallowing_lines(rejects)
        if not swallowing:
            return source, rejects, taken_out
        if set(swallowing) <= emptied:  # never expected: the lines emptied should have ended it
            raise UnreadableFile(
                relative, "cannot read on after a bad quote: " + BAD_QUOTE, line=min(swallowing)
            )
        emptied |= set(swallowing)
        if len(emptied) > MAX_BAD_QUOTES:
            raise UnreadableFile(
                relative,
                f"more than {MAX_BAD_QUOTES} records run over several lines after a bad quote: "
                'the quote character may be used as text; a value holding " must be quoted, '
                'with "" inside',
                line=min(emptied),
            )
        source = folder / "resynchronised.csv"
        taken_out = _blank_lines(path, source, emptied)


def _record_line_expr(
    con: duckdb.DuckDBPyConnection, path: Path, width: int, reject_lines: list[int], lines: int
) -> tuple[str, bool]:
    """SQL for the physical line of each record of ``_staged_src``: its number plus one in a
    plain file; from a map of where each record starts when values hold newlines, lines are
    blank or lines were rejected. Also whether some value holds a newline."""
    staged_rows = scalar(con, "select count(*) from _staged_src")
    newline_test = " or ".join(f"contains(c{i}, chr(10))" for i in range(width)) or "false"
    has_newlines = scalar(con, f"select count(*) from _staged_src where {newline_test}")
    if not reject_lines and not has_newlines and lines == staged_rows + 1:
        return "_rn + 1", False
    rejected = set(reject_lines)
    starts = [line for line in csv_record_lines(path) if line not in rejected]
    if len(starts) != staged_rows:
        return "_rn + 1", bool(has_newlines)
    line_map(con, starts)
    return "(select _line from _line_map m where m._rn = s._rn)", bool(has_newlines)


def _record_spans(con: duckdb.DuckDBPyConnection, width: int, line_expr: str) -> None:
    """Into ``_spans``: each record of ``_staged_src`` that runs over several physical lines
    (a quoted value holding newlines), with its line count and the blank lines inside it."""
    newlines = " + ".join(f"coalesce(len(c{i}) - len(replace(c{i}, chr(10), '')), 0)"
                          for i in range(width))  # fmt: skip
    # a line inside a value that is blank: neither the value's first piece (it shares its line
    # with the fields before) nor its last (it shares its line with the closing quote)
    blanks = " + ".join(
        f"coalesce(len(list_filter(string_split(c{i}, chr(10))[2:-2], "
        "lambda piece: piece = '' or piece = chr(13))), 0)"
        for i in range(width)
    )
    con.execute(
        f"insert into _spans select * from (select {line_expr} as _source_line, "
        f"1 + {newlines} as _lines, {blanks} as _blank from _staged_src s) where _lines > 1"
    )


def stage_csv(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, contract: Contract,
    census: LineCensus,
) -> list[tuple]:  # fmt: skip
    """Fill temp table ``_staged`` (one text column per contract column) and ``_spans``, and
    return the problems found reading it."""
    header = read_csv_header(path, relative)
    check_header(header, contract, relative)
    positional = {name: f"c{i}" for i, name in enumerate(header)}
    with tempfile.TemporaryDirectory(prefix="coop-csv-") as folder:
        source, rejects, taken_out = _read_resynchronised(
            con, path, relative, len(header), Path(folder)
        )
        reject_lines = sorted({r[0] for r in rejects})
        line_expr, multi_line = _record_line_expr(
            con, source, len(header), reject_lines, census.lines
        )
    if multi_line:
        _record_spans(con, len(header), line_expr)
    selects = [f"{line_expr} as _source_line"]
    for column in contract.columns:
        source_column = positional.get(column.name)
        value = f"nullif({source_column}, '')" if source_column else "cast(null as varchar)"
        selects.append(f"{value} as {quote_ident(column.name)}")
    con.execute(
        f"create or replace temp table _staged as select {', '.join(selects)} from _staged_src s"
    )
    drop_temp(con, "_staged_src", "_line_map")
    names = {f"c{i}": name for i, name in enumerate(header)}
    return sorted(taken_out + structural_problems(rejects, names), key=lambda p: p[0])
