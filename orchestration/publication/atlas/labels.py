"""Long axis labels cut to a width as Vega cuts them, measured here once.

vl-convert measures a text by parsing a small SVG of it (usvg) on every call, and Vega cuts a
label wider than its limit by a binary search over its prefixes, at every layout pass: the
timelines' long labels took most of the atlas's drawing time. The same cut is computed here
with HarfBuzz (the shaper usvg's rustybuzz ports) on the same font file and SVG's white-space
rules, and handed to Vega as the labels' text, with no limit left for it to apply. The drawn
SVG is byte for byte the one Vega would have drawn (tests/test_atlas_labels.py compares them).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable

import altair as alt
import uharfbuzz as hb

from orchestration.settings import ATLAS_FONT_FILES

# Vega's defaults, set on the axes: what is measured here is what is drawn
LABEL_SIZE = 10  # px
TICK_SIZE = 5
LABEL_PADDING = 2
ELLIPSIS = "\u2026"  # Vega's
UNSURE = 0.01  # px: a width this near a bound is left to Vega (HarfBuzz and usvg round apart)


@functools.cache
def _font() -> tuple[hb.Font, int]:
    """The regular face the labels are drawn in, and its units per em."""
    face = hb.Face(hb.Blob.from_file_path(str(ATLAS_FONT_FILES["Inter-Regular.ttf"])))
    return hb.Font(face), face.upem


def width(text: str, size: float = LABEL_SIZE) -> float:
    """The width vl-convert gives a text: SVG's default white space (trimmed, runs of blanks
    as one space), shaped with the font's kerning, in px."""
    font, upem = _font()
    buffer = hb.Buffer()
    buffer.add_str(" ".join(text.split()))
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    return sum(glyph.x_advance for glyph in buffer.glyph_positions) * size / upem


def cut(text: str, limit: float, size: float = LABEL_SIZE) -> str | None:
    """`text`, or its longest prefix that fits `limit` with an ellipsis, as Vega's `truncate`
    (vega-scenegraph) cuts it, with its strict comparisons; None when a width falls too near
    a bound to decide here, or when the cut label is drawn wider than `limit` (a blank before
    the ellipsis): vl-convert counts it `limit` wide, so Vega must cut it itself."""
    whole = width(text, size)
    if abs(whole - limit) < UNSURE:
        return None
    if whole < limit:
        return text
    room = limit - width(ELLIPSIS, size)
    low, high = 0, len(text)
    while low < high:
        middle = 1 + ((low + high) >> 1)
        prefix = width(text[:middle], size)
        if abs(prefix - room) < UNSURE:
            return None
        low, high = (middle, high) if prefix < room else (low, middle - 1)
    short = text[:low] + ELLIPSIS
    return short if width(short, size) < limit - UNSURE else None


def left_axis(labels: Iterable[str], limit: float, **options: object) -> alt.Axis:
    """A left axis whose labels show as `labelLimit=limit` shows them, byte for byte, with
    Vega measuring each once: the labels cut here are looked up by an expression, the few
    left to Vega keep the limit, the others have none. vl-convert counts a label it cut
    `limit` wide: when any is cut, the axis keeps that extent (which would move a title not
    placed by `titleX` and `titleY`)."""
    cuts, unsure = {}, []
    for label in labels:
        short = cut(label, limit)
        if short is None:
            unsure.append(label)
        elif short != label:
            cuts[label] = short
    if cuts:
        options["labelExpr"] = f"{json.dumps(cuts, ensure_ascii=False)}[datum.label] || datum.label"
    if cuts or unsure:
        options["minExtent"] = TICK_SIZE + LABEL_PADDING + limit
    if unsure:  # an expression per label: Vega cuts these, its label bounds say `limit` wide
        known = json.dumps(unsure, ensure_ascii=False)
        options["labelLimit"] = {"expr": f"indexof({known}, datum.value) >= 0 ? {limit:g} : 0"}
    return alt.Axis(labelFontSize=LABEL_SIZE, tickSize=TICK_SIZE, labelPadding=LABEL_PADDING,
                    **{"labelLimit": 0, **options})  # fmt: skip
