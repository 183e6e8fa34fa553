"""dbt models, snapshots and tests as Dagster assets and blocking asset checks."""

import os
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtProject,
    dbt_assets,
)

from orchestration.defs.resources import WRITER_POOL, WarehouseResource
from orchestration.operations.writer import writer_lock
from orchestration.problems import one_line
from orchestration.settings import DBT_PROJECT_DIR, load_settings
from orchestration.transform.check_descriptions import describe_test
from orchestration.transform.dbt_failures import explain_build
from orchestration.transform.dbt_resource import DbtCoreResource
from orchestration.transform.relations import describe_relations

# one manifest per engine (COOP_ENGINE): configs read `target.type` when dbt parses
ENGINE_SETTINGS = load_settings()
ENGINE = ENGINE_SETTINGS.engine_impl
dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target=ENGINE_SETTINGS.dbt_target,
    target_path=ENGINE_SETTINGS.dbt_target_path,
)

LAYERS = ("staging", "intermediate", "marts", "atlas")  # the model folders, each its own group


def handoff_key(raw: dg.AssetKey) -> dg.AssetKey:
    """The copy of a landed table that an engine's dbt reads (Spark: Parquet)."""
    return dg.AssetKey(["handoff", *raw.path[1:]])


class CooperationTranslator(DagsterDbtTranslator):
    """Groups by layer (staging, intermediate, marts, snapshots) and one owner for all. On an
    engine that reads a copy of the landing, dbt's sources are that copy's assets."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project):
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source" and ENGINE.hands_off_landing:
            return spec.replace_attributes(key=handoff_key(spec.key))
        # models/history/ is the snapshot's stand-in on Spark (Parquet has no merge)
        if props["resource_type"] == "snapshot" or props["fqn"][1:2] == ["history"]:
            group = "snapshots"
        elif props["resource_type"] == "model":
            group = props["fqn"][1] if props["fqn"][1] in LAYERS else "dbt"
        else:
            return spec
        return spec.replace_attributes(group_name=group, owners=["team:warehouse"])

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        """dbt's check, described in a sentence (transform/check_descriptions.py)."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=describe_test(manifest["nodes"][unique_id], manifest),
            additional_deps=spec.additional_deps,
            metadata=spec.metadata,
            blocking=spec.blocking,
        )


translator = CooperationTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_code_references=False)
)


def _with_table_metadata(events: Iterator[Any], warehouse: WarehouseResource) -> Iterator[Any]:
    """Attach column schemas, and row counts of tables, once dbt has exited and released the
    file."""
    held = list(events)
    with warehouse.writer() as con:
        relations = describe_relations(
            con, ("staging", "intermediate", "marts", "atlas", "snapshots")
        )
    # asset keys are [schema (the layer), model]; an Output is named after its key
    by_key = {dg.AssetKey([r.schema, r.name]): r for r in relations.values()}
    by_output = {key.to_python_identifier(): r for key, r in by_key.items()}
    for event in held:
        if isinstance(event, dg.Output):
            relation = by_output.get(event.output_name)
        else:
            relation = by_key.get(getattr(event, "asset_key", None))
        if relation is not None and hasattr(event, "with_metadata"):
            metadata = {
                **(event.metadata or {}),
                "dagster/table_name": f"{relation.schema}.{relation.name}",
                "dagster/column_schema": dg.TableSchema(
                    columns=[dg.TableColumn(c, t) for c, t in relation.columns]
                ),
            }
            if relation.row_count is not None:
                metadata["dagster/row_count"] = relation.row_count
            event = event.with_metadata(metadata)
        yield event


class DbtBuildConfig(dg.Config):
    full_refresh: bool = False  # rebuild incremental facts from scratch (dbt --full-refresh)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    pool=WRITER_POOL,
)
def cooperation_dbt_assets(
    context: dg.AssetExecutionContext,
    config: DbtBuildConfig,
    dbt: DbtCoreResource,
    warehouse: WarehouseResource,
):
    """Builds staging and intermediate views, mart tables and the agreements snapshot, and runs
    every dbt test right after the node it tests (`dbt build`): a failing error-severity test
    stops what depends on it, here and in Dagster."""
    settings = warehouse.settings
    os.environ.update(settings.dbt_env())
    # the writer lock without a connection: dbt's own process opens the build file
    with writer_lock(settings.lock_file, warehouse.lock_timeout_seconds):
        args = ["build", "--full-refresh"] if config.full_refresh else ["build"]
        invocation = dbt.cli(args, context=context, raise_on_error=False)
        events = list(invocation.stream())
        dbt.keep_partial_parse(invocation.target_path)
    if settings.engine_impl.marts_in_build_file:
        yield from _with_table_metadata(iter(events), warehouse)
    else:
        yield from events
    if not invocation.is_successful():
        raise dg.Failure(description=_failure_description(invocation, warehouse))


def _failure_description(invocation, warehouse: WarehouseResource) -> str:
    """One line per problem (failing test, offending values, the extract rows behind them),
    read once dbt has exited; dbt's own error when its artifacts say nothing."""
    try:
        run_results = invocation.get_artifact("run_results.json")
        manifest = invocation.get_artifact("manifest.json")
    except FileNotFoundError:  # dbt stopped before writing them (a parse error, say)
        return f"dbt build failed: {one_line(str(invocation.get_error()))}"
    with warehouse.writer() as con:
        problems = explain_build(con, run_results, manifest, warehouse.settings.raw_dir)
    if not problems:
        return f"dbt build failed: {one_line(str(invocation.get_error()))}"
    return "\n".join(str(problem) for problem in problems)


def checks_reading(assets: set[dg.AssetKey]) -> set[dg.AssetCheckKey]:
    """The checks (dbt tests) that read any of `assets`, wherever they are attached: a
    relationships test on an unselected mart that points to a rebuilt one must run too, as a
    check, where Dagster would select only the checks of the rebuilt marts. Each check spec of
    the dbt assets names the test's other parents as its additional dependencies."""
    return {
        spec.key
        for spec in cooperation_dbt_assets.check_specs
        if {spec.asset_key, *(dep.asset_key for dep in spec.additional_deps)} & assets
    }
