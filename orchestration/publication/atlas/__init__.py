"""The cooperation atlas: static pages and SVG charts generated from the published marts.

`refresh_atlas` is called after a publication (write-audit-publish): the atlas is written into
a temporary folder beside `warehouse/atlas/` and swapped in by renames only once complete, so a
failure leaves the previous atlas as it was. It is regenerated only when its key changed: the
published marts' fingerprint (the names of the Parquet exports, which hold a fingerprint of
their rows) and the atlas's own queries, templates, code and shapes.
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
from orchestration.publication.atlas.charts import Row
from orchestration.publication.atlas.pages import MANIFEST, Context, write_manifest, write_site
from orchestration.publication.publish import swap_folder
from orchestration.settings import ATLAS_QUERIES_DIR, ATLAS_SHAPES_FILE, Settings

CODE_DIR = Path(__file__).parent


class AtlasError(Exception):
    """The atlas cannot be generated: its message says what is missing and how to get it."""


def marts_fingerprint(settings: Settings) -> str:
    """The published marts' fingerprint: it changes exactly when a mart's content changes."""
    return settings.engine_impl.marts_fingerprint()


def atlas_key(settings: Settings) -> str:
    digest = hashlib.sha256(marts_fingerprint(settings).encode())
    digest.update(sources_digest(ATLAS_QUERIES_DIR, CODE_DIR).encode())
    for template in sorted((CODE_DIR / "templates").glob("*")):
        digest.update(template.read_bytes())
    if ATLAS_SHAPES_FILE.exists():
        digest.update(ATLAS_SHAPES_FILE.read_bytes())
    return digest.hexdigest()


def atlas_is_current(settings: Settings, key: str) -> bool:
    manifest = settings.atlas_dir / MANIFEST
    if not (manifest.exists() and (settings.atlas_dir / "index.html").exists()):
        return False
    return json.loads(manifest.read_text()).get("key") == key


def load_shapes() -> dict:
    if not ATLAS_SHAPES_FILE.exists():
        raise AtlasError(
            f"country shapes not found at {ATLAS_SHAPES_FILE}: run `make manifest` "
            "(it runs `npm ci --prefix atlas`)"
        )
    return json.loads(ATLAS_SHAPES_FILE.read_text())


def run_queries(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, queries_dir: Path = ATLAS_QUERIES_DIR
) -> dict[str, list[Row]]:
    """Every query of `atlas/queries/`, by file stem, as rows of dicts."""
    con.execute(f"set variable as_of = date '{as_of.isoformat()}'")  # a date, never text
    results = {}
    for path in sorted(queries_dir.glob("*.sql")):
        try:
            cursor = con.execute(path.read_text())
        except duckdb.Error as error:
            raise AtlasError(f"{path}: {error}") from error
        columns = [column[0] for column in cursor.description]
        results[path.stem] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return results


def open_publication(settings: Settings) -> tuple[duckdb.DuckDBPyConnection, dt.datetime]:
    """A read-only view of this engine's published marts, as `marts.<mart>`, and when they were
    published, under the pipeline's memory cap."""
    try:
        return settings.engine_impl.open_marts()
    except FileNotFoundError as error:
        raise AtlasError(str(error)) from error


def generate_atlas(
    settings: Settings, out: Path, key: str = "", as_of: dt.date | None = None
) -> Path:
    """Write the whole atlas into `out` from this engine's publication (only read). The map
    shows `as_of`, by default the day the data was published."""
    shapes = load_shapes()
    con, published_at = open_publication(settings)
    try:
        as_of = as_of or published_at.date()
        results = run_queries(con, as_of)
    finally:
        con.close()
    context = Context(published_at.strftime("%Y-%m-%d %H:%M"), as_of)
    drawn = write_site(out, results, shapes, context)
    write_manifest(out, key, context, drawn)
    return out


def refresh_atlas(settings: Settings, force: bool = False) -> bool:
    """Regenerate the atlas (`warehouse/atlas/` on DuckDB) from the published marts when its
    key changed (or `force`); True when it was regenerated. Written aside, then swapped in whole."""
    key = atlas_key(settings)
    if not force and atlas_is_current(settings, key):
        return False
    target = settings.atlas_dir
    staging = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    for leftover in target.parent.glob(f".{target.name}.tmp-*"):  # of a killed generation
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        generate_atlas(settings, staging, key)
        swap_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True
