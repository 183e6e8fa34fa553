"""How much the published warehouse covers, and how well it is sourced: what `coop status`
shows under the row counts.

- agreements with and without a signature date, per agreement type;
- agreements per EU body that is party to them (Europol, Eurojust, the EU) and type: how many
  have a day-precise signing date, only a month or year, none, a dated entry into force, and
  how many rest on a copy or low-quality site alone;
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

# an agreement counts under each EU body among its parties (implementing agencies included)
AGREEMENTS_PER_BODY = """
    with bodies as (
        select distinct parties.agreement_key, partners.partner_name as body
        from marts.bridge_agreement_party as parties
        inner join marts.dim_partner as partners
            on parties.partner_key = partners.partner_key
        where partners.partner_type = 'eu_body'
    )
    select
        coalesce(bodies.body, 'no EU body') as body,
        agreements.agreement_type,
        count(*) as agreements,
        count(*) filter (
            where agreements.signed_on is not null and agreements.date_precision = 'day'
        ) as signed_day,
        count(*) filter (
            where agreements.signed_on is not null and agreements.date_precision <> 'day'
        ) as signed_month_or_year,
        count(*) filter (where agreements.signed_on is null) as unsigned_or_undated,
        count(*) filter (where agreements.in_force_on is not null) as in_force_dated,
        count(*) filter (
            where documents.publisher_kind in ('copy_site', 'low_quality_site')
        ) as copy_site_only
    from marts.fct_agreement as agreements
    inner join marts.dim_source_document as documents
        on agreements.document_key = documents.document_key
    left join bodies
        on agreements.agreement_key = bodies.agreement_key
    group by all
    order by body, agreements.agreement_type
"""

# one row per fact, as in FACTS_PER_GRADE, counted under the publisher of its document
DOCUMENTS_PER_PUBLISHER = """
    with facts as (
        select document_key from marts.dim_partner
        union all select document_key from marts.fct_membership
        union all select document_key from marts.dim_threat
        union all select document_key from marts.fct_agreement
        union all select document_key from marts.fct_event
    ),
    per_document as (
        select document_key, count(*) as facts from facts group by document_key
    )
    select
        coalesce(documents.publisher_kind, 'not graded by kind') as publisher_kind,
        documents.publisher,
        count(*) as documents,
        coalesce(sum(per_document.facts), 0) as facts
    from marts.dim_source_document as documents
    left join per_document
        on documents.document_key = per_document.document_key
    group by all
    order by publisher_kind, documents desc, documents.publisher
"""


@dataclass(frozen=True)
class Coverage:
    agreement_dates: list[tuple[str, int, int]]  # (agreement_type, dated, undated)
    facts_per_grade: list[tuple[str, int]]  # (grade such as "A1", facts)
    # (publisher_kind, publisher, documents, facts citing them)
    documents_per_publisher: list[tuple[str, str, int, int]]
    # (EU body, agreement_type, agreements, signed on a day, on a month or year only, without a
    # signing date, with a dated entry into force, resting on a copy site alone)
    agreements_per_body: list[tuple[str, str, int, int, int, int, int, int]]

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
            agreements_per_body=con.execute(AGREEMENTS_PER_BODY).fetchall(),
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
    bodies = Table(
        "EU body", "agreement type", "agreements", "signed: day", "month/year", "no date",
        "in force: dated", "copy site only",
        title="agreements per EU body and type: how exactly dated, how sourced",
    )  # fmt: skip
    for row in found.agreements_per_body:
        bodies.add_row(*(str(value) for value in row))
    publishers = Table(
        "publisher kind", "publisher", "documents", "facts",
        title="documents and facts per publisher",
    )  # fmt: skip
    for kind, publisher, documents, facts in found.documents_per_publisher:
        publishers.add_row(kind, publisher, str(documents), str(facts))
    return [dates, bodies, grades, publishers]
