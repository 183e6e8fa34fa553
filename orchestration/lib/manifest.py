"""Reading dbt's manifest without importing dbt."""

from __future__ import annotations

import json
from pathlib import Path


def mart_model_names(manifest_path: Path) -> list[str]:
    """Models in models/marts materialized as tables: the analyst-facing contract."""
    manifest = json.loads(Path(manifest_path).read_text())
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["fqn"][1] == "marts"
        and node["config"]["materialized"] == "table"
    )
