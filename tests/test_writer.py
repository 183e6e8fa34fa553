"""One writer at a time, across processes; a killed holder leaves no stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from orchestration.lib.writer import WriterBusy, writer_lock

HOLD = """
import sys, time
from pathlib import Path
from orchestration.lib.writer import writer_lock
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
