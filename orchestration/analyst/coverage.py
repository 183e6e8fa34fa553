"""How much the published warehouse covers, and how well it is sourced: what `coop status`
shows under the row counts.

- agreements with and without a signature date, per agreement type;
- facts per 4x4 grade: every fact (partner, membership, threat, agreement, event) counted under
  the grade of the document it cites, an inferred event under its own (lower) accuracy;
- documents per kind of publisher and per publisher, as the grading policy sorts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orchestration.analyst.querying import connect_published

AGREEMENT_DATES = """
    select
        agreement_type,
        count(*) filter (where signed_on is not null) as dated,
        count(*) filter (where signed_on is null) as undated
    from marts.fct_agreement
    group by agreement_type
    order by agreement_type
"""

# one row per fact with the document it cites; an event's own accuracy overrides its document's
FACTS_PER_GRADE = """
    with facts as (
        select document_key, cast(null as integer) as own_accuracy from marts.dim_partner
        union all
        select document_key, null from marts.fct_membership
        union all
        select document_key, null from marts.dim_threat
        union all
        select document_key, null from marts.fct_agreement
        union all
        select document_key, information_accuracy from marts.fct_event
    )
    select
        documents.source_reliability
            || cast(coalesce(facts.own_accuracy, documents.information_accuracy) as varchar)
            as grade,
        count(*) as facts
    from facts
    inner join marts.dim_source_document as documents
        on facts.document_key = documents.document_key
    group by grade
    order by grade
"""

DOCUMENTS_PER_PUBLISHER = """
    select
        coalesce(publisher_kind, 'not graded by kind') as publisher_kind,
        publisher,
        count(*) as documents
    from marts.dim_source_document
    group by all
    order by publisher_kind, documents desc, publisher
"""


@dataclass(frozen=True)
class Coverage:
    agreement_dates: list[tuple[str, int, int]]  # (agreement_type, dated, undated)
    facts_per_grade: list[tuple[str, int]]  # (grade such as "A1", facts)
    documents_per_publisher: list[tuple[str, str, int]]  # (publisher_kind, publisher, documents)

    @property
    def agreements_dated(self) -> int:
        return sum(dated for _type, dated, _undated in self.agreement_dates)

    @property
    def agreements_undated(self) -> int:
        return sum(undated for _type, _dated, undated in self.agreement_dates)


def coverage(path: Path) -> Coverage:
    """Read the coverage figures from the published warehouse at ``path`` (read-only)."""
    con = connect_published(path)
    try:
        return Coverage(
            agreement_dates=con.execute(AGREEMENT_DATES).fetchall(),
            facts_per_grade=con.execute(FACTS_PER_GRADE).fetchall(),
            documents_per_publisher=con.execute(DOCUMENTS_PER_PUBLISHER).fetchall(),
        )
    finally:
        con.close()


def coverage_tables(path: Path) -> list:
    """The coverage as rich tables, in the order `coop status` prints them."""
    from rich.table import Table

    found = coverage(path)
    dates = Table(
        "agreement type",
        "with signed_on",
        "without",
        title=f"agreements: {found.agreements_dated} with a signature date, "
        f"{found.agreements_undated} without",
    )
    for agreement_type, dated, undated in found.agreement_dates:
        dates.add_row(agreement_type, str(dated), str(undated))
    grades = Table("grade", "facts", title="facts per 4x4 grade of their source")
    for grade, facts in found.facts_per_grade:
        grades.add_row(grade, str(facts))
    publishers = Table("publisher kind", "publisher", "documents", title="documents per publisher")
    for kind, publisher, documents in found.documents_per_publisher:
        publishers.add_row(kind, publisher, str(documents))
    return [dates, grades, publishers]
