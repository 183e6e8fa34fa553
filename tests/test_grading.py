"""Every curated source document is graded as raw/README.md's grading policy says, and the
rules catch the mistakes they exist for."""

from __future__ import annotations

import csv

import pytest

from orchestration.landing.contracts import PUBLISHER_KINDS
from orchestration.landing.grading import (
    OFFICIAL_PUBLISHERS,
    RELIABILITY_BY_KIND,
    document_problems,
    grading_problems,
    url_host,
)
from orchestration.settings import PROJECT_ROOT

DOCUMENTS = PROJECT_ROOT / "raw" / "curated" / "source_documents"
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


def test_every_curated_document_follows_the_grading_policy():
    docs = curated_documents()
    assert len(docs) > 100
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
