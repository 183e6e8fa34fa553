"""The landing handed to an engine whose dbt cannot read the build file (Spark: Parquet).

One asset per landed table, keyed ["handoff", <system>, <table>], between the raw table and the
staging model that reads it, so the lineage shows what Spark reads. On DuckDB there is none:
dbt reads the build file the loader wrote.
"""

import contextlib

import dagster as dg

from orchestration.defs.dbt import ENGINE, cooperation_dbt_assets
from orchestration.defs.resources import WRITER_POOL, WarehouseResource
from orchestration.operations.writer import connect_build, writer_lock


def handed_off_keys() -> list[dg.AssetKey]:
    """The copies dbt's sources read (the translator names them after the raw tables)."""
    return sorted(key for key in cooperation_dbt_assets.dependency_keys if key.path[0] == "handoff")


def build_handoff_assets() -> list[dg.AssetsDefinition]:
    if not ENGINE.hands_off_landing:
        return []
    specs = [
        dg.AssetSpec(
            key, deps=[dg.AssetKey(["raw", *key.path[1:]])], group_name="handoff", kinds={"parquet"}
        )  # fmt: skip
        for key in handed_off_keys()
    ]

    # an increment selects the hand-offs of the tables it changed: Dagster must be able to
    # run a subset (every table is still handed off; only the selected ones are reported)
    @dg.multi_asset(specs=specs, name="landing_handoff", pool=WRITER_POOL, can_subset=True)
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
            if spec.key not in context.selected_asset_keys:
                continue
            table = f"raw_{spec.key.path[1]}.{spec.key.path[2]}"
            yield dg.MaterializeResult(
                asset_key=spec.key, metadata={"outcome": done.get(table, "not landed")}
            )

    return [landing_handoff]


handoff_assets = build_handoff_assets()
