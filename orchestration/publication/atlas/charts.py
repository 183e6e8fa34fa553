"""The atlas's charts: Vega-Altair specifications rendered to SVG by vl-convert at build time.

Every chart is drawn from the rows of one query in `atlas/queries/`, carries a title, axis
titles, a text alternative (the SVG's <title> and <desc>, and a sentence on the page) and the
table of those rows. Colours come from the Okabe-Ito palette, which readers with the common
colour-vision deficiencies can tell apart; counts use the viridis ramp, readable in grey too.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import vl_convert

Row = dict[str, Any]

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000")
STATUS_COLOURS = {
    "recommended": "#F0E442",
    "mandate_adopted": "#D55E00",
    "negotiating": "#E69F00",
    "signed": "#56B4E9",
    "concluded": "#CC79A7",
    "in_force": "#0072B2",
}
LEVEL_COLOURS = {
    "personal data": "#0072B2",
    "strategic": "#56B4E9",
    "negotiating": "#E69F00",
    "none": "#DDDDDD",
}
SHAPES = "countries"  # the world-atlas TopoJSON, as a named data set of the map's spec
NO_DATA_COLOUR = "#FFFFFF"  # land with no partner in the warehouse (outlined only)
WIDTH = 720
SHOWN_PER_PARTNER = 5  # agreements per partner the timeline query keeps
ROW_STEP = 16  # px per row of a timeline or matrix: labels stay legible
LABELS = alt.Axis(labelLimit=320)  # long partner and agreement labels, not cut at 180 px


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
    return [[display(row[column]) for column in columns] for row in rows]


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

    @property
    def cells(self) -> list[list[str]]:
        return cells(self.rows, self.columns)


def warm_up() -> None:
    """Start vl-convert's JavaScript engine and load Vega-Lite with one tiny chart: the first
    chart of a process costs ~0.4 s more than the next ones."""
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
    svg = svg.replace("<svg", head, 1)
    chart.svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + accessible, svg, count=1)
    chart.marks = len(chart.rows)
    return chart


def _rows_height(count: int) -> int:
    return max(60, ROW_STEP * count)


def agreement_timeline(name: str, region: str, rows: list[Row]) -> Chart:
    """Status spells of every agreement of the partners of one region, one line per
    partner and agreement, labelled with its type and whether it allows personal data."""
    for row in rows:
        data = "personal data" if row["allows_personal_data"] else "no personal data"
        kind = row["agreement_type"].replace("_", " ")
        row["line"] = f"{row['partner_name']} · {kind} · {data}"
    lines = sorted({row["line"] for row in rows})
    partners = len({row["partner_id"] for row in rows})
    agreements = len({row["agreement_id"] for row in rows})
    in_force = len({row["agreement_id"] for row in rows if row["current_status"] == "in_force"})
    of_all = rows[0]["partners_in_region"] if rows else 0
    whose = f"{partners} partners"
    if of_all > partners:  # the query keeps the partners with most agreements
        whose = f"the {partners} of {of_all} partners with most agreements"
    if max((row["agreements_of_partner"] for row in rows), default=0) > SHOWN_PER_PARTNER:
        whose += f" (for each, its {SHOWN_PER_PARTNER} latest)"
    chart = Chart(
        name,
        f"Agreements over time: {region}",
        f"{agreements} agreements of {whose} in {region}, one line per partner and "
        f"agreement, coloured by status over time; {in_force} are in force by their latest "
        "status.",
        ["partner_name", "agreement_name", "agreement_type", "allows_personal_data",
         "spell_status", "spell_from", "spell_to", "current_status"],
        rows,
    )  # fmt: skip
    spec = (
        alt.Chart(alt.Data(values=jsonable(rows)))
        .mark_bar(height=ROW_STEP - 4)
        .encode(
            x=alt.X("spell_from:T", title="date (status from … to)"),
            x2="spell_to:T",
            y=alt.Y(
                "line:N",
                title="partner · agreement type · personal data",
                sort=lines,
                axis=LABELS,
            ),
            color=alt.Color(
                "spell_status:N",
                title="status",
                scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
            ),
        )
        .properties(width=WIDTH - 300, height=_rows_height(len(lines)))
    )
    return render(chart, spec)


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


def membership_timeline(rows: list[Row]) -> Chart:
    """Membership spells of the largest organisations, one line per organisation and member."""
    for row in rows:
        row["line"] = f"{row['organisation_name']} · {row['member_name']}"
    lines = [row["line"] for row in rows]
    organisations = Counter(row["organisation_name"] for row in rows if row["is_current"])
    chart = Chart(
        "memberships",
        "Membership of CLASI, AMERIPOL and other organisations over time",
        "One line per organisation and member, from joining to leaving (or today); current "
        "members: " + ", ".join(f"{org} {n}" for org, n in sorted(organisations.items())) + ".",
        ["organisation_name", "member_name", "membership_role", "valid_from", "valid_to"],
        rows,
    )
    spec = (
        alt.Chart(alt.Data(values=jsonable(rows)))
        .mark_bar(height=ROW_STEP - 4)
        .encode(
            x=alt.X("valid_from:T", title="date (member from … to)"),
            x2="valid_to:T",
            y=alt.Y("line:N", title="organisation · member", sort=lines, axis=LABELS),
            color=alt.Color(
                "organisation_name:N", title="organisation", scale=alt.Scale(range=OKABE_ITO)
            ),
        )
        .properties(width=WIDTH - 300, height=_rows_height(len(lines)))
    )
    return render(chart, spec)


def threat_matrix(rows: list[Row]) -> Chart:
    """Events per partner and threat, as a grid of cells shaded by the count."""
    partners = sorted({row["partner_name"] for row in rows})
    busiest = max(rows, key=lambda row: row["events"], default=None)
    chart = Chart(
        "partner-threat-matrix",
        "Partners and threats: events per partner and threat",
        f"Grid of {len(partners)} partners by {len({row['threat_id'] for row in rows})} threats; "
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
    spec = (cells + labels).properties(width=ROW_STEP * 2 * 20, height=_rows_height(len(partners)))
    return render(chart, spec)


def events_per_quarter(name: str, title: str, rows: list[Row], by_type: bool) -> Chart:
    """Events per quarter: one small bar chart per event type (no colour to decode), or one."""
    total = sum(row["events"] for row in rows)
    quarters = len({row["quarter_start"] for row in rows})
    chart = Chart(
        name,
        title,
        f"{total} events over {quarters} quarters"
        + (", one panel per event type." if by_type else "."),
        ["quarter_start", *(["event_type"] if by_type else []), "events"],
        rows,
    )
    bars = (
        alt.Chart(alt.Data(values=jsonable(rows)))
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            x=alt.X("yearquarter(quarter_start):T", title="quarter"),
            y=alt.Y("events:Q", title="events"),
        )
    )
    if by_type:
        spec = bars.properties(width=WIDTH - 220, height=40).facet(
            row=alt.Row("event_type:N", title="event type", header=alt.Header(labelAngle=0))
        )
    else:
        spec = bars.properties(width=WIDTH - 120, height=160)
    return render(chart, spec)
