"""The cooperation atlas, published by the build beside the warehouse, in a real browser.

One build of the curated sample (through Dagster, as `coop build` runs it) publishes the
warehouse and the atlas; the slow tests open its pages from file:// in headless Chromium (the
browser and helpers of tests/test_ui.py), watch the console and Chromium's own network log, and
save a screenshot of every chart. A second build, on a copy of the sample with one fact
changed, must change that chart's SVG.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.publication import atlas as atlas_lib
from orchestration.publication.atlas import charts
from orchestration.runner.runs import run_main_job
from orchestration.settings import ATLAS_QUERIES_DIR, PROJECT_ROOT
from tests.browser import browse, chromium_path, png_size

SCREENSHOTS = PROJECT_ROOT / "warehouse" / "test-artefacts" / "atlas"  # ignored by git
BROWSER_ONLY_REQUESTS = "not an origin"  # Chromium's own background calls, not the page's


@pytest.fixture
def built(sample_env):
    """The sample built once for the session (tests/conftest.py), the environment pointing at it."""
    return sample_env


def manifest(atlas_dir: Path) -> dict:
    return json.loads((atlas_dir / "atlas.json").read_text())


def published_rows(env, sql: str) -> list[tuple]:
    con = duckdb.connect(str(env.settings.published_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_build_publishes_an_index_and_a_page_per_partner_and_threat(built):
    atlas = built.settings.atlas_dir
    assert (atlas / "index.html").is_file()
    partners = published_rows(built, "select partner_id from marts.dim_partner")
    threats = published_rows(built, "select threat_id from marts.dim_threat")
    assert {p.stem for p in (atlas / "partners").glob("*.html")} == {row[0] for row in partners}
    assert {p.stem for p in (atlas / "threats").glob("*.html")} == {row[0] for row in threats}
    names = {chart["name"] for chart in manifest(atlas)["charts"]}
    assert {
        "cooperation-map",
        "memberships",
        "partner-threat-matrix",
        "events-per-quarter",
    } <= names
    assert "timeline-americas" in names
    with_events = published_rows(
        built,
        "select distinct threat_id from marts.dim_threat join marts.bridge_event_threat "
        "using (threat_key)",
    )
    assert {f"threat-{row[0]}" for row in with_events} == {
        n for n in names if n.startswith("threat-")
    }


def test_every_chart_is_titled_described_and_has_its_table_one_click_away(built):
    atlas = built.settings.atlas_dir
    index = (atlas / "index.html").read_text()
    for chart in manifest(atlas)["charts"]:
        svg = (atlas / "charts" / f"{chart['name']}.svg").read_text()
        assert f'<title id="{chart["name"]}-title">' in svg, chart["name"]
        assert f'<desc id="{chart["name"]}-desc">' in svg, chart["name"]
        assert 'role="img"' in svg
        assert f'width="{chart["width"]}"' in svg and f'height="{chart["height"]}"' in svg
        assert chart["rows"] > 0, f"{chart['name']} drew no data"
    figures = re.findall(r'<figure id="([^"]+)">(.*?)</figure>', index, re.DOTALL)
    assert len(figures) >= 5
    for name, figure in figures:
        assert "<details><summary>Table behind the chart" in figure, name
        assert "<figcaption>" in figure, name


def test_the_map_table_matches_the_query_an_analyst_reruns(built):
    """Every number comes from a query kept in atlas/queries: run it as an analyst would."""
    as_of = manifest(built.settings.atlas_dir)["as_of"]
    sql = (ATLAS_QUERIES_DIR / "cooperation_map.sql").read_text()
    con = duckdb.connect(str(built.settings.published_db), read_only=True)
    try:
        con.execute(f"set variable as_of = date '{as_of}'")
        rows = con.execute(sql).fetchall()
    finally:
        con.close()
    levels = {row[0]: row[-1] for row in rows}
    assert levels["colombia"] == "personal data"  # facts.md: operational agreement in force
    table = (built.settings.atlas_dir / "index.html").read_text().split('id="cooperation-map"')[1]
    table = table.split("</figure>")[0]
    assert table.count("<tr>") == len(rows) + 1  # the header row, then one per country


def test_partner_pages_link_every_row_to_its_source_with_grade_and_handling(built):
    page = (built.settings.atlas_dir / "partners" / "colombia.html").read_text()
    expected = published_rows(
        built,
        "select d.url, d.evaluation_code, d.handling_code from marts.fct_agreement a "
        "join marts.bridge_agreement_party b using (agreement_key) "
        "join marts.dim_partner p using (partner_key) "
        "join marts.dim_source_document d on a.document_key = d.document_key "
        "where p.partner_id = 'colombia'",
    )
    assert expected
    for url, grade, handling in expected:
        row = re.search(rf'<a href="{re.escape(url)}">source</a></td><td[^>]*>(\w+)</td>'
                        rf'<td[^>]*>(\w+)</td>', page)  # fmt: skip
        assert row, url
        assert row.groups() == (grade, handling)
    for heading in ("Agreements", "Memberships", "Events", "Documents"):
        assert f"<h2>{heading}</h2>" in page
    data_date = manifest(built.settings.atlas_dir)["data_date"]
    assert re.search(rf"data as published\s+{data_date} UTC", page)


def test_the_atlas_is_kept_while_the_marts_are_unchanged(sample_copy):
    built = sample_copy
    index = built.settings.atlas_dir / "index.html"
    before = index.stat().st_mtime_ns
    assert atlas_lib.refresh_atlas(built.settings) is False
    assert index.stat().st_mtime_ns == before
    assert atlas_lib.atlas_is_current(built.settings, atlas_lib.atlas_key(built.settings))


def test_a_failed_generation_leaves_the_previous_atlas(sample_copy, monkeypatch):
    built = sample_copy
    atlas = built.settings.atlas_dir
    before = {p: p.read_bytes() for p in atlas.rglob("*") if p.is_file()}

    def broken(rows):
        raise RuntimeError("chart failed half-way")

    monkeypatch.setattr(charts, "threat_matrix", broken)
    with pytest.raises(RuntimeError, match="half-way"):
        atlas_lib.refresh_atlas(built.settings, force=True)
    assert {p: p.read_bytes() for p in atlas.rglob("*") if p.is_file()} == before
    assert not list(atlas.parent.glob(f".{atlas.name}.tmp-*")), "staging folder left behind"


def test_a_missing_shapes_file_names_the_command_that_installs_it(tmp_path, monkeypatch):
    monkeypatch.setattr(atlas_lib, "ATLAS_SHAPES_FILE", tmp_path / "countries-110m.json")
    with pytest.raises(atlas_lib.AtlasError, match="make manifest"):
        atlas_lib.load_shapes()


def test_a_broken_query_names_its_file_and_line(tmp_path):
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "broken.sql").write_text("select 1\nfrom marts.no_such_mart\n")
    con = duckdb.connect()
    try:
        with pytest.raises(atlas_lib.AtlasError) as error:
            atlas_lib.run_queries(con, datetime.date(2025, 3, 7), queries)
    finally:
        con.close()
    message = str(error.value)
    assert str(queries / "broken.sql") in message
    assert "no_such_mart" in message and "LINE 2" in message


def test_a_changed_fact_changes_its_chart_after_a_build(sample_copy):
    env = sample_copy
    svg = env.settings.atlas_dir / "charts" / "memberships.svg"
    before = svg.read_text()
    memberships = env.raw_dir / "curated" / "memberships" / "memberships.csv"
    original = memberships.read_text()
    changed = re.sub(r"(?m)^(clasi,bolivia,founding_member,2022-03-02,exact,)", r"\g<1>2024-01-01",
                     original)  # fmt: skip
    assert changed != original
    memberships.write_text(changed)

    summary = run_main_job()

    assert summary.success, summary.step_failures
    after = svg.read_text()
    assert after != before
    assert "2024-01-01" in (env.settings.atlas_dir / "partners" / "bolivia.html").read_text()


# --- slow: a real browser ---------------------------------------------------------------------


def page_requests(netlog: Path) -> list[str]:
    """URLs the page asked for, from Chromium's network log (its own background calls, which
    have no initiating origin, left out)."""
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start
        and "url" in event.get("params", {})
        and event["params"].get("initiator") != BROWSER_ONLY_REQUESTS
    ]


def open_page(chromium: str, tmp_path: Path, page: Path) -> tuple[str, list[str], list[str]]:
    """The DOM after loading `page` from file://, console messages and network requests."""
    netlog = tmp_path / f"{page.stem}-net.json"
    result = browse(
        chromium, tmp_path / "profile", page.as_uri(), "--enable-logging=stderr",
        f"--log-net-log={netlog}", "--dump-dom",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return result.stdout, console, page_requests(netlog)


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_path()


@pytest.mark.slow
def test_the_console_and_network_watch_would_see_a_faulty_page(chromium, tmp_path):
    """The two watches below can fail: a page with a console error and remote fetches."""
    page = tmp_path / "faulty.html"
    page.write_text(
        '<img src="http://192.0.2.1/x.png"><script>console.error("boom");'
        'fetch("https://example.invalid/y")</script>'
    )
    _, console, requests = open_page(chromium, tmp_path, page)
    assert any('"boom"' in line for line in console), console
    assert set(requests) >= {"http://192.0.2.1/x.png", "https://example.invalid/y"}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["index", "partner", "threat"])
def test_pages_load_from_file_without_console_errors_or_network(built, chromium, tmp_path, kind):
    atlas = built.settings.atlas_dir
    threat = next(c["name"] for c in manifest(atlas)["charts"] if c["name"].startswith("threat-"))
    page = {
        "index": "index.html",
        "partner": "partners/colombia.html",
        "threat": f"threats/{threat.removeprefix('threat-')}.html",
    }[kind]
    dom, console, requests = open_page(chromium, tmp_path, atlas / page)
    assert console == []
    assert requests == []
    drawn = {chart["name"]: chart for chart in manifest(atlas)["charts"]}
    svgs = re.findall(r"<svg[^>]*data-chart=\"([^\"]+)\"[^>]*>(.*?)</svg>", dom, re.DOTALL)
    if kind != "partner":  # partner pages are tables
        assert svgs, f"no chart in the rendered {page}"
    for name, body in svgs:
        tag = re.search(rf'<svg[^>]*data-chart="{name}"[^>]*>', dom).group(0)
        assert (
            f'width="{drawn[name]["width"]}"' in tag and f'height="{drawn[name]["height"]}"' in tag
        )
        assert len(re.findall(r"<(path|rect|text)\b", body)) > 10, f"{name} looks empty"


@pytest.mark.slow
def test_every_chart_renders_at_its_size_and_is_saved_as_a_screenshot(built, chromium, tmp_path):
    atlas = built.settings.atlas_dir
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for chart in manifest(atlas)["charts"]:
        png = tmp_path / f"{chart['name']}.png"
        size = f"--window-size={chart['width']},{chart['height']}"
        shot = browse(
            chromium, tmp_path / "profile", (atlas / "charts" / f"{chart['name']}.svg").as_uri(),
            size, "--hide-scrollbars", f"--screenshot={png}",
        )  # fmt: skip
        assert png.exists(), shot.stderr[-2000:]
        assert png_size(png) == (chart["width"], chart["height"]), chart["name"]
        # a blank page of that size compresses to a few hundred bytes
        assert png.stat().st_size > 3_000, f"{chart['name']} rendered blank"
        shutil.copy(png, SCREENSHOTS / png.name)
