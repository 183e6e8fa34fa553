"""The cooperation atlas: static pages and SVG charts drawn from the `atlas` tables.

Every figure is aggregated by dbt (dbt_project/models/atlas/, built on both engines with the
marts), so generating the atlas reads only those small tables, never a fact table.
`refresh_atlas` is called after a publication (write-audit-publish): the atlas is written into
a temporary folder beside `warehouse/atlas/` and swapped in by renames only once complete, so a
failure leaves the previous atlas as it was. Pages and charts whose inputs are unchanged are
hard-linked from the previous atlas (pages.py); nothing is drawn when the key (the atlas
tables' rows and the atlas's own templates, code and shapes) is the previous one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from orchestration.landing.digests import sources_digest
from orchestration.publication.atlas.drawing import Row
from orchestration.publication.atlas.pages import MANIFEST, Context, write_manifest, write_site
from orchestration.publication.atlas.reading import FIGURES, AtlasError, read_figures, tables_key
from orchestration.publication.atlas.sourced import SOURCED_FIGURES, read_sourced
from orchestration.publication.publish import swap_folder
from orchestration.settings import ATLAS_FONT_FILES, ATLAS_SHAPES_FILE, Settings

CODE_DIR = Path(__file__).parent


def code_digest() -> str:
    """The atlas's own templates, code and shapes: a change redraws every page."""
    digest = hashlib.sha256(sources_digest(CODE_DIR).encode())
    for template in sorted((CODE_DIR / "templates").glob("*")):
        digest.update(template.read_bytes())
    for path in [ATLAS_SHAPES_FILE, *ATLAS_FONT_FILES.values()]:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def atlas_key(settings: Settings) -> str:
    """What the atlas is drawn from: the published atlas tables' rows and the atlas's code."""
    con, _ = open_publication(settings)
    try:
        return drawn_from(con)
    finally:
        con.close()


def drawn_from(con: duckdb.DuckDBPyConnection, where: str = "") -> str:
    return hashlib.sha256(f"{code_digest()}|{tables_key(con, where)}".encode()).hexdigest()


def previous_manifest(settings: Settings) -> dict:
    manifest = settings.atlas_dir / MANIFEST
    if not (manifest.exists() and (settings.atlas_dir / "index.html").exists()):
        return {}
    return json.loads(manifest.read_text())


def atlas_is_current(settings: Settings, key: str) -> bool:
    return previous_manifest(settings).get("key") == key


def redraws_all(settings: Settings) -> bool:
    """The next generation draws every chart: there is no atlas yet, or its code changed."""
    return previous_manifest(settings).get("code") != code_digest()


def load_shapes() -> dict:
    missing = [path for path in ATLAS_FONT_FILES.values() if not path.exists()]
    if missing:
        raise AtlasError(f"the atlas's font is not at {missing[0]}: run `make manifest`")
    if not ATLAS_SHAPES_FILE.exists():
        raise AtlasError(
            f"country shapes not found at {ATLAS_SHAPES_FILE}: run `make manifest` "
            "(it runs `npm ci --prefix atlas`)"
        )
    return json.loads(ATLAS_SHAPES_FILE.read_text())


def open_publication(settings: Settings) -> tuple[duckdb.DuckDBPyConnection, dt.datetime]:
    """A read-only view of this engine's published atlas tables, as `atlas.<table>`, and when
    they were published, under the pipeline's memory cap. An engine whose publication has no
    `atlas` schema (Spark's Parquet folders) shows its atlas tables among its marts."""
    try:
        con, published_at = settings.engine_impl.open_marts()
    except FileNotFoundError as error:
        raise AtlasError(str(error)) from error
    schemas = con.execute("select schema_name from information_schema.schemata").fetchall()
    if ("atlas",) not in schemas:
        marts = {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()}  # fmt: skip
        try:
            con.execute("create schema atlas")
            for name in sorted(set(FIGURES) & marts):
                con.execute(f"create view atlas.{name} as select * from marts.{name}")
        except duckdb.Error as error:  # a read-only file published before the atlas tables
            con.close()
            raise AtlasError(
                f"no atlas tables in {settings.publication}: run `coop build`, which builds "
                "them (dbt_project/models/atlas/) with the marts"
            ) from error
    return con, published_at


def publication_as_of(figures: dict[str, list[Row]], published_at: dt.datetime) -> dt.date:
    """The map's date, as dbt built it (the var `atlas_as_of`, or the day of the build)."""
    rows = figures["cooperation_map"]
    return rows[0]["as_of"] if rows else published_at.date()


def generate_atlas(
    settings: Settings,
    out: Path,
    previous: Path | None = None,
    reuse: bool = True,
    key: str | None = None,
) -> Path:
    """Write the whole atlas into `out` from this engine's publication (only read), keeping
    the files of `previous` (an earlier atlas) whose inputs are unchanged unless not `reuse`;
    the index says what changed since `previous`. `key`: the publication's `atlas_key`, when
    the caller has just computed it."""
    shapes = load_shapes()
    where = f" from {settings.publication}"
    con, published_at = open_publication(settings)
    try:  # open while drawing: the partner pages' lines are streamed from it
        figures = read_figures(con, where, skipped=SOURCED_FIGURES)
        context = Context(
            published_at.strftime("%Y-%m-%d %H:%M"), publication_as_of(figures, published_at),
            code_digest(), previous if reuse else None,
        )  # fmt: skip
        if previous is not None and (previous / MANIFEST).is_file():
            context.previous_manifest = json.loads((previous / MANIFEST).read_text())
        key = key or drawn_from(con, where)
        out.mkdir(parents=True, exist_ok=True)
        drawn = write_site(out, figures, read_sourced(con, where), shapes, context)
    finally:
        con.close()
    write_manifest(out, key, context, drawn)
    return out


def refresh_atlas(settings: Settings, force: bool = False) -> bool:
    """Regenerate the atlas (`warehouse/atlas/` on DuckDB) from the published atlas tables
    when its key changed (or `force`, which draws every file anew); True when it was
    regenerated. Written aside, then swapped in whole."""
    key = None if force else atlas_key(settings)
    if key is not None and atlas_is_current(settings, key):
        return False
    target = settings.atlas_dir
    staging = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    for leftover in target.parent.glob(f".{target.name}.tmp-*"):  # of a killed generation
        shutil.rmtree(leftover, ignore_errors=True)
    previous = target if previous_manifest(settings) else None
    try:
        generate_atlas(settings, staging, previous, reuse=not force, key=key)
        swap_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True
