"""One chart drawn by vl-convert: a Vega-Lite spec to an accessible SVG, in whichever process
draws it, with the font registered once per process. Apart from the atlas package, whose
import (Altair, DuckDB, Jinja) a chart worker does not need: a worker imports this module only,
and starts in a fraction of the time.
"""

from __future__ import annotations

import contextlib
import html
import re
from pathlib import Path
from typing import NamedTuple

import vl_convert

from orchestration.publication import measuring_font
from orchestration.settings import ATLAS_FONT_FILES


class Drawing(NamedTuple):
    """A chart's accessible SVG and its size in px."""

    svg: str
    width: int
    height: int


_fonts: list[str] = []  # the font folders this process's vl-convert measures with


def use_font(cut: Path | None = None) -> None:
    """Give vl-convert the atlas's font, once per process: it measures every label with it.
    `cut`: a worker's folder of the font cut to measuring_font.RANGES, instead of the whole font."""
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


def start_worker() -> None:
    """A chart worker's start (atlas/workers.py): register the cut font, then start
    vl-convert's engine. A cut that cannot be made leaves the whole font, which measures the
    same (only slower)."""
    with contextlib.suppress(Exception):
        use_font(measuring_font.measuring_fonts())
    start_engine()


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
