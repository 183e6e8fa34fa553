"""Every curated source document and every landed document is graded as raw/README.md's
grading policy says, and the rules catch the mistakes they exist for (among them each one a
source check found in the data)."""

from __future__ import annotations

import csv

import pytest

from orchestration.documents.reading import read_document
from orchestration.landing.grading import (
    OFFICIAL_PUBLISHERS,
    RELIABILITY_BY_KIND,
    document_problems,
    grading_problems,
    url_host,
)
from orchestration.landing.vocabularies import PUBLISHER_KINDS
from orchestration.settings import PROJECT_ROOT

DOCUMENTS = PROJECT_ROOT / "raw" / "curated" / "source_documents"
LANDED = PROJECT_ROOT / "raw" / "documents"
README = PROJECT_ROOT / "raw" / "README.md"

GOOD = {
    "document_id": "doc-x",
    "publisher": "Europol",
    "url": "https://www.europol.europa.eu/newsroom/news/x",
    "source_reliability": "A",
    "information_accuracy": "1",
    "handling_code": "H0",
    "verification_status": "verified",
    "publisher_kind": "eu_institution",
    "original_publisher": "",
    "original_url": "",
}


def curated_documents() -> list[dict[str, str]]:
    rows = []
    for path in sorted(DOCUMENTS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def landed_documents() -> list[dict[str, str | None]]:
    """The landed documents as the loader reads them: front matter, defaults and all."""
    raw = LANDED.parent
    return [
        read_document(path, path.relative_to(raw).as_posix()).values
        for path in sorted(LANDED.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    ]


def test_every_curated_document_follows_the_grading_policy():
    docs = curated_documents()
    assert len(docs) > 100
    assert grading_problems(docs) == []


def test_every_landed_document_follows_the_grading_policy():
    docs = landed_documents()
    assert len(docs) >= 9
    assert grading_problems(docs) == []


def test_the_policy_covers_every_publisher_kind_of_the_contract_and_the_readme_states_it():
    assert set(RELIABILITY_BY_KIND) == set(PUBLISHER_KINDS)
    policy = " ".join(README.read_text().split("## Grading policy")[1].split())
    for kind, grade in RELIABILITY_BY_KIND.items():
        assert f"`{kind}`" in policy and f"| {grade} |" in policy, kind
    for publisher in OFFICIAL_PUBLISHERS:
        assert publisher in policy, publisher


def test_a_well_graded_official_document_passes():
    assert document_problems(GOOD) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"publisher_kind": "news_media"}, "a news_media is graded B, not A"),
        ({"publisher_kind": None}, "publisher_kind '' is not a kind of the policy"),
        (  # an official text met on another site is a repost, not an A document
            {"url": "https://border-security-report.com/x"},
            "graded A but its publisher and address are not on the official list",
        ),
        (
            {"publisher": "Europol (republished by X)"},
            "graded A but its publisher and address are not on the official list",
        ),
        (
            {"publisher": "X", "publisher_kind": "copy_site", "source_reliability": "C"},
            "a repost records the publisher of its original",
        ),
        (
            {"original_publisher": "Europol", "original_url": "https://www.europol.europa.eu/x"},
            "accuracy 1 is for an official publisher's own text, not a repost",
        ),
        ({"information_accuracy": "3"}, "accuracy 3 does not go with verification 'verified'"),
        ({"verification_status": "unverified", "information_accuracy": "4"},
         "background knowledge, and only it, is unverified"),
        ({"handling_code": "H2"}, "every public document is handled H0"),
        ({"original_url": "https://www.europol.europa.eu/x"},
         "an original_url needs its original_publisher"),
    ],
)  # fmt: skip
def test_each_rule_names_the_breach(change, problem):
    assert problem in document_problems({**GOOD, **change})


def test_a_single_source_is_accuracy_2_only_as_a_faithful_repost():
    news = {**GOOD, "publisher": "Semana", "url": "https://www.semana.com/x",
            "publisher_kind": "news_media", "source_reliability": "B",
            "information_accuracy": "2", "verification_status": "single_source"}  # fmt: skip
    assert document_problems(news) == [
        "a single source is accuracy 2 only as a faithful repost of a first hand"
    ]
    assert document_problems({**news, "original_publisher": "Europol"}) == []


def test_an_archived_official_page_counts_as_its_publisher_s():
    url = "https://web.archive.org/web/20091015085148/http:/www.europol.europa.eu/index.asp"
    assert url_host(url) == "europol.europa.eu"
    assert document_problems({**GOOD, "url": url}) == []


# The cases a source check of December 2026 found, each as it was recorded then
LANDED_AS_FOUND = {
    "border-security-report.com graded A1 as Europol's": {
        "publisher": "europol", "publisher_kind": "eu_institution",
        "url": "https://border-security-report.com/strategic-partnerships-europol-boosts-"
               "cooperation-with-latin-america",
    },
    "FIIAPP, a programme implementer, graded A2": {
        "publisher": "FIIAPP", "publisher_kind": "programme_implementer",
        "url": "https://fiap.gob.es/en/noticias/clasi-eu-2025", "information_accuracy": "2",
    },
    "an EL PAcCTO document on instituto-camoes.pt graded A2": {
        "publisher": "el-paccto", "publisher_kind": "programme_implementer",
        "url": "https://instituto-camoes.pt/sobre/comunicacao/noticias/el-paccto-2-0",
        "information_accuracy": "2",
    },
    "a Commission document on an EEAS address graded A1": {
        "publisher": "European Commission",
        "url": "https://eeas.europa.eu/delegations/brazil/eu-and-brazil-signed-0_en",
    },
    "the Ecuadorian foreign ministry's document at a news site's address": {
        "publisher": "ecuador-cancilleria", "publisher_kind": "national_authority",
        "source_reliability": "B", "information_accuracy": "2",
        "url": "https://www.notiecuador.com.ec/ecuador/noticia-ue-ecuador",
    },
    "an EEAS page reproducing Eurojust's release graded A1": {
        "publisher": "EEAS", "url": "https://eeas.europa.eu/delegations/panama/eurojust-five_en",
        "note": "EEAS delegation page reproducing Eurojust's release",
    },
    "a repost crediting 'Source: EC Press' that names no original": {
        "publisher": "EU Portal", "publisher_kind": "specialist_media", "source_reliability": "B",
        "information_accuracy": "3", "verification_status": "single_source",
        "url": "http://www.euportal.si/en/politics/x",
        "note": "The page credits 'Source: EC Press'",
    },
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(LANDED_AS_FOUND))
def test_each_grading_mistake_found_by_the_source_check_is_refused(case):
    assert document_problems({**GOOD, **LANDED_AS_FOUND[case]}), case


def test_a_repost_is_never_accuracy_1_and_names_its_original():
    repost = {**GOOD, "publisher": "EEAS", "url": "https://eeas.europa.eu/delegations/x_en",
              "note": "EEAS delegation page reproducing the Commission's release"}  # fmt: skip
    assert document_problems(repost) == [
        "its title or note calls it a repost but it names no original_publisher"
    ]
    named = {**repost, "original_publisher": "European Commission"}
    assert document_problems(named) == [
        "accuracy 1 is for an official publisher's own text, not a repost"
    ]
    assert document_problems({**named, "information_accuracy": "2"}) == []
    # a country's name is no repost marker
    assert document_problems({**GOOD, "note": "Signed with the Dominican Republic"}) == []


def test_a_landed_document_without_a_kind_or_status_is_not_graded_by_the_policy(tmp_path):
    path = tmp_path / "documents" / "pub" / "release.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\nurl: https://www.europol.europa.eu/x\npublisher: Europol\n"
                    "source_reliability: A\ninformation_accuracy: 1\nhandling_code: H0\n---\n"
                    "Text.\n", encoding="utf-8")  # fmt: skip
    values = read_document(path, "documents/pub/release.md").values
    assert "publisher_kind '' is not a kind of the policy" in document_problems(values)
    path.write_text(path.read_text().replace("---\nText", "publisher_kind: eu_institution\n"
                    "verification_status: verified\n---\nText"), encoding="utf-8")  # fmt: skip
    assert document_problems(read_document(path, "documents/pub/release.md").values) == []
