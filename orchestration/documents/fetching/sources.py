"""The sources to fetch, read strictly from a YAML file (sources.yaml beside this module).

Every mistake is one line naming the file, line and column: an unknown key, a missing one, a
kind, language or publisher kind that is not allowed, an address that is not http(s), a
``link_pattern`` that is no regular expression, a duplicate name. A source whose
``publisher_kind`` grades A must be on the grading policy's official list at that address
(orchestration/landing/grading.py), so a fetched document's grade is never better than the
policy allows.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from orchestration.landing.grading import RELIABILITY_BY_KIND, is_official_url
from orchestration.landing.vocabularies import DOCUMENT_LANGUAGES

SOURCES_FILE = Path(__file__).with_name("sources.yaml")
KINDS = ("feed", "sitemap", "listing")
REQUIRED = ("name", "publisher", "publisher_kind", "language", "kind", "url", "enabled")
OPTIONAL = ("folder", "link_pattern", "expected_interval_hours", "verified", "note")
DEFAULT_INTERVAL_HOURS = 24 * 7
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")


class SourcesError(ValueError):
    """A sources file the fetcher cannot use: the message names file, line and column."""


@dataclass(frozen=True)
class Source:
    name: str
    publisher: str
    publisher_kind: str
    language: str
    kind: str
    url: str
    enabled: bool
    folder: str
    link_pattern: str | None = None
    expected_interval: dt.timedelta = dt.timedelta(hours=DEFAULT_INTERVAL_HOURS)
    verified: str | None = None
    note: str | None = None


def _where(path: Path, node: yaml.Node) -> str:
    mark = node.start_mark
    return f"{path}: line {mark.line + 1}, column {mark.column + 1}"


def _scalar(path: Path, key: str, node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise SourcesError(f"{_where(path, node)}: `{key}` needs one non-empty value")
    return str(node.value).strip()


def _folder_of(publisher: str) -> str:
    plain = unicodedata.normalize("NFKD", publisher).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _check(path: Path, key: str, value: str, node: yaml.Node) -> object:
    """The value of one key, converted, or a SourcesError at its line and column."""

    def bad(reason: str) -> SourcesError:
        return SourcesError(f"{_where(path, node)}: `{key}` {reason}")

    allowed = {"kind": KINDS, "language": DOCUMENT_LANGUAGES,
               "publisher_kind": tuple(RELIABILITY_BY_KIND)}  # fmt: skip
    if key in allowed and value not in allowed[key]:
        raise bad(f"is {value!r}, not one of {', '.join(allowed[key])}")
    if key == "enabled":
        if value not in ("true", "false"):
            raise bad(f"is {value!r}, not true or false")
        return value == "true"
    if key == "url" and (urlsplit(value).scheme not in ("http", "https")
                         or not urlsplit(value).hostname):  # fmt: skip
        raise bad(f"is {value!r}, not an http(s) address")
    if key in ("name", "folder") and not NAME_PATTERN.fullmatch(value):
        raise bad(f"is {value!r}: lower-case letters, digits and hyphens only")
    if key == "link_pattern":
        try:
            re.compile(value)
        except re.error as error:
            raise bad(f"is not a regular expression: {error}") from None
    if key == "expected_interval_hours":
        if not value.isdigit() or int(value) == 0:
            raise bad(f"is {value!r}, not a whole number of hours above 0")
        return dt.timedelta(hours=int(value))
    return value


def _source(path: Path, node: yaml.Node) -> Source:
    if not isinstance(node, yaml.MappingNode):
        raise SourcesError(f"{_where(path, node)}: a source is a mapping of key: value lines")
    values: dict[str, object] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in REQUIRED + OPTIONAL:
            raise SourcesError(f"{_where(path, key_node)}: unknown key `{key}` (known: "
                               f"{', '.join(REQUIRED + OPTIONAL)})")  # fmt: skip
        if key in values:
            raise SourcesError(f"{_where(path, key_node)}: `{key}` given twice")
        values[key] = _check(path, key, _scalar(path, key, value_node), value_node)
    missing = [k for k in REQUIRED if k not in values]
    if missing:
        raise SourcesError(f"{_where(path, node)}: missing {', '.join(f'`{k}`' for k in missing)}")
    if values["kind"] == "listing" and "link_pattern" not in values:
        raise SourcesError(f"{_where(path, node)}: a `listing` source needs a `link_pattern`")
    if "expected_interval_hours" in values:
        values["expected_interval"] = values.pop("expected_interval_hours")
    values.setdefault("folder", _folder_of(str(values["publisher"])))
    source = Source(**values)  # type: ignore[arg-type]
    grade = RELIABILITY_BY_KIND[source.publisher_kind]
    if grade == "A" and not is_official_url(source.publisher, source.url):
        raise SourcesError(
            f"{_where(path, node)}: `{source.publisher}` at {urlsplit(source.url).hostname} is "
            f"not on the official list of orchestration/landing/grading.py, so it cannot be "
            f"a {source.publisher_kind} (graded A); add it there and to raw/README.md first"
        )
    return source


def load_sources(path: Path = SOURCES_FILE) -> list[Source]:
    """Every source of the file, enabled or not, in file order."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise SourcesError(f"{path}: {where}not YAML: {getattr(error, 'problem', error)}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SourcesError(f"{path}: cannot be read: {error}") from None
    if not isinstance(root, yaml.MappingNode) or [k.value for k, _ in root.value] != ["sources"]:
        raise SourcesError(f"{path}: line 1, column 1: the file holds one key, `sources:`")
    items = root.value[0][1]
    if not isinstance(items, yaml.SequenceNode):
        raise SourcesError(f"{_where(path, items)}: `sources` is a list of mappings")
    sources, seen = [], set()
    for node in items.value:
        source = _source(path, node)
        if source.name in seen:
            raise SourcesError(f"{_where(path, node)}: a second source named {source.name!r}")
        seen.add(source.name)
        sources.append(source)
    return sources
