"""The atlas's events-per-quarter charts, drawn over a window that holds data.

The events span decades but cluster in the last few years: a quarter axis over the whole span
left most panels empty. The charts show the latest five years of events (at least two), the
busiest event types in a panel each and the rest in one; the summary counts what lies outside
the window, and the table behind the chart keeps every row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import altair as alt

from orchestration.publication.atlas.charts import OKABE_ITO, WIDTH
from orchestration.publication.atlas.drawing import (
    ROWS,
    Chart,
    Row,
    human,
    jsonable,
    plural,
    render,
    slug,
)

WINDOW = 20  # quarters shown at most: five years (and those of the first year)
AT_LEAST = 8  # quarters shown at least: one event is not one bar as wide as the chart
PANELS = 5  # event types with a panel of their own; the others share one
OTHERS = "other types"


def quarter_index(day: dt.date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def quarter_date(index: int) -> dt.date:
    return dt.date(index // 4, index % 4 * 3 + 1, 1)


def window(rows: list[Row]) -> tuple[int, int]:
    """The first and last quarter shown (as quarter indexes): up to the latest event."""
    quarters = [quarter_index(row["quarter_start"]) for row in rows]
    last = max(quarters)
    first = min(max(min(quarters), last - WINDOW + 1), last - AT_LEAST + 1)
    return first - first % 4, last  # from the start of a year: its label is the first tick


def panels(rows: list[Row]) -> list[str]:
    """The event types with a panel of their own, busiest first (then by name)."""
    counts = Counter()
    for row in rows:
        counts[human(row["event_type"])] += row["events"]
    ranked = sorted(counts, key=lambda kind: (-counts[kind], kind))
    if len(ranked) > PANELS + 1:  # an "other types" panel for a single type would be a panel
        return ranked[:PANELS]
    return ranked


def outside(rows: list[Row], first: int) -> str:
    earlier = [row for row in rows if quarter_index(row["quarter_start"]) < first]
    if not earlier:
        return ""
    count = sum(row["events"] for row in earlier)
    since = min(row["quarter_start"] for row in earlier).year
    return (
        f" {plural(count, 'earlier event')} (from {since}) "
        f"{'is' if count == 1 else 'are'} in the table, not drawn."
    )


def drawn(rows: list[Row], own: list[str]) -> list[Row]:
    """Events per quarter and panel, summed here: Vega's facet sort would not see a field
    summed away inside the panels."""
    sums: Counter[tuple[str, str]] = Counter()
    for row in jsonable(rows):
        kind = human(row.get("event_type"))
        sums[row["quarter_start"], kind if kind in own else OTHERS] += row["events"]
    ranks = {kind: rank for rank, kind in enumerate(own)}
    return [
        {"quarter_start": quarter, "panel": panel, "rank": ranks.get(panel, len(own)),
         "events": events}
        for (quarter, panel), events in sorted(sums.items())
    ]  # fmt: skip


def events_per_quarter(name: str, title: str, rows: list[Row], by_type: bool) -> Chart:
    """Events per quarter over the window: one panel per busy event type (no colour to
    decode) and one for the others, or a single chart."""
    today = quarter_index(dt.date.today())  # no event at all: an empty chart of this year
    first, last = window(rows) if rows else (today - today % 4, today)
    shown = [row for row in rows if quarter_index(row["quarter_start"]) >= first]
    years = quarter_date(first).year, quarter_date(last).year
    span = f"from {years[0]} to {years[1]}" if years[0] < years[1] else f"in {years[0]}"
    summary = (
        f"{plural(sum(row['events'] for row in shown), 'event')} {span}, by the quarter "
        "they started in" + (", one panel per event type." if by_type else ".")
    )
    chart = Chart(
        name,
        title,
        summary + outside(rows, first),
        ["quarter_start", *(["event_type"] if by_type else []), "events"],
        rows,
    )
    own = panels(shown) if by_type else []
    values = drawn(shown, own)
    scale = alt.Scale(domain=[quarter_date(first).isoformat(), quarter_date(last + 1).isoformat()])
    bars = (
        alt.Chart(alt.NamedData(name=ROWS))
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            x=alt.X(
                "yearquarter(quarter_start):T",
                title="quarter the events started in (labels: years)",
                scale=scale,
                axis=alt.Axis(format="%Y", tickCount="year", labelFlush=True),
            ),
            y=alt.Y("events:Q", title="events", axis=alt.Axis(tickMinStep=1, tickCount=2)),
        )
    )
    if not by_type:
        return render(chart, bars.properties(width=WIDTH - 120, height=160), {ROWS: values})
    spec = bars.properties(width=WIDTH - 260, height=44).facet(
        row=alt.Row(
            "panel:N",
            title="event type",
            sort=alt.EncodingSortField("rank", op="min"),
            header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=160),
        )
    )
    return render(chart, spec, {ROWS: values})


def threat_charts(threats: list[Row], per_quarter: list[Row]) -> dict[str, Chart]:
    """Events per quarter of each threat with events, by threat id."""
    rows: dict[str, list[Row]] = {}
    for row in per_quarter:
        rows.setdefault(row["threat_id"], []).append(row)
    return {
        threat["threat_id"]: events_per_quarter(
            f"threat-{slug(threat['threat_id'])}",
            f"Events per quarter: {threat['threat_name']}",
            rows[threat["threat_id"]],
            by_type=False,
        )
        for threat in threats
        if threat["threat_id"] in rows
    }
