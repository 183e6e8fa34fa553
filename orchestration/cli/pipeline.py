"""Building the warehouse: parse, build, retract."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from orchestration.cli.app import app
from orchestration.cli.output import console, errors, fail, report_rejects


@app.command()
def parse() -> None:
    """Parse the dbt project into the manifest Dagster reads (skipped when it is unchanged)."""
    from orchestration.runner.runs import prepare_dbt_manifest

    parsed = prepare_dbt_manifest()
    console.print("dbt project parsed" if parsed else "dbt project unchanged: manifest kept")


def report_run(summary) -> None:
    """What a run did, ending with exit status 1 when it failed or did not publish."""
    from orchestration.settings import load_settings

    settings = load_settings()
    console.print(f"run {summary.run_id}: {'succeeded' if summary.success else 'FAILED'}")
    console.print(
        f"checks: {len(summary.checks_passed)} passed, {len(summary.checks_failed)} failed"
    )
    for name in summary.checks_failed:
        console.print(f"  failed check {name}", style="red")
    for problem in summary.problems:
        errors.print(problem, style="red")
    for warning in summary.warnings:
        errors.print(f"warning: {warning}", style="yellow")
    report_rejects(summary.rejects, "quarantine of this build")
    if not summary.success:
        errors.print(f"run {summary.run_id} failed; full log: {summary.log_path}")
    if summary.noop and summary.success:
        console.print(
            "nothing landed or changed since the last published build: every file confirmed "
            "unchanged, no model rebuilt (use --force to rebuild anyway)"
        )
        console.print(f"published warehouse (current): {settings.published_db}")
        _where_next(settings)
        return
    if summary.rebuilt_for:
        console.print(
            f"landed or changed: {', '.join(summary.rebuilt_for)}; rebuilt only what depends on "
            "them (use --force to rebuild everything)"
        )
    if summary.published:
        table = Table("mart", "rows", title=f"published {settings.publication}")
        for mart, rows in settings.engine_impl.published_rows().items():
            table.add_row(mart, str(rows))
        console.print(table)
        for label, path in settings.engine_impl.outputs().items():
            console.print(f"{label}: {path}")
        stale = _after_publication(summary, settings)
        _where_next(settings)
        if not summary.success:  # published, but a step after publishing failed (the atlas)
            errors.print(
                f"published: the warehouse {settings.publication}"
                + (f"; NOT brought up to date: {', '.join(stale)} (its step failed above; "
                   "the previous version, if any, is left as it was)" if stale else "")
            )  # fmt: skip
            raise typer.Exit(1)
    else:
        console.print(
            f"not published: the last good warehouse (if any) is unchanged at "
            f"{settings.publication}"
        )
        raise typer.Exit(1)


# what a run makes from the published warehouse after publishing it: (asset, name, where)
AFTER_PUBLICATION = (
    ("warehouse/atlas", "the atlas", lambda settings: settings.atlas_dir / "index.html"),
    ("warehouse/docs", "the dbt docs site", lambda settings: settings.docs_dir / "index.html"),
)


def _after_publication(summary, settings) -> list[str]:
    """Print where the atlas is when this run made it; return what it failed to make."""
    stale = []
    for asset, name, where in AFTER_PUBLICATION:
        if asset not in summary.materialized:
            stale.append(f"{name} ({where(settings)})")
        elif asset == "warehouse/atlas":
            console.print(f"Atlas: {where(settings)}")
    return stale


def _where_next(settings) -> None:
    """Where to read what was built: the first thing a newcomer asks after a build."""
    console.print("next:")
    console.print('  query  .venv/bin/coop query "select * from dim_partner" (read-only; '
                  "-x: a block per record)")  # fmt: skip
    console.print(f"  docs   {settings.docs_dir / 'index.html'} (every table and column, lineage)")
    console.print("  UI     make ui, then http://127.0.0.1:3000 (runs, assets, checks)")
    console.print("  guides docs/analysts.md, docs/reviewers.md, docs/operators.md")


@app.command()
def build(
    verbose: bool = typer.Option(False, help="Show Dagster's own step logs and stack traces."),
    full_refresh: bool = typer.Option(False, help="Rebuild incremental facts from scratch."),
    force: bool = typer.Option(False, help="Rebuild and republish even if nothing changed."),
    engine: str = typer.Option(
        None, help="duckdb or spark: where dbt builds the marts (default: COOP_ENGINE, duckdb)."
    ),
    accept_drop: Annotated[
        list[str] | None,
        typer.Option(
            help="An extract (curated/memberships) or mart (fct_membership) whose fall in rows "
            "past its threshold is meant: publish anyway (recorded in _meta.accepted_drops). "
            "Repeatable.",
        ),
    ] = None,
) -> None:
    """Materialize every asset through Dagster (load, dbt build and tests, publish).

    Ends with the checks, one line per problem (file: line N, column: reason), the rows the
    loader quarantined per file, and the published row counts; exits 1 when nothing was
    published."""
    import os

    if engine:  # read by orchestration.settings, like every other setting
        os.environ["COOP_ENGINE"] = engine
    from orchestration.runner.runs import prepare_dbt_manifest, run_main_job

    with console.status("parsing the dbt project"):
        prepare_dbt_manifest()
    with console.status("running job build_warehouse (load → dbt build → checks → publish)"):
        summary = run_main_job(
            verbose=verbose,
            full_refresh=full_refresh,
            force=force,
            accept_drop=tuple(accept_drop or ()),
        )
    report_run(summary)


@app.command()
def retract(
    file: str = typer.Argument(
        ..., help="The landed file whose load to take back, e.g. raw/curated/events/x.ndjson."
    ),
    reason: str = typer.Option("no reason given", help="Why, recorded in the load ledger."),
) -> None:
    """Take a file's load back: its rows leave the build, the ledger records the retraction,
    and what depends on the extract is rebuilt and republished. While the file is unchanged it
    is not loaded again; a corrected version (another SHA-256) loads as new."""
    from orchestration.landing.retraction import RetractionError, relative_to_landing
    from orchestration.landing.retraction import retract as retract_file
    from orchestration.operations.writer import build_connection
    from orchestration.runner.runs import prepare_dbt_manifest, run_main_job
    from orchestration.settings import load_settings

    settings = load_settings()
    if not settings.build_db.exists():
        fail(f"no build file at {settings.build_db}: nothing was loaded to retract")
    try:
        relative = relative_to_landing(file, settings.raw_dir)
        with build_connection(settings) as con:
            done = retract_file(con, relative, reason)
    except RetractionError as error:
        fail(str(error))
    console.print(
        f"retracted raw/{done.source_file}: {done.rows_removed} row(s) and "
        f"{done.rejects_removed} quarantined value(s) removed; rebuilding {done.extract}"
    )
    prepare_dbt_manifest()
    with console.status("running job build_warehouse (rebuild and republish)"):
        # the rows taken back are a drop a person asked for
        summary = run_main_job(also_changed=frozenset({done.extract}), accept_drop=(done.extract,))
    report_run(summary)
