"""The whole world as reference data: every ISO 3166-1 country once, agencies tied to their
state, names and demonyms that reach the linker, aliases that name one partner each."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict

import pycountry
import pytest

from orchestration.documents.linking.folding import fold
from orchestration.documents.linking.gazetteer import country_names, gazetteer_from_files
from orchestration.documents.linking.linker import Linker
from orchestration.landing.country_partners import (
    GENERATED,
    PARTNERS_DIR,
    generated_rows,
    iso3_by_name,
    reference_rows,
    slug,
)
from orchestration.settings import PROJECT_ROOT

RAW = PROJECT_ROOT / "raw"
PARTNERS = RAW / PARTNERS_DIR


def rows(folder: str) -> list[dict]:
    return [row for path in sorted((RAW / "curated" / folder).glob("*.csv"))
            for row in csv.DictReader(path.open(encoding="utf-8"))]  # fmt: skip


@pytest.fixture(scope="module")
def partners() -> dict[str, dict]:
    return {row["partner_id"]: row for row in rows("partners")}


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(gazetteer_from_files(RAW))


def partner_ids(linker: Linker, text: str, language: str) -> set[str]:
    return {m.id for m in linker.link(text, language) if m.kind == "partner"}


def test_every_iso_country_is_exactly_one_country_partner(partners):
    by_name = iso3_by_name(reference_rows())
    countries = defaultdict(list)
    for row in partners.values():
        if row["partner_type"] == "country":
            countries[by_name.get(row["partner_name"].lower())].append(row["partner_id"])
    assert None not in countries, countries.get(None)  # every country partner is an ISO country
    assert {iso3 for iso3 in countries} == {c.alpha_3 for c in pycountry.countries}
    assert {iso3: ids for iso3, ids in countries.items() if len(ids) > 1} == {}


def test_the_generated_countries_are_up_to_date_and_keep_their_ids():
    committed = list(csv.DictReader((PARTNERS / GENERATED).open(encoding="utf-8")))
    again = generated_rows(sorted(PARTNERS.glob("*.csv")), PARTNERS / GENERATED)
    assert [(r["partner_id"], r["partner_name"]) for r in again] == [
        (r["partner_id"], r["partner_name"]) for r in committed
    ]
    assert all(slug(r["partner_name"]) == r["partner_id"] for r in committed)


def test_a_country_recorded_by_hand_is_not_generated_again(tmp_path):
    folder = tmp_path / PARTNERS_DIR
    folder.mkdir(parents=True)
    for path in PARTNERS.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    generated = folder / GENERATED
    kept = [r for r in csv.DictReader(generated.open(encoding="utf-8"))
            if r["partner_id"] != "germany"]  # fmt: skip
    with generated.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(kept[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    files = sorted(folder.glob("*.csv"))
    assert [r["partner_id"] for r in generated_rows(files, generated)][len(kept) :] == ["germany"]
    by_hand = folder / "more.csv"
    by_hand.write_text(
        "partner_id,partner_name,partner_type,document_id\n"
        "federal-republic-of-germany,Federal Republic of Germany,country,doc-x\n"
    )
    again = generated_rows([*files, by_hand], generated)
    assert "germany" not in {r["partner_id"] for r in again}
    assert len(again) == len(kept)


def test_every_agency_rolls_up_to_its_country(partners):
    agencies = [row for row in partners.values() if row["partner_type"] == "agency"]
    assert len(agencies) > 20
    rolled_up = {row["partner_id"]: partners.get(row["parent_partner_id"] or "")
                 for row in agencies}  # fmt: skip
    assert {pid for pid, state in rolled_up.items()
            if state is None or state["partner_type"] != "country"} == set()  # fmt: skip
    assert rolled_up["guardia-civil"]["partner_id"] == "spain"
    assert rolled_up["policia-federal-brazil"]["partner_id"] == "brazil"


def test_every_parent_and_document_exists(partners):
    documents = {row["document_id"] for row in rows("source_documents")}
    assert {p for p in partners.values() if p["parent_partner_id"]
            and p["parent_partner_id"] not in partners} == set()  # fmt: skip
    assert {pid for pid, p in partners.items() if p["document_id"] not in documents} == set()


def test_every_alias_names_an_existing_partner_and_one_partner_per_language(partners):
    aliases = [row for row in rows("aliases") if row["kind"] == "partner"]
    assert {row["target_id"] for row in aliases} - set(partners) == set()
    named = defaultdict(set)
    for row in aliases:
        if row["alias_type"] != "place":  # a place blocks a name, it names nobody
            named[(fold(row["alias"]).strip(), row["language"])].add(row["target_id"])
    assert {key: ids for key, ids in named.items() if len(ids) > 1} == {}


def test_demonyms_name_countries(partners):
    demonyms = [row for row in rows("aliases") if row["alias_type"] == "demonym"]
    assert len({row["target_id"] for row in demonyms}) > 100
    assert {row["target_id"] for row in demonyms
            if partners[row["target_id"]]["partner_type"] != "country"} == set()  # fmt: skip


def test_every_country_partner_has_names_in_three_languages(partners):
    for row in partners.values():
        if row["partner_type"] == "country":
            languages = {language for _, language in country_names(row["partner_name"])}
            assert languages == {"en", "es", "pt"}, row["partner_id"]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Las autoridades belgas detuvieron a dos personas.", "es", {"belgium"}),
        ("A polícia romena colaborou na operação.", "pt", {"romania"}),
        ("The Belgian authorities arrested two suspects.", "en", {"belgium"}),
        ("Las autoridades francesas y alemanas participaron.", "es", {"france", "germany"}),
        ("As autoridades alemãs e espanholas participaram.", "pt", {"germany", "spain"}),
        ("Agentes de la Guardia Civil y de la DEA.", "es", {"guardia-civil", "dea"}),
        ("La Policía Nacional detuvo a 12 personas en Málaga.", "es", {"policia-nacional-spain"}),
        (
            "La Policía Nacional de Colombia capturó a dos personas.",
            "es",
            {"policia-nacional-colombia"},
        ),
        ("La Policía Nacional colombiana capturó a dos personas.", "es", {"colombia"}),
        (
            "A Polícia Federal e a Receita Federal apreenderam cocaína.",
            "pt",
            {"policia-federal-brazil", "receita-federal"},
        ),
        ("Frontex and Eurojust met MAOC-N in Lisbon.", "en", {"frontex", "eurojust", "maoc-n"}),
        ("Ameripol e Interpol firmaron un acuerdo.", "es", {"ameripol", "interpol"}),
        ("Eu acredito na Europol.", "pt", {"europol"}),
        (
            "Los EE.UU. y el Reino Unido firmaron con Holanda.",
            "es",
            {"united-states", "united-kingdom", "netherlands"},
        ),
        (
            "The U.S. and the UK signed with Germany.",
            "en",
            {"united-states", "united-kingdom", "germany"},
        ),
        (
            "Trinidad and Tobago, Jamaica and Venezuela joined.",
            "en",
            {"trinidad-and-tobago", "jamaica", "venezuela"},
        ),
        ("Reunión de ministros en Granada con Mauricio Macri.", "es", set()),
        ("El gobierno de Granada firmó el acuerdo.", "es", {"grenada"}),
        ("Police in New Jersey arrested him.", "en", set()),
        ("A Agência da União Europeia para a Cooperação Policial apoiou.", "pt", {"europol"}),
        ("CARICOM IMPACS met in Port of Spain and New Mexico.", "en", {"caricom-impacs"}),
        ("Las autoridades holandesas y norteamericanas.", "es", {"netherlands", "united-states"}),
    ],
)
def test_the_world_reaches_the_linker(linker, text, language, expected):
    assert partner_ids(linker, text, language) == expected


def test_a_meeting_is_not_reunion_unless_a_state_is_meant(linker):
    assert partner_ids(linker, "Reunião de ministros em Lisboa.", "pt") == set()
    states = partner_ids(linker, "O governo da Reunião e de Portugal.", "pt")
    assert states == {"reunion", "portugal"}
