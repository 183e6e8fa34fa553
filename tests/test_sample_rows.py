"""The reviewers' sampler: the same seed draws the same rows, and only rows that cite a source."""

from __future__ import annotations

import json
from pathlib import Path

from bench.sample_rows import draw

HEADER = "document_id,title,publisher,url,source_reliability,information_accuracy,publisher_kind\n"


def land(raw: Path) -> None:
    curated = raw / "curated"
    for extract in ("source_documents", "agreements", "events", "memberships", "partners"):
        (curated / extract).mkdir(parents=True)
    (curated / "source_documents" / "docs.csv").write_text(
        HEADER + "doc-a,A,Europol,https://example.org/a,A,1,eu_institution\n"
        "doc-x,X,none,https://example.org/x,X,4,background\n"
    )
    lines = [{"agreement_id": f"ag-{i}", "document_id": "doc-a"} for i in range(12)]
    lines += [{"agreement_id": "ag-background", "document_id": "doc-x"},
              {"agreement_id": "ag-missing", "document_id": "doc-gone"},
              {"agreement_id": "ag-excluded", "document_id": "doc-a"}]  # fmt: skip
    (curated / "agreements" / "a.ndjson").write_text("".join(json.dumps(x) + "\n" for x in lines))
    event = {"event_id": "ev-1", "document_id": "doc-a"}
    (curated / "events" / "e.ndjson").write_text(json.dumps(event))
    (curated / "memberships" / "m.csv").write_text(
        "organisation_partner_id,member_partner_id,valid_from,document_id\nclasi,chile,2022-03-02,doc-a\n"
    )
    partners = curated / "partners"
    (partners / "partners.csv").write_text("partner_id,document_id\neuropol,doc-a\n")
    (partners / "countries_iso3166.csv").write_text("partner_id,document_id\naruba,doc-a\n")


def test_a_seed_draws_the_same_rows_and_only_rows_with_a_source(tmp_path):
    land(tmp_path)
    ids = lambda rows: [row_id for _, row_id, _ in rows]  # noqa: E731
    exclude = {"ag-excluded"}
    assert ids(draw(tmp_path, 7, 5, exclude)) == ids(draw(tmp_path, 7, 5, exclude))
    assert len({tuple(ids(draw(tmp_path, seed, 5, exclude))) for seed in range(10)}) > 1
    everything = ids(draw(tmp_path, 7, 15, exclude))
    expected = {f"ag-{i}" for i in range(12)} | {"ev-1", "clasi/chile/2022-03-02", "europol"}
    assert sorted(everything) == sorted(expected)
    assert draw(tmp_path, 7, 15, exclude)[0][2]["document"]["url"] == "https://example.org/a"
