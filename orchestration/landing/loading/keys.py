"""Duplicate natural keys: within the file (the first line wins), and against rows already
loaded from another file of the same extract."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import duckdb

from orchestration.landing.loading.sql import quote_ident, sql_literal


def key_text(key: tuple[str, ...], alias: str = "") -> str:
    """The key's values as one text, comma-separated (an absent part as empty text)."""
    return " || ', ' || ".join(
        f"coalesce(cast({alias}{quote_ident(k)} as varchar), '')" for k in key
    )


def key_bounds(
    con: duckdb.DuckDBPyConnection, key: tuple[str, ...], typed: str
) -> list[tuple[object, object]]:
    """The least and the greatest value of each key column among the rows of `typed`."""
    ends = ", ".join(f"min({quote_ident(k)}), max({quote_ident(k)})" for k in key)
    row = con.execute(f"select {ends} from ({typed})").fetchall()[0]
    return [(row[2 * n], row[2 * n + 1]) for n in range(len(key))]


def duplicate_key_queries(
    key: tuple[str, ...], typed: str, target: str, source_file: str,
    pending: Collection[str] = (), bounds: Sequence[tuple[object, object]] = (),
) -> list[str]:  # fmt: skip
    """Two queries of (line, column label, key values, reason) over `typed` (a SELECT of the
    staged rows with typed key columns): keys repeated in the file, after their first line;
    keys already in `target` from another file. The rows of `pending` files (changed files
    this run loads later) do not count: their old version is on its way out, so a file split
    in two, or rows moved from one file to another, load as before."""
    keys = ", ".join(quote_ident(k) for k in key)
    label = sql_literal(", ".join(key))
    # the window runs only over rows whose key is repeated (NULL keys group together, as they
    # do in the window)
    same = " and ".join(f"t.{quote_ident(k)} is not distinct from d.{quote_ident(k)}" for k in key)
    in_file = (
        f"select _source_line, {label}, {key_text(key)}, "
        "'duplicate key: first seen at line ' || first_line from ("
        f"select *, min(_source_line) over (partition by {keys}) as first_line from ({typed}) t "
        f"semi join (select {keys} from ({typed}) group by all having count(*) > 1) d "
        f"on {same}) where _source_line > first_line"
    )
    join = " and ".join(f"r.{quote_ident(k)} = t.{quote_ident(k)}" for k in key)
    # `bounds` (key_bounds of the file's rows), as constants: a row of `target` outside them
    # cannot share a key, and the scan skips the stored row groups outside them
    near = "".join(
        f"r.{quote_ident(k)} between {_constant(low)} and {_constant(high)} and "
        for k, (low, high) in (zip(key, bounds, strict=True) if bounds else ())
    )
    across_files = (
        f"select distinct t._source_line, {label}, {key_text(key, 't.')}, "
        "'duplicate key: already loaded from ' || r._source_file "
        f"from ({typed}) t join {target} r on {join} "
        f"where {near}r._source_file not in "
        f"({', '.join(map(sql_literal, [source_file, *pending]))})"
    )
    return [in_file, across_files]


def _constant(value: object) -> str:
    """A key value as SQL text DuckDB casts to the column's type (null: no key, no match)."""
    return "null" if value is None else sql_literal(str(value))
