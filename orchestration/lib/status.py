"""Reading the published warehouse, read-only."""

from __future__ import annotations

from pathlib import Path

import duckdb


def published_rows(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("select mart, row_count from _meta.publication order by mart").fetchall()
    finally:
        con.close()
    return dict(rows)
