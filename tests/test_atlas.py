"""The cooperation atlas, published by the build beside the warehouse, in a real browser.

One build of the curated sample (through Dagster, as `coop build` runs it) publishes the
warehouse and the atlas; the slow tests open its pages from file:// in headless Chromium (the
browser and helpers of tests/test_ui.py), watch the console and Chromium's own network log, and
save a screenshot of every chart. A second build, on a copy of the sample with one fact
changed, must change that chart's SVG.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.publication import atlas as atlas_lib
from orchestration.publication.atlas import charts, reading, sourced
from orchestration.runner.runs import run_main_job
from orchestration.settings import PROJECT_ROOT
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


def test_the_map_table_matches_the_atlas_table_an_analyst_reads(built):
    """Every number comes from a table of the atlas schema: read it as an analyst would."""
    as_of = manifest(built.settings.atlas_dir)["as_of"]
    rows = published_rows(
        built, "select partner_id, cooperation_level, as_of from atlas.cooperation_map"
    )
    levels = {row[0]: row[1] for row in rows}
    assert levels["colombia"] == "personal data"  # facts.md: operational agreement in force
    assert {row[2].isoformat() for row in rows} == {as_of}  # the map's date is the table's
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
    data_date = manifest(built.settings.atlas_dir)["pages"]["partners/colombia.html"]["data_date"]
    assert re.search(rf"data as published\s+{data_date} UTC", page)


def test_the_atlas_is_kept_while_the_marts_are_unchanged(sample_copy):
    built = sample_copy
    index = built.settings.atlas_dir / "index.html"
    before = index.stat().st_mtime_ns
    assert atlas_lib.refresh_atlas(built.settings) is False
    assert index.stat().st_mtime_ns == before
    assert atlas_lib.atlas_is_current(built.settings, atlas_lib.atlas_key(built.settings))
    assert not atlas_lib.redraws_all(built.settings)  # its chart workers need no early start


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


def test_a_missing_atlas_table_names_the_file_and_the_command(tmp_path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    con = duckdb.connect(str(empty), read_only=True)
    try:
        with pytest.raises(atlas_lib.AtlasError) as error:
            atlas_lib.read_figures(con, f" from {empty}")
    finally:
        con.close()
    message = str(error.value)
    assert str(empty) in message and "atlas.partners" in message and "coop build" in message


def test_partner_pages_written_a_partner_at_a_time_equal_the_built_ones(
    built, tmp_path, monkeypatch
):
    """The database writes the partner pages' lines a batch of partners at a time, the next
    batch ahead in a thread (atlas/sourced.py); with one partner per batch the pages must not
    change."""
    monkeypatch.setattr(sourced, "BATCH", 1)
    fresh = atlas_lib.generate_atlas(built.settings, tmp_path / "one-partner-batches", reuse=False)
    built_pages = sorted((built.settings.atlas_dir / "partners").glob("*.html"))
    assert len(built_pages) > 100
    for page in built_pages:
        streamed = (fresh / "partners" / page.name).read_text()
        assert without_publication_notes(streamed) == without_publication_notes(page.read_text())


@pytest.fixture
def atlas_tables(built, tmp_path):
    """A writable copy of the published file, to change its atlas tables."""
    copy = tmp_path / "published.duckdb"
    shutil.copyfile(built.settings.published_db, copy)
    con = duckdb.connect(str(copy))
    yield con
    con.close()


def test_the_atlas_key_follows_every_row_of_every_atlas_table(atlas_tables):
    con = atlas_tables
    before = reading.tables_key(con)
    assert reading.tables_key(con) == before
    title = con.execute("select min(title) from atlas.partner_documents").fetchone()[0]
    con.execute("update atlas.partner_documents set title = title || '.' where title = ?", [title])
    changed = reading.tables_key(con)
    assert changed != before
    restore = "update atlas.partner_documents set title = ? where title = ?"
    con.execute(restore, [title, title + "."])
    assert reading.tables_key(con) == before
    con.execute("delete from atlas.headline")
    assert reading.tables_key(con) not in {before, changed}


def test_rows_of_a_partner_without_a_page_are_an_error_naming_it(atlas_tables):
    con = atlas_tables
    partner = con.execute("select min(partner_id) from atlas.partner_events").fetchone()[0]
    con.execute("delete from atlas.partners where partner_id = ?", [partner])
    with pytest.raises(reading.AtlasError, match=f"partner_events.*{partner}"):
        list(sourced.partner_tables(con, " from the copy"))


def file_states(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of the atlas by path: its inode and modification time."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def without_publication_notes(text: str) -> str:
    """A page without what depends on the publication it was drawn in: its date, and (the
    index) what changed since the one before."""
    text = re.sub(r"data as published\s+[\d:\- ]+ UTC", "data as published", text)
    return re.sub(r"<h2>Since the previous publication</h2>.*?</section>", "", text, flags=re.S)


def test_a_changed_fact_redraws_only_the_pages_and_charts_it_touched(
    sample_copy, tmp_path, monkeypatch
):
    env = sample_copy
    asked = []  # the partners whose lines the database is asked to write
    lines_of = sourced.partner_tables

    def recorded(con, where="", partner_ids=None):
        asked.extend(partner_ids or [])
        return lines_of(con, where, partner_ids)

    monkeypatch.setattr(sourced, "partner_tables", recorded)
    atlas = env.settings.atlas_dir
    before_files = file_states(atlas)
    svg = atlas / "charts" / "memberships.svg"
    before = svg.read_text()
    memberships = env.raw_dir / "curated" / "memberships" / "memberships.csv"
    original = memberships.read_text()
    changed = re.sub(r"(?m)^(clasi,bolivia,founding_member,2022-03-02,exact,)", r"\g<1>2024-01-01",
                     original)  # fmt: skip
    assert changed != original
    memberships.write_text(changed)

    summary = run_main_job()

    assert summary.success, summary.step_failures
    assert svg.read_text() != before
    assert "2024-01-01" in (atlas / "partners" / "bolivia.html").read_text()
    after_files = file_states(atlas)
    redrawn = {path for path, state in after_files.items() if before_files.get(path) != state}
    # the membership's two partners, the chart and the index that shows it; atlas.json is new
    assert {"partners/bolivia.html", "partners/clasi.html", "charts/memberships.svg",
            "index.html"} <= redrawn  # fmt: skip
    assert "partners/japan.html" not in redrawn and "charts/cooperation-map.svg" not in redrawn
    assert not any(path.startswith("threats/") for path in redrawn)
    assert redrawn - {"atlas.json"} == set(manifest(atlas)["drawn"])
    # the kept pages were kept before their lines were written: only the changed ones were
    assert sorted(f"partners/{pid}.html" for pid in asked) == sorted(
        p for p in redrawn if p.startswith("partners/")
    )
    # the index says which partner pages changed since the previous publication
    partner_pages = sorted(p for p in redrawn if p.startswith("partners/"))
    changed = (
        (atlas / "index.html").read_text().split("Pages that changed")[1].split("</details>")[0]
    )
    assert sorted(re.findall(r'href="(partners/[^"]+)"', changed)) == partner_pages
    # what was kept and what was drawn anew is what a generation from scratch draws
    full = atlas_lib.generate_atlas(env.settings, tmp_path / "from-scratch")
    assert set(file_states(full)) == set(after_files)
    for path in after_files:
        if path.endswith(".ttf"):
            assert (atlas / path).read_bytes() == (full / path).read_bytes(), path
        elif path != "atlas.json":
            kept, fresh = (atlas / path).read_text(), (full / path).read_text()
            assert without_publication_notes(kept) == without_publication_notes(fresh), path


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


PROBE = Path(__file__).with_name("atlas_probe.js")


def probed(chromium: str, tmp_path: Path, atlas: Path, page: str, script: str) -> dict:
    """Run `script` in a copy of an atlas page (beside its fonts and charts) in Chromium; what
    it writes into <pre id="probe">, as JSON."""
    copy = tmp_path / "atlas"
    if not copy.exists():
        shutil.copytree(atlas, copy)
    probe = copy / page
    probe = probe.with_name(f"probe-{probe.name}")
    html = (copy / page).read_text().replace("</body>", f"<script>{script}</script></body>")
    probe.write_text(html)
    result = browse(chromium, tmp_path / "profile", probe.as_uri(), "--dump-dom")
    found = re.findall(r'<pre id="probe">(.*?)</pre>', result.stdout, re.DOTALL)
    assert found, result.stderr[-2000:]
    return json.loads(html_lib.unescape(found[-1]))


@pytest.mark.slow
def test_the_overlap_probe_sees_text_over_text(chromium, tmp_path):
    """The probe can fail: two labels drawn at one place overlap, two apart do not."""
    folder = tmp_path / "faulty"
    folder.mkdir()
    (folder / "page.html").write_text(
        '<html><body><svg data-chart="t" width="200" height="60"><text x="10" y="20">Colombia'
        '</text><text x="14" y="22">Brazil</text><text x="120" y="50">Peru</text></svg></body>'
        "</html>"
    )
    found = probed(chromium, tmp_path, folder, "page.html", PROBE.read_text())
    assert found["overlaps"] == [["t", "Colombia", "Brazil"]]


@pytest.mark.slow
@pytest.mark.parametrize("page", ["index", "threat"])
def test_no_chart_draws_text_over_text_in_the_font_it_was_measured_with(
    built, chromium, tmp_path, page
):
    atlas = built.settings.atlas_dir
    threat = next(c["name"] for c in manifest(atlas)["charts"] if c["name"].startswith("threat-"))
    path = {"index": "index.html", "threat": f"threats/{threat.removeprefix('threat-')}.html"}
    found = probed(chromium, tmp_path, atlas, path[page], PROBE.read_text())
    assert found["font"], "the atlas's font did not load"
    assert found["texts"] > 10  # titles, axis labels and titles, legends
    assert found["overlaps"] == []
    assert found["untitled"] == []


SEARCH = """
var form = document.querySelector('[data-filters="partner-index"]');
var rows = Array.from(document.querySelectorAll("#partner-index tbody tr"));
var result = {visible_form: !form.hidden, all: rows.filter(r => !r.hidden).length};
form.querySelector("[data-search]").value = "colo";
form.dispatchEvent(new Event("input"));
result.searched = rows.filter(r => !r.hidden).map(r => r.cells[0].textContent);
form.querySelector("[data-search]").value = "";
form.querySelector('[data-attribute="region"]').value = "Americas";
form.dispatchEvent(new Event("change"));
result.region = rows.filter(r => !r.hidden).map(r => r.cells[1].textContent);
result.count = form.querySelector("[data-count]").textContent;
var pre = document.createElement("pre"); pre.id = "probe";
pre.textContent = JSON.stringify(result); document.body.appendChild(pre);
"""


@pytest.mark.slow
def test_the_partner_index_is_searched_and_filtered_in_the_page(built, chromium, tmp_path):
    partners = published_rows(built, "select partner_name, region from atlas.partners")
    found = probed(chromium, tmp_path, built.settings.atlas_dir, "index.html", SEARCH)
    assert found["visible_form"] and found["all"] == len(partners)
    assert sorted(found["searched"]) == sorted(n for n, _ in partners if "colo" in n.lower())
    americas = [n for n, region in partners if region == "Americas"]
    assert americas and found["region"] == ["Americas"] * len(americas)
    assert found["count"] == f"{len(americas)} of {len(partners)} shown"
