"""The contracts in code, in raw/README.md and in the dbt tests say the same thing."""

from __future__ import annotations

import re

import yaml

from orchestration.landing import contracts, vocabularies
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT

MARTS_YAML = DBT_PROJECT_DIR / "models" / "marts" / "_marts__models.yml"


def accepted_values(model: str, column: str) -> list[str]:
    models = yaml.safe_load(MARTS_YAML.read_text())["models"]
    spec = next(m for m in models if m["name"] == model)
    col = next(c for c in spec["columns"] if c["name"] == column)
    for test in col.get("data_tests", []):
        # an incremental mart's test reads only its new loads (accepted_values_since_verified)
        for name in ("accepted_values", "accepted_values_since_verified"):
            if isinstance(test, dict) and name in test:
                return [str(v) for v in test[name]["arguments"]["values"]]
    raise AssertionError(f"{model}.{column} has no accepted_values test")


def test_raw_readme_states_every_contract_column():
    readme = (PROJECT_ROOT / "raw" / "README.md").read_text()
    for contract in contracts.CONTRACTS:
        section = readme.split(f"### `{contract.entity}`")[1].split("\n### ")[0]
        assert contract.mode in section
        for column in contract.columns:
            assert re.search(rf"\| `{column.name}` \| {column.type} \|", section), column.name


def test_dbt_accepted_values_match_the_contract_enumerations():
    pairs = {
        ("dim_partner", "partner_type"): vocabularies.PARTNER_TYPES,
        ("fct_agreement", "agreement_type"): vocabularies.AGREEMENT_TYPES,
        ("fct_agreement", "status"): vocabularies.AGREEMENT_STATUSES,
        ("fct_event", "event_type"): vocabularies.EVENT_TYPES,
        ("dim_source_document", "source_reliability"): vocabularies.SOURCE_RELIABILITY,
        ("dim_source_document", "information_accuracy"): vocabularies.INFORMATION_ACCURACY,
        ("dim_source_document", "handling_code"): vocabularies.HANDLING_CODES,
        ("bridge_agreement_party", "party_role"): vocabularies.PARTY_ROLES,
        ("bridge_event_participant", "participant_role"): vocabularies.PARTICIPANT_ROLES,
        ("fct_membership", "membership_role"): vocabularies.MEMBERSHIP_ROLES,
    }
    for (model, column), values in pairs.items():
        assert sorted(accepted_values(model, column)) == sorted(values), (model, column)


def test_every_mart_and_mart_column_is_described():
    models = yaml.safe_load(MARTS_YAML.read_text())["models"]
    for model in models:
        assert model.get("description", "").strip(), model["name"]
        for column in model["columns"]:
            assert column.get("description", "").strip(), f"{model['name']}.{column['name']}"


def test_every_primary_key_is_unique_and_every_foreign_key_is_related():
    models = yaml.safe_load(MARTS_YAML.read_text())["models"]
    for model in models:
        is_bridge = model["name"].startswith("bridge_")
        for position, column in enumerate(model["columns"]):
            name = column["name"]
            if not name.endswith("_key"):
                continue
            tests = {
                t if isinstance(t, str) else next(iter(t)) for t in column.get("data_tests", [])
            }
            if position == 0 and not is_bridge:
                # not null: a constraint of the enforced contract, checked on every insert
                not_null = {"type": "not_null"} in column.get("constraints", [])
                unique = tests & {"unique", "unique_since_verified"}
                assert unique and not_null, f"{model['name']}.{name}"
            elif model["name"] != "dim_date":
                assert tests & {"relationships", "relationships_since_verified"}, (
                    f"{model['name']}.{name}"
                )
                if "relationships_since_verified" in tests:  # it reads loads by `_loaded_at`
                    columns = {c["name"] for c in model["columns"]}
                    assert "_loaded_at" in columns, f"{model['name']}.{name}"
