"""A blocking row-volume check on every mart table: a mart falling by more than
`MART_MAX_DROP` from the published warehouse stops publication until a person accepts it
(`coop build --accept-drop <mart or an extract it is built from>`); see
orchestration/operations/volume.py. The extracts have their own check on their ingest asset."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.defs.dbt import cooperation_dbt_assets, dbt_project
from orchestration.defs.resources import WRITER_POOL, WarehouseResource
from orchestration.operations.volume import (
    MART_MAX_DROP,
    Volume,
    accepted_names,
    is_accepted,
    record_acceptance,
)
from orchestration.transform.dbt_manifest import mart_model_names, upstream_extracts


def build_mart_volume_check(mart: str, extracts: set[str]) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=get_asset_key_for_model([cooperation_dbt_assets], mart),
        name="row_volume",
        description=f"{mart} fell by at most {MART_MAX_DROP:.0%} of its published rows, or a "
        "person accepted the drop (`coop build --accept-drop`).",
        blocking=True,
        pool=WRITER_POOL,
    )
    def _row_volume(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        settings = warehouse.settings
        engine = settings.engine_impl
        if not engine.marts_in_build_file:  # a Spark build's marts are not in the build file
            return dg.AssetCheckResult(passed=True, description="checked on DuckDB builds only")
        table = f"marts.{mart}"
        with warehouse.writer() as con:
            after = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            before = engine.published_rows().get(mart) if engine.publication.exists() else None
            volume = Volume(mart, table, before, after, MART_MAX_DROP)
            accepted = volume.too_steep and is_accepted(
                mart, accepted_names(context.run.tags), extracts
            )
            if accepted:
                record_acceptance(con, volume, context.run.run_id)
        return dg.AssetCheckResult(
            passed=not volume.too_steep or accepted,
            description=volume.line() + (" (accepted)" if accepted else ""),
            metadata={"rows_published": volume.before, "rows_now": after, "accepted": accepted},
        )

    return _row_volume


_UPSTREAM = upstream_extracts(dbt_project.manifest_path)
mart_volume_checks = [
    build_mart_volume_check(mart, _UPSTREAM.get(mart, set()))
    for mart in mart_model_names(dbt_project.manifest_path)
]
