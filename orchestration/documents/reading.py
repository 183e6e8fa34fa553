"""Read one landed document: its front matter, and its text (HTML reduced to its main text).

A document is a `.txt`, `.md` or `.html` file under ``raw/documents/<publisher>/``, optionally
opening with front matter between two ``---`` lines (``key: value`` lines, read as YAML with
every value kept as text). Whatever makes a document unusable is returned as a problem naming
the column and, where it has one, the line and column in the file; nothing is raised, so the
loader quarantines the document with its reason instead of losing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from selectolax.lexbor import LexborHTMLParser

from orchestration.landing.zone import binary_kind

# A press release is a few KB; a file over 2 MB is a dump or an export landed by mistake, and
# linking it would cost a thousand releases' worth of time.
MAX_DOCUMENT_BYTES = 2 << 20
FRONT_MATTER_FIELDS = (
    "document_id",
    "url",
    "title",
    "publisher",
    "published_on",
    "language",
    "source_reliability",
    "information_accuracy",
    "handling_code",
    # what the grading policy (raw/README.md) needs to check the grade, as in source_documents
    "verification_status",
    "publisher_kind",
    "original_publisher",
    "original_url",
)
HTML_SUFFIXES = (".html", ".htm")
# Elements that never hold a release's main text.
HTML_BOILERPLATE = ["script", "style", "noscript", "template", "nav", "header", "footer",
                    "aside", "form", "iframe", "svg", "button"]  # fmt: skip
HTML_BLOCKS = "p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, td, th, dd, dt, figcaption"
UNCLOSED_FRONT_MATTER = (
    "front matter: line 1: opened by --- and never closed: end the key: value lines with a "
    "--- line (or remove the opening one)"
)
DEFAULT_GRADE = {"source_reliability": "X", "information_accuracy": "4", "handling_code": "H0"}


@dataclass
class Document:
    """A document as the loader stages it: one value per contract column, and its problems
    as (column, raw value, reason)."""

    values: dict[str, str | None] = field(default_factory=dict)
    problems: list[tuple[str | None, str | None, str]] = field(default_factory=list)


def content_format(path: Path) -> str:
    suffix = path.suffix.lower()
    return "html" if suffix in HTML_SUFFIXES else "md" if suffix in (".md", ".markdown") else "txt"


def default_document_id(relative: str) -> str:
    """`documents/europol/2025-03-07-visit.md` -> `europol/2025-03-07-visit`."""
    parts = PurePosixPath(relative).with_suffix("").parts
    return "/".join(parts[1:])


def decode_utf8(raw: bytes) -> tuple[str | None, str | None]:
    """The text, or the reason it is not UTF-8 with the line and column of the first bad byte."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        return None, (
            f"not UTF-8 text: line {line}, column {column}, byte 0x{byte:02X} (Latin-1 or "
            "Windows-1252 text? save it as UTF-8)"
        )


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter or None, body, line of the body's first line)."""
    if not text.startswith("---\n") and not text.startswith("---\r\n"):
        return None, text, 1
    match = re.search(r"^---[ \t]*\r?$", text[4:], flags=re.MULTILINE)
    if match is None:
        return None, text, 1
    front = text[4 : 4 + match.start()]
    body = text[4 + match.end() :].lstrip("\r\n")
    return front, body, text[: len(text) - len(body)].count("\n") + 1


def parse_front_matter(front: str, document: Document) -> dict[str, str]:
    """Front matter as text values; malformed YAML, a value that is not text, or an unknown
    key is a problem naming its line (line 1 is the opening ``---``)."""
    try:
        data = yaml.load(front, Loader=yaml.BaseLoader)  # BaseLoader: every value stays text
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 2}, column {mark.column + 1}: " if mark else ""
        document.problems.append((None, None, f"front matter: {where}not key: value lines"))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        document.problems.append((None, None, "front matter: line 2: not key: value lines"))
        return {}
    lines = {m.group(1): n for n, text in enumerate(front.splitlines(), start=2)
             if (m := re.match(r"([A-Za-z_][\w-]*)\s*:", text))}  # fmt: skip
    values: dict[str, str] = {}
    for key, value in data.items():
        where = f"front matter line {lines.get(key, 2)}"
        if key not in FRONT_MATTER_FIELDS:
            document.problems.append((key, str(value)[:200], f"{where}: unknown field"))
        elif not isinstance(value, str):
            document.problems.append((key, str(value)[:200], f"{where}: expected one value"))
        else:
            values[key] = value.strip()
    return values


def html_main_text(html: str) -> tuple[str, str | None]:
    """The main text of an HTML page (its `article` or `main`, else its body) as paragraphs,
    and its `<title>`."""
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    tree.strip_tags(HTML_BOILERPLATE)
    root = tree.css_first("article") or tree.css_first("main") or tree.body
    if root is None:
        return "", title
    # innermost blocks only (a node's css() includes the node itself): an `li` holding a `p`
    # gives its text once
    blocks = [node for node in root.css(HTML_BLOCKS) if len(node.css(HTML_BLOCKS)) == 1]
    texts = [" ".join(node.text(deep=True).split()) for node in blocks] or [
        " ".join(root.text(deep=True).split())
    ]
    return "\n\n".join(t for t in texts if t), title or None


def read_document(path: Path, relative: str) -> Document:
    """Read a landed document into its contract values, or say why it cannot be used."""
    document = Document()
    values = document.values
    values["document_id"] = default_document_id(relative)
    values["publisher"] = PurePosixPath(relative).parts[1] if relative.count("/") > 1 else None
    values["content_format"] = content_format(path)
    size = path.stat().st_size
    refusal = None
    if size == 0:
        refusal = "the file is empty"
    elif size > MAX_DOCUMENT_BYTES:
        refusal = f"too large: {size:,} bytes, over the {MAX_DOCUMENT_BYTES:,}-byte limit"
    elif kind := binary_kind(path):
        refusal = f"binary: the file looks like {kind}"
    if refusal is None:
        text, refusal = decode_utf8(path.read_bytes())
    if refusal is None and "\x00" in text:
        refusal = "binary: the text holds NUL bytes"
    if refusal is not None:
        document.problems.append(("text", None, refusal))
        values.update(DEFAULT_GRADE, title=PurePosixPath(relative).name)
        return document
    text = text.replace("\r\n", "\n")
    front, body, _ = split_front_matter(text)
    if front is None and text.startswith("---\n"):
        document.problems.append((None, "---", UNCLOSED_FRONT_MATTER))
    given = parse_front_matter(front, document) if front is not None else {}
    title = None
    if values["content_format"] == "html":
        body, title = html_main_text(body)
    body = body.strip()
    values.update({k: v for k, v in given.items() if v != ""})
    for key, default in DEFAULT_GRADE.items():
        values.setdefault(key, default)
    if "source_reliability" not in given:
        values["note"] = "no grade in the front matter: X4 (cannot be assessed), H0"
    values.setdefault("title", title or (body.splitlines()[0][:200] if body else None))
    if not body:
        reason = "no main text: the HTML holds only scripts, styles or markup" if (
            values["content_format"] == "html") else "no text after the front matter"  # fmt: skip
        document.problems.append(("text", None, reason))
    values["text"] = body or None
    return document
