"""The atlas's pages: the index, one page per partner and per threat, from the rows of the
`atlas` tables.

Only what changed is drawn again: every page and chart has a digest of what it shows (its rows,
and the atlas's code), kept in the manifest; a page or chart whose digest is the previous
atlas's is hard-linked from it, so its file (and its modification time) stays as it was.

Plain HTML and inline SVG written by Jinja2 (autoescaped), with no script, font or style
from elsewhere (the index's search is a few lines of our own, the font ships in fonts/): the
pages open from disk, a file share or behind a proxy, and print.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import jinja2

from orchestration.publication.atlas import charts, drawing, quarters, timelines
from orchestration.publication.atlas.drawing import Chart, Row, slug
from orchestration.publication.atlas.sourced import THREAT_EVENTS, Sourced, SourcedTable
from orchestration.publication.atlas.summary import changes, headline_figures
from orchestration.settings import ATLAS_FONT_FILES

TEMPLATES = Path(__file__).with_name("templates")
MANIFEST = "atlas.json"  # what was generated, from which marts: read by tests and `coop`
FONT_WEIGHTS = {"Inter-Regular.ttf": 400, "Inter-Bold.ttf": 700}  # ATLAS_FONT_FILES's names


def by_key(rows: list[Row], key: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


@dataclass
class Context:
    """What every page shows in its header, and what the previous atlas drew."""

    data_date: str
    as_of: dt.date
    code_digest: str = ""  # of the atlas's templates, code and shapes: a new one redraws all
    previous: Path | None = None  # the atlas being replaced, whose unchanged files are kept
    previous_manifest: dict = dataclasses.field(default_factory=dict)
    pages: dict[str, dict] = dataclasses.field(default_factory=dict)  # what this atlas holds
    drawn: list[str] = dataclasses.field(default_factory=list)  # files written anew
    headline: dict[str, int] = dataclasses.field(default_factory=dict)  # for the next "changes"

    def previous_charts(self) -> dict[str, drawing.Drawn]:
        if self.previous is None:
            return {}
        return {
            chart["name"]: drawing.Drawn(
                chart.get("digest", ""),
                str(self.previous / "charts" / f"{chart['name']}.svg"),
                chart["width"],
                chart["height"],
            )  # fmt: skip
            for chart in self.previous_manifest.get("charts", [])
            if (self.previous / "charts" / f"{chart['name']}.svg").is_file()
        }


def _jsonable(value: object) -> object:
    if isinstance(value, Chart):
        return value.digest
    if dataclasses.is_dataclass(value):  # one level: `asdict` deep-copies every cell (slow)
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    return str(value)  # dates, decimals


def rows_digest(inputs: object) -> str:
    """What a page shows: its data, not the code."""
    rows = json.dumps(inputs, sort_keys=True, default=_jsonable)
    return hashlib.sha256(rows.encode()).hexdigest()


def page_digest(context: Context, shown: str) -> str:
    """A page's rows' digest (`shown`) with the atlas's code: a new code draws every page."""
    return hashlib.sha256(f"{context.code_digest}|{shown}".encode()).hexdigest()


def keep_page(out: Path, relative: str, context: Context, shown: str) -> bool:
    """Hard-link the previous atlas's page when it showed the same (`shown`: its rows' digest)
    with the same code; False when the page must be drawn. A kept page keeps the publication
    date it was drawn with: its data is that publication's."""
    before = context.previous_manifest.get("pages", {}).get(relative)
    if context.previous is None or not before or before["digest"] != page_digest(context, shown):
        return False
    kept = context.previous / relative
    if not kept.is_file():
        return False
    os.link(kept, out / relative)
    context.pages[relative] = before
    return True


def write_page(
    out: Path, relative: str, context: Context, render, inputs: dict, shown: str | None = None
) -> None:
    """Write one page, or keep the previous atlas's when `inputs` (what it shows; `shown`, their
    digest when the caller has it) are unchanged."""
    shown = shown or rows_digest(inputs)
    if not keep_page(out, relative, context, shown):
        draw_page(out, relative, context, render, inputs, shown)


def draw_page(out: Path, relative: str, context: Context, render, inputs: dict, shown: str) -> None:
    """Write one page anew, and say so in the manifest."""
    (out / relative).write_text(render(**inputs, data_date=context.data_date))
    digest = page_digest(context, shown)
    context.pages[relative] = {"digest": digest, "rows": shown, "data_date": context.data_date}
    context.drawn.append(relative)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["plural"] = drawing.plural
    env.filters["human"] = drawing.human
    return env


def standalone(svg: str) -> str:
    """A chart's SVG file opened on its own: the atlas's font from ../fonts/, as in the pages."""
    faces = "".join(
        f"@font-face{{font-family:{drawing.FONT};font-weight:{weight};"
        f'src:url("../fonts/{name}") format("truetype")}}'
        for name, weight in FONT_WEIGHTS.items()
    )
    return re.sub(r"(<svg[^>]*>)", lambda m: f"{m.group(1)}<style>{faces}</style>", svg, count=1)


def write_fonts(out: Path, context: Context) -> None:
    """fonts/: the font the charts were measured with, linked from the previous atlas when it
    is the same file."""
    (out / "fonts").mkdir(parents=True, exist_ok=True)
    for name, source in ATLAS_FONT_FILES.items():
        kept = context.previous / "fonts" / name if context.previous is not None else None
        if kept is not None and kept.is_file() and kept.read_bytes() == source.read_bytes():
            os.link(kept, out / "fonts" / name)
        else:
            shutil.copyfile(source, out / "fonts" / name)


def index_charts(results: dict[str, list[Row]], shapes: dict, as_of: dt.date) -> dict:
    """The index's charts: map, one timeline per region, memberships, matrix, events."""
    by_region = [
        timelines.agreement_timeline(f"timeline-{slug(region)}", region, rows)
        for region, rows in sorted(by_key(results["agreement_timeline"], "region").items())
    ]
    return {
        "map": charts.cooperation_map(results["cooperation_map"], shapes, as_of),
        "timelines": by_region,
        "memberships": timelines.membership_timeline(results["membership_timeline"]),
        "matrix": charts.threat_matrix(results["partner_threat_matrix"]),
        "events": quarters.events_per_quarter(
            "events-per-quarter", "Events per quarter, by type", results["events_per_quarter"],
            by_type=True,
        ),
    }  # fmt: skip


def write_site(
    out: Path,
    results: dict[str, list[Row]],
    sourced: Sourced,
    shapes: dict,
    context: Context,
) -> list[Chart]:
    """Write index.html, partners/<id>.html, threats/<id>.html and charts/<name>.svg into
    `out`, the pages' sourced tables from `sourced`; return every chart drawn."""
    env = environment()
    for folder in ("partners", "threats", "charts"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    write_fonts(out, context)
    context.headline = headline_figures(results)
    with drawing.reusing(context.previous_charts()):
        index = index_charts(results, shapes, context.as_of)
        by_threat = quarters.threat_charts(results["threats"], results["threat_events_per_quarter"])
    drawn = [index["map"], *index["timelines"], index["memberships"], index["matrix"]]
    drawn += [index["events"], *by_threat.values()]
    drawing.dispatch(drawn)  # many charts: the workers draw them while the pages are written
    write_partner_pages(env, out, results["partners"], sourced, context)
    write_threat_pages(env, out, results, sourced.threats, by_threat, context)
    write_page(
        out, "index.html", context, env.get_template("index.html.j2").render,
        {"page_title": "Cooperation atlas", "root": "", "partners": results["partners"],
         "threats": results["threats"], "as_of": context.as_of.isoformat(),
         "headline": (results["headline"] or [{}])[0],
         "newest_documents": results["newest_documents"],
         "changes": changes(results, context.pages, context.previous_manifest), **index},
    )  # fmt: skip
    for chart in drawn:
        svg = out / "charts" / f"{chart.name}.svg"
        if chart.reused and context.previous is not None:
            os.link(context.previous / "charts" / svg.name, svg)
        else:
            svg.write_text(standalone(chart.svg))
            context.drawn.append(f"charts/{svg.name}")
    return drawn


def write_partner_pages(
    env: jinja2.Environment,
    out: Path,
    partners: list[Row],
    sourced: Sourced,
    context: Context,
) -> None:
    """partners/<id>.html: agreements, memberships, events and documents, with sources. A page
    whose partner row and tables' digest (`sourced.digests`) are unchanged is kept before its
    lines are written: an increment writes the lines of the partners it touched only."""
    render = env.get_template("partner.html.j2").render
    waiting = {}
    for partner in partners:
        pid = partner["partner_id"]
        inputs = {
            "page_title": partner["partner_name"], "root": "../", "partner": partner,
            "region_anchor": f"timeline-{slug(partner['region'])}",
        }  # fmt: skip
        relative = f"partners/{slug(pid)}.html"
        shown = rows_digest([inputs, sourced.digests.get(pid)])
        if not keep_page(out, relative, context, shown):
            waiting[pid] = (relative, inputs, shown)
    for pid, tables in sourced.partners(list(waiting)):
        relative, inputs, shown = waiting[pid]
        draw_page(out, relative, context, render, {**inputs, **tables}, shown)


def write_threat_pages(
    env: jinja2.Environment,
    out: Path,
    results: dict[str, list[Row]],
    events: dict[str, SourcedTable],
    by_threat: dict[str, Chart],
    context: Context,
) -> None:
    """threats/<id>.html: events per quarter (no event, no chart: the page says so) and the
    latest events, with sources."""
    render = env.get_template("threat.html.j2").render
    for threat in results["threats"]:
        tid = threat["threat_id"]
        inputs = {
            "page_title": threat["threat_name"], "root": "../", "threat": threat,
            "events_chart": by_threat.get(tid),
            "events": events.get(tid) or SourcedTable(THREAT_EVENTS[1]),
        }  # fmt: skip
        write_page(out, f"threats/{slug(tid)}.html", context, render, inputs)


def write_manifest(out: Path, key: str, context: Context, drawn: list[Chart]) -> None:
    """atlas.json: the key it was drawn from, every chart and page with its digest, and the
    files drawn anew by this generation (the others are the previous atlas's)."""
    manifest = {
        "key": key,
        "code": context.code_digest,  # a new one draws every chart: the workers start early
        "data_date": context.data_date,
        "as_of": context.as_of.isoformat(),
        "charts": [
            {
                "name": chart.name,
                "title": chart.title,
                "width": chart.width,
                "height": chart.height,
                "rows": chart.marks,
                "digest": chart.digest,
            }
            for chart in drawn
        ],
        "headline": context.headline,
        "pages": context.pages,
        "drawn": sorted(context.drawn),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1))
