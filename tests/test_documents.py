"""Landed documents: front matter, HTML to main text, and a defined outcome for each bad one."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.documents.reading import MAX_DOCUMENT_BYTES, read_document
from orchestration.landing.contracts import DOCUMENTS
from orchestration.landing.loading import load_extract, reconcile_ledger

GOOD = """---
title: Brazil and the EU sign
published_on: 2025-03-05
language: en
source_reliability: A
information_accuracy: 1
handling_code: H0
url: https://example.org/release
---
The EU and Brazil signed an agreement on 5 March 2025.
"""


def land(raw, name: str, content: bytes | str):
    path = raw / "documents" / "pub" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def load(raw):
    con = duckdb.connect()
    result = load_extract(con, raw, DOCUMENTS)
    return con, result


def rejects(con) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {}
    for file, line, column, reason in con.execute(
        "select _source_file, _source_line, column_name, reason "
        "from raw_documents.documents__rejects order by all"
    ).fetchall():
        found.setdefault(file.rsplit("/", 1)[-1], []).append((line, column, reason))
    return found


def test_front_matter_and_text_load_with_ledger_and_defaults(tmp_path):
    land(tmp_path, "good.md", GOOD)
    land(tmp_path, "plain.txt", "Colombian authorities met Europol.\n")
    con, result = load(tmp_path)
    assert [f.outcome for f in result.files] == ["loaded", "loaded"]
    assert all(len(f.sha256) == 64 for f in result.files)
    rows = con.execute(
        "select document_id, publisher, title, published_on, source_reliability, "
        "information_accuracy, handling_code, text, note from raw_documents.documents "
        "order by 1"
    ).fetchall()
    good, plain = rows
    assert good[:7] == ("pub/good", "pub", "Brazil and the EU sign",
                        __import__("datetime").date(2025, 3, 5), "A", 1, "H0")  # fmt: skip
    assert good[7].startswith("The EU and Brazil") and good[8] is None
    # no front matter: the folder is the publisher, the first line the title, grade X4 H0
    assert plain[:7] == ("pub/plain", "pub", "Colombian authorities met Europol.", None,
                         "X", 4, "H0")  # fmt: skip
    assert "X4" in plain[8]
    assert reconcile_ledger(con, DOCUMENTS) == []
    # landing the same files again changes nothing
    again = load_extract(con, tmp_path, DOCUMENTS)
    assert [f.outcome for f in again.files] == ["unchanged", "unchanged"]


def test_html_is_reduced_to_its_main_text(tmp_path):
    path = land(tmp_path, "page.html", (
        "<html><head><title>T</title><script>var chile = 1;</script></head><body>"
        "<nav>Menu Chile</nav><article><h1>Head</h1><p>Signed in <b>Brussels</b> "
        "today.</p><ul><li><p>One</p></li></ul></article><footer>Mexico</footer></body></html>"
    ))  # fmt: skip
    document = read_document(path, "documents/pub/page.html")
    assert document.problems == []
    assert document.values["text"] == "Head\n\nSigned in Brussels today.\n\nOne"
    assert document.values["title"] == "T"


BAD = {
    "empty.txt": (b"", "text", "the file is empty"),
    "binary.md": (b"%PDF-1.7\n\x00\x01\x02", "text", "binary: the file looks like a PDF"),
    "nul.txt": (b"abc\x00\x00\x00\x00\x00\x00\x00\x00", "text", "binary"),
    "latin1.txt": ("title: x\nCaf\xe9 in Bogot\xe1".encode("latin-1"), "text",
                   "not UTF-8 text: line 2, column 4, byte 0xE9"),
    "scripts.html": (b"<html><head><script>a()</script><style>p{}</style></head><body>"
                     b"<script>b()</script></body></html>", "text", "no main text"),
    "baddate.md": (b"---\ntitle: x\npublished_on: 2025-02-30\n---\nText", "published_on",
                   "not a calendar date"),
    "wrongdate.md": (b"---\ntitle: x\npublished_on: 7 March 2025\n---\nText", "published_on",
                     "not a date in YYYY-MM-DD form"),
    "unknown.md": (b"---\ntitle: x\nauthor: me\n---\nText", "author",
                   "front matter line 3: unknown field"),
    "list.md": (b"---\ntitle: x\nlanguage: [en, es]\n---\nText", "language",
                "expected one value"),
    "yaml.md": (b"---\ntitle: x\nurl: [unclosed\n---\nText", None, "front matter: line"),
    "grade.md": (b"---\nsource_reliability: Z\n---\nText", "source_reliability",
                 "not one of the allowed values"),
}  # fmt: skip


def test_each_bad_document_is_quarantined_with_its_reason_and_nothing_is_lost(tmp_path):
    for name, (content, _, _) in BAD.items():
        land(tmp_path, name, content)
    land(tmp_path, "good.md", GOOD)
    con, result = load(tmp_path)
    found = rejects(con)
    for name, (_, column, reason) in BAD.items():
        assert any(c == column and reason in r for _, c, r in found[name]), (name, found[name])
    # every bad document: read 1 = loaded 0 + rejected 1; the good one loads beside them
    outcomes = {f.source_file.rsplit("/", 1)[-1]: f for f in result.files}
    for name in BAD:
        assert (outcomes[name].rows_read, outcomes[name].rows_loaded) == (1, 0), name
        assert outcomes[name].rows_rejected == 1, name
    assert outcomes["good.md"].rows_loaded == 1
    assert reconcile_ledger(con, DOCUMENTS) == []
    assert not result.failed  # quarantined, not failed: the build goes on


def test_a_document_over_the_limit_is_refused_unread(tmp_path):
    land(tmp_path, "huge.txt", b"Brazil " * (20 * (1 << 20) // 7))
    con, result = load(tmp_path)
    assert result.files[0].size_bytes > MAX_DOCUMENT_BYTES
    assert len(result.files[0].sha256) == 64  # hashed for the ledger, never parsed
    ((line, column, reason),) = rejects(con)["huge.txt"]
    assert (line, column) == (1, "text") and reason.startswith("too large: 20,971,")


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".csv"])
def test_files_of_other_kinds_are_not_documents(tmp_path, suffix):
    land(tmp_path, "x" + suffix, "text")
    _, result = load(tmp_path)
    assert result.files == []


def test_the_same_document_id_in_two_files_is_a_duplicate(tmp_path):
    land(tmp_path, "a.md", "---\ndocument_id: same\n---\nOne")
    land(tmp_path, "b.md", "---\ndocument_id: same\n---\nTwo")
    con, _ = load(tmp_path)
    assert [c for _, c, r in rejects(con)["b.md"] if "duplicate key" in r] == ["document_id"]
