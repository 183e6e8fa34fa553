"""Taking a bad load back: a file's rows leave the build, and the ledger says so.

Event files are increments (a removed file keeps its rows), so deleting a bad events file does
not undo its load. A retraction removes the rows of that file's current load from its raw,
child and rejects tables in one transaction and appends a `retracted` ledger row with the
file's SHA-256: while the file is unchanged, the loader leaves it out; a corrected version
(another SHA-256) loads as new. The run that follows rebuilds what depends on the extract and
republishes.
"""

from __future__ import annotations

import datetime as dt
import getpass
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.contracts import CONTRACTS, Contract
from orchestration.lib.loader import LEDGER_TABLE, quote_ident


class RetractionError(Exception):
    """The file cannot be retracted; the message says why."""


@dataclass(frozen=True)
class Retraction:
    source_file: str  # relative to the landing zone
    extract: str  # "<system>/<entity>"
    rows_removed: int
    rejects_removed: int


def relative_to_landing(path: str, raw_dir: Path) -> str:
    """`raw/curated/events/x.ndjson`, `curated/events/x.ndjson` or an absolute path inside the
    landing zone, as the ledger names it."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.resolve().relative_to(raw_dir.resolve()).as_posix()
        except ValueError:
            raise RetractionError(f"{path} is not under the landing zone {raw_dir}") from None
    return candidate.as_posix().removeprefix("raw/").removeprefix("./raw/")


def contract_of(relative: str) -> Contract:
    parts = relative.split("/")
    for contract in CONTRACTS:
        if parts[:2] == [contract.system, contract.entity]:
            return contract
    raise RetractionError(f"{relative} belongs to no extract (raw/<system>/<entity>/<file>)")


def retract(con: duckdb.DuckDBPyConnection, relative: str, reason: str) -> Retraction:
    """Remove the rows of `relative`'s current load and record the retraction in the ledger."""
    contract = contract_of(relative)
    latest = con.execute(
        f"select outcome, file_sha256, file_size_bytes, file_mtime_ns from {LEDGER_TABLE} "
        "where source_file = ? order by loaded_at desc, rows_read desc limit 1",
        [relative],
    ).fetchall()
    if not latest:
        raise RetractionError(f"{relative}: the ledger has no load of this file")
    outcome, sha256, size, mtime_ns = latest[0]
    if outcome != "loaded":
        raise RetractionError(f"{relative}: its latest ledger entry is '{outcome}', not a load")
    schema = quote_ident(contract.schema)
    removed = {}
    con.execute("begin transaction")
    try:
        for table in (*contract.tables, f"{contract.entity}__rejects"):
            removed[table] = con.execute(
                f"delete from {schema}.{quote_ident(table)} where _source_file = ?", [relative]
            ).fetchall()[0][0]
        con.execute(
            f"insert into {LEDGER_TABLE} (load_id, system, entity, source_file, file_sha256, "
            "file_size_bytes, rows_read, rows_loaded, rows_rejected, outcome, message, "
            "loaded_at, run_id, file_mtime_ns) values (?, ?, ?, ?, ?, ?, 0, 0, 0, 'retracted', "
            "?, ?, null, ?)",
            [
                str(uuid.uuid4()), contract.system, contract.entity, relative, sha256, size,
                f"retracted by {getpass.getuser()}: {reason}",
                dt.datetime.now(dt.UTC).replace(tzinfo=None), mtime_ns,
            ],
        )  # fmt: skip
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return Retraction(
        relative,
        f"{contract.system}/{contract.entity}",
        removed[contract.entity],
        removed[f"{contract.entity}__rejects"],
    )
