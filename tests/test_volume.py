"""A sudden fall in rows (issue 29): the volume rule, and whose yes lets it through."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.operations.volume import (
    ACCEPT_TAG,
    DECISIONS_TABLE,
    Volume,
    accepted_names,
    is_accepted,
    published_count,
    record_acceptance,
)


def test_a_fall_past_the_threshold_is_too_steep_and_named_in_one_line() -> None:
    emptied = Volume("curated/memberships", "raw_curated.memberships", 52, 0, 0.25)
    assert emptied.too_steep
    assert emptied.line() == (
        "raw_curated.memberships: rows fell from 52 (published) to 0, -100%, more than the 25% "
        "allowed: not published; if the drop is meant, run "
        "`coop build --accept-drop curated/memberships`"
    )
    assert "\n" not in emptied.line()
    assert not Volume("m", "t", 52, 39, 0.25).too_steep  # exactly 25 % down: allowed
    assert Volume("m", "t", 52, 38, 0.25).too_steep
    assert not Volume("m", "t", None, 0, 0.25).too_steep  # nothing published yet
    assert not Volume("m", "t", 0, 0, 0.25).too_steep
    assert not Volume("m", "t", 10, 500, 0.25).too_steep  # a rise is no drop


def test_a_drop_is_accepted_by_name_or_by_an_extract_upstream() -> None:
    tags = {ACCEPT_TAG: "raw/curated/memberships, fct_event"}
    assert accepted_names(tags) == {"curated/memberships", "fct_event"}
    assert accepted_names({}) == set()
    accepted = accepted_names(tags)
    assert is_accepted("curated/memberships", accepted)
    assert is_accepted("curated/memberships", {"memberships"})
    assert is_accepted("fct_event", accepted)
    assert is_accepted("fct_membership", accepted, upstream={"curated/memberships"})
    assert not is_accepted("fct_membership", accepted, upstream={"curated/partners"})
    assert not is_accepted("curated/partners", accepted)


def test_the_published_count_and_the_recorded_decision(tmp_path: Path) -> None:
    published = tmp_path / "published.duckdb"
    assert published_count(published, "raw_curated.memberships") is None  # nothing published
    con = duckdb.connect(str(published))
    con.execute("create schema raw_curated")
    con.execute("create schema marts")  # the analysts' schema every publication has
    con.execute("create table raw_curated.memberships as select range as x from range(52)")
    con.close()
    assert published_count(published, "raw_curated.memberships") == 52
    assert published_count(published, "raw_curated.partners") is None
    build = duckdb.connect()
    record_acceptance(build, Volume("curated/memberships", "t", 52, 0, 0.25), "run-1")
    assert build.execute(
        f"select name, rows_published, rows_now, run_id from {DECISIONS_TABLE}"
    ).fetchall() == [("curated/memberships", 52, 0, "run-1")]
