"""Fetching: `coop fetch`, one poll of the newsrooms by hand."""

from __future__ import annotations

from pathlib import Path

import typer

from orchestration.cli.app import app
from orchestration.cli.output import console, errors, fail


@app.command()
def fetch(
    source: str = typer.Option(None, help="Poll only this source (by name), even if disabled."),
    sources: str = typer.Option(
        None, help="Another sources file of the same format (default: the shipped sources.yaml)."
    ),
) -> None:
    """Poll the newsrooms once and land their new documents under raw/documents/.

    One line per landed document, per document not landed (and why) and per failing source;
    exits 1 when a source failed (the others' documents are landed all the same). `coop build`,
    or the landed-files sensor, loads and links what landed."""
    from orchestration.documents.fetching.poll import PollBusy, Poller
    from orchestration.documents.fetching.sources import SOURCES_FILE, SourcesError, load_sources
    from orchestration.settings import load_settings

    path = Path(sources) if sources else SOURCES_FILE
    try:
        listed = load_sources(path)
    except SourcesError as error:
        fail(str(error))
    if source and source not in {s.name for s in listed}:
        fail(f"no source named {source!r} in {path}")
    try:
        result = Poller(load_settings().raw_dir).poll(listed, only=source)
    except PollBusy as error:
        fail(str(error))
    for path in result.landed:
        console.print(f"landed: raw/{path}")
    for line in result.notes:
        console.print(f"skipped: {line}")
    for line in result.failures:
        errors.print(f"failed: {line}")
    for line in result.warnings:
        errors.print(f"stale: {line}")
    asked = 1 if source else sum(s.enabled for s in listed)
    console.print(f"{len(result.landed)} new document(s) from {asked} source(s): "
                  f"{len(result.unchanged)} unchanged, {len(result.failures)} failure(s), "
                  f"{result.requests} request(s)")  # fmt: skip
    if result.failures:
        raise typer.Exit(1)
