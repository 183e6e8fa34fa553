"""How fresh each extract is: the time its newest file landed, against its expected interval.

An extract's files are stamped by their modification time, as the sensor sees them (names, sizes
and times only). The ingest assets report that time as `dagster/last_updated_timestamp`, which
Dagster's freshness checks read; `coop status` lists the stale extracts from the same times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from orchestration.landing.contracts import CONTRACTS, Contract
from orchestration.landing.sensing import landing_zone_listing


@dataclass(frozen=True)
class ExtractAge:
    extract: str  # "<system>/<entity>"
    last_changed: dt.datetime | None  # UTC; None when no file has landed
    expected_change: dt.timedelta

    def is_stale(self, now: dt.datetime) -> bool:
        return self.last_changed is None or now - self.last_changed > self.expected_change


def last_changed(
    contract: Contract, raw_dir: Path, listing: dict[str, list[int]] | None = None
) -> dt.datetime | None:
    """When the newest file of the extract landed (its modification time, UTC)."""
    listing = landing_zone_listing(raw_dir) if listing is None else listing
    folder = f"{contract.landing_folder}/"
    times = [mtime_ns for name, (_, mtime_ns) in listing.items() if name.startswith(folder)]
    if not times:
        return None
    return dt.datetime.fromtimestamp(max(times) / 1e9, dt.UTC)


def stale_extracts(raw_dir: Path, now: dt.datetime | None = None) -> list[ExtractAge]:
    """The extracts whose newest file is older than their expected change interval."""
    now = dt.datetime.now(dt.UTC) if now is None else now
    listing = landing_zone_listing(raw_dir)
    ages = [
        ExtractAge(f"{c.system}/{c.entity}", last_changed(c, raw_dir, listing), c.expected_change)
        for c in CONTRACTS
    ]
    return [age for age in ages if age.is_stale(now)]
