"""The atlas's rankings and counts kept between builds (macros/atlas_incremental.sql): an
increment of new events merges each touched partner's and threat's previous rows with the new
ones and leaves the others' rows as they were, and the atlas it gives equals a full refresh's;
an increment that takes rows away starts them over (tests/test_end_to_end.py)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from orchestration.runner.runs import run_main_job
from tests.test_end_to_end import marts_content

KEPT = {
    "int_atlas_partner_events_latest": "partner_key",
    "int_atlas_threat_events_latest": "threat_key",
    "int_atlas_partner_threat_counts": "partner_key || '/' || threat_key",
    "int_atlas_threat_quarter_counts": "threat_key || '/' || quarter_start",
    "int_atlas_partner_documents_latest": "partner_number",
}


def built_through(build_db: Path) -> dict[str, dict[str, object]]:
    """Per kept model, per group: the newest load counted by the build that last wrote it."""
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        return {
            model: dict(
                con.execute(
                    f"select {group}, max(_built_through) from intermediate.{model} group by 1"
                ).fetchall()
            )  # fmt: skip
            for model, group in KEPT.items()
        }
    finally:
        con.close()


def event_document_pairs(build_db: Path) -> dict[tuple[int, int], object]:
    """The kept partner-document pairs of the events, each with the newest load counted by the
    build that appended it."""
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        rows = con.execute(
            "select partner_number, document_number, _built_through"
            " from intermediate.int_atlas_partner_event_document_pairs"
        ).fetchall()
    finally:
        con.close()
    pairs = {(partner, document): through for partner, document, through in rows}
    assert len(pairs) == len(rows), "a pair kept twice"
    return pairs


def key_of(con: duckdb.DuckDBPyConnection, table: str, natural: str, value: str) -> str:
    return con.execute(f"select {table[4:]}_key from marts.{table} where {natural} = ?", [value]
                       ).fetchone()[0]  # fmt: skip


def test_new_events_are_merged_into_the_atlas_rankings_and_equal_a_full_refresh(sample_copy):
    env = sample_copy
    events_dir = env.raw_dir / "curated" / "events"
    first = json.loads((events_dir / "events_2025_2026.ndjson").read_text().splitlines()[0])
    partner, threat = first["participants"][0]["partner_id"], first["threat_ids"][0]
    # a later event of one partner about one threat, in a new file: nothing earlier changes
    new = first | {
        "event_id": "ev-test-atlas-increment", "started_on": "2026-11-30",
        "date_precision": "day", "participants": first["participants"][:1],
        "threat_ids": [threat],
    }  # fmt: skip
    con = duckdb.connect(str(env.settings.published_db), read_only=True)
    try:  # a document none of the partner's events cites yet
        uncited = con.execute(
            "select min(document_id) from marts.dim_source_document where document_key not in ("
            " select events.document_key from marts.fct_event as events"
            " join marts.bridge_event_participant using (event_key)"
            " join marts.dim_partner using (partner_key) where partner_id = ?)",
            [partner],
        ).fetchone()[0]
    finally:
        con.close()
    second = new | {"event_id": "ev-test-atlas-increment-2", "document_id": uncited}
    lines = [json.dumps(new), json.dumps(second)]
    (events_dir / "events_2026_test_increment.ndjson").write_text("\n".join(lines) + "\n")
    before = built_through(env.settings.build_db)
    pairs_before = event_document_pairs(env.settings.build_db)

    incremental = run_main_job()
    assert incremental.success, incremental.step_failures
    after = built_through(env.settings.build_db)
    con = duckdb.connect(str(env.settings.build_db), read_only=True)
    try:
        uncited_key = con.execute(
            "select document_key from marts.dim_source_document where document_id = ?", [uncited]
        ).fetchone()[0]
        touched = {
            "int_atlas_partner_events_latest": key_of(con, "dim_partner", "partner_id", partner),
            "int_atlas_threat_events_latest": key_of(con, "dim_threat", "threat_id", threat),
        }
    finally:
        con.close()
    partner_key, threat_key = touched.values()
    touched["int_atlas_partner_threat_counts"] = f"{partner_key}/{threat_key}"
    touched["int_atlas_threat_quarter_counts"] = f"{threat_key}/2026-10-01"
    # the md5 key read as a number (macros/atlas_incremental.sql, key_number)
    touched["int_atlas_partner_documents_latest"] = int(partner_key, 16)
    for model, group in touched.items():
        written = after[model][group]  # by the increment: a new group, or a later load
        assert group not in before[model] or written > before[model][group], model
        untouched = {key: value for key, value in after[model].items() if key != group}
        assert untouched == {key: before[model][key] for key in untouched}, model  # kept
    # the second event's document is the partner's one new pair; the first's it had before.
    # Numbers are the md5 keys read as hexadecimal integers (macros/atlas_incremental.sql)
    pairs_after = event_document_pairs(env.settings.build_db)
    new_pair = (touched["int_atlas_partner_documents_latest"], int(uncited_key, 16))
    assert new_pair not in pairs_before
    assert set(pairs_after) - set(pairs_before) == {new_pair}
    assert pairs_after[new_pair] > max(pairs_before.values())
    assert {pair: pairs_after[pair] for pair in pairs_before} == pairs_before  # not rewritten
    after_increment = marts_content(env.settings.published_db, ("atlas",))
    shown = [row for row in after_increment["atlas.partner_events"] if row[0] == partner]
    assert new["event_name"] in {row[2] for row in shown if str(row[1]) == "2026-11-30"}

    full = run_main_job(full_refresh=True)
    assert full.success, full.step_failures
    assert marts_content(env.settings.published_db, ("atlas",)) == after_increment
    assert set(event_document_pairs(env.settings.build_db)) == set(pairs_after)
