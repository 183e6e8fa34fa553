"""The production recipe: the systemd units of the webserver and the daemon are valid and run
this checkout's commands on the instance and workspace `make ui` uses."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from orchestration.settings import PROJECT_ROOT

UNITS = PROJECT_ROOT / "deploy" / "systemd"
INSTALLED_AT = "/opt/cooperation"
NAMES = ("cooperation-webserver.service", "cooperation-daemon.service")


@pytest.fixture
def units(tmp_path: Path) -> dict[str, Path]:
    """The units as installed from this checkout: its path in place of /opt/cooperation."""
    rendered = {}
    for name in NAMES:
        text = (UNITS / name).read_text().replace(INSTALLED_AT, str(PROJECT_ROOT))
        (tmp_path / name).write_text(text)
        rendered[name] = tmp_path / name
    return rendered


def service(path: Path) -> dict[str, list[str]]:
    """The [Service] section's keys, each with every value it is given (systemd repeats keys
    such as Environment=, which configparser would collapse)."""
    values: dict[str, list[str]] = {}
    section = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_systemd_analyze_verifies_both_units(units):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (the keys are checked below)")
    result = subprocess.run(
        [analyze, "verify", *map(str, units.values())], capture_output=True, text=True
    )
    # an unknown key or a missing executable is only a warning: none is accepted
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), (
        result.stdout + result.stderr
    )


def test_the_units_run_this_checkouts_commands_on_one_instance(units):
    web, daemon = (service(units[name]) for name in NAMES)
    commands = {name: shlex.split(service(path)["ExecStart"][0]) for name, path in units.items()}
    for command in commands.values():
        assert os.access(command[0], os.X_OK), command[0]
        assert command[command.index("-w") + 1] == str(PROJECT_ROOT / "workspace.yaml")
    assert Path(commands[NAMES[0]][0]).name == "dagster-webserver"
    assert commands[NAMES[0]][commands[NAMES[0]].index("-h") + 1] == "127.0.0.1"
    assert Path(commands[NAMES[1]][0]).name == "dagster-daemon"
    assert commands[NAMES[1]][1] == "run"
    for unit in (web, daemon):
        assert unit["WorkingDirectory"] == [str(PROJECT_ROOT)]
        assert "DAGSTER_HOME=/var/lib/cooperation/dagster_home" in unit["Environment"]
        assert str(PROJECT_ROOT / ".dagster_home" / "dagster.yaml") in unit["ExecStartPre"][0]
        assert unit["Restart"] == ["on-failure"]
    assert web["Environment"] == daemon["Environment"]
