"""The atlas reads at a glance: words instead of codes, correct plurals, year labels that are
drawn (not hidden), events-per-quarter panels over a window that holds events, and dates that
never wrap on partner pages (measured in headless Chromium at a phone's width)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import duckdb
import pytest

from orchestration.publication.atlas import quarters, refresh_atlas, timelines
from orchestration.publication.atlas.drawing import human
from tests.browser import browse, chromium_path

NOUNS = "agreement|event|partner|threat|document|quarter|membership|organisation"
# "1 agreements"; "2 agreement." (a count then the noun ending the phrase)
ONE_PLURAL = re.compile(rf"\b1 (?:{NOUNS})s\b")
MANY_SINGULAR = re.compile(
    rf"\b(?:0|[2-9]|\d{{2,}}) (?:{NOUNS})(?=[.,;:)]|$| (?:in|of|over|from|and|with)\b)"
)
SVG = "{http://www.w3.org/2000/svg}"
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # in_force, operational_agreement


class VisibleText(HTMLParser):
    """The text a reader sees: no attribute, script or style."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag in ("script", "style", "code")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style", "code")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(markup: str) -> str:
    parser = VisibleText()
    parser.feed(markup)
    return " ".join(" ".join(parser.parts).split())


def reading_faults(text: str) -> list[str]:
    """Codes shown as text and counts with the wrong number."""
    return [
        *(f"code {m.group(0)!r}" for m in CODE.finditer(text)),
        *(f"plural {m.group(0)!r}" for m in ONE_PLURAL.finditer(text)),
        *(f"singular {m.group(0)!r}" for m in MANY_SINGULAR.finditer(text)),
    ]


def hidden_labels(svg: str) -> list[str]:
    """Text drawn with opacity 0: Vega's way of dropping a label that would overlap."""
    return re.findall(r'<text\b[^>]*\bopacity="0"[^>]*>([^<]*)', svg)


def test_the_checks_see_codes_wrong_plurals_and_hidden_labels():
    faults = reading_faults("status in_force; 1 agreements of 3 partner. 2 events, 1 event.")
    assert faults == ["code 'in_force'", "plural '1 agreements'", "singular '3 partner'"]
    assert reading_faults("2 partner pages, 1 agreement in force, 12 events in 2025.") == []
    svg = '<text opacity="0">2003</text><text opacity="1">2004</text>'
    assert hidden_labels(svg) == ["2003"]


def quarter_rows(days_and_types: list[tuple[str, str]]) -> list[dict]:
    return [
        {"quarter_start": dt.date.fromisoformat(day), "event_type": kind, "events": 1}
        for day, kind in days_and_types
    ]


def test_events_per_quarter_shows_the_latest_years_and_counts_the_earlier_ones():
    kinds = ["signing", "summit", "policy_decision", "announcement", "founding", "approval",
             "council_meeting", "inauguration"]  # fmt: skip
    recent = [(f"{2022 + n // 4}-{n % 4 * 3 + 1:02d}-01", kinds[n % len(kinds)]) for n in range(16)]
    rows = quarter_rows([("2001-10-01", "signing"), ("2003-01-01", "summit"), *recent])
    first, last = quarters.window(rows)
    assert quarters.quarter_date(last) == dt.date(2025, 10, 1)
    assert quarters.quarter_date(first) == dt.date(2021, 1, 1)  # five years, from a year's start

    chart = quarters.events_per_quarter("events", "Events", rows, by_type=True)

    assert "16 events from 2021 to 2025" in chart.summary
    assert "2 earlier events (from 2001) are in the table" in chart.summary
    assert chart.marks == len(rows)  # the table keeps every row
    labels = set(re.findall(r"<text[^>]*>([^<]+)</text>", chart.svg))
    panels = labels & {*(k.replace("_", " ") for k in kinds), quarters.OTHERS}
    assert len(panels) == quarters.PANELS + 1 and quarters.OTHERS in panels
    assert hidden_labels(chart.svg) == []
    assert reading_faults(chart.summary) == []


def test_a_single_event_gets_a_window_of_two_years_not_one_bar_across():
    first, last = quarters.window(quarter_rows([("2024-04-01", "summit")]))
    assert last - first + 1 >= quarters.AT_LEAST
    chart = quarters.events_per_quarter("one", "One", quarter_rows([("2024-04-01", "summit")]),
                                        by_type=False)  # fmt: skip
    assert "1 event from 2022 to 2024" in chart.summary and "earlier" not in chart.summary
    empty = quarters.events_per_quarter("none", "None", [], by_type=True)
    assert empty.summary.startswith(f"0 events in {dt.date.today().year},") and empty.width


def test_a_long_time_axis_draws_every_year_label_it_keeps():
    rows = [
        {"partner_id": "p", "partner_name": "Peru", "agreement_id": f"a{n}",
         "agreement_type": "working_arrangement", "allows_personal_data": False,
         "spell_status": "in_force", "current_status": "in_force", "spell_from": dt.date(y, 1, 1),
         "spell_to": dt.date(2026, 1, 1), "partners_in_region": 1, "agreements_of_partner": 3}
        for n, y in enumerate((1995, 2008, 2021))
    ]  # fmt: skip
    chart = timelines.agreement_timeline("t", "Americas", rows)
    years = re.findall(r"<text[^>]*>((?:19|20)\d\d)</text>", chart.svg)
    assert len(years) >= 3 and hidden_labels(chart.svg) == []
    assert "working arrangement" in chart.svg and "working_arrangement" not in chart.svg


# --- the built sample ---------------------------------------------------------------------


@pytest.fixture
def atlas(sample_env) -> Path:
    return sample_env.settings.atlas_dir


def test_every_page_and_chart_shows_words_and_correct_plurals(atlas):
    pages = sorted(atlas.rglob("*.html"))
    assert len(pages) > 20
    faults = {}
    for path in [*pages, *sorted((atlas / "charts").glob("*.svg"))]:
        found = reading_faults(visible_text(path.read_text()))
        if path.suffix == ".svg":
            found += [f"hidden {label!r}" for label in hidden_labels(path.read_text())]
        if found:
            faults[path.relative_to(atlas).as_posix()] = found[:5]
    assert faults == {}


def test_no_events_panel_of_the_index_is_empty(atlas):
    svg = ElementTree.parse(atlas / "charts" / "events-per-quarter.svg")
    scope = next(g for g in svg.iter(f"{SVG}g") if "role-scope cell" in (g.get("class") or ""))
    bars = [
        sum(len(rects) for rects in panel.iter() if "mark-rect" in (rects.get("class") or ""))
        for panel in scope
    ]
    assert len(bars) >= 2
    assert 0 not in bars, bars  # every panel draws at least one bar


DATE_PROBE = """
var cells = Array.from(document.querySelectorAll("td")).filter(
  td => /^\\d{4}-\\d{2}-\\d{2}$/.test(td.textContent.trim()));
var wrapped = cells.filter(td => {
  var range = document.createRange(); range.selectNodeContents(td);
  return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size > 1;
}).map(td => td.textContent);
var pre = document.createElement("pre"); pre.id = "probe";
pre.textContent = JSON.stringify({dates: cells.length, wrapped: wrapped});
document.body.appendChild(pre);
"""


@pytest.mark.slow
def test_dates_never_wrap_on_partner_pages_at_a_phones_width(atlas, tmp_path):
    chromium = chromium_path()
    copy = tmp_path / "atlas"
    shutil.copytree(atlas, copy)
    page = copy / "partners" / "probe-colombia.html"
    page.write_text(
        (copy / "partners" / "colombia.html")
        .read_text()
        .replace("</body>", f"<script>{DATE_PROBE}</script></body>")
    )
    result = browse(chromium, tmp_path / "profile", page.as_uri(), "--window-size=360,2000",
                    "--dump-dom")  # fmt: skip
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.DOTALL)
    assert found, result.stderr[-2000:]
    probe = json.loads(html.unescape(found.group(1)))
    assert probe["dates"] > 5
    assert probe["wrapped"] == []


def test_the_index_says_what_changed_since_the_previous_publication(sample_copy):
    """The previous atlas's manifest is what the index compares with: make it say that Bolivia's
    page showed other rows and that there was one partner fewer, then generate again."""
    atlas = sample_copy.settings.atlas_dir
    previous = json.loads((atlas / "atlas.json").read_text())
    previous["data_date"] = "2000-01-02 03:04"
    previous["pages"]["partners/bolivia.html"] = {"digest": "old", "rows": "old"}
    partners = previous["headline"]["partners"]
    previous["headline"]["partners"] = partners - 1
    (atlas / "atlas.json").write_text(json.dumps(previous))

    refresh_atlas(sample_copy.settings, force=True)

    section = visible_text((atlas / "index.html").read_text()).split("Since the previous")[1]
    assert "Since 2000-01-02 03:04 UTC, 1 partner page and 0 threat pages changed" in section
    assert "+1 partners" in section
    changed = (atlas / "index.html").read_text().split("Pages that changed")[1].split("</details>")
    assert re.findall(r'href="partners/([^"]+)\.html"', changed[0]) == ["bolivia"]

    refresh_atlas(sample_copy.settings, force=True)  # against the atlas just written

    section = visible_text((atlas / "index.html").read_text()).split("Since the previous")[1]
    assert "Nothing changed since" in section


def shown_rows(dom: str, table: str) -> list[str]:
    """The first cell's text of every row of `table` the page did not hide."""
    body = re.search(rf'<table id="{table}">.*?<tbody>(.*?)</tbody>', dom, re.DOTALL).group(1)
    return [
        visible_text(cell)
        for attributes, cell in re.findall(r"<tr([^>]*)><td>(.*?)</td>", body, re.DOTALL)
        if "hidden" not in attributes
    ]


@pytest.mark.slow
def test_the_indexes_are_filtered_by_the_address_a_reader_can_share(sample_env, tmp_path):
    """index.html?partner=…&region=… opens with the rows filtered (the page's own script), and
    without the query every row is shown."""
    chromium = chromium_path()
    index = (sample_env.settings.atlas_dir / "index.html").as_uri()
    con = duckdb.connect(str(sample_env.settings.published_db), read_only=True)
    try:
        partners = con.execute("select partner_name, region, partner_type from atlas.partners")
        partners = partners.fetchall()
        threats = con.execute("select threat_name, is_empact_2026_2029 from atlas.threats")
        threats = threats.fetchall()
    finally:
        con.close()

    def dom(query: str) -> str:
        result = browse(chromium, tmp_path / "profile", f"{index}{query}", "--dump-dom")
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    everything = dom("")
    assert sorted(shown_rows(everything, "partner-index")) == sorted(p[0] for p in partners)
    assert sorted(shown_rows(everything, "threat-index")) == sorted(t[0] for t in threats)

    filtered = dom("?partner=ia+Co&region=Americas&threat=traffick&empact=yes#partners")

    texts = {name: f"{name} {region} {human(kind)}".lower() for name, region, kind in partners}
    expected = [  # every word searched is in the row (name, region, type), the region matches
        name for name, region, _ in partners
        if region == "Americas" and all(word in texts[name] for word in ("ia", "co"))
    ]  # fmt: skip
    assert expected and sorted(shown_rows(filtered, "partner-index")) == sorted(expected)
    assert f"{len(expected)} of {len(partners)} shown" in filtered
    expected = [name for name, yes in threats if yes and "traffick" in name.lower()]
    assert expected and sorted(shown_rows(filtered, "threat-index")) == sorted(expected)
