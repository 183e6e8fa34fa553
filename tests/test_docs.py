"""The README and the guides in docs/: short where they must be, every link inside the
repository, every command runnable in a fresh clone as written; the dbt docs open on an
overview of the project."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from orchestration.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
GUIDES = [
    README,
    *sorted((PROJECT_ROOT / "docs").glob("*.md")),
    PROJECT_ROOT / "analyses" / "README.md",
]
LINK = re.compile(r"\[[^\]]*\]\(([^)]+)\)")
SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
# a program of the project's environment named without .venv/bin/ runs another one, or none
BARE_PROGRAM = re.compile(r"(?<![\w./-])(python|pytest|coop|dagster|dbt|duckdb|ruff)(?=\s|$)")


def shell_lines(path: Path) -> list[str]:
    """The command lines of the file's ```sh blocks (comments dropped, continuations joined,
    here-documents left out)."""
    lines = []
    for block in SHELL_BLOCK.findall(path.read_text()):
        block = re.sub(r"<<'(\w+)'\n.*?\n\1\n", "\n", block, flags=re.S)
        for line in block.replace("\\\n", " ").splitlines():
            command = line.split("  #")[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


def test_the_readme_fits_on_two_screens():
    lines = README.read_text().splitlines()
    assert len(lines) <= 100, len(lines)
    for guide in ("docs/analysts.md", "docs/reviewers.md", "docs/operators.md"):
        assert f"]({guide})" in README.read_text(), guide


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_link_stays_in_the_repository_and_resolves(path):
    for target in LINK.findall(path.read_text()):
        if target.startswith(("http://", "https://")):
            continue
        file = (path.parent / target.split("#")[0]).resolve()
        assert file.is_relative_to(PROJECT_ROOT), f"{path.name}: {target} leaves the repository"
        assert file.exists(), f"{path.name}: {target} does not exist"


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_command_runs_from_a_fresh_clone_as_written(path):
    import typer.main

    from orchestration.cli import app

    commands = set(typer.main.get_command(app).commands)
    for line in shell_lines(path):
        bare = BARE_PROGRAM.search(line)
        assert bare is None, f"{path.name}: `{bare[1]}` is not installed as such: {line}"
        for sub in re.findall(r"\.venv/bin/coop (\w+)", line):
            assert sub in commands, f"{path.name}: no command coop {sub}: {line}"
        for target in re.findall(r"make ([\w-]+)", line):
            assert re.search(rf"^{target}:", (PROJECT_ROOT / "Makefile").read_text(), re.M), line
        for file in re.findall(r"(?:-f |cat )((?:analyses|atlas|raw)/\S+?)\)?(?=\s|$|\))", line):
            assert (PROJECT_ROOT / file).exists(), f"{path.name}: {file}: {line}"


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_no_command_in_the_text_needs_a_program_nothing_installs(path):
    """Commands quoted in the prose too: the project's Python and pytest are in .venv/bin/,
    and no DuckDB command-line client is installed."""
    spans = re.findall(r"`((?:python|pytest|duckdb) [^`]*)`", path.read_text())
    assert spans == [], f"{path.name}: {spans}"


def test_the_layout_table_names_every_package_and_only_real_paths():
    text = README.read_text()
    table = text.split("## Layout")[1]
    paths = re.findall(r"^\| `([^`]+)` \|", table, re.M)
    for path in paths:
        assert (PROJECT_ROOT / path).exists(), path
    packages = {
        f"orchestration/{p.parent.name}/"
        for p in (PROJECT_ROOT / "orchestration").glob("*/__init__.py")
    }
    assert packages <= set(paths), sorted(packages - set(paths))


def test_the_dbt_docs_open_on_an_overview_naming_every_mart(dbt_manifest):
    manifest = json.loads(dbt_manifest.read_text())
    overview = manifest["docs"]["doc.cooperation.__overview__"]["block_contents"]
    marts = sorted(p.stem for p in (PROJECT_ROOT / "dbt_project/models/marts").glob("*.sql"))
    assert marts and all(f"`{mart}`" in overview for mart in marts), overview
    assert ".venv/bin/coop query" in overview
