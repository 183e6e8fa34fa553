"""The font the chart workers measure text with: the atlas's font cut down to the Latin
letters, digits and punctuation most charts show, with every glyph, advance, kerning pair
and substitution of those characters kept as they are.

vl-convert 1.9 opens and maps the font file again for every glyph it measures, and a mapped
file is faulted in piece by piece: on a file a quarter of the size the charts' measuring
costs about half (bench/README.md). A chart with a character outside the cut is drawn with the
whole font (drawing.dispatch), so the cut never changes a drawing.

    .venv/bin/python -m orchestration.publication.measuring_font   # `make manifest` runs it
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

import fontTools
from fontTools.ttLib import TTFont

from orchestration.settings import ATLAS_FONT_FILES, PROJECT_ROOT

# Basic Latin, Latin-1, Latin Extended-A, Romanian's comma letters, dashes, quotes, the
# ellipsis Vega cuts labels with, per mille, the euro and d3-format's minus sign
RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x218, 0x21B), (0x2010, 0x2027), (0x2030, 0x203A),
          (0x20AC, 0x20AC), (0x2212, 0x2212))  # fmt: skip
FOLDER = PROJECT_ROOT / "atlas" / "measuring-fonts"  # generated, never committed


def wanted() -> set[int]:
    return {code for low, high in RANGES for code in range(low, high + 1)}


@functools.cache
def covered() -> frozenset[str]:
    """The characters the cut measures exactly as the whole font: those of RANGES that every
    weight of the font has (one missing from the font falls back to another font in both)."""
    codes = wanted()
    for path in ATLAS_FONT_FILES.values():
        codes &= set(TTFont(path, lazy=True)["cmap"].getBestCmap())
    return frozenset(map(chr, codes))


def covers(text: str) -> bool:
    """Every character of `text` is in the cut."""
    return set(text) <= covered()


def folder() -> Path:
    """Where the cut of these font files, by this fontTools, is (or goes)."""
    digest = hashlib.sha256(f"{fontTools.version}|{sorted(RANGES)}".encode())
    for path in ATLAS_FONT_FILES.values():
        digest.update(path.read_bytes())
    return FOLDER / digest.hexdigest()[:16]


def measuring_fonts() -> Path:
    """The folder of the cut fonts, made when missing: each file written aside and renamed
    into place, so two workers making it at once both read whole files."""
    from fontTools import subset  # imported here: the main process only needs the cmap

    target = folder()
    for name, source in ATLAS_FONT_FILES.items():
        if (target / name).is_file():
            continue
        target.mkdir(parents=True, exist_ok=True)
        options = subset.Options()  # harfbuzz's default features, the ones usvg shapes with
        font = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(wanted()))
        subsetter.subset(font)
        handle, aside = tempfile.mkstemp(dir=target, suffix=".tmp")
        os.close(handle)
        subset.save_font(font, aside, options)
        Path(aside).chmod(0o644)  # readable by all, as the font it is cut from
        Path(aside).replace(target / name)
    return target


if __name__ == "__main__":
    print(f"the charts' measuring font: {measuring_fonts()}")
