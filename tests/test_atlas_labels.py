"""Long axis labels cut in Python draw the SVG Vega draws when it cuts them itself.

Each chart is rendered twice by vl-convert: once with Vega's own `labelLimit` (Vega measures
and cuts every label), once with the timelines' axis (charts.line_axis, labels.py); the two
SVGs must be equal, byte for byte. The labels are the timelines' kind (partner · agreement
type · personal data) over country names from pycountry: long names, diacritics, commas.
"""

from __future__ import annotations

import altair as alt
import pycountry
import pytest
import vl_convert

from orchestration.publication import vega_svg
from orchestration.publication.atlas import drawing
from orchestration.publication.atlas.charts import LABEL_LIMIT as LIMIT
from orchestration.publication.atlas.charts import line_axis
from orchestration.publication.atlas.labels import ELLIPSIS, cut, width

TITLE = {"titleAngle": 0, "titleAlign": "left", "titleAnchor": "start", "titleY": -8, "titleX": -4}
KINDS = ("EU international agreement", "memorandum of understanding", "working arrangement")


def svg(labels: list[str], axis: alt.Axis) -> str:
    vega_svg.use_font()
    chart = alt.Chart(alt.Data(values=[{"line": label, "n": i} for i, label in enumerate(labels)]))
    spec = chart.mark_bar().encode(
        x="n:Q", y=alt.Y("line:N", sort=labels, axis=axis, title="partner · agreement")
    )
    vega_lite = spec.properties(width=300).to_dict(validate=False)
    vega_lite["config"] = {"font": drawing.FONT}
    return vl_convert.vegalite_to_svg(vega_lite)


def timeline_labels(start: int, count: int) -> list[str]:
    names = sorted(country.name for country in pycountry.countries)[start : start + count]
    return [
        f"{name} · {kind} · {data}"
        for name in names
        for kind in KINDS
        for data in ("personal data", "no personal data")
    ]


@pytest.mark.parametrize("start", [0, 60, 120, 180])
def test_labels_cut_here_draw_the_svg_vega_draws_cutting_them(start):
    labels = timeline_labels(start, 20)
    fates = {label: cut(label, LIMIT) for label in labels}
    assert any(fate not in (None, label) for label, fate in fates.items())  # cut here
    assert any(fate == label for label, fate in fates.items())  # short enough
    if start in (60, 180):  # a blank before the ellipsis: Vega cuts it, axis the same
        assert None in fates.values()
    vega = svg(labels, alt.Axis(labelLimit=LIMIT, **TITLE))
    assert ELLIPSIS in vega
    assert svg(labels, line_axis(labels)) == vega


def test_short_labels_draw_the_same_svg_with_no_limit_left():
    labels = ["Chile", "Côte d'Ivoire", "Bosnia and Herzegovina", "Trinidad & Tobago"]
    axis = line_axis(labels)
    assert axis.labelLimit == 0
    assert svg(labels, axis) == svg(labels, alt.Axis(labelLimit=LIMIT, **TITLE))


def test_a_cut_label_fits_the_limit_with_its_ellipsis():
    label = "Congo, The Democratic Republic of the · liaison officer agreement · personal data"
    short = cut(label, LIMIT)
    assert short is not None and short.endswith(ELLIPSIS)
    assert label.startswith(short[:-1])
    assert width(short) < LIMIT <= width(label)
    assert width(label[: len(short)] + ELLIPSIS) >= LIMIT  # one more letter would not fit


def test_a_width_too_near_the_limit_is_left_to_vega():
    assert cut("Chile", width("Chile")) is None
    assert cut("Chile", width("Chile") + 1) == "Chile"


def test_the_width_follows_svg_white_space_rules():
    assert width("  personal   data ") == width("personal data")
    assert width("personal data") > width("personal")
