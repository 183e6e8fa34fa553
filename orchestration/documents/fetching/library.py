"""The documents already landed, as the fetcher needs them to recognise a document again.

Three ways a fetched document is one already held: the same address in another form (its
document key, addresses.py); the same text (SHA-256 of its words, lower-cased, spaces folded);
or, from another publisher, nearly the same text: a MinHash (datasketch) of its 5-word
shingles whose estimated Jaccard similarity with a landed document's is at least
``NEAR_COPY_THRESHOLD``, found through an LSH index. The landed files are read once
(orchestration/documents/reading.py, as the loader reads them) and remembered in the fetch
state by path, size and modification time.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import astuple, dataclass
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from orchestration.documents.fetching.addresses import document_key
from orchestration.documents.reading import read_document
from orchestration.landing.zone import IGNORED_SUFFIXES

NUM_PERM = 64
SCHEME = "affine32"  # datasketch 2's default, named: stored signatures are read back with it
SHINGLE_WORDS = 5
NEAR_COPY_THRESHOLD = 0.7
MIN_SHINGLES = 20  # a few lines of text are too short to call a copy


@dataclass(frozen=True)
class Landed:
    relative: str  # under raw/
    key: str | None  # document key of its url
    text_sha: str
    publisher: str
    url: str | None
    accuracy: str
    signature: str  # MinHash values as hex, "" when the text is too short

    @property
    def folder(self) -> str:
        return self.relative.split("/")[1]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def text_digest(text: str) -> str:
    return hashlib.sha256(" ".join(words(text)).encode()).hexdigest()


def signature(text: str) -> str:
    tokens = words(text)
    shingles = {" ".join(tokens[i : i + SHINGLE_WORDS]).encode()
                for i in range(len(tokens) - SHINGLE_WORDS + 1)}  # fmt: skip
    if len(shingles) < MIN_SHINGLES:
        return ""
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch(list(shingles))
    return minhash.hashvalues.astype("<u8").tobytes().hex()


def _minhash(sig: str) -> MinHash:
    values = np.frombuffer(bytes.fromhex(sig), "<u8")
    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME)


def read_landed(raw_dir: Path, relative: str) -> Landed:
    document = read_document(raw_dir / relative, relative)
    values = document.values
    text = values.get("text") or ""
    url = values.get("url")
    return Landed(relative, document_key(url) if url else None, text_digest(text),
                  values.get("publisher") or "", url, values.get("information_accuracy") or "4",
                  signature(text))  # fmt: skip


class Library:
    """The landed documents, queried by key, text and near copy; ``add`` what lands."""

    def __init__(self, raw_dir: Path, cache: dict[str, list]) -> None:
        self.lsh = MinHashLSH(threshold=NEAR_COPY_THRESHOLD, num_perm=NUM_PERM)
        self.by_key: dict[str, Landed] = {}
        self.by_text: dict[str, Landed] = {}
        self.by_path: dict[str, Landed] = {}
        fresh: dict[str, list] = {}
        for path in sorted((raw_dir / "documents").rglob("*")):
            if not path.is_file() or path.name.startswith(".") or path.name.endswith(
                IGNORED_SUFFIXES
            ) or path.name == "README.md":  # fmt: skip
                continue
            relative = path.relative_to(raw_dir).as_posix()
            info = os.stat(path)
            stamp = [info.st_size, info.st_mtime_ns]
            cached = cache.get(relative)
            if cached and cached[:2] == stamp:
                landed = Landed(*cached[2:])
            else:
                landed = read_landed(raw_dir, relative)
            fresh[relative] = [*stamp, *astuple(landed)]
            self.add(landed)
        self.cache = fresh

    def add(self, landed: Landed) -> None:
        self.by_path[landed.relative] = landed
        if landed.key:
            self.by_key.setdefault(landed.key, landed)
        self.by_text.setdefault(landed.text_sha, landed)
        if landed.signature and landed.relative not in self.lsh:
            self.lsh.insert(landed.relative, _minhash(landed.signature))

    def near_copy(self, sig: str, folder: str) -> Landed | None:
        """The most similar landed document of another publisher (another folder under
        raw/documents/), when one is a near copy."""
        if not sig:
            return None
        query = _minhash(sig)
        found = [self.by_path[r] for r in self.lsh.query(query)]
        others = [d for d in found if d.folder != folder]
        scored = [(query.jaccard(_minhash(d.signature)), d.relative, d) for d in others]
        scored = [s for s in scored if s[0] >= NEAR_COPY_THRESHOLD]
        return max(scored)[2] if scored else None
