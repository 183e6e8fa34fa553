"""The atlas's charts: Vega-Altair specifications rendered to SVG by vl-convert at build time.

Every chart is drawn from the rows of one table of the `atlas` schema (dbt_project/models/atlas/),
carries a title, axis
titles, a text alternative (the SVG's <title> and <desc>, and a sentence on the page) and the
table of those rows. Colours come from the Okabe-Ito palette, which readers with the common
colour-vision deficiencies can tell apart; counts use the viridis ramp, readable in grey too.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import vl_convert

from orchestration.settings import ATLAS_FONT_FILES

Row = dict[str, Any]
FONT = "Inter"  # measured by vl-convert and shown by the pages: one font file for both

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000")
LEVEL_COLOURS = {
    "personal data": "#0072B2",
    "strategic": "#56B4E9",
    "negotiating": "#E69F00",
    "none": "#DDDDDD",
}
SHAPES = "countries"  # the world-atlas TopoJSON, as a named data set of the map's spec
NO_DATA_COLOUR = "#FFFFFF"  # land with no partner in the warehouse (outlined only)
WIDTH = 720
ROW_STEP = 16  # px per row of a timeline or matrix: labels stay legible
# long partner and agreement labels, not cut at 180 px; the axis title above them, level, where
# a rotated one would stand beside (and, with a wider font, over) the labels
LABELS = alt.Axis(labelLimit=320, titleAngle=0, titleAlign="left", titleAnchor="start",
                  titleY=-8, titleX=-4)  # fmt: skip
ACRONYMS = {"eu": "EU", "un": "UN"}  # in codes, shown in capitals
# codes of the marts shown as words (`in_force` as "in force")
CODE_COLUMNS = {"status", "agreement_type", "party_role", "membership_role", "event_type",
                "participant_role", "spell_status", "current_status", "partner_type",
                "relation"}  # fmt: skip


def slug(text: str) -> str:
    """A file-name-safe form of an id or a region name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 agreement", "2 agreements"."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def human(code: object) -> object:
    """A code as words: `in_force` as "in force", `eu_international_agreement` with "EU"."""
    if not isinstance(code, str):
        return code
    return " ".join(ACRONYMS.get(word, word) for word in code.split("_"))


def display(value: object) -> str:
    """A cell as the tables show it: empty for no value, yes/no for flags, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def cells(rows: list[Row], columns: list[str]) -> list[list[str]]:
    """Rows formatted once in Python: a Jinja macro call per cell cost seconds at 1M events."""
    coded = [column in CODE_COLUMNS for column in columns]
    return [
        [display(human(row[c]) if code else row[c]) for c, code in zip(columns, coded, strict=True)]
        for row in rows
    ]


@dataclass
class Chart:
    """A rendered chart and what a reader without the picture needs instead."""

    name: str  # file name stem: <name>.svg beside the page
    title: str
    summary: str  # the text alternative: what the chart shows, in one or two sentences
    columns: list[str]  # the table behind the chart
    rows: list[Row]
    svg: str = ""
    width: int = 0
    height: int = 0
    marks: int = field(default=0)  # data rows drawn (0: the chart says "no data")
    digest: str = ""  # of its specification (data included): the same digest draws the same SVG
    reused: bool = False  # its SVG is the previous atlas's, not drawn again

    @property
    def cells(self) -> list[list[str]]:
        return cells(self.rows, self.columns)


@dataclass(frozen=True)
class Drawn:
    """A chart of the previous atlas: its digest and where its SVG is."""

    digest: str
    svg_path: str
    width: int
    height: int


_previous: contextvars.ContextVar[dict[str, Drawn]] = contextvars.ContextVar("previous")


@contextlib.contextmanager
def reusing(previous: dict[str, Drawn]) -> Iterator[None]:
    """Charts rendered inside take the previous atlas's SVG when their digest is unchanged."""
    token = _previous.set(previous)
    try:
        yield
    finally:
        _previous.reset(token)


def spec_digest(chart: Chart, vega_lite: dict) -> str:
    text = json.dumps([chart.title, chart.summary, vega_lite], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def use_font() -> None:
    """Give vl-convert the atlas's font, once per process: it measures every label with it."""
    for path in ATLAS_FONT_FILES.values():
        if not path.is_file():
            raise FileNotFoundError(f"the atlas's font is not at {path}: run `make manifest`")
        vl_convert.register_font_directory(str(path.parent))


def warm_up() -> None:
    """Start vl-convert's JavaScript engine and load Vega-Lite with one tiny chart: the first
    chart of a process costs ~0.4 s more than the next ones."""
    use_font()
    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


def jsonable(rows: list[Row]) -> list[Row]:
    """Rows as Vega reads them: dates as ISO strings."""
    return [
        {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()} for row in rows
    ]


def render(chart: Chart, spec: alt.TopLevelMixin, datasets: dict[str, Any] | None = None) -> Chart:
    """Render to SVG and make it accessible: a <title> and <desc>, role img, sizes recorded.
    `datasets` are named data added after Altair's walk over the spec (the country shapes:
    walking and validating their 100 kB of arcs took longer than drawing the map)."""
    spec = spec.properties(title=chart.title, description=chart.summary)
    # Altair's schema validation took ~40 % of the atlas's time; vl-convert rejects a bad spec
    vega_lite = spec.to_dict(validate=False)
    vega_lite.setdefault("datasets", {}).update(datasets or {})
    vega_lite.setdefault("config", {})["font"] = FONT
    chart.digest = spec_digest(chart, vega_lite)
    chart.marks = len(chart.rows)
    before = _previous.get({}).get(chart.name)
    if before is not None and before.digest == chart.digest:
        with open(before.svg_path, encoding="utf-8") as drawn:  # noqa: PTH123 - a str path
            # the file's own font faces (pages.standalone) are the page's when inlined
            chart.svg = re.sub(r"<style>@font-face.*?</style>", "", drawn.read(), count=1)
        chart.width, chart.height, chart.reused = before.width, before.height, True
        return chart
    use_font()
    svg = vl_convert.vegalite_to_svg(vega_lite)
    size = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    if size is None:
        raise ValueError(f"chart {chart.name}: vl-convert returned no sized <svg>")
    chart.width, chart.height = round(float(size.group(1))), round(float(size.group(2)))
    head = (
        f'<svg role="img" aria-labelledby="{chart.name}-title {chart.name}-desc" '
        f'data-chart="{chart.name}"'
    )
    accessible = (
        f'<title id="{chart.name}-title">{html.escape(chart.title)}</title>'
        f'<desc id="{chart.name}-desc">{html.escape(chart.summary)}</desc>'
    )
    # Vega numbers gradients per process: named after the chart instead, an SVG is the same
    # whatever was drawn before it, and two charts inlined in one page never share an id
    ids = {old: f"{chart.name}-gradient-{n}" for n, old in
           enumerate(dict.fromkeys(re.findall(r"\bgradient_\d+\b", svg)))}  # fmt: skip
    svg = re.sub(r"\bgradient_\d+\b", lambda m: ids[m.group(0)], svg)
    svg = svg.replace("<svg", head, 1)
    chart.svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + accessible, svg, count=1)
    return chart


def rows_height(count: int) -> int:
    return max(60, ROW_STEP * count)


def cooperation_map(rows: list[Row], shapes: dict, as_of: dt.date) -> Chart:
    """Countries coloured by their strongest instrument with an EU body on `as_of`."""
    levels = Counter(row["cooperation_level"] for row in rows)
    chart = Chart(
        "cooperation-map",
        f"Cooperation with EU bodies on {as_of.isoformat()}",
        f"World map of {len(rows)} partner countries on {as_of.isoformat()}: "
        + ", ".join(f"{levels[level]} {level}" for level in LEVEL_COLOURS)
        + ". Countries not in the warehouse are white.",
        ["partner_name", "region", "iso_numeric", "cooperation_level"],
        rows,
    )
    countries = (
        alt.Chart(
            alt.NamedData(name=SHAPES, format=alt.DataFormat(type="topojson", feature="countries"))
        )
        .transform_lookup(
            lookup="id",
            from_=alt.LookupData(
                alt.Data(values=jsonable(rows)),
                "iso_numeric",
                ["cooperation_level", "partner_name"],
            ),
        )
        .transform_calculate(level="datum.cooperation_level || 'not a partner'")
        .mark_geoshape(stroke="#555", strokeWidth=0.4)
        .encode(
            color=alt.Color(
                "level:N",
                title="strongest instrument",
                scale=alt.Scale(
                    domain=[*LEVEL_COLOURS, "not a partner"],
                    range=[*LEVEL_COLOURS.values(), NO_DATA_COLOUR],
                ),
            )
        )
        .project(type="equalEarth")
        .properties(width=WIDTH, height=380)
    )
    return render(chart, countries, datasets={SHAPES: shapes})


def threat_matrix(rows: list[Row]) -> Chart:
    """Events per partner and threat, as a grid of cells shaded by the count."""
    partners = sorted({row["partner_name"] for row in rows})
    busiest = max(rows, key=lambda row: row["events"], default=None)
    chart = Chart(
        "partner-threat-matrix",
        "Partners and threats: events per partner and threat",
        f"Grid of {plural(len(partners), 'partner')} by "
        f"{plural(len({row['threat_id'] for row in rows}), 'threat')}; "
        "each cell counts the events the partner took part in that discussed or targeted the "
        "threat"
        + (
            f"; the largest is {busiest['partner_name']} on {busiest['threat_name']} "
            f"({busiest['events']})."
            if busiest
            else "."
        ),
        ["partner_name", "threat_name", "events"],
        rows,
    )
    base = alt.Chart(alt.Data(values=jsonable(rows))).encode(
        x=alt.X("threat_name:N", title="threat", axis=alt.Axis(labelAngle=-40, labelLimit=320)),
        y=alt.Y("partner_name:N", title="partner", axis=LABELS),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("events:Q", title="events", scale=alt.Scale(scheme="viridis"))
    )
    # viridis runs from dark purple to yellow: dark text on the light upper part of the ramp
    light = 0.6 * (busiest["events"] if busiest else 0)
    labels = base.mark_text(fontSize=9).encode(
        text="events:Q",
        color=alt.condition(alt.datum.events > light, alt.value("#000"), alt.value("#fff")),
    )
    spec = (cells + labels).properties(width=ROW_STEP * 2 * 20, height=rows_height(len(partners)))
    return render(chart, spec)
