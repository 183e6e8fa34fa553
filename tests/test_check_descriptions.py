"""The dbt tests show in the UI as asset checks with short names and a sentence each saying
what they check."""

from __future__ import annotations

import json

from orchestration.transform.check_descriptions import describe_test


def test_every_check_has_a_short_name_and_a_description(dbt_manifest):
    from orchestration.defs.dbt import cooperation_dbt_assets

    specs = list(cooperation_dbt_assets.check_specs)
    manifest = json.loads(dbt_manifest.read_text())
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    assert len(specs) == len(tests)
    for spec in specs:
        assert len(spec.name) <= 90, spec.name  # dbt's generated names ran to 246 characters
        assert spec.description and spec.description.strip(), spec.name
    by_name = {spec.name: spec for spec in specs}
    event_type = by_name["accepted_values_since_verified_fct_event_event_type"]
    assert event_type.description.startswith("Every event_type of fct_event is one of: founding,")
    member = by_name["relationships_fct_membership_member_partner_key"]
    assert member.description == (
        "Every member_partner_key of fct_membership is a partner_key of dim_partner."
    )


def test_a_tests_own_description_wins_and_a_singular_test_is_described_by_its_comment():
    manifest = {"nodes": {"model.p.fct_x": {"name": "fct_x"}}}
    generic = {
        "attached_node": "model.p.fct_x",
        "test_metadata": {
            "name": "not_before_since_verified",
            "kwargs": {"column_name": "ended_on", "start_column": "started_on"},
        },
    }
    assert describe_test(generic, manifest) == (
        "In fct_x, ended_on is never before started_on (rows of the loads not yet verified)."
    )
    own = {**generic, "description": "Events end after they start."}
    assert describe_test(own, manifest) == "Events end after they start."
    singular = {"raw_code": "-- Nobody joins before the founding:\n-- a row is a member.\nselect 1"}
    assert (
        describe_test(singular, manifest) == "Nobody joins before the founding: a row is a member."
    )
