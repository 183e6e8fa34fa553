"""The partner and threat pages' sourced tables: each line's cells, then the link to its source
document, its 4x4 grade and handling code.

The database writes the lines. At 10M events the partner pages hold two million of them, and
formatting and escaping them cell by cell in Python took most of the atlas's time; one
aggregate per table writes every page's lines (on every core), and Python only places them.
The cells read as the charts' tables do (`drawing.display`, codes as words by
`drawing.human`), escaped as Jinja's autoescape does (`markupsafe.escape`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import duckdb
import markupsafe

from orchestration.publication.atlas.drawing import ACRONYMS, CODE_COLUMNS
from orchestration.publication.atlas.reading import FIGURES, AtlasError

# Partners whose lines are written at a time: each brings its pages' lines (up to ~100 kB), and
# every partner at once would not fit under the pipeline's memory cap at 10M events.
BATCH = 500

# Each page's tables: the atlas table and the columns shown, before the source columns.
PARTNER_TABLES = {
    "agreements": ("partner_agreements", [
        "agreement_name", "agreement_type", "status", "party_role", "counterparts", "signed_on",
        "in_force_on", "ended_on", "allows_personal_data"]),
    "memberships": ("partner_memberships", [
        "relation", "other_partner_name", "membership_role", "valid_from", "valid_to"]),
    "events": ("partner_events", [
        "started_on", "event_name", "event_type", "participant_role", "location_name",
        "threats"]),
    "documents": ("partner_documents", ["published_on", "title", "publisher"]),
}  # fmt: skip
THREAT_EVENTS = ("threat_events", ["started_on", "event_name", "event_type", "participants"])
# the atlas tables whose lines the database writes: never read whole into Python
SOURCED_FIGURES = {table for table, _ in [*PARTNER_TABLES.values(), THREAT_EVENTS]}
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"  # such a cell is kept on one line (class "date")


@dataclass(frozen=True)
class SourcedTable:
    """A page's table: its columns, its <tr> lines, how many it shows of how many in all."""

    columns: list[str]
    html: markupsafe.Markup = markupsafe.Markup()
    shown: int = 0
    total: int = 0


@dataclass(frozen=True)
class Sourced:
    """The pages' sourced tables: each partner's rows' digest; the tables of the partners
    asked for, streamed in partner id order; the threats'."""

    digests: dict[str, str]
    partners: Callable[[list[str]], Iterable[tuple[str, dict[str, SourcedTable]]]]
    threats: dict[str, SourcedTable]


def read_sourced(con: duckdb.DuckDBPyConnection, where: str = "") -> Sourced:
    return Sourced(
        partner_digests(con, where), partial(partner_tables, con, where), threat_tables(con, where)
    )


def _escaped(text: str) -> str:
    """SQL escaping a text expression as `markupsafe.escape` does."""
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"),
                              ('"', "&#34;"), ("'", "&#39;")):  # fmt: skip
        text = f"replace({text}, '{character.replace(chr(39), chr(39) * 2)}', '{entity}')"
    return text


def _shown(column: str, column_type: str) -> str:
    """SQL for a cell as `drawing.display` shows it ('' for no value), codes as words."""
    quoted = duckdb.ColumnExpression(column)
    if column_type == "BOOLEAN":
        text = f"case when {quoted} then 'yes' else 'no' end"
    elif column_type == "VARCHAR" and column in CODE_COLUMNS:
        words = " ".join(f"when '{word}' then '{upper}'" for word, upper in ACRONYMS.items())
        text = (f"array_to_string(list_transform(string_split({quoted}, '_'), "
                f"lambda word: case word {words} else word end), ' ')")  # fmt: skip
    elif column_type in {"VARCHAR", "DATE", "BIGINT", "INTEGER", "HUGEINT"}:
        text = f"cast({quoted} as varchar)"  # dates as ISO, as `date.isoformat`
    else:
        raise AtlasError(f"the sourced column {column} has a type the pages do not show: "
                         f"{column_type}")  # fmt: skip
    return f"coalesce({_escaped(text)}, '')"


def _line(columns: list[str], types: dict[str, str]) -> str:
    """SQL for one <tr> line of a sourced table."""
    cells = []
    for column in columns:
        cell = _shown(column, types[column])
        opening = (f"case when regexp_full_match({cell}, '{ISO_DATE}') "
                   f"then '<td class=\"date\">' else '<td>' end")  # fmt: skip
        cells.append(f"{opening} || {cell} || '</td>'")
    url = _escaped("source_url")
    link = f"case when coalesce(source_url, '') <> '' then '<a href=\"' || {url} || '\">source</a>' else '' end"  # noqa: E501
    grades = " || ".join(
        f"'<td class=\"grade\">' || {_shown(code, 'VARCHAR')} || '</td>'"
        for code in ("evaluation_code", "handling_code")
    )
    return f"'<tr>' || {' || '.join(cells)} || '<td>' || {link} || '</td>' || {grades} || '</tr>\n'"


def lines_by(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], group: str, where: str = ""
) -> str:
    """SQL: per `group` value of atlas.<table> (its rows filtered by `where`), its lines in the
    order FIGURES draws them (every column following as a tie-break), how many, the total."""
    described = con.execute(f"describe atlas.{table}").fetchall()
    types = {row[0]: row[1] for row in described}
    order = [part for part in FIGURES[table].split(", ") if part != group]
    order += [str(duckdb.ColumnExpression(row[0])) for row in described]
    return (
        f"select {group}, string_agg({_line(columns, types)}, '' order by {', '.join(order)}) "
        f"as html, count(*) as shown, max(total) as total from atlas.{table} {where} "
        f"group by {group}"
    )


def _pageless(con: duckdb.DuckDBPyConnection, where: str) -> None:
    """The relationships tests forbid it: rows of a partner that has no page."""
    left = {}
    for table, _ in PARTNER_TABLES.values():
        orphan = con.execute(
            f"select min(partner_id) from atlas.{table} "
            "where partner_id not in (select partner_id from atlas.partners)"
        ).fetchone()[0]
        if orphan is not None:
            left[table] = orphan
    if left:
        raise AtlasError(f"rows for partners without a page{where}: {left}")


def partner_digests(con: duckdb.DuckDBPyConnection, where: str = "") -> dict[str, str]:
    """Per partner, what its page's sourced tables hold: for each table, the sums of its rows'
    64-bit hashes (its columns in order, then in reverse order) and their count. The database
    computes them in a fraction of the time it takes to write the lines, so a page whose
    digest is unchanged is kept without its lines being written; the lines follow from the
    rows, whatever their order. DuckDB's `hash` may change with its version: then every page is
    drawn again once."""
    sums = []
    for table, _ in PARTNER_TABLES.values():
        described = [row[0] for row in con.execute(f"describe atlas.{table}").fetchall()]
        names = [str(duckdb.ColumnExpression(name)) for name in described]
        sums.append(
            f"select partner_id, concat_ws('/', sum(hash({', '.join(names)})::hugeint), "
            f"sum(hash({', '.join(reversed(names))})::hugeint), count(*)) as digest "
            f"from atlas.{table} group by partner_id"
        )
    query = " union all ".join(
        f"select '{i}' as part, * from ({sql})" for i, sql in enumerate(sums)
    )
    try:
        rows = con.execute(
            f"select partner_id, string_agg(part || ':' || digest, ' ' order by part) "
            f"from ({query}) group by partner_id"
        ).fetchall()
    except duckdb.Error as error:
        raise AtlasError(f"the partner pages' tables cannot be read{where}: {error}") from error
    return dict(rows)


def _partner_lines(con: duckdb.DuckDBPyConnection) -> str:
    """SQL: each partner's id, then html, shown and total of each of its page's tables, for
    the partners of $ids (between $first and $last, which lets the scans skip the rest)."""
    in_range = "where partner_id between $first and $last and list_contains($ids, partner_id)"
    joins = "".join(
        f" left join ({lines_by(con, table, columns, 'partner_id', in_range)}) as {name}"
        " using (partner_id)"
        for name, (table, columns) in PARTNER_TABLES.items()
    )
    selected = ", ".join(f"{name}.html, {name}.shown, {name}.total" for name in PARTNER_TABLES)
    return f"select partner_id, {selected} from atlas.partners{joins} {in_range} order by 1"


def _ahead(fetch: Callable[[dict], list], batches: list[dict]) -> Iterator[list]:
    """`fetch` of each batch in turn, the next one fetched in a thread while this one is used:
    the database writes the next partners' lines while Python draws these partners' pages."""
    if not batches:  # no partner page to write: every one was kept
        return
    with ThreadPoolExecutor(1) as ahead:
        pending = [ahead.submit(fetch, batch) for batch in batches[:1]]
        for following in [*batches[1:], None]:
            rows = pending.pop().result()
            if following is not None:
                pending.append(ahead.submit(fetch, following))
            yield rows


def partner_tables(
    con: duckdb.DuckDBPyConnection, where: str = "", partner_ids: Iterable[str] | None = None
) -> Iterator[tuple[str, dict[str, SourcedTable]]]:
    """Each partner's id and its page's sourced tables, in partner id order, for the partners
    of `partner_ids` (all of them by default), the lines of BATCH partners (two batches at most)
    held at a time."""
    try:
        _pageless(con, where)
        if partner_ids is None:
            partner_ids = [row[0] for row in con.execute("select partner_id from atlas.partners")
                           .fetchall()]  # fmt: skip
        ids = sorted(partner_ids)
        query, cursor = _partner_lines(con), con.cursor()
        batches = [
            {"ids": batch, "first": batch[0], "last": batch[-1]}
            for batch in (ids[start : start + BATCH] for start in range(0, len(ids), BATCH))
        ]
        for rows in _ahead(lambda bounds: cursor.execute(query, bounds).fetchall(), batches):
            for partner_id, *values in rows:
                tables = {
                    name: _table(columns, *values[3 * i : 3 * i + 3])
                    for i, (name, (_, columns)) in enumerate(PARTNER_TABLES.items())
                }
                yield partner_id, tables
    except duckdb.Error as error:
        raise AtlasError(f"the partner pages' tables cannot be read{where}: {error}") from error


def threat_tables(con: duckdb.DuckDBPyConnection, where: str = "") -> dict[str, SourcedTable]:
    """Each threat's page table of its latest events, by threat id."""
    table, columns = THREAT_EVENTS
    try:
        rows = con.execute(lines_by(con, table, columns, "threat_id")).fetchall()
    except duckdb.Error as error:
        raise AtlasError(f"atlas.{table} cannot be read{where}: {error}") from error
    return {threat_id: _table(columns, *values) for threat_id, *values in rows}


def _table(columns: list[str], html: str | None, shown: int | None, total: int | None):
    return SourcedTable(columns, markupsafe.Markup(html or ""), shown or 0, total or 0)
