"""The quarantine, read back: every row the loader rejected, with its place and reason.

The loader puts each row that breaks its extract's contract in `raw_<system>.<entity>__rejects`
(file, physical line, column, raw value, reason). These helpers read those tables from a build
or a published file (a published file is a copy of the build, quarantine included), and find the
text of a rejected line in the landed file, so a person sees what was refused without opening it.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.landing.contracts import CONTRACTS, Contract
from orchestration.landing.loading.reading import MAX_LINE_BYTES
from orchestration.problems import Problem

SHOWN_PER_FILE = 3  # reasons shown per file in summaries; `coop rejects` lists them all


@dataclass(frozen=True)
class Reject:
    file: str  # relative to the landing zone, as the ledger records it
    line: int | None
    column: str | None
    reason: str
    raw_value: str | None
    extract: str  # "<system>/<entity>"

    @property
    def problem(self) -> Problem:
        return Problem(self.file, self.reason, self.line, self.column)


def _rejects_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[Contract, str]]:
    present = {
        (schema, table)
        for schema, table in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_name like '%\\_\\_rejects' escape '\\'"
        ).fetchall()
    }
    return [
        (contract, f'"{contract.schema}"."{contract.entity}__rejects"')
        for contract in CONTRACTS
        if (contract.schema, f"{contract.entity}__rejects") in present
    ]


def quarantined(con: duckdb.DuckDBPyConnection, file: str | None = None) -> list[Reject]:
    """Every quarantined value of the file's current version (a reload replaces them), in file
    and line order; only those of `file` when given (relative to the landing zone, or with a
    leading `raw/`)."""
    if file is not None:
        file = file.removeprefix("raw/")
    found: list[Reject] = []
    for contract, table in _rejects_tables(con):
        rows = con.execute(
            f"select _source_file, _source_line, column_name, reason, raw_value from {table} "
            "where ? is null or _source_file = ? order by _source_file, _source_line, column_name",
            [file, file],
        ).fetchall()
        extract = f"{contract.system}/{contract.entity}"
        found += [Reject(*row, extract=extract) for row in rows]
    return sorted(found, key=lambda r: (r.file, r.line or 0, r.column or ""))


def by_file(rejects: list[Reject]) -> dict[str, list[Reject]]:
    grouped: dict[str, list[Reject]] = defaultdict(list)
    for reject in rejects:
        grouped[reject.file].append(reject)
    return dict(grouped)


def summary_lines(rejects: list[Reject], shown: int = SHOWN_PER_FILE) -> list[str]:
    """Per file: the rows rejected (a row with two bad values counts once) and its first
    reasons, one line each."""
    lines = []
    for file, items in by_file(rejects).items():
        rows = len({r.line for r in items})
        lines.append(f"{file}: {rows} row(s) rejected")
        lines += [f"  {r.problem}" for r in items[:shown]]
        if len(items) > shown:
            lines.append(f"  … and {len(items) - shown} more (coop rejects --file {file})")
    return lines


def line_texts(raw_dir: Path, file: str, lines: set[int]) -> dict[int, str]:
    """The text of the given physical lines of a landed file (one pass, stops after the last
    one asked for); empty when the file is no longer there."""
    path = raw_dir / file
    if not lines or not path.is_file():
        return {}
    found, last = {}, max(lines)
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for number, text in enumerate(handle, start=1):
            if number in lines:
                found[number] = text.rstrip("\r\n")
            if number >= last:
                break
    return found


def csv_fields(text: str) -> list[str]:
    """The fields of one CSV record; a field may be as long as the loader takes one (the csv
    module stops at 131,072 characters unless told otherwise)."""
    csv.field_size_limit(MAX_LINE_BYTES)
    return next(csv.reader(io.StringIO(text)), [])


def record_key(contract: Contract, text: str, header: list[str] | None) -> str | None:
    """The natural key of a rejected record, read from its raw text (None when the text cannot
    be parsed any more: the reason it was rejected may be exactly that)."""
    try:
        if contract.format == "csv":
            values = csv_fields(text)
            if not values:
                return None
            record = dict(zip(header or [], values, strict=False))
        else:
            record = json.loads(text)
    except (ValueError, csv.Error):
        return None
    if not isinstance(record, dict):
        return None
    key = [record.get(name) for name in contract.key]
    return None if any(part in (None, "") for part in key) else "|".join(map(str, key))


def csv_header(raw_dir: Path, file: str) -> list[str] | None:
    texts = line_texts(raw_dir, file, {1})
    return csv_fields(texts[1].lstrip("\ufeff")) if 1 in texts else None
