"""The atlas's charts drawn by worker processes when they are many, in this process when few:
the same accessible SVG either way."""

from __future__ import annotations

from concurrent.futures import Future

import altair as alt

from orchestration.publication.atlas import drawing


def bar_chart(number: int) -> drawing.Chart:
    rows = [{"quarter": f"Q{q}", "events": number + q} for q in range(1, 5)]
    chart = drawing.Chart(f"bars-{number}", f"Events, chart {number}", "Four bars.", [], rows)
    spec = (
        alt.Chart(alt.NamedData(name=drawing.ROWS)).mark_bar().encode(x="quarter:N", y="events:Q")
    )
    return drawing.render(chart, spec, {drawing.ROWS: rows})


def test_many_charts_are_drawn_by_the_workers_as_this_process_draws_them():
    charts = [bar_chart(number) for number in range(drawing.MANY)]
    here = [drawing.draw(*chart.request) for chart in charts]
    drawing.dispatch(charts)
    assert all(isinstance(chart.drawing, Future) for chart in charts)
    assert [chart.drawn() for chart in charts] == here
    assert '<title id="bars-0-title">Events, chart 0</title>' in charts[0].svg
    assert charts[0].width > 0 and charts[0].height > 0


def test_few_charts_are_drawn_in_this_process_when_first_read():
    charts = [bar_chart(number) for number in range(drawing.MANY - 1)]
    drawing.dispatch(charts)
    assert all(chart.drawing is None for chart in charts)
    name = charts[-1].name
    svg = charts[-1].svg
    assert svg.startswith(f'<svg role="img" aria-labelledby="{name}-title {name}-desc"')
    assert f'<desc id="{name}-desc">Four bars.</desc>' in svg
    assert isinstance(charts[-1].drawing, drawing.Drawing)
