"""The code location: composes the assets, checks, jobs, schedules, sensors and resources."""

import dagster as dg

from orchestration.defs.alerts import failed_run_alert
from orchestration.defs.automation import (
    build_warehouse_job,
    daily_build,
    landed_files_sensor,
)
from orchestration.defs.dbt import cooperation_dbt_assets, dbt_project
from orchestration.defs.fetching import fetch_documents, fetch_documents_hourly, fetch_documents_job
from orchestration.defs.freshness import extract_freshness_sensor, freshness_checks
from orchestration.defs.handoff import handoff_assets
from orchestration.defs.housekeeping import housekeeping, housekeeping_schedule
from orchestration.defs.ingest import ingest_assets, reference_countries
from orchestration.defs.linking import document_mentions
from orchestration.defs.publish import cooperation_atlas, dbt_docs_site, published_warehouse
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.volume import mart_volume_checks
from orchestration.settings import dbt_executable
from orchestration.transform.dbt_resource import DbtCoreResource

defs = dg.Definitions(
    assets=[
        *ingest_assets,
        reference_countries,
        document_mentions,
        *handoff_assets,
        cooperation_dbt_assets,
        published_warehouse,
        dbt_docs_site,
        cooperation_atlas,
        fetch_documents,
    ],
    asset_checks=[*freshness_checks, *mart_volume_checks],
    jobs=[build_warehouse_job, housekeeping, fetch_documents_job],
    schedules=[daily_build, housekeeping_schedule, fetch_documents_hourly],
    sensors=[landed_files_sensor, failed_run_alert, extract_freshness_sensor],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": DbtCoreResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    },
)
