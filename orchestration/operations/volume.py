"""Volume checks: a sudden fall in rows blocks publication until a person accepts it.

A header-only snapshot or an events file replaced by blank lines loads cleanly, and without
this check would publish a mart of nothing. Each extract's rows (its contract's `max_drop`)
and each mart's rows (`MART_MAX_DROP`) are compared with the published warehouse, the last
state that passed every check, as row-count monitors do (dbt-expectations' row-count tests,
Soda's change-over-time checks). A drop past the threshold fails a blocking check with one
line naming the table and the drop; `coop build --accept-drop <extract or mart>` accepts it
for that run, and the decision is recorded in ``_meta.accepted_drops``.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.analyst.querying import connect_published

ACCEPT_TAG = "coop/accept_drop"  # the run's accepted drops, comma-separated names
DECISIONS_TABLE = "_meta.accepted_drops"
MART_MAX_DROP = 0.5  # a mart is a join of extracts: their own checks come first


@dataclass(frozen=True)
class Volume:
    """The rows of one table now and at the last publication (None: nothing published)."""

    name: str  # "curated/memberships" or "fct_membership": what --accept-drop takes
    table: str  # as queried: raw_curated.memberships, marts.fct_membership
    before: int | None
    after: int
    max_drop: float

    @property
    def too_steep(self) -> bool:
        return bool(self.before) and (self.before - self.after) / self.before > self.max_drop

    def line(self) -> str:
        if not self.too_steep:
            return f"{self.table}: {self.after} row(s), published {self.before}"
        fall = (self.before - self.after) / self.before
        return (
            f"{self.table}: rows fell from {self.before} (published) to {self.after}, "
            f"-{fall:.0%}, more than the {self.max_drop:.0%} allowed: not published; if the "
            f"drop is meant, run `coop build --accept-drop {self.name}`"
        )


def published_count(published_db: Path, table: str) -> int | None:
    """Rows of `table` in the published warehouse; None when it (or the file) is not there."""
    if not published_db.exists():
        return None
    try:
        con = connect_published(published_db)
    except duckdb.CatalogException:  # a file that was never a publication
        return None
    try:
        return con.execute(f"select count(*) from {table}").fetchall()[0][0]
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


def accepted_names(tags: Mapping[str, str]) -> set[str]:
    """The names a run was told to accept a drop of, as given (`raw/` prefixes dropped)."""
    given = tags.get(ACCEPT_TAG, "")
    return {name.strip().removeprefix("raw/") for name in given.split(",") if name.strip()}


def is_accepted(name: str, accepted: Iterable[str], upstream: Iterable[str] = ()) -> bool:
    """An extract is named `curated/memberships` or `memberships`; a mart by its name, or by
    an extract upstream of it (accepting an extract's drop accepts what follows from it)."""
    accepted = set(accepted)
    names = {name, name.split("/")[-1]}
    for extract in upstream:
        names |= {extract, extract.split("/")[-1]}
    return bool(names & accepted)


def record_acceptance(con: duckdb.DuckDBPyConnection, volume: Volume, run_id: str) -> None:
    con.execute("create schema if not exists _meta")
    con.execute(
        f"create table if not exists {DECISIONS_TABLE} (name VARCHAR NOT NULL, "
        "rows_published BIGINT, rows_now BIGINT NOT NULL, max_drop DOUBLE NOT NULL, "
        "accepted_by VARCHAR NOT NULL, run_id VARCHAR, accepted_at TIMESTAMP NOT NULL)"
    )
    con.execute(
        f"insert into {DECISIONS_TABLE} values (?, ?, ?, ?, ?, ?, ?)",
        [volume.name, volume.before, volume.after, volume.max_drop, getpass.getuser(), run_id,
         dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    )  # fmt: skip
