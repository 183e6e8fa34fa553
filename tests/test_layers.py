"""The house's rules: arrows point one way (stage packages never import the Dagster definitions
or what runs them), and every module is short enough to read in one sitting."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from orchestration.settings import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "orchestration"
# what assembles or drives Dagster: the stage packages below it must never import these
ABOVE_THE_STAGES = (
    "orchestration.defs",
    "orchestration.definitions",
    "orchestration.runner",
    "orchestration.cli",
)
STAGES = ("landing", "documents", "transform", "publication", "operations", "analyst", "engines")
MAX_LINES = 320  # "about 300": a module a reader finishes in one sitting


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules_of(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (PACKAGE / package).rglob("*.py"))


def reaches(imports: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in imports if any(m == p or m.startswith(p + ".") for p in prefixes))


def test_every_stage_package_is_a_documented_room():
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text())), f"{stage}/ says what it owns"


def test_no_stage_module_imports_the_definitions_or_what_runs_them():
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): bad
        for path in [*modules_of(*STAGES), PACKAGE / "settings.py", PACKAGE / "problems.py"]
        if (bad := reaches(imported_modules(path), ABOVE_THE_STAGES))
    }
    assert offenders == {}


def test_the_definitions_never_import_the_runner_or_the_cli():
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): bad
        for path in [*modules_of("defs"), PACKAGE / "definitions.py"]
        if (bad := reaches(imported_modules(path), ("orchestration.runner", "orchestration.cli")))
    }
    assert offenders == {}


def test_the_checker_sees_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from orchestration.defs.dbt import translator\n")
    found = reaches(imported_modules(module), ABOVE_THE_STAGES)
    assert found == ["orchestration.defs.dbt", "orchestration.defs.dbt.translator"]


def test_no_module_is_longer_than_a_sitting():
    long = {
        str(path.relative_to(PROJECT_ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_an_engine_is_chosen_in_one_place():
    """What differs between DuckDB and Spark sits behind orchestration/engines/: nothing else
    compares the engine's name."""
    pattern = re.compile(r"""engine\s*[!=]=\s*["']|["'](duckdb|spark)["']\s*[!=]=\s*\w*engine""")
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in PACKAGE.rglob("*.py")
        if path.parent.name != "engines" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
