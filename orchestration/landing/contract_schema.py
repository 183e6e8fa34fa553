"""What a contract is made of: columns, rules over a record, child tables, the contract itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from orchestration.landing import vocabularies

ColumnType = Literal["text", "date", "integer", "boolean", "url"]
DOCUMENT_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    required: bool = False
    values: tuple[str, ...] | None = None  # enumerated values, compared case-sensitively
    description: str = ""
    # an identifier's bounds: ids become keys, URLs and file names downstream (the atlas
    # writes a page per partner), so a value past them is rejected at load, with its row
    max_length: int | None = None
    pattern: str | None = None  # a regular expression the whole value must match
    pattern_text: str = ""  # the pattern in words, for the reason

    @property
    def duckdb_type(self) -> str:
        return {
            "text": "VARCHAR",
            "url": "VARCHAR",
            "date": "DATE",
            "integer": "INTEGER",
            "boolean": "BOOLEAN",
        }[self.type]


IDENTIFIER_MAX_LENGTH = 100
IDENTIFIER_PATTERN = r"[a-z0-9][a-z0-9._-]*"
IDENTIFIER_TEXT = (
    "lower-case letters a-z, digits, '.', '_' and '-', starting with a letter or digit"
)


# a document id may also be a landed document's path under raw/documents/ (the review queue's
# accepted events cite such ids): '/' allowed, and the documents contract's length
DOCUMENT_ID_MAX_LENGTH = 200
DOCUMENT_ID_PATTERN = r"[a-z0-9][a-z0-9._/-]*"
DOCUMENT_ID_TEXT = f"{IDENTIFIER_TEXT}, or '/' between a publisher and a file name"


def identifier(name: str, required: bool = False, description: str = "") -> Column:
    """A column holding an id (a key, or a reference to one): bounded in length and characters."""
    return Column(
        name, required=required, description=description, max_length=IDENTIFIER_MAX_LENGTH,
        pattern=IDENTIFIER_PATTERN, pattern_text=IDENTIFIER_TEXT,
    )  # fmt: skip


def document_identifier(name: str, required: bool = False, description: str = "") -> Column:
    """A column holding a document's id: a curated one, or a landed document's path."""
    return Column(
        name, required=required, description=description, max_length=DOCUMENT_ID_MAX_LENGTH,
        pattern=DOCUMENT_ID_PATTERN, pattern_text=DOCUMENT_ID_TEXT,
    )  # fmt: skip


@dataclass(frozen=True)
class RowCheck:
    """A rule over several columns of one record; ``sql`` is true for a good record."""

    sql: str
    columns: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ChildTable:
    """A JSON array field unfolded into its own raw table, one row per element."""

    entity: str
    field: str  # the parent's JSON field holding the array
    columns: tuple[Column, ...] = ()  # element fields; empty means an array of strings
    value_column: Column | None = None  # for arrays of strings: the column each element fills
    description: str = ""

    @property
    def element_columns(self) -> tuple[Column, ...]:
        return self.columns if self.columns else (self.value_column,)  # type: ignore[return-value]


@dataclass(frozen=True)
class Contract:
    system: str
    entity: str
    format: Literal["csv", "ndjson", "document"]
    mode: Literal["snapshot", "increment"]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str
    row_checks: tuple[RowCheck, ...] = ()
    children: tuple[ChildTable, ...] = field(default_factory=tuple)
    # "required" for files a system exports: each must come with <file>.manifest.json (rows,
    # bytes, SHA-256), or it is refused; see orchestration/landing/loading/manifests.py
    manifest: Literal["optional", "required"] = "optional"
    # how often a new or changed file is expected: older than this, the extract is stale (a
    # warning in the UI's freshness check and in `coop status`, never a failed build)
    expected_change: dt.timedelta = dt.timedelta(days=30)
    folder: str | None = None  # landing folder under raw/ when not <system>/<entity>
    # the largest fall in rows, as a fraction of the published rows, that publishes without a
    # person's yes (`coop build --accept-drop`); see orchestration/operations/volume.py
    max_drop: float = 0.25

    @property
    def schema(self) -> str:
        return f"raw_{self.system}"

    @property
    def landing_folder(self) -> str:
        return self.folder or f"{self.system}/{self.entity}"

    @property
    def extensions(self) -> tuple[str, ...]:
        if self.format == "document":
            return DOCUMENT_EXTENSIONS
        return (".csv",) if self.format == "csv" else (".ndjson", ".jsonl")

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.entity, *(child.entity for child in self.children))

    @property
    def record_fields(self) -> tuple[str, ...]:
        """The top-level fields of an NDJSON record: the columns, then the child arrays."""
        return (*(c.name for c in self.columns), *(child.field for child in self.children))

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# Columns many contracts share
DOCUMENT_ID = document_identifier(
    "document_id", required=True, description="the source document stating it"
)
NOTE = Column("note", description="free-text caveats: conflicts, precision, inferences")
GRADE_COLUMNS = (  # the 4x4 evaluation and handling code of a document
    Column("source_reliability", required=True, values=vocabularies.SOURCE_RELIABILITY),
    Column(
        "information_accuracy", "integer", required=True, values=vocabularies.INFORMATION_ACCURACY
    ),
    Column("handling_code", required=True, values=vocabularies.HANDLING_CODES),
)
