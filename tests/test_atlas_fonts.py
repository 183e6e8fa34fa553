"""The chart workers' cut font measures every text it covers as the whole font does.

HarfBuzz (the shaper usvg's rustybuzz ports, as in test_atlas_labels.py) shapes the same
strings with the cut and the whole font file: glyph for glyph, the advances, offsets and
clusters must be equal, kerning and substitutions included. Which charts may use the cut is
decided by `covers`, which must hold exactly the cut's own characters.
"""

from __future__ import annotations

import pycountry
import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont

from orchestration.publication import measuring_font as fonts
from orchestration.settings import ATLAS_FONT_FILES

KINDS = ("EU international agreement", "memorandum of understanding", "working arrangement")


def shaped(path, text: str) -> list[tuple]:
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    return [
        (info.cluster, pos.x_advance, pos.x_offset, pos.y_offset)
        for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
    ]


def texts() -> list[str]:
    """Labels of the timelines' kind over every country name the cut covers, numbers as d3
    formats them (its minus sign), dates, and a label cut with Vega's ellipsis."""
    names = sorted(country.name for country in pycountry.countries)
    labels = [f"{name} · {KINDS[i % 3]} · personal data" for i, name in enumerate(names)]
    numbers = ["−1,234.5", "0.25", "1e+6", "12 %", "€ 3,000", "‰ 7", "2026-12-07", "Q4 2026"]
    return [*labels, *numbers, "Bosnia and Herzegovina · memorandum of und…", "AVAWAY To Ty"]


@pytest.mark.parametrize("name", sorted(ATLAS_FONT_FILES))
def test_the_cut_shapes_every_covered_text_as_the_whole_font(name):
    cut = fonts.measuring_fonts() / name
    covered = [text for text in texts() if fonts.covers(text)]
    assert len(covered) > 200, "too few texts covered to prove anything"
    differing = [t for t in covered if shaped(cut, t) != shaped(ATLAS_FONT_FILES[name], t)]
    assert differing == []


def test_covers_holds_exactly_the_characters_of_the_cut():
    for name in ATLAS_FONT_FILES:
        cut = TTFont(fonts.measuring_fonts() / name)
        assert set(map(chr, cut["cmap"].getBestCmap())) >= fonts.covered()
    assert fonts.covers("Côte d'Ivoire · −3 …") and fonts.covers("")
    assert not fonts.covers("Ελλάδα") and not fonts.covers("Россия · agreement")


def test_the_cut_is_smaller_than_the_whole_font():
    for name, whole in ATLAS_FONT_FILES.items():
        cut = fonts.measuring_fonts() / name
        assert cut.stat().st_size < whole.stat().st_size / 4
