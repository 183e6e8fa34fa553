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


def upstream_extracts(manifest_path: Path) -> dict[str, set[str]]:
    """Per mart model, the extracts ("<system>/<entity>") it is built from: the `raw_<system>`
    sources among its ancestors in dbt's parent map."""
    manifest = json.loads(Path(manifest_path).read_text())
    parents, sources = manifest["parent_map"], manifest["sources"]
    found: dict[str, set[str]] = {}

    def extracts_of(unique_id: str) -> set[str]:
        if unique_id not in found:
            found[unique_id] = set()  # a cycle cannot happen in dbt; this guards the recursion
            source = sources.get(unique_id)
            if source is not None:
                system = source["source_name"].removeprefix("raw_")
                found[unique_id] = {f"{system}/{source['name']}"}
            else:
                found[unique_id] = set().union(*map(extracts_of, parents.get(unique_id, [])))
        return found[unique_id]

    return {
        node["name"]: extracts_of(unique_id)
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
