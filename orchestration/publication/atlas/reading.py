"""Reading the atlas tables: the small ones whole, and a digest of every table computed by
the database.

At 10M events `partner_events` and `partner_documents` hold a million rows each (100 per
partner); held whole as Python rows they took more memory than the pipeline's cap allows the
whole build, so the pages' lines are written by the database (sourced.py), and the atlas's key
is a digest the database computes over each table rather than one over rows brought into Python.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator

import duckdb

from orchestration.publication.atlas.drawing import Row

# The atlas's tables (models/atlas/), each with the order its rows are drawn in; every
# column follows as a tie-break, so equal data gives equal pages.
FIGURES = {
    "partners": "region, partner_name",
    "threats": "threat_name",
    "cooperation_map": "partner_name",
    "agreement_timeline": "region, partner_name, agreement_id, spell_from, spell_to",
    "membership_timeline": "organisation_name, valid_from, member_name",
    "partner_threat_matrix": "partner_name, threat_name",
    "events_per_quarter": "quarter_start, event_type",
    "threat_events_per_quarter": "threat_id, quarter_start",
    "partner_agreements": "partner_id, signed_on desc nulls last, agreement_name",
    "partner_memberships": "partner_id, relation desc, valid_from desc, other_partner_name",
    "partner_events": "partner_id, started_on desc nulls last, event_name",
    "partner_documents": "partner_id, published_on desc nulls last, title",
    "threat_events": "threat_id, started_on desc nulls last, event_name",
    "headline": "partners",
    "newest_documents": "published_on desc, title",
}
BATCH = 10_000  # rows fetched at a time


class AtlasError(Exception):
    """The atlas cannot be generated: its message says what is missing and how to get it."""


def _ordered(con: duckdb.DuckDBPyConnection, name: str, where: str) -> duckdb.DuckDBPyConnection:
    try:
        width = len(con.execute(f"select * from atlas.{name} limit 0").description)
        every = ", ".join(str(position) for position in range(1, width + 1))
        return con.execute(f"select * from atlas.{name} order by {FIGURES[name]}, {every}")
    except duckdb.Error as error:
        raise AtlasError(
            f"atlas.{name} cannot be read{where}: {error}; run `coop build`, which builds "
            "the atlas tables (dbt_project/models/atlas/) with the marts"
        ) from error


def _rows(cursor: duckdb.DuckDBPyConnection) -> Iterator[Row]:
    columns = [column[0] for column in cursor.description]
    while batch := cursor.fetchmany(BATCH):
        for values in batch:
            yield dict(zip(columns, values, strict=True))


def read_figures(
    con: duckdb.DuckDBPyConnection, where: str = "", skipped: Collection[str] = ()
) -> dict[str, list[Row]]:
    """Every atlas table but the `skipped` ones, by name, as rows of dicts in the order they
    are drawn (the atlas skips the pages' sourced tables: the database writes their lines,
    sourced.py)."""
    return {
        name: list(_rows(_ordered(con, name, where))) for name in FIGURES if name not in skipped
    }


def tables_key(con: duckdb.DuckDBPyConnection, where: str = "") -> str:
    """A digest of every atlas table's rows, computed by the database: each table's row count
    and the sum of its rows' hashes (order-free: the order is FIGURES's)."""
    digest = hashlib.sha256()
    for name in FIGURES:
        try:
            count, total = con.execute(
                f"select count(*), coalesce(sum(hash(t)), 0) from atlas.{name} as t"
            ).fetchone()
        except duckdb.Error as error:
            raise AtlasError(f"atlas.{name} cannot be read{where}: {error}") from error
        digest.update(f"{name}:{count}:{total}|".encode())
    return digest.hexdigest()
