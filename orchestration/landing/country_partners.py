"""Every ISO 3166-1 country as a partner: the generated extract `countries_iso3166.csv`.

Curated country partners (`brazil`, `turkey`) keep their rows; every other country pycountry knows
gets one row here, its id the slug of its English short name when it was first written, so an id
never changes when a package renames a country later (`turkey` is named Türkiye). The file is
regenerated, never edited by hand: rows already in it are kept as they are and only countries new
to pycountry are appended. ISO codes and UN M49 regions are not written here: `dim_partner` reads
them from `raw_reference.countries` by name, as for every country partner.

    .venv/bin/python -m orchestration.landing.country_partners
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from orchestration.landing.reference import country_reference
from orchestration.settings import load_settings

PARTNERS_DIR = Path("curated") / "partners"
GENERATED = "countries_iso3166.csv"
DOCUMENT_ID = "doc-debian-pycountry-iso3166"
COLUMNS = ("partner_id", "partner_name", "partner_type", "acronym", "parent_partner_id",
           "founded_on", "headquarters_city", "document_id", "note")  # fmt: skip
NAME_COLUMNS = ("name", "common_name", "official_name", "short_name")


def slug(name: str) -> str:
    """`Côte d'Ivoire` -> `cote-d-ivoire`: the partner id convention of the curated extract."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def short_name(country: dict) -> str:
    """The English short name people use, among pycountry's names (which dim_partner matches
    on and the linker looks up): its common name, else its ISO name when that reads as a name
    ("Korea, Republic of" does not), else its official name, else its ISO name."""

    def clean(name: str | None) -> bool:
        return bool(name) and name[0].isupper() and not set(",(.") & set(name)

    for name in (country["common_name"], country["name"], country["official_name"]):
        if clean(name):
            return name
    return country["name"]


def reference_rows() -> list[dict]:
    table = country_reference().to_pylist()
    return sorted(table, key=lambda row: row["iso3"])


def iso3_by_name(countries: list[dict]) -> dict[str, str]:
    """Lower-cased English name -> alpha-3, on the names dim_partner matches partners on."""
    return {row[column].lower(): row["iso3"] for row in countries for column in NAME_COLUMNS
            if row[column]}  # fmt: skip


def read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def generated_rows(partner_files: list[Path], generated: Path) -> list[dict]:
    """The generated file's rows: its own, plus one per country no other file covers."""
    countries = reference_rows()
    by_name = iso3_by_name(countries)
    kept = read_rows(generated)
    others = [row for path in partner_files if path != generated for row in read_rows(path)]
    covered = {by_name.get(row["partner_name"].lower()) for row in kept + others
               if row["partner_type"] == "country"}  # fmt: skip
    taken = {row["partner_id"] for row in kept + others}
    rows = list(kept)
    for country in countries:
        if country["iso3"] in covered:
            continue
        name = short_name(country)
        partner_id = slug(name)
        if partner_id in taken:
            raise ValueError(f"{country['iso3']}: partner id {partner_id!r} is already taken")
        taken.add(partner_id)
        rows.append({"partner_id": partner_id, "partner_name": name, "partner_type": "country",
                     "document_id": DOCUMENT_ID})  # fmt: skip
    return rows


def write(raw_dir: Path | None = None) -> Path:
    folder = (raw_dir or load_settings().raw_dir) / PARTNERS_DIR
    generated = folder / GENERATED
    rows = generated_rows(sorted(folder.glob("*.csv")), generated)
    with generated.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({column: row.get(column) or "" for column in COLUMNS} for row in rows)
    return generated


if __name__ == "__main__":
    print(write())
