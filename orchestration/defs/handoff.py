"""The landing handed to an engine whose dbt cannot read the build file (Spark: Parquet).

One asset per landed table, keyed ["handoff", <system>, <table>], between the raw table and the
staging model that reads it, so the lineage shows what Spark reads. On DuckDB there is none:
dbt reads the build file the loader wrote.
"""

import contextlib
import json

import dagster as dg

from orchestration.defs.dbt import ENGINE, dbt_project, handoff_key
from orchestration.defs.resources import WRITER_POOL, WarehouseResource
from orchestration.operations.writer import connect_build, writer_lock


def landed_source_keys() -> list[dg.AssetKey]:
    """The raw tables dbt declares as sources (their asset keys, as the loader names them)."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    keys = {
        tuple(source["config"]["meta"]["dagster"]["asset_key"])
        for source in manifest["sources"].values()
    }
    return [dg.AssetKey(list(key)) for key in sorted(keys)]


def build_handoff_assets() -> list[dg.AssetsDefinition]:
    if not ENGINE.hands_off_landing:
        return []
    specs = [
        dg.AssetSpec(handoff_key(raw), deps=[raw], group_name="handoff", kinds={"parquet"})
        for raw in landed_source_keys()
    ]

    @dg.multi_asset(specs=specs, name="landing_handoff", pool=WRITER_POOL)
    def landing_handoff(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        """Each landed table copied where the engine's dbt reads it, rewritten only when its
        rows changed since the last hand-off."""
        settings = warehouse.settings
        with (
            writer_lock(settings.lock_file, warehouse.lock_timeout_seconds),
            contextlib.closing(connect_build(settings)) as con,
        ):
            done = ENGINE.prepare_for_dbt(con)
        for spec in specs:
            table = f"raw_{spec.key.path[1]}.{spec.key.path[2]}"
            yield dg.MaterializeResult(
                asset_key=spec.key, metadata={"outcome": done.get(table, "not landed")}
            )

    return [landing_handoff]


handoff_assets = build_handoff_assets()
