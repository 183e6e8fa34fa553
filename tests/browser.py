"""Headless Chromium for the tests of the UI and the atlas: found (or installed with apt when
run as root), started with no network of its own, and the size of a screenshot it saved."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0:
        pytest.skip(
            "chromium is not installed and installing it needs root: apt-get install chromium"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "chromium"]
    result = subprocess.run(install, capture_output=True, text=True, env=env, timeout=1200)
    if result.returncode != 0:  # stale package lists: refresh once, then try again
        subprocess.run(["apt-get", "update"], capture_output=True, env=env, timeout=600)
        result = subprocess.run(install, capture_output=True, text=True, env=env, timeout=1200)
    found = shutil.which("chromium")
    if not found:
        pytest.skip(f"apt-get install chromium failed:\n{(result.stdout + result.stderr)[-2000:]}")
    return found


def browse(chromium: str, profile: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=20000",
        *args,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def png_size(png: Path) -> tuple[int, int]:
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG"
    return struct.unpack(">II", head[16:24])
