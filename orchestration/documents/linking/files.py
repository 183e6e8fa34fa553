"""Linking one file as it is, without building anything (`coop link FILE`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from orchestration.documents.linking.gazetteer import gazetteer_from_files
from orchestration.documents.linking.linker import Linker, Mention
from orchestration.documents.reading import read_document


class UnlinkableDocument(Exception):
    """The file is not a usable document: the reason names the file and where it breaks."""


def link_file(path: Path, raw_dir: Path, linker: Linker | None = None) -> list[Mention]:
    """The mentions in one document file (front matter read, HTML reduced to its main text);
    the gazetteer comes from the landed partner, threat and alias CSV files under `raw_dir`."""
    document = read_document(path, f"documents/{path.parent.name}/{path.name}")
    fatal = [p for p in document.problems if p[0] in ("text", None)]
    if fatal:
        raise UnlinkableDocument(f"{path}: {fatal[0][2]}")
    values = document.values
    published = values.get("published_on")
    try:
        base = dt.date.fromisoformat(published) if published else None
    except ValueError as error:
        raise UnlinkableDocument(f"{path}: published_on {published!r} is not a date") from error
    linker = linker or Linker(gazetteer_from_files(raw_dir))
    return linker.link(values["text"], values.get("language"), base)
