"""Publishing: the last step of a run, after every blocking check upstream has passed."""

import threading

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.defs.dbt import cooperation_dbt_assets, dbt_project
from orchestration.defs.resources import WRITER_POOL, WarehouseResource
from orchestration.landing.digests import dbt_project_digest
from orchestration.operations.planning import PLAN_TAG, record_publication
from orchestration.operations.writer import writer_lock
from orchestration.settings import Settings
from orchestration.transform.dbt_docs import docs_are_current, generate_docs
from orchestration.transform.dbt_manifest import atlas_model_names, mart_model_names, mart_models

MART_NAMES = mart_model_names(dbt_project.manifest_path)
ATLAS_NAMES = atlas_model_names(dbt_project.manifest_path)  # published beside the marts


def _warm_up_atlas_charts(settings: Settings) -> None:
    """Import Altair and vl-convert and start vl-convert's engine for the atlas step that
    follows: beside publishing, which mostly waits on the disk, and after dbt, whose process
    holds the build's memory peak (the engine would add to it). When that step will draw
    every chart (no atlas yet, or its code changed), its worker processes start too."""
    try:
        from orchestration.publication.atlas import redraws_all, workers
        from orchestration.publication.vega_svg import start_engine

        if redraws_all(settings):
            workers.start()  # their start is the longer: begun first
        start_engine()  # for the few charts an increment draws in this process (see MANY)
    except Exception:  # noqa: BLE001, S110 - only a head start: the atlas step reports errors
        pass


@dg.asset(
    key=["warehouse", "cooperation"],
    group_name="publish",
    kinds={"duckdb", "parquet"},
    owners=["team:warehouse"],
    deps=[
        get_asset_key_for_model([cooperation_dbt_assets], name)
        for name in [*mart_models(dbt_project.manifest_path), *ATLAS_NAMES]
    ],
    pool=WRITER_POOL,
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The analysts' read-only warehouse, `warehouse/cooperation.duckdb`, and Parquet copies of
    every mart in `warehouse/parquet/marts/<mart>/` (one file per load batch). Dagster runs this
    only when every blocking check upstream passed; the file is then replaced atomically
    (write-audit-publish), and Parquet files of unchanged batches are hard-linked, not rewritten."""
    settings = warehouse.settings
    # not a daemon: the process waits for it (under a second) rather than stop it mid-start
    threading.Thread(target=_warm_up_atlas_charts, args=(settings,), name="atlas-warm-up").start()
    with writer_lock(settings.lock_file, warehouse.lock_timeout_seconds):
        publication = settings.engine_impl.publish(MART_NAMES, context.run.run_id)
        # what this run was planned from is now published: the next run compares with it
        record_publication(settings, context.run.tags.get(PLAN_TAG))
    context.log.info(f"published {publication.path}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(publication.path)),
            "engine": settings.engine,
            "published_at": publication.published_at.isoformat(),
            "mart_rows": dg.MetadataValue.json(publication.mart_rows),
            **publication.metadata,
        }
    )


@dg.asset(
    key=["warehouse", "docs"],
    group_name="publish",
    kinds={"dbt", "html"},
    owners=["team:warehouse"],
    deps=[published_warehouse],
    pool=WRITER_POOL,
)
def dbt_docs_site(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The dbt docs site of the published warehouse, `warehouse/docs/index.html`: every mart and
    column described, the 4x4 evaluation, handling codes, agreement types and statuses explained.
    One self-contained page: open it in a browser from disk. Regenerated after a publish when
    the dbt project changed; otherwise the site already describes the published warehouse."""
    settings = warehouse.settings
    if not settings.engine_impl.builds_docs_site:
        context.log.info("dbt docs are generated from the DuckDB build only")
        return dg.MaterializeResult(metadata={"regenerated": False})
    digest = dbt_project_digest()
    index = dg.MetadataValue.path(str(settings.docs_dir / "index.html"))
    if docs_are_current(settings, digest):
        # a whole `dbt docs generate` saved: models, columns and descriptions are unchanged
        context.log.info("dbt project unchanged since the site was generated: kept as it is")
        return dg.MaterializeResult(metadata={"index": index, "regenerated": False})
    with writer_lock(settings.lock_file, warehouse.lock_timeout_seconds):
        generate_docs(settings, digest)
    return dg.MaterializeResult(metadata={"index": index, "regenerated": True})


@dg.asset(
    key=["warehouse", "atlas"],
    group_name="publish",
    kinds={"html", "svg"},
    owners=["team:warehouse"],
    deps=[published_warehouse],
    pool=WRITER_POOL,
)
def cooperation_atlas(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The cooperation atlas, `warehouse/atlas/index.html`: a map of cooperation with EU bodies,
    agreements over time by region, memberships, partners by threats and events per quarter,
    with a page per partner and per threat (every row linked to its source, 4x4 grade and
    handling code). Static pages with SVG charts that open from disk, drawn from the published
    `atlas` tables (dbt_project/models/atlas/) after every blocking check passed, written aside
    and swapped in whole; only the pages and charts whose rows changed are drawn again."""
    # imported here: Altair and vl-convert would slow every process loading the definitions
    from orchestration.publication.atlas import refresh_atlas

    settings = warehouse.settings
    index = dg.MetadataValue.path(str(settings.atlas_dir / "index.html"))
    # the pool keeps two runs from swapping the folder at once; the published file is only read
    regenerated = refresh_atlas(settings)
    if not regenerated:
        context.log.info("published marts unchanged since the atlas was generated: kept")
    return dg.MaterializeResult(metadata={"index": index, "regenerated": regenerated})
