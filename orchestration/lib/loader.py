"""Load landed extract files into typed DuckDB raw tables, with a ledger and a quarantine.

For each file of an extract: skip it when the ledger already holds its size and modification
time, or its SHA-256 (nothing doubled); otherwise read it with DuckDB's own readers as text,
check every value against the contract, and in one transaction replace that file's rows with
the good ones, put each bad one in ``<entity>__rejects`` with line, column, raw value and reason
(nothing lost), and append a ledger row where rows read = rows loaded + rows rejected. A file
that cannot be read at all raises :class:`UnreadableFile` inside the loop: it is recorded as
failed and the other files still load.

Identifiers in SQL come only from the contracts; file names, header names and values are
passed as parameters or mapped to positional names first.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import re
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.lib.contracts import ChildTable, Column, Contract
from orchestration.lib.landing import (
    LandedFile,
    binary_kind,
    count_lines,
    file_digest,
    find_landed_files,
)

LEDGER_TABLE = "_meta.load_ledger"
MAX_LINE_BYTES = 64 << 20  # a record may hold a 1 MB field and more; DuckDB's default is 2 MB
HEADER_PROBE_BYTES = 1 << 20


class UnreadableFile(Exception):
    """The file cannot be read as its contract's format; nothing of it is loaded."""


@dataclass
class FileResult:
    source_file: str
    outcome: str  # loaded | unchanged | failed | removed | retained
    sha256: str | None = None
    size_bytes: int | None = None
    mtime_ns: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    message: str = ""


@dataclass
class ExtractResult:
    contract: Contract
    files: list[FileResult] = field(default_factory=list)
    table_rows: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.outcome == "failed"]

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)


def scalar(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None):
    """First value of a query's result, read to the end (DuckDB 2.0 refuses new work on a
    connection while a result is unfinished)."""
    return con.execute(query, params or []).fetchall()[0][0]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# --- tables -------------------------------------------------------------------------------------

PROVENANCE_COLUMNS = (
    ("_source_file", "VARCHAR NOT NULL"),
    ("_source_line", "BIGINT NOT NULL"),
    ("_loaded_at", "TIMESTAMP NOT NULL"),
    ("_file_sha256", "VARCHAR NOT NULL"),
)


def child_columns(contract: Contract, child: ChildTable) -> list[tuple[str, str]]:
    parent_keys = [(name, contract.column(name).duckdb_type) for name in contract.key]
    own = [(c.name, c.duckdb_type) for c in child.element_columns]
    return [*parent_keys, *own, ("_ordinal", "INTEGER NOT NULL")]


def prepare_tables(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Create the schema, raw tables, rejects table and ledger if they do not exist yet."""
    schema = quote_ident(contract.schema)
    con.execute(f"create schema if not exists {schema}")
    con.execute("create schema if not exists _meta")
    provenance = ", ".join(f"{name} {kind}" for name, kind in PROVENANCE_COLUMNS)
    columns = ", ".join(f"{quote_ident(c.name)} {c.duckdb_type}" for c in contract.columns)
    con.execute(
        f"create table if not exists {schema}.{quote_ident(contract.entity)} "
        f"({columns}, {provenance})"
    )
    for child in contract.children:
        cols = ", ".join(f"{quote_ident(n)} {t}" for n, t in child_columns(contract, child))
        con.execute(
            f"create table if not exists {schema}.{quote_ident(child.entity)} "
            f"({cols}, {provenance})"
        )
    con.execute(
        f"create table if not exists {schema}.{quote_ident(contract.entity + '__rejects')} ("
        "_source_file VARCHAR NOT NULL, _source_line BIGINT, column_name VARCHAR, "
        "raw_value VARCHAR, reason VARCHAR NOT NULL, _file_sha256 VARCHAR NOT NULL, "
        "_loaded_at TIMESTAMP NOT NULL, _run_id VARCHAR)"
    )
    con.execute(
        f"create table if not exists {LEDGER_TABLE} ("
        "load_id VARCHAR PRIMARY KEY, system VARCHAR NOT NULL, entity VARCHAR NOT NULL, "
        "source_file VARCHAR NOT NULL, file_sha256 VARCHAR, file_size_bytes BIGINT, "
        "rows_read BIGINT NOT NULL, rows_loaded BIGINT NOT NULL, rows_rejected BIGINT NOT NULL, "
        "outcome VARCHAR NOT NULL, message VARCHAR, loaded_at TIMESTAMP NOT NULL, run_id VARCHAR, "
        "file_mtime_ns BIGINT)"
    )
    # ledgers written before the column existed gain it; their files are hashed once more
    con.execute(f"alter table {LEDGER_TABLE} add column if not exists file_mtime_ns BIGINT")


# --- reading: every value as text, with its physical line -------------------------------------


def refuse_binary(path: Path, relative: str, fmt: str) -> None:
    """Fail early and by name on a binary file, before a CSV parser reports a state machine."""
    kind = binary_kind(path)
    if kind:
        raise UnreadableFile(f"{relative}: not {fmt} text: the file looks like {kind}")


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


def _take_structural_rejects(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    rows = con.execute(
        "select line, column_name, error_type, csv_line, error_message from _load_reject_errors "
        "order by line"
    ).fetchall()
    con.execute("drop table if exists _load_reject_errors")
    con.execute("drop table if exists _load_reject_scans")
    return rows


NOT_UTF8 = "bytes that are not UTF-8 (Latin-1?): the extract must be UTF-8 text"


def _structural_reason(error_type: str, message: str) -> str:
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if error_type == "INVALID ENCODING":
        return NOT_UTF8
    if error_type == "MISSING COLUMNS" and counts:
        return f"too few fields: expected {counts[1]}, found {counts[2]}"
    if error_type == "TOO MANY COLUMNS" and counts:
        return f"too many fields: expected {counts[1]}, found {counts[2]} (an unquoted comma?)"
    if error_type == "UNQUOTED VALUE":
        return "unterminated or misplaced quote: a quoted value must close before the next comma"
    return f"{error_type.lower()}: {message.strip()}"


def _structural_problems(rejects: list[tuple], names: dict[str, str]) -> list[tuple]:
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
        reason = _structural_reason(kind, message)
        problems.setdefault((line, shown, kind), (line, shown, raw, reason))
    return sorted(problems.values(), key=lambda p: (p[0], p[1] or ""))


def _line_map(con: duckdb.DuckDBPyConnection, lines: list[int]) -> None:
    table = pa.table({"_rn": pa.array(range(1, len(lines) + 1), pa.int64()), "_line": lines})
    con.register("_line_map_arrow", table)
    con.execute("create or replace temp table _line_map as select * from _line_map_arrow")
    con.unregister("_line_map_arrow")


def stage_csv(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, contract: Contract
) -> list[tuple]:
    """Fill temp table ``_staged`` (one text column per contract column) and return problems."""
    header = read_csv_header(path, relative)
    check_header(header, contract, relative)
    positional = {name: f"c{i}" for i, name in enumerate(header)}
    columns_struct = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    try:
        con.execute(
            "create or replace temp table _staged_src as "
            "select row_number() over () as _rn, * from read_csv(?, "
            f"columns={columns_struct}, header=true, auto_detect=false, delim=',', "
            "quote='\"', escape='\"', strict_mode=true, store_rejects=true, "
            "rejects_table='_load_reject_errors', rejects_scan='_load_reject_scans', "
            f"max_line_size={MAX_LINE_BYTES})",
            [str(path)],
        )
    except duckdb.Error as error:
        con.execute("drop table if exists _load_reject_errors")
        con.execute("drop table if exists _load_reject_scans")
        raise UnreadableFile(f"{relative}: cannot be read as CSV: {error}") from error
    rejects = _take_structural_rejects(con)
    staged_rows = con.execute("select count(*) from _staged_src").fetchall()[0][0]
    newline_test = " or ".join(f"contains(c{i}, chr(10))" for i in range(len(header))) or "false"
    has_newlines = scalar(con, f"select count(*) from _staged_src where {newline_test}")
    reject_lines = sorted({row[0] for row in rejects})
    simple = not reject_lines and not has_newlines and count_lines(path) == staged_rows + 1
    line_expr = "_rn + 1"
    if not simple:
        rejected = set(reject_lines)
        starts = [line for line in csv_record_lines(path) if line not in rejected]
        if len(starts) == staged_rows:
            _line_map(con, starts)
            line_expr = "(select _line from _line_map m where m._rn = s._rn)"
    selects = [f"{line_expr} as _source_line"]
    for column in contract.columns:
        source = positional.get(column.name)
        value = f"nullif({source}, '')" if source else "cast(null as varchar)"
        selects.append(f"{value} as {quote_ident(column.name)}")
    con.execute(
        f"create or replace temp table _staged as select {', '.join(selects)} from _staged_src s"
    )
    con.execute("drop table _staged_src")
    con.execute("drop table if exists _line_map")
    return _structural_problems(rejects, {f"c{i}": name for i, name in enumerate(header)})


JSON_TYPES = {
    "text": ("VARCHAR",),
    "url": ("VARCHAR",),
    "date": ("VARCHAR",),
    "integer": ("BIGINT", "UBIGINT"),
    "boolean": ("BOOLEAN",),
}
JSON_TYPE_NAMES = {"text": "a string", "url": "a string", "date": "a string",
                   "integer": "an integer", "boolean": "true or false"}  # fmt: skip


def stage_ndjson(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, contract: Contract
) -> list[tuple]:
    """Fill ``_staged`` and one ``_child_<entity>`` table per JSON array; return problems."""
    if path.stat().st_size == 0:
        raise UnreadableFile(f"{relative}: the file is empty; expected one JSON object per line")
    refuse_binary(path, relative, "NDJSON")
    with path.open("rb") as handle:
        head = handle.read(HEADER_PROBE_BYTES).removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"["):
        # a JSON array export: its inner lines may parse as objects, so refuse it as a whole
        raise UnreadableFile(
            f"{relative}: line 1: the file is one JSON array (it starts with '['): expected "
            "newline-delimited JSON, one object per line"
        )
    plan = _lines_needing_the_slow_path(con, path, contract.record_fields)
    if plan is not None:
        lines, odd_lines = plan
        if not odd_lines:
            if _stage_json_records(con, path, contract.record_fields, lines, skip=[]):
                return _stage_parsed(con, contract)
        else:
            problems = _stage_split(con, path, relative, contract, lines, odd_lines)
            if problems is not None:
                return problems
    return _stage_lines(con, path, relative, contract)


def _stage_lines(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, contract: Contract,
    whole_file: bool = True,
) -> list[tuple]:  # fmt: skip
    """The line-by-line path: every line read as text, then parsed, so that each bad line is
    named with its reason. ``whole_file`` is False when only some lines of a file come here."""
    fields = contract.record_fields
    try:
        # each physical line is one record: no quote character, NUL as the (absent) delimiter
        con.execute(
            "create or replace temp table _lines_src as "
            "select row_number() over () as _rn, line from read_csv(?, "
            "columns={'line': 'VARCHAR'}, header=false, auto_detect=false, delim='\\0', "
            "quote='', escape='', store_rejects=true, rejects_table='_load_reject_errors', "
            f"rejects_scan='_load_reject_scans', max_line_size={MAX_LINE_BYTES})",
            [str(path)],
        )
    except duckdb.Error as error:
        con.execute("drop table if exists _load_reject_errors")
        con.execute("drop table if exists _load_reject_scans")
        raise UnreadableFile(f"{relative}: cannot be read as NDJSON: {error}") from error
    rejects = _take_structural_rejects(con)
    line_expr = "_rn"
    if rejects:
        rejected = {row[0] for row in rejects}
        total = con.execute("select count(*) from _lines_src").fetchall()[0][0] + len(rejected)
        _line_map(con, [n for n in range(1, total + 1) if n not in rejected])
        line_expr = "(select _line from _line_map m where m._rn = s._rn)"
    paths = "[" + ", ".join(sql_literal(f'$."{name}"') for name in fields) + "]"
    # parse each line once for the values of all contract fields (small JSON values) and once
    # for its keys; try() turns a malformed line into NULL instead of failing the statement
    con.execute(
        f"create or replace temp table _lines as select {line_expr} as _source_line, line, "
        f"try(json_extract(line, {paths})) as v, try(json_keys(line)) as k "
        "from _lines_src s where line is not null and trim(line) <> ''"
    )
    con.execute(
        "create or replace temp view _records as select *, "
        "v is not null and starts_with(ltrim(line), '{') as _is_object from _lines"
    )
    con.execute("drop table _lines_src")
    con.execute("drop table if exists _line_map")
    problems: list[tuple] = [
        (line, None, raw, _structural_reason(kind, message))
        for line, _column, kind, raw, message in rejects
    ]
    valid_lines, total_lines = con.execute(
        "select count(*) filter (where _is_object), count(*) from _records"
    ).fetchall()[0]
    if whole_file and total_lines and not valid_lines:
        raise UnreadableFile(
            f"{relative}: no line is a JSON object: expected newline-delimited JSON records"
        )
    problems += con.execute(
        "select _source_line, null, line, case "
        "when contains(line, chr(0)) then 'holds a NUL byte: not valid JSON text' "
        "when json_valid(line) then 'not a JSON object: got JSON ' || lower(json_type(line)) "
        "else 'not a valid JSON object: truncated or malformed line' end "
        "from _records where not _is_object"
    ).fetchall()
    # views, not copies: the records are the lines that hold a JSON object
    values = ", ".join(f"v[{i}] as _v{i}" for i in range(1, len(fields) + 1))
    con.execute(
        f"create or replace temp view _parsed as select *, {values} from _records where _is_object"
    )
    known_list = "[" + ", ".join(sql_literal(k) for k in fields) + "]"
    problems += con.execute(
        "select _source_line, k, null, 'unknown field: not in the contract' from ("
        f"select _source_line, unnest(list_filter(k, "
        f"lambda key: not list_contains({known_list}, key))) as k from _parsed)"
    ).fetchall()
    problems += _stage_parsed(con, contract)
    con.execute("drop view _records")
    con.execute("drop table _lines")
    return problems


def json_type_suspect(value: str, kind: str) -> str:
    """True for every JSON value (minified text) that may not be of the contract type's JSON
    type, from its first characters alone; false for most good values without parsing them."""
    text = f"cast({value} as varchar)"
    if kind == "integer":
        return f"not regexp_full_match({text}, '-?[0-9]+|null')"
    if kind == "boolean":
        return f"{text} not in ('true', 'false', 'null')"
    return f"left({text}, 1) not in ('\"', 'n')"  # a string, or null


def _stage_parsed(con: duckdb.DuckDBPyConnection, contract: Contract) -> list[tuple]:
    """From view ``_parsed`` (_source_line, _v1, _v2, ...: the JSON value of each contract field,
    in contract order, then the arrays), fill ``_staged`` and the child tables; return type
    problems."""
    selects = ["_source_line"]
    suspects, type_checks = [], []
    for i, column in enumerate(contract.columns, start=1):
        accepted = ", ".join(sql_literal(t) for t in (*JSON_TYPES[column.type], "NULL"))
        suspects.append(json_type_suspect(f"_v{i}", column.type))
        type_checks.append(
            f"select _source_line, {sql_literal(column.name)}, _v{i}, "
            f"'expected {JSON_TYPE_NAMES[column.type]}, got JSON ' || lower(json_type(_v{i})) "
            f"from _suspects where _v{i} is not null and json_type(_v{i}) not in ({accepted})"
        )
        selects.append(f"_v{i} ->> '$' as {quote_ident(column.name)}")
    # one cheap pass finds the few records that may hold a wrong JSON type; only those are parsed
    con.execute(
        f"create or replace temp table _suspects as select * from _parsed "
        f"where {' or '.join(suspects)}"
    )
    problems = con.execute(" union all ".join(type_checks)).fetchall()
    con.execute("drop table _suspects")
    con.execute(f"create or replace temp table _staged as select {', '.join(selects)} from _parsed")
    # each child row carries its parent's key, so loading it needs no join back to the parent
    keys = [
        f"_v{i} ->> '$' as {quote_ident(c.name)}"
        for i, c in enumerate(contract.columns, start=1)
        if c.name in contract.key
    ]
    for position, child in enumerate(contract.children, start=len(contract.columns) + 1):
        problems += _stage_child(con, child, f"_v{position}", keys)
    con.execute("drop view _parsed")
    con.execute("drop table if exists _json")
    con.execute("drop table if exists _skip")
    return problems


# errors in the loader's own SQL, never a property of the file: they must not hide as "not clean"
SQL_MISTAKES = (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException)


@contextlib.contextmanager
def insertion_order_kept(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Rows land in a table in the order the file gives them, so rowid + 1 is the line; the
    connection's own setting comes back afterwards."""
    previous = scalar(con, "select current_setting('preserve_insertion_order')")
    con.execute("set preserve_insertion_order = true")
    try:
        yield
    finally:
        con.execute(f"set preserve_insertion_order = {str(previous).lower()}")


def _lines_needing_the_slow_path(
    con: duckdb.DuckDBPyConnection, path: Path, fields: tuple[str, ...]
) -> tuple[int, list[int]] | None:
    """One pass over the lines, no copy of them kept: how many lines the file has, and the
    lines that are not a JSON object of contract fields only (blank, malformed, not an object,
    unknown fields), by number. None when the whole file should take the line-by-line path:
    DuckDB cannot read some line, or too few lines are records for the fast path to pay."""
    known = "[" + ", ".join(sql_literal(f) for f in fields) + "]"
    try:
        with insertion_order_kept(con):
            con.execute(
                "create or replace temp table _line_flags as select coalesce(starts_with(line, "
                f"'{{') and len(list_filter(try(json_keys(line)), lambda key: not list_contains("
                f"{known}, key))) = 0, false) as is_record from read_csv(?, columns={{'line': "
                "'VARCHAR'}, header=false, auto_detect=false, delim='\\0', quote='', escape='')",
                [str(path)],
            )
    except SQL_MISTAKES:
        raise
    except duckdb.Error:  # a line DuckDB cannot read: the line-by-line path says which
        return None
    lines = scalar(con, "select count(*) from _line_flags")
    odd = [n for (n,) in con.execute(
        "select rowid + 1 from _line_flags where not is_record order by 1"
    ).fetchall()]  # fmt: skip
    con.execute("drop table _line_flags")
    if lines != count_lines(path) or len(odd) == lines or len(odd) > max(1000, lines // 20):
        return None
    return lines, odd


def _stage_json_records(
    con: duckdb.DuckDBPyConnection, path: Path, fields: tuple[str, ...], lines: int,
    skip: list[int],
) -> bool:  # fmt: skip
    """The fast path, for a file of `lines` lines, each a JSON object of contract fields (lines
    in `skip` excepted): DuckDB's own JSON reader takes each field's JSON value in one parse per
    record, and its row order gives the line. Fills view ``_parsed``; False if it cannot."""
    columns = "{" + ", ".join(f"{sql_literal(f)}: 'JSON'" for f in fields) + "}"
    try:
        with insertion_order_kept(con):
            con.execute(
                "create or replace temp table _json as select * from read_json(?, "
                f"format='newline_delimited', columns={columns}, "
                f"maximum_object_size={MAX_LINE_BYTES})",
                [str(path)],
            )
    except SQL_MISTAKES:
        raise
    except duckdb.Error:
        con.execute("drop table if exists _json")
        return False
    if scalar(con, "select count(*) from _json") != lines:
        con.execute("drop table _json")
        return False
    con.execute("create or replace temp table _skip (line BIGINT)")
    if skip:
        con.execute("insert into _skip select unnest(?)", [skip])
    # a column per field, not a list of them: the view is read once per check, and building
    # the list each time cost more than the check
    values = ", ".join(f"{quote_ident(f)} as _v{i}" for i, f in enumerate(fields, start=1))
    con.execute(
        f"create or replace temp view _parsed as select rowid + 1 as _source_line, {values} "
        "from _json where rowid + 1 not in (select line from _skip)"
    )
    return True


def _whole_lines(path: Path, block_size: int) -> Iterator[bytes]:
    """The file in blocks of whole lines (a line longer than a block makes a longer block)."""
    rest = b""
    with path.open("rb") as source:
        while chunk := source.read(max(block_size, len(rest))):  # doubles past a long line
            block = rest + chunk
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                yield block[:cut]
    if rest:
        yield rest  # the last line, without its newline


def split_lines(
    path: Path, records: Path, others: Path, odd_lines: list[int], block_size: int = 1 << 16
) -> None:
    """Write `records`, `path` with each odd line replaced by ``{}``, and `others`, the odd
    lines alone with every other line blank, so that every line keeps its number. Blocks of
    lines copy whole; only a block holding an odd line is cut into lines (per line in Python,
    1M lines took 2.4 s)."""
    odd = sorted(set(odd_lines))
    at, first = 0, 1  # the next odd line (index in odd); the number of the block's first line
    with records.open("wb") as fast, others.open("wb") as slow:
        for block in _whole_lines(path, block_size):
            count = block.count(b"\n") + (not block.endswith(b"\n"))
            if at == len(odd) or odd[at] >= first + count:
                fast.write(block)
                slow.write(b"\n" * count)
            else:
                # only the file's last line may lack a newline, and it comes alone in a block:
                # cut here, it is an odd line
                for number, line in enumerate(block.split(b"\n")[:count], start=first):
                    if at < len(odd) and odd[at] == number:
                        at += 1
                        fast.write(b"{}\n")
                        slow.write(line + b"\n")
                    else:
                        fast.write(line + b"\n")
                        slow.write(b"\n")
            first += count


def _stage_split(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, contract: Contract, lines: int,
    odd_lines: list[int],
) -> list[tuple] | None:  # fmt: skip
    """A file with a few odd lines: those take the line-by-line path, the rest the fast path.
    Two temporary copies keep every line at its number: one with the odd lines only (the others
    blank), one with the odd lines replaced by an empty object the fast path then skips."""
    with tempfile.TemporaryDirectory(prefix="coop-split-") as folder:
        records, others = Path(folder) / "records.ndjson", Path(folder) / "odd.ndjson"
        split_lines(path, records, others, odd_lines)
        problems = _stage_lines(con, others, relative, contract, whole_file=False)
        tables = ["_staged", *("_child_" + child.entity for child in contract.children)]
        for table in tables:
            con.execute(f"alter table {quote_ident(table)} rename to {quote_ident(table + '_odd')}")
        if not _stage_json_records(con, records, contract.record_fields, lines, odd_lines):
            for table in tables:
                con.execute(f"drop table {quote_ident(table + '_odd')}")
            return None
        problems += _stage_parsed(con, contract)
    for table in tables:
        con.execute(
            f"insert into {quote_ident(table)} by name select * from {quote_ident(table + '_odd')}"
        )
        con.execute(f"drop table {quote_ident(table + '_odd')}")
    return problems


PLAIN_STRING = r'"[^"\\]*"'  # a JSON string without escapes: its text is its value


def plain_array_pattern(child: ChildTable) -> str | None:
    """A regular expression that the (minified, valid) JSON text of an array matches only when
    the array is exactly what the contract asks for, holding plain strings (or nulls in an
    object): each element an object with the contract's fields in order, or a string. Such an
    array can break no JSON rule. None when the element columns are not all text."""
    if any(c.type not in ("text", "url", "date") for c in child.element_columns):
        return None
    if child.value_column is not None:
        return rf"\[({PLAIN_STRING}(,{PLAIN_STRING})*)?\]"
    pairs = ",".join(f'"{re.escape(c.name)}":({PLAIN_STRING}|null)' for c in child.columns)
    return rf"\[(\{{{pairs}\}},?)*\]"  # a comma can only sit between elements: valid JSON


def _stage_child(
    con: duckdb.DuckDBPyConnection, child: ChildTable, array: str, keys: list[str]
) -> list[tuple]:
    """Unfold one JSON array field (`array`: its value in ``_parsed``) into ``_child_<entity>``.

    An array of plain values (:func:`plain_array_pattern`), most of them, is converted in one
    go. Each other array and element is parsed once; a wrong JSON type is first told apart by
    the value's first character (the text is minified), so good values are never parsed a
    second time."""
    table = quote_ident("_child_" + child.entity)
    pattern = plain_array_pattern(child)
    plain = (
        f"coalesce(regexp_full_match(cast({array} as varchar), {sql_literal(pattern)}), false)"
        if pattern
        else "false"
    )
    # the few other arrays, copied in one pass: the regular expression runs once per array
    con.execute(f"create or replace temp table _unfold as select * from _parsed where not {plain}")
    problems = _stage_child_elements(con, child, array, keys, table)
    if pattern:
        names = [c.name for c in child.element_columns]
        if child.value_column is None:
            shape = json.dumps([{name: "VARCHAR" for name in names}])
            elements = "unnest(l, recursive := true)"
        else:
            shape = json.dumps(["VARCHAR"])
            elements = f"unnest(l) as {quote_ident(names[0])}"
        con.execute(
            f"insert into {table} by name select _source_line, * exclude (_source_line, l), "
            f"{elements}, unnest(range(len(l))) as _ordinal from (select _source_line, "
            f"{', '.join(keys)}, from_json({array}, {sql_literal(shape)}) as l "
            "from _parsed where _source_line not in (select _source_line from _unfold))"
        )
    con.execute("drop table _unfold")
    return problems


def _stage_child_elements(
    con: duckdb.DuckDBPyConnection, child: ChildTable, array: str, keys: list[str], table: str
) -> list[tuple]:
    """Unfold the arrays of view ``_unfold`` into `table`, checking every element."""
    problems = con.execute(
        f"select _source_line, {sql_literal(child.field)}, {array}, "
        f"'expected a JSON array, got JSON ' || lower(json_type({array})) from _unfold "
        f"where case when left(cast({array} as varchar), 1) in ('[', 'n') then false "
        f"else json_type({array}) not in ('ARRAY', 'NULL') end"
    ).fetchall()
    fields = child.columns if child.value_column is None else []
    paths = "[" + ", ".join(sql_literal(f'$."{c.name}"') for c in fields) + "]"
    parsed = (
        f", case when left(cast(e as varchar), 1) = '{{' then json_keys(e) end as k, "
        f"case when left(cast(e as varchar), 1) = '{{' then json_extract(e, {paths}) end as f"
        if fields
        else ""
    )
    con.execute(
        f"create or replace temp table {table} as select * exclude (l){parsed} from ("
        "select *, unnest(l) as e, unnest(range(len(l))) as _ordinal from ("
        f"select _source_line, {', '.join(keys)}, cast({array} as json[]) as l from _unfold "
        f"where left(cast({array} as varchar), 1) = '['))"
    )
    label = f"'{child.field}[' || _ordinal || ']'"
    if child.value_column is not None:
        problems += con.execute(
            f"select _source_line, {label}, e, 'expected a string, got JSON ' || "
            f"lower(json_type(e)) from {table} where left(cast(e as varchar), 1) <> '\"'"
        ).fetchall()
        con.execute(
            f"create or replace temp table {table} as select * exclude (e), "
            f"e ->> '$' as {quote_ident(child.value_column.name)} from {table}"
        )
        return problems
    known = "[" + ", ".join(sql_literal(c.name) for c in child.columns) + "]"
    checks = [
        # a JSON null element is a SQL NULL once the array is cast: its type is then NULL too
        f"select _source_line, {label}, e, 'expected a JSON object, got JSON ' || "
        f"coalesce(lower(json_type(e)), 'null') from {table} where k is null",
        f"select _source_line, {label} || '.' || k, null, 'unknown field: not in the contract' "
        f"from (select _source_line, _ordinal, unnest(list_filter(k, "
        f"lambda key: not list_contains({known}, key))) as k from {table} where k is not null)",
    ]
    selects = ["* exclude (e, k, f)"]
    for i, column in enumerate(child.columns, start=1):
        accepted = ", ".join(sql_literal(t) for t in (*JSON_TYPES[column.type], "NULL"))
        checks.append(
            f"select _source_line, {label} || '.{column.name}', f[{i}], "
            f"'expected {JSON_TYPE_NAMES[column.type]}, got JSON ' || lower(json_type(f[{i}])) "
            f"from {table} where case when f[{i}] is null or not "
            f"({json_type_suspect(f'f[{i}]', column.type)}) then false "
            f"else json_type(f[{i}]) not in ({accepted}) end"
        )
        selects.append(f"f[{i}] ->> '$' as {quote_ident(column.name)}")
    problems += con.execute(" union all ".join(checks)).fetchall()
    con.execute(
        f"create or replace temp table {table} as select {', '.join(selects)} from {table} "
        "where k is not null"
    )
    return problems


# --- checking values against the contract ------------------------------------------------------

DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
INTEGER_PATTERN = r"-?\d{1,9}"
URL_PATTERN = r"https?://[^\s]+"


def value_rules(columns: Iterable[Column], label_prefix: str = "") -> list[tuple[str, ...]]:
    """Every per-value rule, in the order they are reported: (label, value, condition, reason)
    as SQL; the condition is true for a value that breaks the rule."""
    rules = []
    for column in columns:
        v = quote_ident(column.name)
        label = f"{label_prefix} || '.{column.name}'" if label_prefix else sql_literal(column.name)

        def rule(condition: str, reason: str, v: str = v, label: str = label) -> None:
            rules.append((label, v, condition, reason))

        # trim strips spaces, never printable ASCII: only a value starting otherwise (or
        # empty) needs trimming, which then runs for few values
        blank = f"({v} = '' or (ascii({v}) not between 33 and 126 and trim({v}) = ''))"
        if column.required:
            rule(f"{v} is null or {blank}", "'required value is missing'")
        rule(f"contains({v}, chr(0))", "'contains a NUL byte'")
        if column.type == "date":
            rule(
                f"{v} is not null and not regexp_full_match({v}, '{DATE_PATTERN}')",
                "'not a date in YYYY-MM-DD form'",
            )
            rule(
                f"regexp_full_match({v}, '{DATE_PATTERN}') and try_cast({v} as date) is null",
                "'not a calendar date'",
            )
        elif column.type == "integer":
            rule(
                f"{v} is not null and not regexp_full_match({v}, '{INTEGER_PATTERN}')",
                "'not an integer'",
            )
        elif column.type == "boolean":
            rule(f"{v} is not null and {v} not in ('true', 'false')", "'not true or false'")
        elif column.type == "url":
            rule(
                f"{v} is not null and not regexp_full_match({v}, '{URL_PATTERN}')",
                "'not an http(s) URL'",
            )
        if column.values:
            allowed = ", ".join(sql_literal(x) for x in column.values)
            rule(
                f"{v} not in ({allowed}) and not {blank}",
                sql_literal(f"not one of the allowed values: {', '.join(column.values)}"),
            )
    return rules


def value_problem_queries(
    columns: Iterable[Column], table: str, label_prefix: str = ""
) -> list[str]:
    """One SELECT per rule: (_source_line, column, raw value, reason) of each broken rule."""
    return [
        f"select _source_line, {label}, {v}, {reason} from {table} where {condition}"
        for label, v, condition, reason in value_rules(columns, label_prefix)
    ]


def breaks_a_value_rule(columns: Iterable[Column]) -> str:
    """True for a row with at least one value breaking a rule: the OR of every rule's condition,
    so the rules need only run over the (few) rows it keeps."""
    return " or ".join(f"({c})" for _, _, c, _ in value_rules(columns)) or "false"


def typed_select(columns: Iterable[Column], table: str) -> str:
    casts = ", ".join(
        f"try_cast({quote_ident(c.name)} as {c.duckdb_type}) as {quote_ident(c.name)}"
        for c in columns
    )
    return f"select _source_line, {casts} from {table}"


def suspect_table(table: str) -> str:
    return quote_ident("_suspects_" + table.strip('"'))


def stage_value_suspects(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Copy the rows of ``_staged`` and of each child table that break some value rule: one
    scan each, where running every rule over every row took a scan per rule."""
    tables = [("_staged", contract.columns)]
    tables += [("_child_" + child.entity, child.element_columns) for child in contract.children]
    for table, columns in tables:
        con.execute(
            f"create or replace temp table {suspect_table(table)} as select * from "
            f"{quote_ident(table)} where {breaks_a_value_rule(columns)}"
        )


def contract_problem_queries(contract: Contract, target: str, source_file: str) -> list[str]:
    """Every rule of the contract as one query each; the per-value rules read the suspect
    tables of :func:`stage_value_suspects`."""
    queries = value_problem_queries(contract.columns, suspect_table("_staged"))
    typed = typed_select(contract.columns, "_staged")
    for check in contract.row_checks:
        shown = check.columns[-1]
        queries.append(
            f"select _source_line, {sql_literal(shown)}, cast({quote_ident(shown)} as varchar), "
            f"{sql_literal(check.reason)} from ({typed}) "
            f"where not ({check.sql})"
        )
    keys = ", ".join(quote_ident(k) for k in contract.key)
    key_label = sql_literal(", ".join(contract.key))
    key_text = " || ', ' || ".join(f"coalesce(cast({quote_ident(k)} as varchar), '')"
                                   for k in contract.key)  # fmt: skip
    # the window runs only over rows whose key is repeated (NULL keys group together, as they
    # do in the window)
    same = " and ".join(f"t.{quote_ident(k)} is not distinct from d.{quote_ident(k)}"
                        for k in contract.key)  # fmt: skip
    queries.append(
        f"select _source_line, {key_label}, {key_text}, "
        "'duplicate key: first seen at line ' || first_line from ("
        f"select *, min(_source_line) over (partition by {keys}) as first_line from ({typed}) t "
        f"semi join (select {keys} from ({typed}) group by all having count(*) > 1) d "
        f"on {same}) where _source_line > first_line"
    )
    join = " and ".join(f"r.{quote_ident(k)} = t.{quote_ident(k)}" for k in contract.key)
    queries.append(
        f"select distinct t._source_line, {key_label}, "
        + " || ', ' || ".join(
            f"coalesce(cast(t.{quote_ident(k)} as varchar), '')" for k in contract.key
        )  # fmt: skip
        + ", 'duplicate key: already loaded from ' || r._source_file "
        f"from ({typed}) t join {target} r on {join} "
        f"where r._source_file <> {sql_literal(source_file)}"
    )
    for child in contract.children:
        table = suspect_table("_child_" + child.entity)
        label = f"'{child.field}[' || _ordinal || ']'"
        for query in value_problem_queries(child.element_columns, table, label):
            queries.append(query)
    return queries


# --- one file, one transaction -----------------------------------------------------------------


def _latest_ledger_row(con: duckdb.DuckDBPyConnection, relative: str) -> tuple | None:
    rows = con.execute(
        f"select file_sha256, outcome, message, file_size_bytes, file_mtime_ns, load_id "
        f"from {LEDGER_TABLE} where source_file = ? "
        "order by loaded_at desc, rows_read desc limit 1",
        [relative],
    ).fetchall()
    return rows[0] if rows else None


def _record_ledger(
    con: duckdb.DuckDBPyConnection, contract: Contract, result: FileResult, run_id: str | None,
    loaded_at: dt.datetime,
) -> None:  # fmt: skip
    con.execute(
        f"insert into {LEDGER_TABLE} (load_id, system, entity, source_file, file_sha256, "
        "file_size_bytes, rows_read, rows_loaded, rows_rejected, outcome, message, loaded_at, "
        "run_id, file_mtime_ns) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            str(uuid.uuid4()),
            contract.system,
            contract.entity,
            result.source_file,
            result.sha256,
            result.size_bytes,
            result.rows_read,
            result.rows_loaded,
            result.rows_rejected,
            result.outcome,
            result.message,
            loaded_at,
            run_id,
            result.mtime_ns,
        ],
    )


def _delete_file_rows(con: duckdb.DuckDBPyConnection, contract: Contract, relative: str) -> int:
    """Delete a file's rows from the raw, child and rejects tables; return the raw rows gone."""
    schema = quote_ident(contract.schema)
    deleted = 0
    for table in (*contract.tables, contract.entity + "__rejects"):
        count = con.execute(
            f"delete from {schema}.{quote_ident(table)} where _source_file = ?", [relative]
        ).fetchall()[0][0]
        deleted += count if table == contract.entity else 0
    return deleted


def _record_failure(
    con: duckdb.DuckDBPyConnection, contract: Contract, result: FileResult, run_id: str | None,
    loaded_at: dt.datetime,
) -> FileResult:  # fmt: skip
    """Record a file that cannot be loaded. Rows of an earlier version of it go in the same
    transaction: the raw tables never hold rows of a file whose latest load failed."""
    con.execute("begin transaction")
    try:
        removed = _delete_file_rows(con, contract, result.source_file)
        if removed:
            result.message += f"; the {removed} row(s) of its previous version were removed"
        _record_ledger(con, contract, result, run_id, loaded_at)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return result


def load_file(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    contract: Contract,
    run_id: str | None,
    loaded_at: dt.datetime,
) -> FileResult:
    relative = landed.relative_path
    latest = _latest_ledger_row(con, relative)
    mtime_ns, same_as = None, "same SHA-256 as loaded"
    if landed.refused_reason:  # never read, not even to hash it: its ledger rows have no SHA-256
        sha256, size = None, None
    else:
        info = landed.path.stat()
        mtime_ns = info.st_mtime_ns
        if latest and latest[0] and (latest[3], latest[4]) == (info.st_size, mtime_ns):
            # same size and modification time as the version the ledger saw: not read again
            # (as make and rsync decide); a rewrite keeping both needs the file touched
            sha256, size = latest[0], info.st_size
            same_as = "same size and modification time as loaded (not read again)"
        else:
            sha256, size = file_digest(landed.path)
            if latest and latest[0] == sha256 and latest[4] != mtime_ns:
                # the same content touched: remember its new time so it is not hashed again
                con.execute(
                    f"update {LEDGER_TABLE} set file_mtime_ns = ? where load_id = ?",
                    [mtime_ns, latest[5]],
                )
    if latest and latest[0] == sha256 and latest[1] == "loaded":
        return FileResult(relative, "unchanged", sha256, size, mtime_ns, message=same_as)
    if latest and latest[0] == sha256 and latest[1] == "failed":
        # still failing: reported on every run, recorded in the ledger once
        message = landed.refused_reason or latest[2]
        return FileResult(relative, "failed", sha256, size, mtime_ns, message=message)
    if landed.refused_reason:
        result = FileResult(relative, "failed", message=landed.refused_reason)
        return _record_failure(con, contract, result, run_id, loaded_at)
    try:
        stage = stage_csv if contract.format == "csv" else stage_ndjson
        if contract.format == "document":  # one record per file (its own module: documents/)
            from orchestration.lib.documents.staging import stage_document as stage
        early_problems = stage(con, landed.path, relative, contract)
    except UnreadableFile as error:
        result = FileResult(relative, "failed", sha256, size, mtime_ns, message=str(error))
        return _record_failure(con, contract, result, run_id, loaded_at)
    schema = quote_ident(contract.schema)
    target = f"{schema}.{quote_ident(contract.entity)}"
    con.execute(
        "create or replace temp table _problems (_source_line BIGINT, column_name VARCHAR, "
        "raw_value VARCHAR, reason VARCHAR)"
    )
    if early_problems:
        con.executemany("insert into _problems values (?, ?, ?, ?)", early_problems)
    stage_value_suspects(con, contract)
    # every rule in one statement; one reason per value, the first rule it breaks ("one" is not
    # an integer, and saying it is also not one of 1-4 only adds noise)
    candidates = " union all ".join(
        f"select {order} as _rule, * from ({query})"
        for order, query in enumerate(contract_problem_queries(contract, target, relative))
    )
    con.execute(
        "insert into _problems select _source_line, column_name, raw_value, reason from ("
        f"{candidates}) as q(_rule, _source_line, column_name, raw_value, reason) "
        "where not exists (select 1 from _problems p where p._source_line = q._source_line "
        "and p.column_name is not distinct from q.column_name) "
        "qualify row_number() over (partition by _source_line, column_name order by _rule) = 1"
    )
    for table in ("_staged", *("_child_" + child.entity for child in contract.children)):
        con.execute(f"drop table {suspect_table(table)}")
    # lines read = records staged + lines with a problem that never became a record (malformed)
    rows_read = scalar(
        con,
        "select (select count(*) from _staged) + (select count(distinct _source_line) from "
        "_problems where _source_line not in (select _source_line from _staged))",
    )
    rejected = con.execute("select count(distinct _source_line) from _problems").fetchall()[0][0]
    good = "s._source_line not in (select _source_line from _problems)" if rejected else "true"
    provenance = [relative, loaded_at, sha256]
    con.execute("begin transaction")
    try:
        if latest is not None:  # rows exist only for a file the ledger has seen
            _delete_file_rows(con, contract, relative)
        casts = ", ".join(
            f"cast({quote_ident(c.name)} as {c.duckdb_type})" for c in contract.columns
        )
        con.execute(
            f"insert into {target} select {casts}, ?, s._source_line, ?, ? from _staged s "
            f"where {good}",
            provenance,
        )
        for child in contract.children:
            keys = ", ".join(
                f"cast(s.{quote_ident(k)} as {contract.column(k).duckdb_type})"
                for k in contract.key
            )
            own = ", ".join(
                f"cast(s.{quote_ident(c.name)} as {c.duckdb_type})" for c in child.element_columns
            )
            con.execute(
                f"insert into {schema}.{quote_ident(child.entity)} select {keys}, {own}, "
                f"cast(s._ordinal as integer), ?, s._source_line, ?, ? "
                f"from {quote_ident('_child_' + child.entity)} s where {good}",
                provenance,
            )
        con.execute(
            f"insert into {schema}.{quote_ident(contract.entity + '__rejects')} "
            "select ?, _source_line, column_name, raw_value, reason, ?, ?, ? from _problems "
            "order by _source_line",
            [relative, sha256, loaded_at, run_id],
        )
        loaded = rows_read - rejected
        result = FileResult(relative, "loaded", sha256, size, mtime_ns, rows_read, loaded, rejected)
        if rejected:
            result.message = f"{rejected} row(s) quarantined in {contract.entity}__rejects"
        _record_ledger(con, contract, result, run_id, loaded_at)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return result


def _forget_removed_files(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    present: set[str],
    run_id: str | None,
    loaded_at: dt.datetime,
) -> list[FileResult]:
    """Files the ledger knows but that are gone: a snapshot drops their rows, an increment keeps
    them (rows of a past increment stay history)."""
    known = con.execute(
        f"select source_file, outcome from (select source_file, outcome, row_number() over ("
        f"partition by source_file order by loaded_at desc) as n from {LEDGER_TABLE} "
        "where system = ? and entity = ?) where n = 1 and outcome = 'loaded'",
        [contract.system, contract.entity],
    ).fetchall()
    results = []
    for relative, _outcome in known:
        if relative in present:
            continue
        con.execute("begin transaction")
        try:
            if contract.mode == "snapshot":
                _delete_file_rows(con, contract, relative)
                result = FileResult(relative, "removed", message="file gone: its rows removed")
            else:
                result = FileResult(
                    relative, "retained", message="file gone: rows kept (increment)"
                )
            _record_ledger(con, contract, result, run_id, loaded_at)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        results.append(result)
    return results


def load_extract(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    contract: Contract,
    run_id: str | None = None,
    loaded_at: dt.datetime | None = None,
) -> ExtractResult:
    """Load every new or changed file of one extract; return what happened to each file."""
    loaded_at = loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    prepare_tables(con, contract)
    result = ExtractResult(contract)
    landed = find_landed_files(raw_dir, contract)
    for item in landed:
        result.files.append(load_file(con, item, contract, run_id, loaded_at))
    present = {item.relative_path for item in landed}
    result.files += _forget_removed_files(con, contract, present, run_id, loaded_at)
    schema = quote_ident(contract.schema)
    for table in (*contract.tables, contract.entity + "__rejects"):
        count = con.execute(f"select count(*) from {schema}.{quote_ident(table)}").fetchall()[0][0]
        result.table_rows[table] = count
    return result


def reconcile_ledger(con: duckdb.DuckDBPyConnection, contract: Contract) -> list[tuple]:
    """Files whose latest load breaks rows read = rows loaded + rows rejected, or whose rows in
    the raw and rejects tables differ from what the ledger recorded."""
    schema = quote_ident(contract.schema)
    rejects = f"{schema}.{quote_ident(contract.entity + '__rejects')}"
    target = f"{schema}.{quote_ident(contract.entity)}"
    return con.execute(
        f"with latest as (select * from (select *, row_number() over (partition by source_file "
        f"order by loaded_at desc, rows_read desc) as n from {LEDGER_TABLE} "
        "where system = ? and entity = ?) where n = 1 and outcome = 'loaded'), "
        f"loaded as (select _source_file, count(*) as n from {target} "
        "group by all), "
        f"rejected as (select _source_file, count(distinct _source_line) as n from {rejects} "
        "group by all) "
        "select l.source_file, l.rows_read, l.rows_loaded, l.rows_rejected, "
        "coalesce(a.n, 0), coalesce(r.n, 0) from latest l "
        "left join loaded a on a._source_file = l.source_file "
        "left join rejected r on r._source_file = l.source_file "
        "where l.rows_read <> l.rows_loaded + l.rows_rejected "
        "or coalesce(a.n, 0) <> l.rows_loaded or coalesce(r.n, 0) <> l.rows_rejected",
        [contract.system, contract.entity],
    ).fetchall()
