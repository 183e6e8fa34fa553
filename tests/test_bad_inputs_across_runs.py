"""Bad inputs that only show across files and runs (issue 29): a snapshot file renamed or split,
a manifest landing after its file, a document's front matter never closed, a document taken
back. Each: nothing lost, a line naming the file and the reason, a
ledger row, and recovery once the input is fixed. The helpers are those of the single-file
corpus (``test_bad_inputs``)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from test_bad_inputs import GOOD_ROWS, PARTNERS_HEADER, corpus, counts, land, load, rows

from orchestration.documents.reading import UNCLOSED_FRONT_MATTER
from orchestration.landing.contracts import DOCUMENTS, contract_for
from orchestration.landing.loading import load_extract, reconcile_ledger
from orchestration.landing.loading.manifests import MANIFEST_SUFFIX
from orchestration.landing.retraction import RetractionError, relative_to_landing, retract
from orchestration.transform.dbt_failures import _missing_value, quarantined_keys

MEMBERSHIPS = corpus("memberships/rename_and_split.csv")
HEADER, *MEMBERSHIP_LINES = MEMBERSHIPS.splitlines(keepends=True)


def membership_keys(con) -> list[tuple]:
    return rows(
        con,
        "select member_partner_id, _source_file from raw_curated.memberships "
        "where _source_file not like '%00_good.csv' order by all",
    )


def rejects_of(con, entity: str) -> list[tuple]:
    return rows(con, f"select _source_file, reason from raw_curated.{entity}__rejects")


def test_a_renamed_snapshot_file_loads_as_before(tmp_path: Path) -> None:
    _, folder = land(tmp_path, "memberships", {"memberships.csv": MEMBERSHIPS})
    con, _ = load(tmp_path, "memberships")
    before = [m for m, _ in membership_keys(con)]
    con.close()
    (folder / "memberships.csv").rename(folder / "memberships_v2.csv")
    con, result = load(tmp_path, "memberships")
    assert result["curated/memberships/memberships.csv"].outcome == "removed"
    renamed = result["curated/memberships/memberships_v2.csv"]
    assert (renamed.outcome, renamed.rows_loaded, renamed.rows_rejected) == (
        "loaded", len(MEMBERSHIP_LINES), 0,
    )  # fmt: skip
    assert [m for m, _ in membership_keys(con)] == before
    assert {f for _, f in membership_keys(con)} == {"curated/memberships/memberships_v2.csv"}
    assert rejects_of(con, "memberships") == []
    assert reconcile_ledger(con, contract_for("curated", "memberships")) == []


def test_a_snapshot_file_split_in_two_loads_as_before(tmp_path: Path) -> None:
    _, folder = land(tmp_path, "memberships", {"memberships.csv": MEMBERSHIPS})
    con, _ = load(tmp_path, "memberships")
    before = [m for m, _ in membership_keys(con)]
    con.close()
    half = len(MEMBERSHIP_LINES) // 2
    # the first half stays in the old file (changed), the rest moves to a file that sorts
    # before it: the new file's rows are no duplicates of the old file's previous version
    (folder / "memberships.csv").write_bytes(HEADER + b"".join(MEMBERSHIP_LINES[:half]))
    (folder / "a_moved.csv").write_bytes(HEADER + b"".join(MEMBERSHIP_LINES[half:]))
    con, result = load(tmp_path, "memberships")
    assert result["curated/memberships/a_moved.csv"].rows_rejected == 0
    assert result["curated/memberships/memberships.csv"].rows_rejected == 0
    assert [m for m, _ in membership_keys(con)] == before
    assert rejects_of(con, "memberships") == []
    assert reconcile_ledger(con, contract_for("curated", "memberships")) == []


def test_a_copy_still_rejects_its_duplicates(tmp_path: Path) -> None:
    """Keys stay unique: a file copied (both names present) loads once, the copy is rejected."""
    land(tmp_path, "memberships", {"a.csv": MEMBERSHIPS, "b.csv": MEMBERSHIPS})
    con, result = load(tmp_path, "memberships")
    copy = result["curated/memberships/b.csv"]
    assert (copy.rows_loaded, copy.rows_rejected) == (0, len(MEMBERSHIP_LINES))
    assert {r for _, r in rejects_of(con, "memberships")} == {
        "duplicate key: already loaded from curated/memberships/a.csv"
    }


def manifest_of(content: bytes, rows: int, sha256: str | None = None) -> bytes:
    digest = sha256 or hashlib.sha256(content).hexdigest()
    return json.dumps({"rows": rows, "bytes": len(content), "sha256": digest}).encode()


def test_a_manifest_landing_after_its_file_checks_it(tmp_path: Path) -> None:
    _, folder = land(tmp_path, "memberships", {"m.csv": MEMBERSHIPS})
    con, _ = load(tmp_path, "memberships")
    con.close()
    manifest = folder / ("m.csv" + MANIFEST_SUFFIX)
    manifest.write_bytes(manifest_of(MEMBERSHIPS, len(MEMBERSHIP_LINES), "0" * 64))
    con, result = load(tmp_path, "memberships")
    refused = result["curated/memberships/m.csv"]
    assert refused.outcome == "failed"
    assert refused.message.startswith(
        "curated/memberships/m.csv: the file does not match its manifest m.csv.manifest.json: "
    )
    assert counts(con, "memberships")[0] == GOOD_ROWS["memberships"]  # its rows are out
    ledger = "select outcome from _meta.load_ledger where source_file = 'curated/memberships/m.csv'"
    assert rows(con, ledger) == [("loaded",), ("failed",)]
    con.close()
    # a manifest counting other rows is checked against the rows the ledger read
    manifest.write_bytes(manifest_of(MEMBERSHIPS, len(MEMBERSHIP_LINES) + 1))
    con, result = load(tmp_path, "memberships")
    assert result["curated/memberships/m.csv"].message.endswith(
        f"says {len(MEMBERSHIP_LINES) + 1} rows, the file holds {len(MEMBERSHIP_LINES)}"
    )
    con.close()
    # fixed: the same bytes load again
    manifest.write_bytes(manifest_of(MEMBERSHIPS, len(MEMBERSHIP_LINES)))
    con, result = load(tmp_path, "memberships")
    assert result["curated/memberships/m.csv"].outcome == "loaded"
    assert counts(con, "memberships")[0] == GOOD_ROWS["memberships"] + len(MEMBERSHIP_LINES)
    con.close()
    con, result = load(tmp_path, "memberships")
    assert result["curated/memberships/m.csv"].outcome == "unchanged"


def test_a_quarantined_row_with_a_long_field_still_explains_a_failed_relationship(
    tmp_path: Path,
) -> None:
    """A failed relationships test names the quarantined row behind a missing key, read back
    from the landed file: a field past the csv module's 131,072 characters once ended that
    explanation with "field larger than field limit"."""
    note = "x" * 200_000
    bad = PARTNERS_HEADER + f'peru,Peru,nation,,,,Lima,doc-1,"{note}"\n'.encode()
    land(tmp_path, "partners", {"long.csv": bad})
    con, _ = load(tmp_path, "partners")
    default = csv.field_size_limit(131_072)  # as in a fresh process
    try:
        keys = quarantined_keys(con, tmp_path / "raw")
    finally:
        csv.field_size_limit(default)
    assert (keys["peru"].file, keys["peru"].line, keys["peru"].column) == (
        "curated/partners/long.csv", 2, "partner_type",
    )  # fmt: skip


# --- documents -----------------------------------------------------------------------------------

DOCUMENT = "documents/europol/clasi-visit.md"


def land_document(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "raw" / DOCUMENT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def load_documents(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    result = load_extract(con, tmp_path / "raw", DOCUMENTS, run_id="test")
    return con, {f.source_file: f for f in result.files}


def test_a_front_matter_never_closed_is_quarantined_with_its_line(tmp_path: Path) -> None:
    unclosed = corpus("documents/unclosed_front_matter.md")
    path = land_document(tmp_path, unclosed)
    con, result = load_documents(tmp_path)
    loaded = result[DOCUMENT]
    assert (loaded.rows_read, loaded.rows_loaded, loaded.rows_rejected) == (1, 0, 1)
    assert rows(
        con, "select _source_file, _source_line, column_name, reason "
        "from raw_documents.documents__rejects",
    ) == [(DOCUMENT, 1, None, UNCLOSED_FRONT_MATTER)]  # fmt: skip
    assert rows(con, "select count(*) from raw_documents.documents") == [(0,)]
    assert reconcile_ledger(con, DOCUMENTS) == []
    con.close()
    # closed: the same document loads, titled by its front matter
    path.write_bytes(unclosed.replace(b"language: en\n", b"language: en\n---\n"))
    con, result = load_documents(tmp_path)
    assert rows(con, "select title from raw_documents.documents") == [
        ("CLASI delegations visit Europol",)
    ]


def test_a_landed_document_can_be_retracted_present_or_removed(tmp_path: Path) -> None:
    good = corpus("documents/unclosed_front_matter.md").replace(
        b"language: en\n", b"language: en\n---\n"
    )
    path = land_document(tmp_path, good)
    con, _ = load_documents(tmp_path)
    con.close()
    # removed from the folder: an increment keeps its record (the contract says so) ...
    path.unlink()
    con, result = load_documents(tmp_path)
    assert result[DOCUMENT].outcome == "retained"
    assert rows(con, "select count(*) from raw_documents.documents") == [(1,)]
    # ... until it is retracted, by the path it was landed under
    done = retract(con, relative_to_landing(f"raw/{DOCUMENT}", tmp_path / "raw"), "wrong file")
    assert (done.extract, done.rows_removed) == ("documents/documents", 1)
    assert rows(con, "select count(*) from raw_documents.documents") == [(0,)]
    con.close()
    # landed again unchanged: it stays out; retracting twice is refused with the reason
    land_document(tmp_path, good)
    con, result = load_documents(tmp_path)
    assert result[DOCUMENT].outcome == "retracted"
    with pytest.raises(RetractionError, match="'retracted', not a load"):
        retract(con, DOCUMENT, "again")
    con.close()
    # a changed version is a new load
    land_document(tmp_path, good + b"Corrected.\n")
    con, result = load_documents(tmp_path)
    assert (result[DOCUMENT].outcome, result[DOCUMENT].rows_loaded) == ("loaded", 1)


def test_a_file_outside_every_extract_says_which_folders_are(tmp_path: Path) -> None:
    with pytest.raises(RetractionError, match=r"belongs to no extract \(the extracts' folders: "):
        retract(duckdb.connect(), "elsewhere/x.csv", "no")


def test_a_broken_relationship_names_the_id_written_on_the_extracts_line(tmp_path: Path) -> None:
    """A mart holds a surrogate key (a hash): the failing test names the id the line holds."""
    raw_dir, _ = land(tmp_path, "memberships", {"m.csv": MEMBERSHIPS})
    line = MEMBERSHIP_LINES[1].decode()
    assert _missing_value(raw_dir, "curated/memberships/m.csv", line, "member_partner_key") == (
        "member_partner_id", "ecuador",
    )  # fmt: skip
    event = corpus("good/events.ndjson").decode().splitlines()[0]
    assert _missing_value(raw_dir, "curated/events/e.ndjson", event, "document_key") == (
        "document_id", "doc-1",
    )  # fmt: skip
    assert _missing_value(raw_dir, "curated/memberships/m.csv", line, "valid_from") is None
