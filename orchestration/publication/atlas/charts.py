"""The atlas's charts: Vega-Altair specifications rendered to SVG by vl-convert at build time.

Every chart is drawn from the rows of one table of the `atlas` schema (dbt_project/models/atlas/),
carries a title, axis titles, a text alternative (the SVG's <title> and <desc>, and a sentence
on the page) and the table of those rows (drawing.py renders it). Colours come from the
Okabe-Ito palette, which readers with the common colour-vision deficiencies can tell apart;
counts use the viridis ramp, readable in grey too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import altair as alt

from orchestration.publication.atlas.drawing import ROWS, Chart, Row, jsonable, plural, render
from orchestration.publication.atlas.labels import left_axis

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
LABEL_LIMIT = 320  # px: long partner and agreement labels, not cut at Vega's 180


def line_axis(values: list[str], **options: object) -> alt.Axis:
    """The axis of a timeline's or the matrix's lines: long labels, cut at LABEL_LIMIT; its
    title above them, level, where a rotated one would stand beside (and, with a wider font,
    over) the labels."""
    return left_axis(values, LABEL_LIMIT, titleAngle=0, titleAlign="left",
                      titleAnchor="start", titleY=-8, titleX=-4, **options)  # fmt: skip


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
                alt.NamedData(name=ROWS),
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
    return render(chart, countries, datasets={SHAPES: shapes, ROWS: jsonable(rows)})


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
    base = alt.Chart(alt.NamedData(name=ROWS)).encode(
        x=alt.X(
            "threat_name:N", title="threat", axis=alt.Axis(labelAngle=-40, labelLimit=LABEL_LIMIT)
        ),
        y=alt.Y("partner_name:N", title="partner", axis=line_axis(partners)),
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
    return render(chart, spec, datasets={ROWS: jsonable(rows)})
