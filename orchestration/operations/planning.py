"""What a run must rebuild: the landing zone and the code, against the last publication.

A run is planned from a listing of the landing zone (names, sizes, modification times: what
the sensor sees, never a file's content) and a digest of the code. The plan is saved under
`<build>/plans/` and named in the run's `coop/plan` tag; when the run publishes, that plan
becomes `<build>/last_success.json`, whether the CLI, the sensor or the schedule launched it
(a run launched from the UI carries no plan and leaves the state as it was).
The next plan compares against it: only the extracts whose files landed, changed or went since
are loaded again, and only what depends on them is rebuilt.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.landing.contracts import CONTRACTS
from orchestration.landing.digests import sources_digest
from orchestration.landing.sensing import changed_files, landing_zone_listing
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings

if TYPE_CHECKING:  # dagster is imported where it is used: the CLI starts without it
    import dagster as dg

PLAN_TAG = "coop/plan"
PLAN_MAX_AGE_SECONDS = 7 * 24 * 3600  # plans of runs that never published, cleared after this


@dataclass(frozen=True)
class RunPlan:
    listing: dict[str, list[int]]
    code: str
    # extracts ("<system>/<entity>") changed since the last publication; None: rebuild all
    changed: set[str] | None
    assets: set[dg.AssetKey] | None = None  # None: every asset of the job
    checks: set[dg.AssetCheckKey] | None = None  # with `assets`: the checks to run

    @property
    def noop(self) -> bool:
        return self.changed == set()


def code_digest() -> str:
    """The dbt project and the pipeline code: when either changes, everything is rebuilt."""
    return sources_digest(DBT_PROJECT_DIR, PROJECT_ROOT / "orchestration")


def state_file(settings: Settings) -> Path:
    return settings.build_dir / "last_success.json"


def last_publication(settings: Settings) -> dict | None:
    """The state the last publication left, or None when planning against it is unsafe: no
    publication, or the build file it was built in is gone (its ledger and incremental marts
    went with it, so only a whole rebuild is right)."""
    state = state_file(settings)
    if not state.exists() or not settings.publication.exists():
        return None
    if not settings.build_db.exists():
        return None
    return json.loads(state.read_text())


def changed_extracts(
    settings: Settings, listing: dict[str, list[int]], code: str
) -> set[str] | None:
    """The extracts ("<system>/<entity>", one per contract) whose landed files are new, changed
    or removed since the last published build, from names, sizes and modification times (as
    the ledger skips a file). None when only a whole rebuild is safe: no published build, the
    code changed since, or a changed file that belongs to no extract's folder."""
    state = last_publication(settings)
    if state is None or state.get("code") != code or "listing" not in state:
        return None
    # an extract's files lie under its landing folder (documents: raw/documents/<publisher>/)
    folders = {c.landing_folder + "/": f"{c.system}/{c.entity}" for c in CONTRACTS}
    changed = set()
    for name in changed_files(state["listing"], listing):
        extract = next((e for folder, e in folders.items() if name.startswith(folder)), None)
        if extract is None:
            return None
        changed.add(extract)
    return changed


def plan_run(
    settings: Settings,
    graph,
    checks_reading: Callable[[set[dg.AssetKey]], set[dg.AssetCheckKey]],
    skipped_checks: set[dg.AssetCheckKey],
    rebuild_all: bool = False,
    listing: dict[str, list[int]] | None = None,
    also_changed: frozenset[str] = frozenset(),
) -> RunPlan:
    """Plan a run of the job over asset graph `graph`, from `listing` (the landing zone's, taken
    now when not given). Nothing changed: only the ingest assets (they confirm each file
    unchanged). Some extracts changed: their ingest assets and everything downstream, with every
    dbt test that reads one of those (a relationships test of an unchanged mart pointing to a
    rebuilt one included). Otherwise, or `rebuild_all`: everything. `also_changed` names
    extracts whose rows changed in the build file while no file changed (a retraction).
    `checks_reading` gives the checks that read any of a set of assets wherever they are
    attached; `skipped_checks` are never run by the job (the freshness checks)."""
    import dagster as dg

    listing = landing_zone_listing(settings.raw_dir) if listing is None else listing
    code = code_digest()
    changed = None if rebuild_all else changed_extracts(settings, listing, code)
    if changed is not None:
        changed |= also_changed
    if changed is None:
        return RunPlan(listing, code, None)
    if not changed:
        raw = {key for key in graph.get_all_asset_keys() if key.path[0] == "raw"}
        checks = dg.AssetSelection.assets(*raw).resolve_checks(graph)
        return RunPlan(listing, code, changed, raw, set(checks) - skipped_checks)
    landed = [
        dg.AssetKey(["raw", c.system, table])
        for c in CONTRACTS
        if f"{c.system}/{c.entity}" in changed
        for table in c.tables
    ]
    assets = dg.AssetSelection.assets(*landed).downstream().resolve(graph)
    checks = dg.AssetSelection.assets(*assets).resolve_checks(graph) | checks_reading(assets)
    return RunPlan(listing, code, changed, set(assets), set(checks) - skipped_checks)


def save_plan(settings: Settings, plan: RunPlan) -> str:
    """Keep the plan for the run to record when it publishes; return its id (the run's tag)."""
    folder = settings.build_dir / "plans"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        if time.time() - old.stat().st_mtime > PLAN_MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)
    plan_id = uuid.uuid4().hex
    temporary = folder / f".{plan_id}.tmp"
    temporary.write_text(json.dumps({"code": plan.code, "listing": plan.listing}))
    os.replace(temporary, folder / f"{plan_id}.json")
    return plan_id


def record_publication(settings: Settings, plan_id: str | None) -> bool:
    """Called once a run published: its plan becomes the state the next plan compares with.
    A run without a plan (one launched from the UI) leaves the state as it was:
    the next plan then compares with an older publication, and rebuilds more, never less."""
    if not plan_id:
        return False
    plan = settings.build_dir / "plans" / f"{plan_id}.json"
    if not plan.exists():
        return False
    os.replace(plan, state_file(settings))
    return True
