"""One writer at a time, across processes; a killed holder leaves no stale lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from orchestration.operations.writer import WriterBusy, writer_lock

HOLD = """
import sys, time
from pathlib import Path
from orchestration.operations.writer import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def hold_in_subprocess(lock_file):
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock_file)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_writer_waits_then_fails_with_a_clear_message(tmp_path):
    lock_file = tmp_path / "writer.lock"
    holder = hold_in_subprocess(lock_file)
    try:
        started = time.monotonic()
        with (
            pytest.raises(WriterBusy, match=r"another run is writing the warehouse.*pid"),
            writer_lock(lock_file, timeout_seconds=1.0),
        ):
            pass
        assert time.monotonic() - started >= 1.0
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_held_by_a_killed_process_is_free_at_once(tmp_path):
    lock_file = tmp_path / "writer.lock"
    holder = hold_in_subprocess(lock_file)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with writer_lock(lock_file, timeout_seconds=1.0):
        pass


def test_dbt_opens_the_build_file_with_the_memory_cap_and_spill_folder_of_the_settings(tmp_path):
    """dbt's profile takes the limits from the environment the pipeline sets, once per database
    open (re-setting temp_directory per cursor fails after a build has spilled)."""
    from orchestration.settings import DBT_PROJECT_DIR, dbt_executable, load_settings

    settings = load_settings(
        {"COOP_WAREHOUSE_DIR": str(tmp_path), "COOP_DUCKDB_MEMORY_LIMIT": "1GB"}
    )
    settings.build_dir.mkdir(parents=True)  # the loader makes it before dbt runs
    query = (
        "select current_setting('memory_limit') as memory_limit, "
        "current_setting('temp_directory') as temp_directory, "
        "current_setting('preserve_insertion_order') as preserve_insertion_order"
    )
    shown = subprocess.run(
        [dbt_executable(), "show", "--inline", query, "--output", "json", "--log-format", "text",
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(tmp_path / "target")],
        env={**os.environ, **settings.dbt_env()},
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    row = json.loads(shown.stdout[shown.stdout.index("{") :])["show"][0]
    assert row["memory_limit"] in ("953.6 MiB", "1.0 GiB", "1000.0 MB")
    assert row["temp_directory"] == str(settings.temp_dir)
    assert row["preserve_insertion_order"] is False
    assert settings.build_db.exists()
