"""The processes beside the main one that draw the atlas's charts while it writes the pages.

vl-convert runs one JavaScript engine per process, so charts drawn beside the pages need
processes of their own. Started as multiprocessing's spawn does, they import the main module
again (a script runs them under `if __name__ == "__main__"`); when they cannot start, the
charts are drawn in the main process from then on. Each measures text with the atlas's font
cut to the characters most charts show (measuring_font.py): only charts within it are handed
to them. They import vega_svg.py only, not this package.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from orchestration.publication.vega_svg import start_worker

# two processes: the machine's two cores, beside the one writing the pages (bench/README.md)
WORKERS = 2
_workers: dict[str, ProcessPoolExecutor | None] = {}  # None: they broke, draw in this process
# the publish step's warm-up thread may start them as the atlas step asks for them: one pool
_creating = threading.Lock()


def pool() -> ProcessPoolExecutor | None:
    """The workers, created on first use; None once they broke."""
    with _creating:
        if "pool" not in _workers:
            _workers["pool"] = ProcessPoolExecutor(
                WORKERS, mp_context=multiprocessing.get_context("spawn"), initializer=start_worker
            )
        return _workers["pool"]


def start() -> None:
    """Start the workers now rather than when the first chart is handed out: their start
    (a Python, vl-convert and its engine each) then runs beside the caller's work.
    A pool spawns its processes at its first task: an empty one is given."""
    executor = pool()
    if executor is not None:
        try:
            executor.submit(int)
        except BrokenProcessPool:
            broke()


def broke() -> None:
    """The workers could not start or died: the charts are drawn in the main process."""
    _workers["pool"] = None
