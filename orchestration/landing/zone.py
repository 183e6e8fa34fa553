"""Finding landed files safely: nothing outside the landing zone is ever read."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.landing.contracts import Contract

# Writers land a file as ".name.partial" (or "name.tmp") and rename it when complete, so a
# half-written file is never picked up; dotfiles and editor leftovers are ignored too.
IGNORED_SUFFIXES = (".partial", ".tmp", ".swp", "~")


@dataclass(frozen=True)
class LandedFile:
    path: Path  # absolute path as found under the landing zone
    relative_path: str  # path relative to the landing zone: the name recorded everywhere
    refused_reason: str | None = None  # set when the file must not be read


def entity_dir(raw_dir: Path, contract: Contract) -> Path:
    return raw_dir / contract.landing_folder


def find_landed_files(raw_dir: Path, contract: Contract) -> list[LandedFile]:
    """Files of one extract, in name order; links or paths leading outside raw/ are refused."""
    root = raw_dir.resolve()
    folder = entity_dir(raw_dir, contract)
    if not folder.exists():
        return []
    found: list[LandedFile] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(IGNORED_SUFFIXES):
                continue
            path = Path(dirpath) / name
            if not name.lower().endswith(contract.extensions):
                continue
            relative = path.relative_to(raw_dir).as_posix()
            resolved = path.resolve()
            if not resolved.is_relative_to(root):
                reason = f"refused: {relative} leads outside the landing zone (to {resolved})"
                found.append(LandedFile(path, relative, reason))
            elif not resolved.is_file():
                found.append(LandedFile(path, relative, f"refused: {relative} is not a file"))
            else:
                found.append(LandedFile(path, relative))
    # symlinked directories are not followed by os.walk: refuse them explicitly, by name
    for entry in sorted(folder.rglob("*")):
        if entry.is_symlink() and entry.is_dir() and not entry.resolve().is_relative_to(root):
            relative = entry.relative_to(raw_dir).as_posix()
            found.append(
                LandedFile(entry, relative, f"refused: {relative} leads outside the landing zone")
            )
    return found


# Signatures of files that are often landed by mistake under a text extension; naming the kind
# makes the failure message actionable ("an Excel file was exported as .csv").
MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx or .docx file is one)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"\xff\xfe", "UTF-16 text (the extract must be UTF-8)"),
    (b"\xfe\xff", "UTF-16 text (the extract must be UTF-8)"),
)


def binary_kind(path: Path, probe_bytes: int = 4096) -> str | None:
    """What a file that is not text looks like, from its first bytes; None for text.

    A few NUL bytes in a row are that row's problem (it is quarantined); only a head full of
    them (an eighth or more) marks the whole file as binary.
    """
    with path.open("rb") as handle:
        head = handle.read(probe_bytes)
    for magic, kind in MAGIC_NUMBERS:
        if head.startswith(magic):
            return kind
    if head and head.count(0) * 8 >= len(head):
        return "binary data (full of NUL bytes)"
    return None


def whole_line_blocks(path: Path, block_size: int = 8 << 20) -> Iterator[bytes]:
    """The file in blocks of whole lines (a line longer than a block makes a longer block)."""
    rest = b""
    with path.open("rb") as source:
        while chunk := source.read(max(block_size, len(rest))):  # doubles past a long line
            block = rest + chunk
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                yield block[:cut]
    if rest:
        yield rest  # the last line, without its newline


# a newline, then a line of nothing or of spaces only (its CR kept when the file ends lines in
# CRLF) up to its own newline, which is left for the next blank line to start from
BLANK_LINE = re.compile(rb"\n( *)\r?(?=\n)")


@dataclass(frozen=True)
class LineCensus:
    """A file's physical lines counted from its bytes alone, whatever parser reads it later:
    what the ledger reconciles the loaded and rejected records with."""

    lines: int
    empty: int  # lines with nothing on them
    spaces: int  # lines of spaces only
    ends_with_newline: bool
    # every line starts with "{" and ends with "}", as a line of one JSON object does (read in
    # the same pass; not part of the count). None: not looked at
    object_lines: bool | None = field(default=None, compare=False)


# a newline not followed by "{", or not preceded by "}" (or "}" and a CR): a line that does not
# start or end as an object does; searched from the newlines alone, which a count per two-byte
# pattern could not match for speed (bench/README.md, issue 30)
NOT_AN_OBJECT_LINE = re.compile(rb"\n(?:(?!\{)|(?<!\}\n)(?<!\}\r\n))")
BOM = b"\xef\xbb\xbf"


class _ObjectLines:
    """Whether every line starts with "{" (the first after a BOM) and ends with "}" (before a
    CR), fed the file chunk by chunk. Each chunk is searched in place; only a newline among
    its first two bytes or at its end needs the bytes of the chunk before or after."""

    def __init__(self) -> None:
        self.ok = True
        self.head = b""  # the file's first four bytes
        self.tail = b""  # the last two bytes fed
        self.open_line = False  # the bytes fed end with a newline: the next must be "{"

    def feed(self, chunk: bytes) -> None:
        if not self.ok or not chunk:
            return
        self.head += chunk[: 4 - len(self.head)]
        if self.open_line and chunk[:1] != b"{":
            self.ok = False
        for i in range(min(2, len(chunk))):  # its line end may begin in the chunk before
            if chunk[i] == ord("\n"):
                self._newline(self.tail + chunk[:i], chunk[i + 1 : i + 2])
        found = NOT_AN_OBJECT_LINE.search(chunk, 2)
        if found and found.start() < len(chunk) - 1:
            self.ok = False
        elif found:  # the chunk's last byte: the regular expression saw no next line
            self._newline(chunk[found.start() - 2 : found.start()], b"")
        self.open_line = chunk.endswith(b"\n")
        self.tail = chunk[-2:] if len(chunk) > 1 else self.tail[-1:] + chunk

    def _newline(self, before: bytes, after: bytes) -> None:
        """A newline with the bytes before it and the byte after it (none at a chunk's end)."""
        if not before.endswith((b"}", b"}\r")) or (after and after != b"{"):
            self.ok = False

    def starts_well(self) -> bool:
        return self.head.removeprefix(BOM)[:1] == b"{"

    def verdict(self, ends_with_newline: bool) -> bool:
        ends = ends_with_newline or self.tail.removesuffix(b"\r")[-1:] == b"}"
        return self.ok and self.starts_well() and ends


class _LineCounter:
    """The census, fed the file's bytes chunk by chunk (a regular expression finds the blank
    lines: a bytes.count per pattern was 9x slower on 500 MB)."""

    def __init__(self) -> None:
        self.lines = self.blank = self.spaces = 0
        self.carry = b"\n"  # the file's start, then the last line so far that has not ended
        self.objects = _ObjectLines()

    def feed(self, chunk: bytes) -> None:
        self.objects.feed(chunk)
        self.lines += chunk.count(b"\n")
        first = chunk.find(b"\n")
        if first < 0:  # the line goes on
            self.carry += chunk
            return
        if self.objects.ok and self.objects.starts_well():
            # every line so far starts with "{": none is blank, nothing to search
            self.carry = chunk[chunk.rfind(b"\n") :]
            return
        # the line that ran across the two chunks, seen whole; then the chunk's own lines,
        # searched in place (joining each chunk to the carry copied the whole file once more)
        self._count(BLANK_LINE.findall(self.carry + chunk[: first + 1]))
        self._count(BLANK_LINE.findall(chunk, first))
        self.carry = chunk[chunk.rfind(b"\n") :]

    def _count(self, found: list[bytes]) -> None:
        self.blank += len(found)
        self.spaces += len(found) - found.count(b"")

    def census(self) -> LineCensus:
        lines, spaces = self.lines, self.spaces
        ends_with_newline = self.carry == b"\n"
        if not ends_with_newline:
            lines += 1
            if not self.carry.strip(b"\n\r "):
                spaces += 1  # a last line of spaces, without a newline
        objects = self.objects.verdict(ends_with_newline)
        return LineCensus(lines, self.blank - self.spaces, spaces, ends_with_newline, objects)


@dataclass(frozen=True)
class FileScan:
    """What one read of a file's bytes gives: its SHA-256, size and line census."""

    sha256: str
    size: int
    census: LineCensus


def file_digest(path: Path, chunk_size: int = 8 << 20) -> FileScan:
    """SHA-256, size and line census in one read, in chunks so large files do not fill memory
    (two reads, one to hash and one to count, cost measurably more). Each chunk is
    hashed in a second thread while this one counts its lines: hashlib lets go of the GIL, so
    the two take the time of the longer, not of both."""
    digest, counter, size = hashlib.sha256(), _LineCounter(), 0
    with path.open("rb") as handle, ThreadPoolExecutor(1, "sha256") as hasher:
        hashed = None
        while chunk := handle.read(chunk_size):
            if hashed is not None:
                hashed.result()  # the chunks go into the digest in order
            hashed = hasher.submit(digest.update, chunk)
            counter.feed(chunk)
            size += len(chunk)
        if hashed is not None:
            hashed.result()
    return FileScan(digest.hexdigest(), size, counter.census())


def line_census(path: Path, chunk_size: int = 8 << 20) -> LineCensus:
    """The census alone, for a file whose SHA-256 came from the ledger."""
    counter = _LineCounter()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            counter.feed(chunk)
    return counter.census()
