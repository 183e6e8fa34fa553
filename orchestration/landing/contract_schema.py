"""What a contract is made of: columns, rules over a record, child tables, the contract itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "date", "integer", "boolean", "url"]
DOCUMENT_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    required: bool = False
    values: tuple[str, ...] | None = None  # enumerated values, compared case-sensitively
    description: str = ""

    @property
    def duckdb_type(self) -> str:
        return {
            "text": "VARCHAR",
            "url": "VARCHAR",
            "date": "DATE",
            "integer": "INTEGER",
            "boolean": "BOOLEAN",
        }[self.type]


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
