"""Drawing the atlas's charts: the Chart record, the font, handing its Vega-Lite spec to a
worker process to draw (vega_svg.py; the pages are written meanwhile), keeping a previous SVG
whose spec is unchanged, and the small formatters (codes as words, plurals, cells) the charts
and pages share.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import altair as alt

from orchestration.publication import measuring_font
from orchestration.publication.atlas import workers
from orchestration.publication.vega_svg import Drawing, draw

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
            if measuring_font.covers(json.dumps(chart.request, ensure_ascii=False, default=str)):
                chart.drawing = pool.submit(draw, *chart.request)
    except BrokenProcessPool:  # the workers broke: the others are drawn here when read
        workers.broke()
