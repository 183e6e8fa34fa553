"""Ingest assets: one per raw table, keyed ["raw", <system>, <table>]."""

import datetime as dt
import hashlib

import dagster as dg

from orchestration.defs.resources import WRITER_POOL, WarehouseResource
from orchestration.landing.contracts import CONTRACTS, Contract
from orchestration.landing.loading import (
    PROVENANCE_COLUMNS,
    ExtractResult,
    child_columns,
    load_extract,
    reconcile_ledger,
)
from orchestration.landing.reference import load_country_reference, package_versions
from orchestration.operations.freshness import last_changed
from orchestration.operations.volume import (
    Volume,
    accepted_names,
    is_accepted,
    published_count,
    record_acceptance,
)

FILES_TABLE_HEADER = (
    "| file | outcome | SHA-256 | read | loaded | rejected |\n|---|---|---|---|---|---|\n"
)


def raw_key(system: str, table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", system, table])


def table_columns(contract: Contract, table: str) -> list[tuple[str, str]]:
    if table == contract.entity:
        columns = [(c.name, c.duckdb_type) for c in contract.columns]
    else:
        child = next(c for c in contract.children if c.entity == table)
        columns = [(name, kind.split()[0]) for name, kind in child_columns(contract, child)]
    return columns + [(name, kind.split()[0]) for name, kind in PROVENANCE_COLUMNS]


def table_schema(contract: Contract, table: str) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(name, kind) for name, kind in table_columns(contract, table)]
    )


def _data_version(result: ExtractResult) -> dg.DataVersion:
    """Changes exactly when the set of loaded file contents changes."""
    files = sorted(
        (f.source_file, f.sha256 or "")
        for f in result.files
        if f.outcome in ("loaded", "unchanged")
    )
    return dg.DataVersion(hashlib.sha256(repr(files).encode()).hexdigest()[:16])


def _volume(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, contract: Contract,
    result: ExtractResult, con,
) -> tuple[Volume, bool]:  # fmt: skip
    """The extract's rows against the published warehouse's, and whether a drop past its
    contract's threshold was accepted for this run (the decision recorded with the rows)."""
    table = f"raw_{contract.system}.{contract.entity}"
    name = f"{contract.system}/{contract.entity}"
    before = published_count(warehouse.settings.published_db, table)
    volume = Volume(name, table, before, result.table_rows[contract.entity], contract.max_drop)
    accepted = volume.too_steep and is_accepted(name, accepted_names(context.run.tags))
    if accepted:
        record_acceptance(con, volume, context.run.run_id)
    return volume, accepted


def build_ingest_asset(contract: Contract) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(
            key=raw_key(contract.system, table),
            group_name=f"raw_{contract.system}",
            description=(
                contract.description
                if table == contract.entity
                else next(c.description for c in contract.children if c.entity == table)
            )
            + f"\n\nLoaded from `raw/{contract.landing_folder}/` "
            f"({contract.format}, {contract.mode}).",
            kinds={"duckdb", contract.format},
            owners=["team:warehouse"],
            metadata={
                "dagster/column_schema": table_schema(contract, table),
                "dagster/table_name": f"raw_{contract.system}.{table}",
            },
        )
        for table in contract.tables
    ]
    check = dg.AssetCheckSpec(
        name="rows_read_equal_loaded_plus_rejected",
        asset=raw_key(contract.system, contract.entity),
        description="For every landed file: rows read = rows loaded + rows rejected, lines in "
        "the file = lines of loaded records + lines of rejected records + header and blank "
        "lines, and the raw and rejects tables hold exactly what the ledger recorded.",
        blocking=True,
    )

    volume_check = dg.AssetCheckSpec(
        name="row_volume",
        asset=raw_key(contract.system, contract.entity),
        description=f"The extract's rows fell by at most {contract.max_drop:.0%} (its "
        "contract's max_drop) from the published warehouse, or a person accepted the drop "
        "(`coop build --accept-drop`, recorded in _meta.accepted_drops).",
        blocking=True,
    )

    @dg.multi_asset(
        name=f"ingest_{contract.system}_{contract.entity}",
        specs=specs,
        check_specs=[check, volume_check],
        pool=WRITER_POOL,
        can_subset=False,
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        with warehouse.writer() as con:
            result = load_extract(con, warehouse.settings.raw_dir, contract, context.run.run_id)
            mismatches = reconcile_ledger(con, contract)
            volume, accepted = _volume(context, warehouse, contract, result, con)
        for item in result.files:
            log = context.log.error if item.outcome == "failed" else context.log.info
            log(
                f"{item.source_file}: {item.outcome}; read {item.rows_read}, loaded "
                f"{item.rows_loaded}, rejected {item.rows_rejected}. {item.message}".strip()
            )
            for warning in item.warnings:
                context.log.warning(str(warning))
        version = _data_version(result)
        # when the extract's newest file landed: what its freshness check compares
        landed_at = last_changed(contract, warehouse.settings.raw_dir)
        for table in contract.tables:
            metadata = {
                "dagster/row_count": result.table_rows[table],
                "dagster/column_schema": table_schema(contract, table),
                "rejected_rows_total": result.table_rows[contract.entity + "__rejects"],
                "files_loaded": result.count("loaded"),
                "files_unchanged": result.count("unchanged"),
                "files_failed": result.count("failed"),
                **(
                    {"dagster/last_updated_timestamp": dg.MetadataValue.timestamp(landed_at)}
                    if landed_at
                    else {}
                ),
                "files": dg.MetadataValue.md(
                    FILES_TABLE_HEADER
                    + "\n".join(
                        f"| {f.source_file} | {f.outcome} | {(f.sha256 or '')[:12]} | "
                        f"{f.rows_read} | {f.rows_loaded} | {f.rows_rejected} |"
                        for f in result.files
                    )
                ),
            }
            yield dg.MaterializeResult(
                asset_key=raw_key(contract.system, table), metadata=metadata, data_version=version
            )
        yield dg.AssetCheckResult(
            asset_key=raw_key(contract.system, contract.entity),
            check_name=check.name,
            passed=not mismatches,
            metadata={"mismatched_files": [row[0] for row in mismatches]},
        )
        yield dg.AssetCheckResult(
            asset_key=raw_key(contract.system, contract.entity),
            check_name=volume_check.name,
            passed=not volume.too_steep or accepted,
            description=volume.line() + (" (accepted)" if accepted else ""),
            metadata={"rows_published": volume.before, "rows_now": volume.after,
                      "max_drop": contract.max_drop, "accepted": accepted},
        )  # fmt: skip
        if result.failed:
            raise dg.Failure(
                description="\n".join(f.message for f in result.failed),  # a line per file
                metadata={"failed_files": [f.source_file for f in result.failed]},
            )

    return _ingest


@dg.asset(
    key=raw_key("reference", "countries"),
    group_name="raw_reference",
    kinds={"duckdb", "python"},
    owners=["team:warehouse"],
    pool=WRITER_POOL,
    code_version=package_versions(),
)
def reference_countries(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """ISO 3166-1 countries with UN M49 region and sub-region, from pycountry and
    country_converter (the pinned versions are this asset's code version)."""
    with warehouse.writer() as con:
        rows = load_country_reference(con, dt.datetime.now(dt.UTC).replace(tzinfo=None))
    return dg.MaterializeResult(
        metadata={"dagster/row_count": rows, "packages": package_versions()},
        data_version=dg.DataVersion(hashlib.sha256(package_versions().encode()).hexdigest()[:16]),
    )


ingest_assets = [build_ingest_asset(contract) for contract in CONTRACTS]
