"""The code location: composes the assets, checks, jobs, schedules, sensors and resources."""

import dagster as dg

from orchestration.defs.automation import (
    build_warehouse_job,
    daily_build,
    landed_files_sensor,
)
from orchestration.defs.dbt import cooperation_dbt_assets, dbt_project
from orchestration.defs.ingest import ingest_assets, reference_countries
from orchestration.defs.linking import document_mentions
from orchestration.defs.publish import dbt_docs_site, published_warehouse
from orchestration.defs.resources import DbtCoreResource, WarehouseResource
from orchestration.settings import dbt_executable

defs = dg.Definitions(
    assets=[
        *ingest_assets,
        reference_countries,
        document_mentions,
        cooperation_dbt_assets,
        published_warehouse,
        dbt_docs_site,
    ],
    jobs=[build_warehouse_job],
    schedules=[daily_build],
    sensors=[landed_files_sensor],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": DbtCoreResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    },
)
