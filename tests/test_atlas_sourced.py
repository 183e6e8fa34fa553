"""The pages' sourced tables, whose lines the database writes (atlas/sourced.py): every cell as
the charts' tables show it (`drawing.display`, codes as words), escaped as Jinja's autoescape
does, each partner with exactly its own rows in the order the atlas draws them."""

from __future__ import annotations

import datetime as dt
import shutil
from html.parser import HTMLParser

import duckdb
import markupsafe
import pytest

from orchestration.publication import atlas as atlas_lib
from orchestration.publication.atlas import drawing, reading, sourced


class Lines(HTMLParser):
    """The cells' texts of <tr> lines, entities decoded, and each cell's class and link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.classes: list[list[str | None]] = []
        self.links: list[str | None] = []
        self.in_cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
            self.classes.append([])
            self.links.append(None)
        elif tag == "td":
            self.rows[-1].append("")
            self.classes[-1].append(dict(attrs).get("class"))
            self.in_cell = True
        elif tag == "a":
            self.links[-1] = dict(attrs)["href"]

    def handle_endtag(self, tag):
        self.in_cell = self.in_cell and tag != "td"

    def handle_data(self, data):
        if self.in_cell and data != "source":
            self.rows[-1][-1] += data


def parsed(html: str) -> Lines:
    lines = Lines()
    lines.feed(str(html))
    return lines


def as_python_shows(rows: list[dict], columns: list[str]) -> list[list[str]]:
    """What the pages showed when Python formatted each cell (the charts' tables still do)."""
    return [
        [*cells, "", drawing.display(row["evaluation_code"]), drawing.display(row["handling_code"])]
        for cells, row in zip(drawing.cells(rows, columns), rows, strict=True)
    ]


def test_each_partner_gets_exactly_its_own_rows_shown_as_python_shows_them(sample_env):
    con, _ = atlas_lib.open_publication(sample_env.settings)
    try:
        whole = atlas_lib.read_figures(con)  # in the order the atlas draws
        written = dict(sourced.partner_tables(con))
    finally:
        con.close()
    assert set(written) == {partner["partner_id"] for partner in whole["partners"]}
    for page_name, (table, columns) in sourced.PARTNER_TABLES.items():
        assert whole[table], table  # the sample fills every table
        expected: dict[str, list[dict]] = {}
        for row in whole[table]:
            expected.setdefault(row["partner_id"], []).append(row)
        for partner_id, tables in written.items():
            rows = expected.get(partner_id, [])
            lines = parsed(tables[page_name].html)
            assert lines.rows == as_python_shows(rows, columns), (table, partner_id)
            assert lines.links == [row["source_url"] or None for row in rows]
            assert tables[page_name].shown == len(rows)
            assert tables[page_name].total == (rows[0]["total"] if rows else 0)


def test_only_the_partners_asked_for_are_written_and_none_when_none_is(sample_env):
    con, _ = atlas_lib.open_publication(sample_env.settings)
    try:
        every = dict(sourced.partner_tables(con))
        asked = sorted(every)[::7]  # a few, across batches of one
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sourced, "BATCH", 1)
            some = list(sourced.partner_tables(con, partner_ids=reversed(asked)))
        assert [pid for pid, _ in some] == asked  # in partner id order, whatever was asked
        assert dict(some) == {pid: every[pid] for pid in asked}
        assert list(sourced.partner_tables(con, partner_ids=[])) == []
    finally:
        con.close()


def test_a_partner_digest_changes_with_its_rows_only(sample_env, tmp_path):
    copy = tmp_path / "published.duckdb"
    shutil.copyfile(sample_env.settings.published_db, copy)
    con = duckdb.connect(str(copy))
    try:
        before = sourced.partner_digests(con)
        assert len(before) > 100
        partner, title = con.execute(
            "select partner_id, title from atlas.partner_documents order by all limit 1"
        ).fetchone()
        con.execute(
            "update atlas.partner_documents set title = title || '.' where partner_id = ? "
            "and title = ?", [partner, title],
        )  # fmt: skip
        changed = sourced.partner_digests(con)
        assert changed[partner] != before[partner]
        assert {k: v for k, v in changed.items() if k != partner} == {
            k: v for k, v in before.items() if k != partner
        }
        # the same rows in another order are the same page
        con.execute(
            "create table shuffled as select * from atlas.partner_documents order by random()"
        )
        con.execute("delete from atlas.partner_documents")
        con.execute("insert into atlas.partner_documents select * from shuffled")
        assert sourced.partner_digests(con) == changed
        # a row given twice is another page (its lines are shown twice)
        con.execute(
            "insert into atlas.partner_documents select * from atlas.partner_documents "
            "where partner_id = ? limit 1", [partner],
        )  # fmt: skip
        assert sourced.partner_digests(con)[partner] != changed[partner]
    finally:
        con.close()


@pytest.fixture
def odd_rows():
    """An atlas with one threat and the values a page must survive."""
    con = duckdb.connect()
    con.execute("create schema atlas")
    con.execute(
        "create table atlas.threat_events (threat_id varchar, started_on date, event_name varchar,"
        " event_type varchar, participants varchar, source_url varchar,"
        " evaluation_code varchar, handling_code varchar, total bigint)"
    )
    rows = [
        ("t", dt.date(2024, 1, 2), "<b>Côte d'Ivoire</b> & \"co\"", "eu_un_joint_visit",
         "2024-03-04", "https://x.test/?a=1&b=2", "A1", "H0", 3),
        ("t", None, "plain", None, "2024-3-4", None, None, "H1", 3),
        ("t", dt.date(1, 1, 1), "a\x1fb", "visit", "", "", "B2", None, 3),
    ]  # fmt: skip
    con.executemany("insert into atlas.threat_events values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    yield con
    con.close()


def test_every_cell_is_escaped_as_autoescape_does_and_dates_are_marked(odd_rows):
    table = sourced.threat_tables(odd_rows)["t"]
    assert (table.shown, table.total) == (3, 3)
    html = str(table.html)
    lines = html.strip().split("\n")
    assert len(lines) == 3  # newest first, the row without a date last
    escaped = markupsafe.escape('<b>Côte d\'Ivoire</b> & "co"')
    assert f"<td>{escaped}</td>" in lines[0]
    assert "<td>EU UN joint visit</td>" in lines[0]  # a code as words, acronyms in capitals
    assert '<td class="date">2024-01-02</td>' in lines[0]
    assert '<td class="date">2024-03-04</td>' in lines[0]  # any cell holding an ISO date
    assert '<a href="https://x.test/?a=1&amp;b=2">source</a>' in lines[0]
    assert lines[1] == (
        '<tr><td class="date">0001-01-01</td><td>a\x1fb</td><td>visit</td><td></td>'
        '<td></td><td class="grade">B2</td><td class="grade"></td></tr>'
    )  # no link for an empty url, no value as an empty cell
    assert lines[2].startswith("<tr><td></td><td>plain</td><td></td><td>2024-3-4</td>")
    assert parsed(html).classes[2] == [None] * 4 + [None, "grade", "grade"]


def test_a_column_type_the_pages_cannot_show_is_named(odd_rows):
    odd_rows.execute("alter table atlas.threat_events drop column participants")
    odd_rows.execute("alter table atlas.threat_events add column participants double")
    with pytest.raises(reading.AtlasError, match="participants.*DOUBLE"):
        sourced.threat_tables(odd_rows)


def test_a_partner_with_no_rows_shows_an_empty_table(odd_rows):
    assert sourced.threat_tables(odd_rows).get("u") is None
    empty = sourced.SourcedTable(sourced.THREAT_EVENTS[1])
    assert (str(empty.html), empty.shown, empty.total) == ("", 0, 0)
