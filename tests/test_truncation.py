"""Lines lost silently (issue 16): a file cut off mid-line, and a record that swallows the lines
after it. A manifest refuses a cut-off export; a hand-edited file without a final newline loads
with a warning; the ledger reconciles physical lines, so a swallowed line fails the check."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from test_bad_inputs import corpus, land, load

from orchestration.landing.contracts import PARTNERS, contract_for
from orchestration.landing.loading import csv_staging, load_extract, reconcile_ledger
from orchestration.landing.loading.manifests import MANIFEST_SUFFIX
from orchestration.landing.loading.reading import Problem

WHOLE = corpus("partners/truncated_mid_line.csv")[: -len("member of EU-CL")] + (
    b"member of EU-CLASI\n"
)
CUT = corpus("partners/truncated_mid_line.csv")
FILE = "curated/partners/p.csv"


def manifest_of(content: bytes, rows: int) -> bytes:
    digest = hashlib.sha256(content).hexdigest()
    return json.dumps({"rows": rows, "bytes": len(content), "sha256": digest}).encode()


def test_a_hand_edited_file_without_a_final_newline_loads_with_a_warning(tmp_path: Path) -> None:
    land(tmp_path, "partners", {"p.csv": CUT})
    con, result = load(tmp_path, "partners")
    assert (result[FILE].outcome, result[FILE].rows_loaded) == ("loaded", 2)
    (warning,) = result[FILE].warnings
    assert (warning.file, warning.line, warning.column, warning.severity) == (
        FILE, 3, None, "warning",
    )  # fmt: skip
    assert warning.reason.startswith("the last line has no newline at its end")
    recorded = con.execute(
        "select warnings from _meta.load_ledger where source_file = ?", [FILE]
    ).fetchall()[0][0]
    assert Problem(**json.loads(recorded)[0]) == warning
    # the good sibling ends with its newline: no warning
    assert result["curated/partners/00_good.csv"].warnings == []


def test_a_cut_off_file_is_refused_whole_by_its_manifest(tmp_path: Path) -> None:
    _, folder = land(tmp_path, "partners", {"p.csv": CUT})
    (folder / ("p.csv" + MANIFEST_SUFFIX)).write_bytes(manifest_of(WHOLE, 2))
    con, result = load(tmp_path, "partners")
    refused = result[FILE]
    assert refused.outcome == "failed"
    assert refused.message.startswith(
        f"{FILE}: the file does not match its manifest p.csv.manifest.json: "
    )
    assert refused.message.endswith("found: cut off or changed after export")
    assert (refused.error.file, refused.error.line) == (FILE, None)
    assert con.execute(
        "select count(*) from raw_curated.partners where _source_file = ?", [FILE]
    ).fetchall() == [(0,)]
    con.close()
    # the rest of the file lands: the manifest now agrees, and the same name loads
    (folder / "p.csv").write_bytes(WHOLE)
    con, result = load(tmp_path, "partners")
    assert (result[FILE].outcome, result[FILE].rows_loaded, result[FILE].warnings) == (
        "loaded", 2, [],
    )  # fmt: skip


def test_a_manifest_counting_other_rows_refuses_the_file(tmp_path: Path) -> None:
    _, folder = land(tmp_path, "partners", {"p.csv": WHOLE})
    (folder / ("p.csv" + MANIFEST_SUFFIX)).write_bytes(manifest_of(WHOLE, 3))
    _, result = load(tmp_path, "partners")
    assert (
        result[FILE].message
        == f"{FILE}: its manifest p.csv.manifest.json says 3 rows, the file holds 2"
    )


def test_a_required_manifest_that_is_missing_refuses_the_file_until_it_lands(
    tmp_path: Path,
) -> None:
    exported = dataclasses.replace(PARTNERS, manifest="required")
    _, folder = land(tmp_path, "partners", {"p.csv": WHOLE})
    (folder / ("00_good.csv" + MANIFEST_SUFFIX)).write_bytes(
        manifest_of(corpus("good/partners.csv"), 3)
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    files = {f.source_file: f for f in load_extract(con, tmp_path / "raw", exported).files}
    assert files[FILE].message == (
        f"{FILE}: no manifest p.csv.manifest.json beside it: this extract's contract requires "
        "one (rows, bytes, sha256), written after the file"
    )
    assert files["curated/partners/00_good.csv"].outcome == "loaded"
    # still failing: reported on every run, recorded in the ledger once
    files = {f.source_file: f for f in load_extract(con, tmp_path / "raw", exported).files}
    assert files[FILE].outcome == "failed"
    ledger = "select count(*) from _meta.load_ledger where source_file = ?"
    assert con.execute(ledger, [FILE]).fetchall() == [(1,)]
    # same bytes, now with a manifest: loaded, though the ledger saw these bytes fail
    (folder / ("p.csv" + MANIFEST_SUFFIX)).write_bytes(manifest_of(WHOLE, 2))
    files = {f.source_file: f for f in load_extract(con, tmp_path / "raw", exported).files}
    assert (files[FILE].outcome, files[FILE].rows_loaded) == ("loaded", 2)
    con.close()


def test_the_line_reconciliation_fails_a_record_that_swallowed_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the re-synchronisation (as before issue 16), the stray quote makes one rejected
    record of lines 5-8: rows still reconcile (4 read = 3 loaded + 1 rejected), lines do not
    (8 in the file, 3 loaded + 1 rejected + 1 header)."""
    land(tmp_path, "memberships", {"m.csv": corpus("memberships/unclosed_quote.csv")})
    monkeypatch.setattr(csv_staging, "_swallowing_lines", lambda rejects: {})
    con, result = load(tmp_path, "memberships")
    swallowed = result["curated/memberships/m.csv"]
    assert (swallowed.rows_read, swallowed.rows_loaded, swallowed.rows_rejected) == (4, 3, 1)
    mismatches = reconcile_ledger(con, contract_for("curated", "memberships"))
    assert mismatches == [("curated/memberships/m.csv", 4, 3, 1, 3, 1, 8, 3, 1, 1)]
