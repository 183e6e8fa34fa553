"""Taking a bad load back: a file's rows leave the build, and the ledger says so.

Event files and documents are increments (a removed file keeps its rows), so deleting a bad
events file or document does not undo its load: retracting it does, whether the file is still
there or already gone. A retraction removes the rows of that file's current load from its raw,
child and rejects tables in one transaction and appends a `retracted` ledger row with the
file's SHA-256: while the file is unchanged, the loader leaves it out; a corrected version
(another SHA-256) loads as new. The run that follows rebuilds what depends on the extract and
republishes.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.landing.contracts import CONTRACTS, Contract
from orchestration.landing.loading.ledger import (
    LEDGER_TABLE,
    FileResult,
    LedgerRow,
    latest_ledger_row,
    record_ledger,
)
from orchestration.landing.loading.sql import transaction
from orchestration.landing.loading.tables import delete_file_rows, table_name


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
    """The extract a landed file belongs to, by its landing folder (documents lie under
    `documents/<publisher>/`, the others under `<system>/<entity>/`)."""
    for contract in CONTRACTS:
        if relative.startswith(contract.landing_folder + "/"):
            return contract
    folders = ", ".join(sorted(f"raw/{c.landing_folder}/" for c in CONTRACTS))
    raise RetractionError(f"{relative} belongs to no extract (the extracts' folders: {folders})")


def _load_to_retract(con: duckdb.DuckDBPyConnection, relative: str) -> LedgerRow:
    """The load whose rows are still in the build: the latest ledger row when it is a load,
    or the load before a `retained` row (an increment file removed from the folder keeps its
    rows until it is retracted)."""
    latest = latest_ledger_row(con, relative)
    if latest is None:
        raise RetractionError(f"{relative}: the ledger has no load of this file")
    if latest.outcome == "retained":
        rows = con.execute(
            f"select file_sha256, outcome, message, file_size_bytes, file_mtime_ns, load_id, "
            f"rows_read from {LEDGER_TABLE} where source_file = ? and outcome = 'loaded' "
            "order by loaded_at desc limit 1",
            [relative],
        ).fetchall()
        if rows:
            return LedgerRow(*rows[0])
    if latest.outcome != "loaded":
        raise RetractionError(
            f"{relative}: its latest ledger entry is '{latest.outcome}', not a load"
        )
    return latest


def retract(con: duckdb.DuckDBPyConnection, relative: str, reason: str) -> Retraction:
    """Remove the rows of `relative`'s current load and record the retraction in the ledger."""
    contract = contract_of(relative)
    latest = _load_to_retract(con, relative)
    rejects = table_name(contract, f"{contract.entity}__rejects")
    with transaction(con):
        quarantined = con.execute(
            f"select count(*) from {rejects} where _source_file = ?", [relative]
        ).fetchall()[0][0]
        removed = delete_file_rows(con, contract, relative)
        # same SHA-256, size and time as the load: the loader knows the file and leaves it out
        result = FileResult(
            relative,
            "retracted",
            latest.sha256,
            latest.size_bytes,
            latest.mtime_ns,
            message=f"retracted by {getpass.getuser()}: {reason}",
        )
        record_ledger(con, contract, result, None, dt.datetime.now(dt.UTC).replace(tzinfo=None))
    return Retraction(relative, f"{contract.system}/{contract.entity}", removed, quarantined)
