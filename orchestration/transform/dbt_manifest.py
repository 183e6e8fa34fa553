"""Reading dbt's manifest without importing dbt."""

from __future__ import annotations

import json
from pathlib import Path


def mart_models(manifest_path: Path) -> dict[str, str]:
    """Models under models/marts (the analyst-facing schema), by name, with their
    materialization: tables are the contract, views the conveniences over them."""
    manifest = json.loads(Path(manifest_path).read_text())
    return {
        node["name"]: node["config"]["materialized"]
        for node in sorted(manifest["nodes"].values(), key=lambda n: n["name"])
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }


def mart_model_names(manifest_path: Path) -> list[str]:
    """The mart tables every publication must hold."""
    return [
        name
        for name, kind in mart_models(manifest_path).items()
        if kind in ("table", "incremental")  # the incremental facts are tables too
    ]


def atlas_model_names(manifest_path: Path) -> list[str]:
    """The atlas's tables (models/atlas/): what the atlas is drawn from."""
    manifest = json.loads(Path(manifest_path).read_text())
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "atlas"
    )
