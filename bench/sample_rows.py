"""A reproducible random sample of curated fact rows, for a reviewer to check against their sources.

Draws `--n` rows uniformly from the curated agreements, events, memberships and hand-written
partners (not the generated `countries_iso3166.csv`) whose document is a graded source (not
`background`), and prints per row the claims to check and the cited document's address and grade.
The seed decides the draw, not the reviewer: use the day's date (`--seed 20261207`).

    .venv/bin/python -m bench.sample_rows --seed 20261207 --n 30 [--exclude ID ...] [--raw DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = {"countries_iso3166.csv"}  # rows written by a program from pycountry, not curated facts
# Per extract: the row's key columns and the claims a reviewer checks against the source.
EXTRACTS = {
    "agreements": (("agreement_id",), ("agreement_name", "agreement_type", "status",
                   "recommended_on", "mandate_adopted_on", "negotiations_opened_on", "signed_on",
                   "concluded_on", "in_force_on", "ended_on", "date_precision",
                   "in_force_precision", "in_force_basis", "allows_personal_data", "parties")),
    "events": (("event_id",), ("event_name", "event_type", "started_on", "ended_on",
               "date_precision", "location_name", "location_partner_id", "agreement_id",
               "is_inferred", "information_accuracy", "participants")),
    "memberships": (("organisation_partner_id", "member_partner_id", "valid_from"),
                    ("membership_role", "valid_from_precision", "valid_to")),
    "partners": (("partner_id",), ("partner_name", "partner_type", "acronym",
                 "parent_partner_id", "founded_on", "headquarters_city")),
}  # fmt: skip
Row = tuple[str, str, dict]  # (extract, row id, the row with its document)
GRADE = ("publisher", "publisher_kind", "source_reliability", "information_accuracy",
         "handling_code", "verification_status", "original_publisher")  # fmt: skip


def read_rows(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [{k: v or None for k, v in row.items()} for row in csv.DictReader(handle)]
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def population(raw: Path, exclude: set[str] = frozenset()) -> list[Row]:
    """(extract, row id, row) of every curated fact row citing a graded document, in file order."""
    documents = {}
    for path in sorted((raw / "curated" / "source_documents").glob("*.csv")):
        documents |= {row["document_id"]: row for row in read_rows(path)}
    rows = []
    for extract, (keys, _) in EXTRACTS.items():
        for path in sorted((raw / "curated" / extract).glob("*.*")):
            if path.name in GENERATED or path.name.startswith("."):
                continue
            for row in read_rows(path):
                row_id = "/".join(str(row[key]) for key in keys)
                document = documents.get(row.get("document_id"))
                if row_id in exclude or not document or document["publisher_kind"] == "background":
                    continue
                rows.append((extract, row_id, row | {"document": document}))
    return rows


def draw(raw: Path, seed: int, n: int, exclude: set[str] = frozenset()) -> list[Row]:
    """`n` rows drawn without replacement, the same for the same seed and extracts."""
    return random.Random(seed).sample(population(raw, exclude), n)


def describe(extract: str, row_id: str, row: dict) -> str:
    claims = {k: row.get(k) for k in EXTRACTS[extract][1] if row.get(k) not in (None, [], "")}
    document = row["document"]
    grade = ", ".join(f"{k}={document[k]}" for k in GRADE if document.get(k))
    return "\n".join([f"[{extract}] {row_id}",
                      f"  claims: {json.dumps(claims, ensure_ascii=False)}",
                      f"  note: {row.get('note') or ''}",
                      f"  source: {document['document_id']} {document['url']}",
                      f"  grade: {grade}"])  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True, help="the day's date, e.g. 20261207")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--exclude", nargs="*", default=[], help="row ids left out of the draw")
    parser.add_argument("--raw", type=Path, default=ROOT / "raw")
    args = parser.parse_args(argv)
    rows = draw(args.raw, args.seed, args.n, set(args.exclude))
    for number, (extract, row_id, row) in enumerate(rows, 1):
        print(f"{number:2}. " + describe(extract, row_id, row))


if __name__ == "__main__":
    main()
