"""The partner and threat pages' sourced tables: each line's cells, then the link to its source
document, its 4x4 grade and handling code."""

from __future__ import annotations

import re
from dataclasses import dataclass

import markupsafe

from orchestration.publication.atlas import drawing
from orchestration.publication.atlas.drawing import Row, display

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class SourcedTable:
    """A partner or threat page's table: each line's cells, then its source link and grade."""

    columns: list[str]
    lines: list[tuple[list[str], str, str, str]]
    total: int


def sourced(rows: list[Row], columns: list[str]) -> SourcedTable:
    lines = [
        (
            values,  # codes as words, as in the charts' tables
            row["source_url"] or "",
            display(row["evaluation_code"]),
            display(row["handling_code"]),
        )
        for values, row in zip(drawing.cells(rows, columns), rows, strict=True)
    ]
    return SourcedTable(columns, lines, rows[0]["total"] if rows else 0)


def sourced_rows(table: SourcedTable) -> markupsafe.Markup:
    """A sourced table's <tr> lines, written in Python: at 10M events the partner pages hold
    two million lines, and a Jinja loop escaping cell by cell took most of the atlas's time.
    Each line's cells are escaped in one call (joined by a control character, which escaping
    leaves alone); ISO dates get the class that keeps them on one line."""
    out = []
    for values, url, grade, handling in table.lines:
        joined = "\x1f".join(values)
        if joined.count("\x1f") == len(values) - 1:
            cells = str(markupsafe.escape(joined)).split("\x1f")
        else:  # a value holding the separator itself
            cells = [str(markupsafe.escape(value)) for value in values]
        tds = "".join(
            f'<td class="date">{cell}</td>' if ISO_DATE.fullmatch(cell) else f"<td>{cell}</td>"
            for cell in cells
        )
        link = f'<a href="{markupsafe.escape(url)}">source</a>' if url else ""
        out.append(
            f'<tr>{tds}<td>{link}</td><td class="grade">{markupsafe.escape(grade)}</td>'
            f'<td class="grade">{markupsafe.escape(handling)}</td></tr>\n'
        )
    return markupsafe.Markup("".join(out))


PARTNER_TABLES = {
    "agreements": ["agreement_name", "agreement_type", "status", "party_role", "counterparts",
                   "signed_on", "in_force_on", "ended_on", "allows_personal_data"],
    "memberships": ["relation", "other_partner_name", "membership_role", "valid_from",
                    "valid_to"],
    "events": ["started_on", "event_name", "event_type", "participant_role", "location_name",
               "threats"],
    "documents": ["published_on", "title", "publisher"],
}  # fmt: skip
THREAT_EVENTS = ["started_on", "event_name", "event_type", "participants"]
