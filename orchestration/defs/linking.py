"""Linking assets: the loaded documents' mentions of partners, threats and dates."""

import dagster as dg

from orchestration.defs.resources import WRITER_POOL, WarehouseResource


@dg.asset(
    key=["raw", "linking", "document_mentions"],
    group_name="raw_linking",
    deps=[
        dg.AssetKey(["raw", "documents", "documents"]),
        dg.AssetKey(["raw", "curated", "partners"]),
        dg.AssetKey(["raw", "curated", "threats"]),
        dg.AssetKey(["raw", "curated", "aliases"]),
    ],
    kinds={"duckdb", "python"},
    owners=["team:warehouse"],
    pool=WRITER_POOL,
    metadata={"dagster/table_name": "raw_linking.document_mentions"},
)
def document_mentions(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Partners, threats and dates mentioned in each loaded document, with character offsets
    in its text, the surface text, the method that found it and a confidence. The names come
    from the partner, threat and alias extracts plus CLDR country names (en, es, pt); dates
    are resolved against the document's date. Incremental: a new or changed document links
    only itself; a changed gazetteer relinks every document."""
    from orchestration.documents.linking.store import MENTION_COLUMNS, link_documents

    with warehouse.writer() as con:
        result = link_documents(con)
    context.log.info(
        f"gazetteer {result.gazetteer_version} ({result.gazetteer_entries} names): linked "
        f"{result.linked} document(s), kept {result.kept}, dropped {result.dropped}"
        + ("; the gazetteer changed: every document relinked" if result.relinked_all else "")
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": result.mentions,
            "dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(name, kind.split()[0]) for name, kind in MENTION_COLUMNS]
            ),
            "gazetteer_version": result.gazetteer_version,
            "gazetteer_entries": result.gazetteer_entries,
            "documents_linked": result.linked,
            "documents_kept": result.kept,
            "relinked_all": result.relinked_all,
        },
        data_version=dg.DataVersion(result.state_digest),
    )
