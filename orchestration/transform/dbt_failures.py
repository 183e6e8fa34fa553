"""Why a dbt build failed, in lines a person can act on.

dbt's own report of a failing test is its compiled SQL and a count. After the build, with dbt
gone and the build file free, each failing test's query is run again (capped) to name the
offending values; for a test of a model that carries `_source_file`/`_source_line`, the rows
behind them are named by extract file and line; and where a missing key belongs to a row the
loader quarantined, that row's file, line and reason are named too: the usual story behind a
broken relationship is a parent row refused for a bad value.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb

from orchestration.landing.contracts import CONTRACTS
from orchestration.landing.rejects import (
    Reject,
    csv_fields,
    csv_header,
    line_texts,
    quarantined,
    record_key,
)
from orchestration.problems import Problem, one_line

SHOWN_VALUES = 5  # offending values named per failing test
RELATIONSHIP_TESTS = ("relationships", "relationships_since_verified")


def _short(value: object, width: int = 40) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    try:
        return {row[0] for row in con.execute(f"describe {relation}").fetchall()}
    except duckdb.Error:
        return set()


def _strings(record: object) -> Iterator[str]:
    """Every scalar of a parsed record, as text (a key can be nested in a child array)."""
    if isinstance(record, dict):
        for value in record.values():
            yield from _strings(value)
    elif isinstance(record, list):
        for value in record:
            yield from _strings(value)
    elif record is not None:
        yield str(record)


def _values_of(text: str, file: str) -> set[str]:
    try:
        if file.endswith(".csv"):
            return {field.strip() for field in csv_fields(text)}
        return set(_strings(json.loads(text)))
    except (ValueError, csv.Error):
        return set()


def _missing_value(raw_dir: Path, file: str, text: str, column: str) -> tuple[str, str] | None:
    """The id a person wrote where a mart holds its surrogate key (`member_partner_key` is a
    hash of the `member_partner_id` on the extract's line), read from that line."""
    if not column.endswith("_key"):
        return None
    name = column.removesuffix("_key") + "_id"
    try:
        if file.endswith(".csv"):
            record = dict(zip(csv_header(raw_dir, file) or [], csv_fields(text), strict=False))
        else:
            record = json.loads(text)
    except (ValueError, csv.Error):
        return None
    value = record.get(name) if isinstance(record, dict) else None
    return (name, value) if isinstance(value, str) and value else None


def quarantined_keys(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> dict[str, Reject]:
    """Natural key -> the quarantined record that held it, for every extract."""
    contracts = {f"{c.system}/{c.entity}": c for c in CONTRACTS}
    keys: dict[str, Reject] = {}
    by_file: dict[str, list[Reject]] = {}
    for reject in quarantined(con):
        by_file.setdefault(reject.file, []).append(reject)
    for file, items in by_file.items():
        contract = contracts[items[0].extract]
        header = csv_header(raw_dir, file) if contract.format == "csv" else None
        texts = line_texts(raw_dir, file, {r.line for r in items if r.line})
        for reject in items:
            key = record_key(contract, texts.get(reject.line, ""), header)
            if key is not None:
                keys.setdefault(key, reject)
    return keys


def _source_rows(
    con: duckdb.DuckDBPyConnection, relation: str, column: str, values: list
) -> list[tuple[str, int, object]]:
    """(file, line, value) of the rows holding the missing values."""
    if not values or not {"_source_file", "_source_line"} <= _columns(con, relation):
        return []
    marks = ", ".join("?" for _ in values)
    return con.execute(
        f"select distinct _source_file, _source_line, {column} from {relation} "
        f"where {column} in ({marks}) order by 1, 2 limit {SHOWN_VALUES}",
        values,
    ).fetchall()


def explain_failing_test(
    con: duckdb.DuckDBPyConnection,
    result: dict,
    node: dict,
    manifest: dict,
    raw_dir: Path,
    keys: dict[str, Reject],
    causes: dict[Reject, set[str]],
) -> Problem:
    """One line for a failing test: its offending rows by extract file and line where the
    model carries them, else its offending values. Quarantined rows that explain a missing
    key are added to `causes` (reject -> the keys it held), to be reported once each."""
    name = node.get("name", result["unique_id"])
    failures = result.get("failures")
    if result["status"] == "error":
        return Problem(
            None, f"dbt test {name} could not run: {one_line(result.get('message') or '')}"
        )
    compiled = (result.get("compiled_code") or node.get("compiled_code") or "").strip().rstrip(";")
    try:
        cursor = con.execute(f"select * from ({compiled}) as failing limit {SHOWN_VALUES}")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error as error:
        return Problem(
            None,
            f"dbt test {name} failed ({failures} row(s)); its query could not be re-run: "
            + one_line(str(error)),
        )
    values = "; ".join(
        ", ".join(f"{n}={_short(v)}" for n, v in zip(names, row, strict=True)) for row in rows
    )
    metadata = node.get("test_metadata") or {}
    model = manifest["nodes"].get(node.get("attached_node") or "", {})
    column = node.get("column_name")
    if metadata.get("name") not in RELATIONSHIP_TESTS or not model or not column:
        return Problem(None, f"dbt test {name} failed: {failures} row(s): {values}")
    parent = metadata.get("kwargs", {}).get("to", "its parent")
    sources = _source_rows(con, model["relation_name"], column, [row[0] for row in rows])
    places = []
    for file, line, value in sources:
        text = line_texts(raw_dir, file, {line}).get(line, "")
        for held in _values_of(text, file) & keys.keys():
            causes.setdefault(keys[held], set()).add(held)
        name_shown, shown = _missing_value(raw_dir, file, text, column) or (column, value)
        places.append(f"{file} line {line} ({name_shown} {_short(shown)})")
    where = ", ".join(places) or values
    return Problem(
        None,
        f"dbt test {name} failed: {failures} row(s) of {model['name']}.{column} have no match "
        f"in {parent}: {where}",
    )


# dbt's own headings before the line that says what went wrong
DBT_HEADINGS = ("Runtime Error", "Database Error", "Compilation Error")


def dbt_error_line(message: str) -> str:
    """The line of a dbt error that names its cause ("[DATATYPE_MISSING_SIZE] ..."), not the
    heading above it ("Runtime Error in model x (models/x.sql)")."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    causes = [line for line in lines if not line.startswith(DBT_HEADINGS)]
    return one_line(causes[0] if causes else message)


def explain_build(
    con: duckdb.DuckDBPyConnection, run_results: dict, manifest: dict, raw_dir: Path
) -> list[Problem]:
    """The problems of a dbt build: a line per failing or erroring test or model, then a line
    per quarantined row whose absence broke a relationship (named once however many tests it
    broke)."""
    problems: list[Problem] = []
    keys: dict[str, Reject] | None = None
    causes: dict[Reject, set[str]] = {}
    for result in run_results.get("results", []):
        if result["status"] not in ("fail", "error"):
            continue
        node = manifest["nodes"].get(result["unique_id"], {})
        if result["unique_id"].startswith("test."):
            if keys is None:
                keys = quarantined_keys(con, raw_dir)
            problems.append(
                explain_failing_test(con, result, node, manifest, raw_dir, keys, causes)
            )
        else:
            reason = dbt_error_line(result.get("message") or "error")
            problems.append(Problem(None, f"dbt {node.get('name', result['unique_id'])}: {reason}"))
    for cause, held in causes.items():
        problems.append(
            Problem(
                cause.file,
                f"quarantined ({cause.reason}): rows that refer to {', '.join(sorted(held))} "
                "fail their relationship tests",
                cause.line,
                cause.column,
            )
        )
    return problems
