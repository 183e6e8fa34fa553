"""The sources file: the shipped one is valid, and every mistake is one line naming file,
line and column."""

from __future__ import annotations

import pytest

from orchestration.documents.fetching.sources import SOURCES_FILE, SourcesError, load_sources
from orchestration.landing.grading import RELIABILITY_BY_KIND, is_official_url

GOOD = """sources:
  - name: el-paccto-news
    publisher: EL PAcCTO
    publisher_kind: programme_implementer
    language: en
    kind: listing
    url: https://www.elpaccto.eu/en/news/
    link_pattern: /en/news/
    enabled: true
"""


def error_of(tmp_path, text: str) -> str:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message.removeprefix(f"{path}: ")


def test_the_shipped_sources_are_valid_and_official_where_graded_a():
    sources = load_sources(SOURCES_FILE)
    assert len({s.name for s in sources}) == len(sources) >= 10
    assert any(s.enabled for s in sources)
    for source in sources:
        assert source.verified, f"{source.name} says what of its address was verified"
        if RELIABILITY_BY_KIND[source.publisher_kind] == "A":
            assert is_official_url(source.publisher, source.url), source.name


def test_a_good_file_loads(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD)
    (source,) = load_sources(path)
    assert (source.name, source.folder, source.enabled) == ("el-paccto-news", "el-paccto", True)


@pytest.mark.parametrize(
    "change, expected",
    [
        (("    enabled: true\n", "    enabled: true\n    colour: red\n"),
         "line 10, column 5: unknown key `colour`"),
        (("kind: listing", "kind: atom"), "line 6, column 11: `kind` is 'atom', not one of"),
        (("language: en", "language: fr"), "line 5, column 15: `language` is 'fr'"),
        (("enabled: true", "enabled: yes"), "line 9, column 14: `enabled` is 'yes'"),
        (("https://www.elpaccto.eu/en/news/", "ftp://elpaccto.eu/"), "line 7, column 10: `url`"),
        (("link_pattern: /en/news/", "link_pattern: (unclosed"),
         "line 8, column 19: `link_pattern` is not a regular expression"),
        (("    link_pattern: /en/news/\n", ""),
         "line 2, column 5: a `listing` source needs a `link_pattern`"),
        (("    language: en\n", ""), "line 2, column 5: missing `language`"),
        (("programme_implementer", "eu_institution"),
         "line 2, column 5: `EL PAcCTO` at www.elpaccto.eu is not on the official list"),
        (("name: el-paccto-news", "name: El Paccto"), "line 2, column 11: `name` is 'El Paccto'"),
        (("    enabled: true\n", "    enabled: true\n    enabled: false\n"),
         "line 10, column 5: `enabled` given twice"),
        (("sources:", "source:"), "line 1, column 1: the file holds one key, `sources:`"),
        (("kind: listing", "kind: [listing"), "line 7, column 8: not YAML"),
    ],
)  # fmt: skip
def test_a_mistake_is_one_line_with_its_line_and_column(tmp_path, change, expected):
    message = error_of(tmp_path, GOOD.replace(*change))
    assert message.startswith(expected), message


def test_two_sources_with_one_name_are_refused(tmp_path):
    second = GOOD.split("sources:\n", 1)[1]
    assert error_of(tmp_path, GOOD + second).startswith("line 10, column 5: a second source")
