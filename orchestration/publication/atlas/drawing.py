"""Drawing the atlas's charts: the Chart record, the font, rendering a Vega-Lite spec to an
accessible SVG with vl-convert in a worker process (the pages are written meanwhile), keeping
a previous SVG whose spec is unchanged, and the small formatters (codes as words, plurals,
cells) the charts and pages share.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import altair as alt
import vl_convert

from orchestration.publication.atlas import fonts, workers
from orchestration.settings import ATLAS_FONT_FILES

Row = dict[str, Any]
# a chart's drawn rows: a named data set added to the spec after Altair's walk (render), which
# validated and converted every row of inline values one by one
ROWS = "rows"
# the worker processes (workers.py) start with the publish step, not during dbt, where they
# would add to the build's peak memory
MANY = 8  # charts to draw from which the workers' start (1-3 s) pays; fewer are drawn here
FONT = "Inter"  # measured by vl-convert and shown by the pages: one font file for both
# codes of the marts shown as words (`in_force` as "in force")
ACRONYMS = {"eu": "EU", "un": "UN"}  # in codes, shown in capitals
CODE_COLUMNS = {"status", "agreement_type", "party_role", "membership_role", "event_type",
                "participant_role", "spell_status", "current_status", "partner_type",
                "relation"}  # fmt: skip


def slug(text: str) -> str:
    """A file-name-safe form of an id or a region name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def plural(count: int, word: str, words: str | None = None) -> str:
    """The count and its word: 1 agreement, 2 agreements."""
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


class Drawing(NamedTuple):
    """A chart's accessible SVG and its size in px."""

    svg: str
    width: int
    height: int


@dataclass
class Chart:
    """A rendered chart and what a reader without the picture needs instead."""

    name: str  # file name stem: <name>.svg beside the page
    title: str
    summary: str  # the text alternative: what the chart shows, in one or two sentences
    columns: list[str]  # the table behind the chart
    rows: list[Row]
    marks: int = field(default=0)  # data rows drawn (0: the chart says "no data")
    digest: str = ""  # of its specification (data included): the same digest draws the same SVG
    reused: bool = False  # its SVG is the previous atlas's, not drawn again
    # the SVG, or its drawing by a worker process (awaited when the SVG is first read)
    drawing: Drawing | Future[Drawing] | None = field(default=None, repr=False)
    request: tuple = field(default=(), repr=False)  # what `draw` is given, until drawn

    def drawn(self) -> Drawing:
        if self.drawing is None and self.request:
            self.drawing = draw(*self.request)  # few charts: drawn in this process
        if isinstance(self.drawing, Future):
            try:
                self.drawing = self.drawing.result()
            except BrokenProcessPool:  # a worker could not start or died: drawn here instead
                workers.broke()
                self.drawing = draw(*self.request)
        if self.drawing is None:
            raise ValueError(f"chart {self.name} was never rendered")
        self.request = ()
        return self.drawing

    @property
    def svg(self) -> str:
        return self.drawn().svg

    @property
    def width(self) -> int:
        return self.drawn().width

    @property
    def height(self) -> int:
        return self.drawn().height

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


_fonts: list[str] = []  # the font folders this process's vl-convert measures with


def use_font(cut: Path | None = None) -> None:
    """Give vl-convert the atlas's font, once per process: it measures every label with it.
    `cut`: a worker's folder of the font cut to fonts.RANGES, instead of the whole font."""
    if _fonts:
        return
    for path in ATLAS_FONT_FILES.values():
        if not path.is_file():
            raise FileNotFoundError(f"the atlas's font is not at {path}: run `make manifest`")
    folders = [str(cut)] if cut else [str(path.parent) for path in ATLAS_FONT_FILES.values()]
    for folder in folders:
        vl_convert.register_font_directory(folder)
    _fonts.extend(folders)


def start_engine() -> None:
    """Start vl-convert's JavaScript engine and load Vega-Lite with one tiny chart: the first
    chart of a process costs more than the next ones. An error here is left for the first
    chart to report (a failing initializer would only say the worker broke)."""
    with contextlib.suppress(Exception):
        use_font()
        vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


def jsonable(rows: list[Row]) -> list[Row]:
    """Rows as Vega reads them: dates as ISO strings."""
    return [
        {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()} for row in rows
    ]


def render(chart: Chart, spec: alt.TopLevelMixin, datasets: dict[str, Any] | None = None) -> Chart:
    """The chart's spec, to be drawn (`dispatch`, or when first read) unless the previous
    atlas drew the same digest. `datasets` are named data (ROWS, the country shapes) added
    after Altair's walk over the spec: walking and validating them took longer than drawing
    them."""
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
            svg = re.sub(r"<style>@font-face.*?</style>", "", drawn.read(), count=1)
        chart.drawing, chart.reused = Drawing(svg, before.width, before.height), True
        return chart
    chart.request = (chart.name, chart.title, chart.summary, vega_lite)
    return chart


def dispatch(rendered: list[Chart]) -> None:
    """Hand the `rendered` charts still to be drawn to the workers, when there are MANY:
    fewer are drawn in this process when first read, without the workers' start (the atlas
    dispatches its charts before it writes the pages, so that the workers draw meanwhile).
    A chart with a character the workers' cut font lacks is drawn here, with the whole font."""
    charts = [chart for chart in rendered if chart.drawing is None and chart.request]
    pool = workers.pool() if len(charts) >= MANY else None
    try:
        for chart in charts if pool is not None else []:
            if fonts.covers(json.dumps(chart.request, ensure_ascii=False, default=str)):
                chart.drawing = pool.submit(draw, *chart.request)
    except BrokenProcessPool:  # the workers broke: the others are drawn here when read
        workers.broke()


def draw(name: str, title: str, summary: str, vega_lite: dict) -> Drawing:
    """Render to SVG and make it accessible: a <title> and <desc>, role img, sizes recorded."""
    use_font()
    svg = vl_convert.vegalite_to_svg(vega_lite)
    size = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    if size is None:
        raise ValueError(f"chart {name}: vl-convert returned no sized <svg>")
    head = f'<svg role="img" aria-labelledby="{name}-title {name}-desc" data-chart="{name}"'
    accessible = (
        f'<title id="{name}-title">{html.escape(title)}</title>'
        f'<desc id="{name}-desc">{html.escape(summary)}</desc>'
    )
    # Vega numbers gradients per process: named after the chart instead, an SVG is the same
    # whatever was drawn before it, and two charts inlined in one page never share an id
    ids = {old: f"{name}-gradient-{n}" for n, old in
           enumerate(dict.fromkeys(re.findall(r"\bgradient_\d+\b", svg)))}  # fmt: skip
    svg = re.sub(r"\bgradient_\d+\b", lambda m: ids[m.group(0)], svg)
    svg = svg.replace("<svg", head, 1)
    svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + accessible, svg, count=1)
    return Drawing(svg, round(float(size.group(1))), round(float(size.group(2))))
