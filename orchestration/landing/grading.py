"""The grading policy of raw/README.md ("Grading policy") as rules a machine can check.

Each source document is graded 4x4 (Europol's evaluation, Article 29 of Regulation 2016/794):
the source reliability (A, B, C, X) follows from the kind of its publisher, and the information
accuracy (1-4) from how directly the publisher knows what it states and whether another
document corroborates it. ``grading_problems`` lists every row that breaks a rule, so a test
holds the curated documents to the policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

# The source reliability each kind of publisher gets
RELIABILITY_BY_KIND = {
    "eu_institution": "A",
    "national_authority": "A",
    "international_organisation": "A",
    "programme_implementer": "B",
    "news_media": "B",
    "specialist_media": "B",
    "legal_database": "B",
    "copy_site": "C",
    "low_quality_site": "C",
    "background": "X",
}

# The only publishers graded A, with the web domains their documents must come from: an
# official text met elsewhere is a repost and is graded by whoever reposted it
OFFICIAL_PUBLISHERS = {
    "Europol": ("europol.europa.eu",),
    "Eurojust": ("eurojust.europa.eu",),
    "EEAS": ("eeas.europa.eu",),
    "EUR-Lex": ("eur-lex.europa.eu",),
    "European Parliament (OEIL)": ("oeil.europarl.europa.eu",),
    "European Commission (DG INTPA)": ("international-partnerships.ec.europa.eu",),
    "EMCDDA": ("emcdda.europa.eu",),
    "INTERPOL": ("interpol.int",),
    "Corte Constitucional de Colombia": ("corteconstitucional.gov.co",),
    "Government of Brazil (Secom)": ("gov.br",),
    "Government of Brazil (Ministry of Foreign Affairs)": ("gov.br",),
    "New Zealand Police": ("police.govt.nz",),
    "Parliament of Australia": ("aph.gov.au",),
    "UK Parliament": ("parliament.uk",),
    "Austrian Parliament": ("parlament.gv.at",),
    "Belgian Minister of Home Affairs": ("belgium.be",),
    "Royal Canadian Mounted Police": ("rcmp.ca",),
    "Swiss Federal Department of Foreign Affairs": ("eda.admin.ch",),
    "Permanent Mission of Russia to the EU": ("russiaeu.ru",),
    "Government of Moldova (legal database)": ("lex.justice.md",),
    # publishers of the fetcher's sources (orchestration/documents/fetching/sources.yaml)
    "Council of the EU": ("consilium.europa.eu",),
    "AMERIPOL": ("ameripol.org",),
    "Polícia Federal (Brazil)": ("gov.br",),
    "Policía Nacional de Colombia": ("policia.gov.co",),
    "Government of Liechtenstein (legal gazette)": ("gesetze.li",),
    "Government of Monaco": ("gouv.mc",),
    "Government of Montenegro": ("gov.me",),
    "Government of Chile (Ministry of Public Security)": ("minsegpublica.cl",),
    "Government of Iceland (Ministry of Justice)": ("government.is",),
    "Government of Norway": ("regjeringen.no",),
    "Government of Moldova (Ministry of Foreign Affairs)": ("mfa.gov.md",),
    "Luhansk Regional State Administration (Ukraine)": ("i-lug.gov.ua",),
    "United Nations Information Service Vienna": ("unvienna.org",),
    "World Customs Organization": ("wcoomd.org",),
    # publishers of the reference data's organisations and agencies
    "European Commission (DG HOME)": ("ec.europa.eu",),
    "EPPO": ("eppo.europa.eu",),
    "MAOC-N": ("maoc.eu",),
    "AIAMP": ("aiamp.info",),
    "CARICOM IMPACS": ("caricomimpacs.org",),
    "OAS": ("oas.org",),
    "U.S. Immigration and Customs Enforcement": ("ice.gov",),
    "EUDA": ("euda.europa.eu",),
    "Italian Ministry of the Interior (DCSA)": ("antidroga.interno.gov.it",),
    "Senafront (Panama)": ("senafront.gob.pa",),
}

# Words by which a title or note says the document reproduces another's text: it is then a
# repost, graded as one (never accuracy 1) and naming its original.
REPOST_MARKERS = ("repost", "reproduc", "republish", "copy of", "source:")

# Accuracy each verification status allows (single_source 2 only for a faithful repost)
ACCURACY_BY_STATUS = {
    "verified": {"1", "2"},
    "single_source": {"2", "3"},
    "conflicting": {"3", "4"},
    "unverified": {"4"},
}

ARCHIVE_HOST = "web.archive.org"


def url_host(url: str) -> str:
    """The host a document comes from; for a Wayback Machine snapshot, the archived page's."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == ARCHIVE_HOST:
        # /web/<timestamp>/<archived url>, the archived URL's scheme sometimes cut to "http:/"
        archived = parts.path.split("/", 3)[-1].replace(":/", "://", 1).replace(":///", "://")
        host = (urlsplit(archived).hostname or "").lower()
    return host.removeprefix("www.")


def is_official_url(publisher: str, url: str) -> bool:
    host = url_host(url)
    return any(
        host == domain or host.endswith("." + domain)
        for domain in OFFICIAL_PUBLISHERS.get(publisher, ())
    )


def document_problems(doc: Mapping[str, str | None]) -> list[str]:
    """What in one document's grading breaks the policy (empty when it holds)."""
    kind = doc.get("publisher_kind") or ""
    reliability = doc.get("source_reliability") or ""
    accuracy = str(doc.get("information_accuracy") or "")
    status = doc.get("verification_status") or ""
    original = doc.get("original_publisher") or ""
    problems = []
    if kind not in RELIABILITY_BY_KIND:
        return [f"publisher_kind {kind!r} is not a kind of the policy"]
    if reliability != RELIABILITY_BY_KIND[kind]:
        problems.append(f"a {kind} is graded {RELIABILITY_BY_KIND[kind]}, not {reliability}")
    if reliability == "A" and not is_official_url(doc.get("publisher") or "", doc["url"] or ""):
        problems.append("graded A but its publisher and address are not on the official list")
    if accuracy == "1" and (reliability != "A" or original):
        problems.append("accuracy 1 is for an official publisher's own text, not a repost")
    if accuracy not in ACCURACY_BY_STATUS.get(status, set()):
        problems.append(f"accuracy {accuracy} does not go with verification {status!r}")
    if status == "single_source" and accuracy == "2" and not original:
        problems.append("a single source is accuracy 2 only as a faithful repost of a first hand")
    if kind == "copy_site" and not original:
        problems.append("a repost records the publisher of its original")
    said = f"{doc.get('title') or ''} {doc.get('note') or ''}".lower()
    if any(marker in said for marker in REPOST_MARKERS) and not original:
        problems.append("its title or note calls it a repost but it names no original_publisher")
    if doc.get("original_url") and not original:
        problems.append("an original_url needs its original_publisher")
    if doc.get("original_url") and doc.get("original_url") == doc.get("url"):
        problems.append("original_url repeats url")
    if (kind == "background") != (status == "unverified"):
        problems.append("background knowledge, and only it, is unverified")
    if doc.get("handling_code") != "H0":
        problems.append("every public document is handled H0")
    return problems


def grading_problems(docs: Iterable[Mapping[str, str | None]]) -> list[str]:
    """Every policy breach of every document, as '<document_id>: <problem>'."""
    return [
        f"{doc.get('document_id')}: {problem}" for doc in docs for problem in document_problems(doc)
    ]


def fetched_grade(
    publisher: str, kind: str, url: str, original_accuracy: str | None
) -> dict[str, str]:
    """The grade of a fetched document under this policy: reliability by its publisher's kind
    (A only at an official publisher's own address, else the document is graded as from a
    site of unknown standing), accuracy 1 for an official publisher's own text, 2 for a
    repost of such a text (``original_accuracy`` "1"), 3 otherwise."""
    reliability = RELIABILITY_BY_KIND[kind]
    if reliability == "A" and not is_official_url(publisher, url):
        reliability = RELIABILITY_BY_KIND["low_quality_site"]
    if original_accuracy is None:
        accuracy, status = ("1", "verified") if reliability == "A" else ("3", "single_source")
    else:
        accuracy, status = ("2" if original_accuracy == "1" else "3"), "single_source"
    return {"source_reliability": reliability, "information_accuracy": accuracy,
            "verification_status": status, "handling_code": "H0"}  # fmt: skip
