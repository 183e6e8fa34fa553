"""Reading an NDJSON extract: every line that holds a JSON object of contract fields becomes a
record of ``_staged`` (and of one ``_child_<entity>`` per array); every other line is a problem
named with its line.

A clean file is parsed once, by Arrow's JSON reader, and staged as views over its typed columns
(:mod:`.arrow_records`). Any other file is read by DuckDB, chosen by one pass over its keys:
``read_json`` for the records, and line by line, which names each bad line, for the rest. A file
of records only (bad JSON types and all) goes whole to ``read_json``; a file with a few odd lines
is split, its odd lines read line by line; a file with many, or one DuckDB cannot read, goes
line by line. ``bench/README.md`` measures each path."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from orchestration.landing.contracts import Contract
from orchestration.landing.loading.arrow_records import read_records, stage_records
from orchestration.landing.loading.json_values import stage_parsed
from orchestration.landing.loading.reading import (
    HEADER_PROBE_BYTES,
    MAX_LINE_BYTES,
    REJECT_TABLES,
    STORE_REJECTS,
    UnreadableFile,
    first_line_of,
    line_map,
    refuse_binary,
    refuse_cr_only,
    structural_reason,
    take_structural_rejects,
)
from orchestration.landing.loading.sql import (
    SQL_MISTAKES,
    drop_temp,
    insertion_order_kept,
    quote_ident,
    scalar,
    sql_list,
    sql_literal,
)
from orchestration.landing.zone import LineCensus, whole_line_blocks


def stage_ndjson(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, contract: Contract,
    census: LineCensus,
) -> list[tuple]:  # fmt: skip
    """Fill ``_staged`` and one ``_child_<entity>`` table per JSON array; return problems."""
    if path.stat().st_size == 0:
        raise UnreadableFile(relative, "the file is empty; expected one JSON object per line")
    refuse_binary(path, relative, "NDJSON")
    with path.open("rb") as handle:
        head = handle.read(HEADER_PROBE_BYTES).removeprefix(b"\xef\xbb\xbf").lstrip()
    refuse_cr_only(head, relative)
    if head.startswith(b"["):
        # a JSON array export: its inner lines may parse as objects, so refuse it as a whole
        raise UnreadableFile(
            relative,
            "the file is one JSON array (it starts with '['): expected newline-delimited JSON, "
            "one object per line",
            line=1,
        )
    records = read_records(path, contract, census)
    if records is not None:  # one parse vouched for every line
        stage_records(con, records, contract)
        return []
    plan = _lines_needing_the_slow_path(con, path, contract.record_fields)
    if plan is not None and plan[0] == census.lines:  # else DuckDB split lines otherwise
        lines, odd_lines = plan
        if not odd_lines:
            if _stage_json_records(con, path, contract.record_fields, lines, skip=[]):
                return stage_parsed(con, contract)
        else:
            problems = _stage_split(con, path, relative, contract, lines, odd_lines)
            if problems is not None:
                return problems
    return _stage_lines(con, path, relative, contract)


def _read_lines(con: duckdb.DuckDBPyConnection, path: Path, relative: str) -> list[tuple]:
    """Temp table ``_lines_src`` (_rn, line): each physical line DuckDB can read, as text; the
    lines it cannot read (bytes that are not UTF-8) come back as structural rejects."""
    # each physical line is one record: no quote character, NUL as the (absent) delimiter;
    # strict mode refuses a file mixing CRLF and LF lines, which the contract allows: read
    # again without it then
    for strict in ("true", "false"):
        try:
            con.execute(
                "create or replace temp table _lines_src as "
                "select row_number() over () as _rn, line from read_csv(?, "
                "columns={'line': 'VARCHAR'}, header=false, auto_detect=false, delim='\\0', "
                f"quote='', escape='', strict_mode={strict}, {STORE_REJECTS})",
                [str(path)],
            )
            return take_structural_rejects(con)
        except duckdb.Error as error:
            drop_temp(con, *REJECT_TABLES)
            failure = error
    raise UnreadableFile(relative, f"cannot be read as NDJSON: {first_line_of(failure)}")


def _parse_lines(con: duckdb.DuckDBPyConnection, fields: tuple[str, ...], rejects: list) -> None:
    """View ``_records`` over temp table ``_lines``: each non-blank line with its number, the
    JSON values of the contract fields, its keys, and whether it is a JSON object."""
    line_expr = "_rn"
    if rejects:
        rejected = {row[0] for row in rejects}
        total = scalar(con, "select count(*) from _lines_src") + len(rejected)
        line_map(con, [n for n in range(1, total + 1) if n not in rejected])
        line_expr = "(select _line from _line_map m where m._rn = s._rn)"
    paths = sql_list([f'$."{name}"' for name in fields])
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
    drop_temp(con, "_lines_src", "_line_map")


def _stage_lines(
    con: duckdb.DuckDBPyConnection, path: Path, relative: str, contract: Contract,
    whole_file: bool = True,
) -> list[tuple]:  # fmt: skip
    """The line-by-line path: every line read as text, then parsed, so that each bad line is
    named with its reason. ``whole_file`` is False when only some lines of a file come here."""
    fields = contract.record_fields
    rejects = _read_lines(con, path, relative)
    _parse_lines(con, fields, rejects)
    problems: list[tuple] = [
        (line, None, raw, structural_reason(kind, message))
        for line, _column, kind, raw, message in rejects
    ]
    valid_lines, total_lines = con.execute(
        "select count(*) filter (where _is_object), count(*) from _records"
    ).fetchall()[0]
    if whole_file and total_lines and not valid_lines:
        raise UnreadableFile(
            relative, "no line is a JSON object: expected newline-delimited JSON records"
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
    problems += con.execute(
        "select _source_line, k, null, 'unknown field: not in the contract' from ("
        f"select _source_line, unnest(list_filter(k, "
        f"lambda key: not list_contains({sql_list(fields)}, key))) as k from _parsed)"
    ).fetchall()
    # a field named twice: JSON parsers differ on which value wins (DuckDB keeps the first),
    # so the record is refused, not guessed
    problems += con.execute(
        "select _source_line, k, null, 'field named twice in one JSON object: which value "
        "is meant cannot be told' from (select _source_line, unnest(k) as k from _parsed "
        "where len(k) > len(list_distinct(k))) group by all having count(*) > 1"
    ).fetchall()
    problems += stage_parsed(con, contract)
    con.execute("drop view _records")
    con.execute("drop table _lines")
    return problems


def _lines_needing_the_slow_path(
    con: duckdb.DuckDBPyConnection, path: Path, fields: tuple[str, ...]
) -> tuple[int, list[int]] | None:
    """One pass over the lines, no copy of them kept: how many lines the file has, and the
    lines that are not a JSON object of contract fields only (blank, malformed, not an object,
    unknown or repeated fields), by number. None when the whole file should take the
    line-by-line path: DuckDB cannot read some line, or too few lines are records for the fast
    path to pay."""
    known = sql_list(fields)
    try:
        with insertion_order_kept(con):
            con.execute(
                "create or replace temp table _line_flags as select coalesce(starts_with(line, "
                f"'{{') and len(list_filter(k, lambda key: not list_contains({known}, key))) = 0 "
                "and len(k) = len(list_distinct(k)), false) as is_record from (select line, "
                "try(json_keys(line)) as k from read_csv(?, columns={'line': 'VARCHAR'}, "
                "header=false, auto_detect=false, delim='\\0', quote='', escape=''))",
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
    if len(odd) == lines or len(odd) > max(1000, lines // 20):
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


def split_lines(
    path: Path, records: Path, others: Path, odd_lines: list[int], block_size: int = 1 << 16
) -> None:
    """Write `records`, `path` with each odd line replaced by ``{}``, and `others`, the odd
    lines alone with every other line blank, so that every line keeps its number. Blocks of
    lines copy whole; only a block holding an odd line is cut into lines (per line in Python,
    a large file would take seconds)."""
    odd = sorted(set(odd_lines))
    at, first = 0, 1  # the next odd line (index in odd); the number of the block's first line
    with records.open("wb") as fast, others.open("wb") as slow:
        for block in whole_line_blocks(path, block_size):
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
        problems += stage_parsed(con, contract)
    for table in tables:
        con.execute(
            f"insert into {quote_ident(table)} by name select * from {quote_ident(table + '_odd')}"
        )
        con.execute(f"drop table {quote_ident(table + '_odd')}")
    return problems
