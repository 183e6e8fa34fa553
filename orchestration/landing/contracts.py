"""The contracts of the extracts that land under ``raw/<system>/<entity>/``.

One contract per extract: its format, whether each landing is a full snapshot or an increment,
its columns with types, required values and enumerations, its natural key, and the child tables
that nested JSON arrays unfold into. ``raw/README.md`` states the same contracts for people;
``tests/test_contracts.py`` keeps the two in step.
"""

from __future__ import annotations

import datetime as dt

from orchestration.landing.contract_schema import (
    DOCUMENT_ID,
    GRADE_COLUMNS,
    NOTE,
    ChildTable,
    Column,
    Contract,
    RowCheck,
    document_identifier,
    identifier,
)
from orchestration.landing.text_contracts import ALIASES, DOCUMENTS
from orchestration.landing.vocabularies import (
    AGREEMENT_DATES,
    AGREEMENT_STATUSES,
    AGREEMENT_TYPES,
    DATE_PRECISIONS,
    EVENT_TYPES,
    IN_FORCE_BASES,
    IN_FORCE_EARLY_BASES,
    INFORMATION_ACCURACY,
    MEMBERSHIP_ROLES,
    PARTICIPANT_ROLES,
    PARTNER_TYPES,
    PARTY_ROLES,
    PUBLISHER_KINDS,
    VALID_FROM_PRECISIONS,
    VERIFICATION_STATUSES,
)


def _ends_after_starts(start: str, end: str) -> RowCheck:
    return RowCheck(
        sql=f'"{end}" is null or "{start}" is null or "{end}" >= "{start}"',
        columns=(start, end),
        reason=f"{end} is before {start}",
    )


SOURCE_DOCUMENTS = Contract(
    system="curated",
    entity="source_documents",
    format="csv",
    mode="snapshot",
    expected_change=dt.timedelta(days=30),
    key=("document_id",),
    description="One row per cited public document, with its 4x4 grade and handling code.",
    columns=(
        document_identifier("document_id", required=True),
        Column("title", required=True),
        Column("publisher", required=True),
        Column("published_on", "date"),
        Column("url", "url", required=True),
        Column("language"),
        *GRADE_COLUMNS,
        Column("verification_status", required=True, values=VERIFICATION_STATUSES),
        Column("publisher_kind", values=PUBLISHER_KINDS),
        Column("original_publisher"),
        Column("original_url", "url"),
        NOTE,
    ),
)

PARTNERS = Contract(
    system="curated",
    entity="partners",
    format="csv",
    mode="snapshot",
    expected_change=dt.timedelta(days=180),
    key=("partner_id",),
    description="One row per partner: country, international organisation, EU body, agency, "
    "programme. Countries carry their English short name; ISO codes come from a package.",
    columns=(
        identifier("partner_id", required=True),
        Column("partner_name", required=True),
        Column("partner_type", required=True, values=PARTNER_TYPES),
        Column("acronym"),
        identifier("parent_partner_id"),
        Column("founded_on", "date"),
        Column("headquarters_city"),
        DOCUMENT_ID,
        NOTE,
    ),
)

MEMBERSHIPS = Contract(
    system="curated",
    entity="memberships",
    format="csv",
    mode="snapshot",
    expected_change=dt.timedelta(days=180),
    key=("organisation_partner_id", "member_partner_id", "valid_from"),
    description="One row per membership spell of a partner in an organisation or programme.",
    columns=(
        identifier("organisation_partner_id", required=True),
        identifier("member_partner_id", required=True),
        Column("membership_role", required=True, values=MEMBERSHIP_ROLES),
        Column("valid_from", "date", required=True),
        Column("valid_from_precision", required=True, values=VALID_FROM_PRECISIONS),
        Column("valid_to", "date"),
        DOCUMENT_ID,
        NOTE,
    ),
    row_checks=(_ends_after_starts("valid_from", "valid_to"),),
)

THREATS = Contract(
    system="curated",
    entity="threats",
    format="csv",
    mode="snapshot",
    expected_change=dt.timedelta(days=365),
    key=("threat_id",),
    description="One row per crime area, with the EU's EMPACT priority flags per cycle.",
    columns=(
        identifier("threat_id", required=True),
        Column("threat_name", required=True),
        identifier("parent_threat_id"),
        Column("is_europol_crime_area", "boolean", required=True),
        Column("is_empact_2018_2021", "boolean", required=True),
        Column("is_empact_2022_2025", "boolean", required=True),
        Column("is_empact_2026_2029", "boolean", required=True),
        Column("empact_2022_2025_priority"),
        Column("empact_2026_2029_priority"),
        DOCUMENT_ID,
        document_identifier("empact_2022_2025_document_id"),
        document_identifier("empact_2026_2029_document_id"),
        NOTE,
    ),
)

AGREEMENTS = Contract(
    system="curated",
    entity="agreements",
    format="ndjson",
    mode="snapshot",
    expected_change=dt.timedelta(days=90),
    key=("agreement_id",),
    description="One record per agreement or arrangement in its current state, with its parties.",
    columns=(
        identifier("agreement_id", required=True),
        Column("agreement_name", required=True),
        Column("agreement_type", required=True, values=AGREEMENT_TYPES),
        Column("status", required=True, values=AGREEMENT_STATUSES),
        *(Column(name, "date") for name in AGREEMENT_DATES),
        Column("date_precision", required=True, values=DATE_PRECISIONS),
        Column("in_force_precision", values=DATE_PRECISIONS[:3]),
        Column("in_force_basis", values=IN_FORCE_BASES),
        Column("allows_personal_data", "boolean", required=True),
        identifier("superseded_by_agreement_id"),
        DOCUMENT_ID,
        NOTE,
    ),
    row_checks=(
        RowCheck(
            sql='"in_force_on" is null or "signed_on" is null or "in_force_on" >= "signed_on" '
            "or coalesce(\"in_force_basis\", '') in ("
            + ", ".join(f"'{basis}'" for basis in IN_FORCE_EARLY_BASES)
            + ")",
            columns=("signed_on", "in_force_on", "in_force_basis"),
            reason="in_force_on is before signed_on without an in_force_basis that allows it",
        ),
        _ends_after_starts("signed_on", "ended_on"),
        _ends_after_starts("in_force_on", "ended_on"),
        # a precision is the precision of a date: without one it claims what no source gave
        RowCheck(  # the last column is the one reported
            sql=f"date_precision = 'unknown' or coalesce({', '.join(AGREEMENT_DATES)}) is not null",
            columns=(*AGREEMENT_DATES, "date_precision"),
            reason="date_precision is not unknown but the record has no date",
        ),
        RowCheck(
            '"in_force_precision" is null or "in_force_on" is not null',
            ("in_force_on", "in_force_precision"),
            "in_force_precision without an in_force_on",
        ),
    ),
    children=(
        ChildTable(
            entity="agreement_parties",
            field="parties",
            columns=(
                identifier("partner_id", required=True),
                Column("party_role", required=True, values=PARTY_ROLES),
            ),
            description="One row per agreement and party, unfolded from `parties`.",
        ),
    ),
)

EVENTS = Contract(
    system="curated",
    entity="events",
    format="ndjson",
    mode="increment",
    expected_change=dt.timedelta(days=30),
    key=("event_id",),
    description="One record per dated event, with participants and the threats it concerned.",
    columns=(
        identifier("event_id", required=True),
        Column("event_name", required=True),
        Column("event_type", required=True, values=EVENT_TYPES),
        Column("started_on", "date", required=True),
        Column("ended_on", "date"),
        Column("date_precision", required=True, values=DATE_PRECISIONS),
        Column("location_name"),
        identifier("location_partner_id"),
        identifier("agreement_id"),
        Column("is_inferred", "boolean"),
        Column("information_accuracy", "integer", values=INFORMATION_ACCURACY),
        DOCUMENT_ID,
        NOTE,
    ),
    row_checks=(
        _ends_after_starts("started_on", "ended_on"),
        RowCheck(
            sql='"is_inferred" is not true or coalesce("information_accuracy", 0) in (3, 4)',
            columns=("is_inferred", "information_accuracy"),
            reason="an inferred event needs its own information_accuracy of 3 or 4",
        ),
    ),
    children=(
        ChildTable(
            entity="event_participants",
            field="participants",
            columns=(
                identifier("partner_id", required=True),
                Column("participant_role", required=True, values=PARTICIPANT_ROLES),
            ),
            description="One row per event and participant, unfolded from `participants`.",
        ),
        ChildTable(
            entity="event_threats",
            field="threat_ids",
            value_column=identifier("threat_id", required=True),
            description="One row per event and threat, unfolded from `threat_ids`.",
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (
    SOURCE_DOCUMENTS,
    PARTNERS,
    MEMBERSHIPS,
    THREATS,
    AGREEMENTS,
    EVENTS,
    ALIASES,
    DOCUMENTS,
)


def contract_for(system: str, entity: str) -> Contract:
    for contract in CONTRACTS:
        if (contract.system, contract.entity) == (system, entity):
            return contract
    raise KeyError(f"no contract for raw/{system}/{entity}")
