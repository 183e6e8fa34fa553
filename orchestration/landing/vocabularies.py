"""The enumerated values of the extracts' contracts: grades, types, statuses and roles."""

from __future__ import annotations

SOURCE_RELIABILITY = ("A", "B", "C", "X")
INFORMATION_ACCURACY = ("1", "2", "3", "4")
HANDLING_CODES = ("H0", "H1", "H2", "H3")
VERIFICATION_STATUSES = ("verified", "single_source", "conflicting", "unverified")
PARTNER_TYPES = ("country", "international_organisation", "eu_body", "agency", "programme")
MEMBERSHIP_ROLES = (
    "founding_member",
    "member",
    "treaty_signatory",
    "beneficiary",
    "consortium_member",
    "observer",
)
VALID_FROM_PRECISIONS = ("exact", "on_or_before")
# "unknown": the source names the instrument or event but not the year (no date is stored)
DATE_PRECISIONS = ("day", "month", "year", "unknown")
# Why an agreement's entry into force is dated as it is. Real instruments can enter into force
# before a formal signing ceremony (provisional application, a date fixed in the approval):
# only these bases allow an in_force_on earlier than signed_on.
IN_FORCE_BASES = ("stated", "before_formal_signing", "provisional_application", "inferred")
IN_FORCE_EARLY_BASES = ("before_formal_signing", "provisional_application")
# The kinds of publisher of the grading policy (raw/README.md, "Grading policy")
PUBLISHER_KINDS = (
    "eu_institution",
    "national_authority",
    "international_organisation",
    "programme_implementer",
    "news_media",
    "specialist_media",
    "legal_database",
    "copy_site",
    "low_quality_site",
    "background",
)
AGREEMENT_TYPES = (
    "strategic_agreement",
    "operational_agreement",
    "working_arrangement",
    "eu_international_agreement",
    "liaison_officer_agreement",
    "memorandum_of_understanding",
    "other_instrument",
)
# In the order an agreement goes through them. An EU agreement (Art. 218 TFEU) is first
# recommended by the Commission, then the Council adopts a negotiating mandate; neither means
# that negotiations are under way, so each is a status of its own.
AGREEMENT_STATUSES = (
    "recommended",
    "mandate_adopted",
    "negotiating",
    "signed",
    "concluded",
    "in_force",
    "superseded",
)
# The dates an agreement's record can carry; date_precision says how exact they are
AGREEMENT_DATES = (
    "recommended_on",
    "mandate_adopted_on",
    "negotiations_opened_on",
    "signed_on",
    "concluded_on",
    "in_force_on",
    "ended_on",
)
PARTY_ROLES = ("party", "implementing_agency")
EVENT_TYPES = (
    "founding",
    "ministerial_meeting",
    "council_meeting",
    "delegation_visit",
    "signing",
    "summit",
    "approval",
    "programme_launch",
    "policy_decision",
    "operational_action",
    "inauguration",
    "announcement",
    "technical_meeting",
)
PARTICIPANT_ROLES = (
    "host",
    "visitor",
    "participant",
    "signatory",
    "organiser",
    "facilitator",
    "chair",
)

# documents and the names the linker reads
DOCUMENT_LANGUAGES = ("en", "es", "pt")
CONTENT_FORMATS = ("txt", "md", "html")
ALIAS_KINDS = ("partner", "threat")
ALIAS_TYPES = ("name", "acronym", "demonym", "institution", "term", "place")
