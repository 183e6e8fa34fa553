"""Which extracts a run rebuilds for: told from the landing zone against the last publication."""

from __future__ import annotations

import json
import os

from orchestration.landing.sensing import landing_zone_listing
from orchestration.operations.planning import changed_extracts, code_digest
from tests.conftest import make_pipeline_env


def published_state(env, code: str) -> dict:
    """What a successful run records: the landing zone it built from and the code it ran."""
    env.settings.published_db.parent.mkdir(parents=True, exist_ok=True)
    env.settings.published_db.write_bytes(b"")
    env.settings.build_dir.mkdir(parents=True, exist_ok=True)
    if not env.settings.build_db.exists():
        env.settings.build_db.write_bytes(b"")
    state = {"code": code, "listing": landing_zone_listing(env.raw_dir), "run_id": "r1"}
    (env.settings.build_dir / "last_success.json").write_text(json.dumps(state))
    return state


def changed(env, code: str) -> set[str] | None:
    return changed_extracts(env.settings, landing_zone_listing(env.raw_dir), code)


def test_only_the_extracts_whose_files_landed_changed_or_went_are_rebuilt(tmp_path, restore_env):
    env = make_pipeline_env(tmp_path)
    code = code_digest()
    assert changed(env, code) is None  # never published: everything
    published_state(env, code)
    assert changed(env, code) == set()  # nothing landed: a no-op
    events = env.raw_dir / "curated" / "events"
    (events / "events_2027.ndjson").write_text("{}\n")
    assert changed(env, code) == {"curated/events"}
    (env.raw_dir / "curated" / "partners" / "partners.csv").unlink()
    assert changed(env, code) == {"curated/events", "curated/partners"}
    published_state(env, code)
    # a rewrite keeping the size but not the modification time counts as a change
    threats = env.raw_dir / "curated" / "threats" / "threats.csv"
    info = threats.stat()
    os.utime(threats, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    assert changed(env, code) == {"curated/threats"}


def test_changed_code_or_a_file_outside_every_extract_rebuilds_everything(tmp_path, restore_env):
    env = make_pipeline_env(tmp_path)
    code = code_digest()
    published_state(env, code)
    assert changed(env, "another digest") is None
    (env.raw_dir / "curated" / "unknown_entity").mkdir()
    (env.raw_dir / "curated" / "unknown_entity" / "rows.csv").write_text("a\n1\n")
    assert changed(env, code) is None
    published_state(env, code)
    env.settings.published_db.unlink()  # the publication is gone: nothing to build on
    assert changed(env, code) is None


def test_a_build_file_deleted_since_the_publication_rebuilds_everything(tmp_path, restore_env):
    env = make_pipeline_env(tmp_path)
    code = code_digest()
    published_state(env, code)
    assert changed(env, code) == set()
    env.settings.build_db.unlink()  # its ledger and incremental marts are gone with it
    assert changed(env, code) is None


def test_a_document_landed_under_its_publisher_rebuilds_only_the_documents(tmp_path, restore_env):
    env = make_pipeline_env(tmp_path)
    code = code_digest()
    published_state(env, code)
    release = env.raw_dir / "documents" / "a-new-publisher" / "release.md"
    release.parent.mkdir()
    release.write_text("Chile signed.\n")
    assert changed(env, code) == {"documents/documents"}
