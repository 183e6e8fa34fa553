"""Linking document files as they are, without building anything (`coop link FILE...`)."""

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


SUFFIXES = (".txt", ".md", ".html", ".htm")


def document_files(paths: list[Path]) -> list[Path]:
    """The files named, and the document files under each folder named (sorted)."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        elif path.exists():
            found.append(path)
        else:
            raise UnlinkableDocument(f"{path}: no such file or folder")
    return found


def linker_for(raw_dir: Path, cache_dir: Path | None = None) -> Linker:
    """One linker for many files: the names are read (or taken from the cache) once."""
    return Linker(gazetteer_from_files(raw_dir, cache_dir))
