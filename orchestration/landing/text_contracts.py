"""The contracts of the text the linker reads: landed documents, and the other names (aliases)
of partners and threats. Part of the catalog in ``contracts.py``."""

from __future__ import annotations

from orchestration.landing.contract_schema import (
    GRADE_COLUMNS,
    NOTE,
    Column,
    Contract,
    identifier,
)
from orchestration.landing.vocabularies import (
    ALIAS_KINDS,
    ALIAS_TYPES,
    CONTENT_FORMATS,
    DOCUMENT_LANGUAGES,
    PUBLISHER_KINDS,
    VERIFICATION_STATUSES,
)

DOCUMENTS = Contract(
    system="documents",
    entity="documents",
    folder="documents",
    format="document",
    mode="increment",
    key=("document_id",),
    description="One record per landed document (press release, report): its front matter "
    "and its text, HTML reduced to its main text.",
    columns=(
        # a path under raw/documents/ by default: any characters, bounded in length
        Column("document_id", required=True, max_length=200),
        Column("publisher", required=True),
        Column("title", required=True),
        Column("url", "url"),
        Column("published_on", "date"),
        Column("language", values=DOCUMENT_LANGUAGES),
        *GRADE_COLUMNS,
        # as in source_documents, what the grading policy needs to check the grade; the
        # fetcher (documents/fetching/) sets them: who published it, and for a repost whose
        # document it carries
        Column("verification_status", values=VERIFICATION_STATUSES),
        Column("publisher_kind", values=PUBLISHER_KINDS),
        Column("original_publisher"),
        Column("original_url", "url"),
        Column("content_format", required=True, values=CONTENT_FORMATS),
        Column("text", required=True),
        NOTE,
    ),
)

ALIASES = Contract(
    system="curated",
    entity="aliases",
    format="csv",
    mode="snapshot",
    key=("kind", "target_id", "alias", "language"),
    description="Other names of partners and threats for linking documents: names in other "
    "languages, institutions standing for a country, demonyms, crime terms; places that "
    "must not be read as a partner.",
    columns=(
        Column("kind", required=True, values=ALIAS_KINDS),
        identifier("target_id", required=True),
        Column("alias", required=True),
        Column("language", required=True, values=(*DOCUMENT_LANGUAGES, "any")),
        Column("alias_type", required=True, values=ALIAS_TYPES),
        Column("veto_context"),
        NOTE,
    ),
)
