"""Manifests: how a cut-off file is told from a whole one.

A system that exports an extract writes, after the file and beside it, ``<file>.manifest.json``:
``{"rows": <records>, "bytes": <size>, "sha256": "<hex>"}``. A file whose manifest disagrees
with it is refused whole (it was cut off, or changed after export); so is a file without one
where its extract's contract requires one. Files written by hand (the curated extracts) need
none: for them a last line without a newline is loaded, with a warning naming the file, since it
is how a cut-off file ends too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from orchestration.landing.contracts import Contract
from orchestration.landing.loading.ledger import LedgerRow
from orchestration.landing.loading.reading import Problem, UnreadableFile
from orchestration.landing.zone import LandedFile, LineCensus

MANIFEST_SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class Manifest:
    rows: int
    size_bytes: int
    sha256: str


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def manifest_named(path: Path) -> str:
    """How every refusal by a manifest names it: a file refused by its manifest is read again
    when its manifest changes, though its own bytes are the same."""
    return f"manifest {manifest_path(path).name}"


def read_manifest(path: Path, relative: str) -> Manifest | None:
    """The manifest beside `path`, or None; a manifest that cannot be read refuses the file."""
    beside = manifest_path(path)
    if not beside.is_file():
        return None
    name = manifest_named(path)
    try:
        fields = json.loads(beside.read_bytes())
        manifest = Manifest(fields["rows"], fields["bytes"], fields["sha256"])
    except (ValueError, TypeError, KeyError) as error:
        raise UnreadableFile(
            relative, f"its {name} cannot be read ({error!s}): expected "
            '{"rows": <int>, "bytes": <int>, "sha256": "<hex>"}',
        ) from error  # fmt: skip
    if not all(isinstance(n, int) for n in (manifest.rows, manifest.size_bytes)):
        raise UnreadableFile(relative, f"its {name}: rows and bytes must be integers")
    return manifest


def check_manifest(
    path: Path, relative: str, contract: Contract, sha256: str, size: int
) -> Manifest | None:
    """The file's manifest when it agrees with the file's bytes; raise when it does not, or
    when the contract requires one and there is none."""
    manifest = read_manifest(path, relative)
    if manifest is None:
        if contract.manifest == "required":
            raise UnreadableFile(
                relative, f"no {manifest_named(path)} beside it: this "
                "extract's contract requires one (rows, bytes, sha256), written after the file",
            )  # fmt: skip
        return None
    if (manifest.size_bytes, manifest.sha256.lower()) != (size, sha256):
        raise UnreadableFile(
            relative, f"the file does not match its {manifest_named(path)}: "
            f"{manifest.size_bytes} bytes, SHA-256 {manifest.sha256[:12]}… expected, {size} "
            f"bytes, SHA-256 {sha256[:12]}… found: cut off or changed after export",
        )  # fmt: skip
    return manifest


def manifest_verdict(
    landed: LandedFile, contract: Contract, sha256: str | None, size: int | None
) -> Manifest | UnreadableFile | None:
    """The file's manifest, None without one, or why the file is refused by it."""
    if landed.refused_reason or sha256 is None or size is None:
        return None
    try:
        return check_manifest(landed.path, landed.relative_path, contract, sha256, size)
    except UnreadableFile as error:
        return error


def manifest_disagrees(verdict: Manifest | UnreadableFile | None, latest: LedgerRow) -> bool:
    """Whether the manifest beside a loaded file refuses it: by its bytes or SHA-256, or by
    rows (compared with the rows the ledger read; the file is read again to say so)."""
    if isinstance(verdict, UnreadableFile):
        return True
    return isinstance(verdict, Manifest) and verdict.rows != latest.rows_read


def check_manifest_rows(
    manifest: Manifest | None, path: Path, relative: str, rows_read: int
) -> None:
    if manifest is not None and manifest.rows != rows_read:
        raise UnreadableFile(
            relative,
            f"its {manifest_named(path)} says {manifest.rows} rows, the file holds {rows_read}",
        )


def unterminated_last_line(relative: str, census: LineCensus) -> Problem | None:
    """The warning for a file whose last line has no newline and no manifest vouches for."""
    if census.ends_with_newline:
        return None
    return Problem(
        relative,
        "the last line has no newline at its end: loaded as it is, but a file cut off mid-line "
        "ends this way too: check its last record (an exported file should come with a "
        f"{MANIFEST_SUFFIX} manifest)",
        line=census.lines,
        severity="warning",
    )
