"""Rows on a terminal: a table whose columns are as wide as their widest value, or, when that
table is wider than the terminal, one block per record (as psql's expanded mode).

No value is ever cut (`…`) or wrapped: a table that fits shows every value whole; one that
does not is shown a record at a time, a column per line, where a value longer than the
terminal runs on past its edge rather than being folded onto the next line.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text


def cell(value: object) -> str:
    return "" if value is None else str(value)


def table_width(columns: list[str], rows: list[tuple]) -> int:
    """The width of the table at its natural size: each column as wide as its widest value,
    one space of padding either side and a border between columns and at both ends."""
    widths = [cell_len(c) for c in columns]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(
                widths[i], max((cell_len(x) for x in cell(value).split("\n")), default=0)
            )
    return sum(widths) + 3 * len(columns) + 1


def choose_expanded(
    columns: list[str], rows: list[tuple], width: int, expanded: bool | None
) -> bool:
    """The reader's choice (`--expanded` / `--no-expanded`), else a block per record exactly
    when the table would be wider than the terminal."""
    if expanded is not None:
        return expanded
    return table_width(columns, rows) > width


def print_table(console: Console, columns: list[str], rows: list[tuple]) -> None:
    table = Table()
    for column in columns:
        table.add_column(Text(column), no_wrap=True, overflow="ignore")
    for row in rows:
        table.add_row(*(Text(cell(v)) for v in row))
    # at its natural width, even past the terminal's edge when the reader asked for a table
    terminal_width = console.width
    console.width = max(terminal_width, table_width(columns, rows))
    try:
        console.print(table, crop=False)
    finally:
        console.width = terminal_width


def print_records(console: Console, columns: list[str], rows: list[tuple]) -> None:
    """`-[ record N of M ]` then `column | value` lines, names padded to the longest."""
    name_width = max((cell_len(c) for c in columns), default=0)
    rule = max(20, min(console.width, 60))
    for number, row in enumerate(rows, start=1):
        head = f"-[ record {number} of {len(rows)} ]"
        console.print(Text(head + "-" * max(0, rule - cell_len(head))), soft_wrap=True)
        for column, value in zip(columns, row, strict=True):
            pad = " " * (name_width - cell_len(column))
            console.print(Text(f"{column}{pad} | {cell(value)}"), soft_wrap=True, crop=False)
    if not rows:
        console.print(Text(f"(no rows; columns: {', '.join(columns)})"), soft_wrap=True)


def print_result(
    console: Console, columns: list[str], rows: list[tuple], expanded: bool | None
) -> None:
    if choose_expanded(columns, rows, console.width, expanded):
        print_records(console, columns, rows)
    else:
        print_table(console, columns, rows)
