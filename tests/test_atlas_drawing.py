"""The atlas's charts drawn by worker processes when they are many, in this process when few:
the same accessible SVG either way (the workers measure with the cut font, fonts.py, this
process with the whole one)."""

from __future__ import annotations

import json
from concurrent.futures import Future

import altair as alt

from orchestration.publication import measuring_font, vega_svg
from orchestration.publication.atlas import drawing, workers


def bar_chart(number: int, label: str = "Q") -> drawing.Chart:
    rows = [{"quarter": f"{label}{q}", "events": number + q} for q in range(1, 5)]
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


def test_a_chart_with_a_letter_the_cut_font_lacks_is_drawn_here_with_the_whole_font():
    greek = bar_chart(drawing.MANY, label="Τρίμηνο ")
    charts = [bar_chart(number) for number in range(drawing.MANY)] + [greek]
    here = drawing.draw(*greek.request)
    drawing.dispatch(charts)
    assert all(isinstance(chart.drawing, Future) for chart in charts[:-1])
    assert greek.drawing is None
    assert greek.drawn() == here and "Τρίμηνο 1" in greek.svg
    assert [chart.svg for chart in charts[:-1]]  # the workers' charts are read, none left queued


def test_started_workers_draw_with_the_cut_font(tmp_path):
    workers.start()
    pool = workers.pool()
    assert pool is not None
    assert set(pool.submit(registered_fonts).result()) == {str(measuring_font.measuring_fonts())}
    vega_svg.use_font()
    assert (
        str(measuring_font.measuring_fonts()) not in vega_svg._fonts
    )  # this process: the whole font


def registered_fonts() -> list[str]:
    return list(vega_svg._fonts)


def test_the_workers_start_early_only_when_the_atlas_will_draw_every_chart(tmp_path):
    from orchestration.publication import atlas
    from orchestration.publication.atlas.pages import MANIFEST
    from orchestration.settings import load_settings

    settings = load_settings({"COOP_WAREHOUSE_DIR": str(tmp_path / "warehouse")})
    assert atlas.redraws_all(settings)  # no atlas yet
    settings.atlas_dir.mkdir(parents=True)
    (settings.atlas_dir / "index.html").write_text("<html></html>")
    manifest = settings.atlas_dir / MANIFEST
    manifest.write_text(json.dumps({"key": "k", "code": atlas.code_digest()}))
    assert not atlas.redraws_all(settings)  # an increment: its changed charts only
    manifest.write_text(json.dumps({"key": "k", "code": "an earlier atlas code"}))
    assert atlas.redraws_all(settings)
