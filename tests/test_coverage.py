"""The coverage figures of `coop status`, read from a small marts file whose answer is known."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.analyst.coverage import coverage, coverage_tables

MARTS = """
create schema marts;
create table marts.dim_source_document (document_key varchar, publisher varchar,
    publisher_kind varchar, source_reliability varchar, information_accuracy integer);
insert into marts.dim_source_document values
    ('d1', 'Europol', 'eu_institution', 'A', 1),
    ('d2', 'Semana', 'news_media', 'B', 3),
    ('d3', 'Europol', 'eu_institution', 'A', 1),
    ('d4', 'Old site', null, 'C', 3);
create table marts.dim_partner (document_key varchar);
insert into marts.dim_partner values ('d1'), ('d2');
create table marts.fct_membership (document_key varchar);
insert into marts.fct_membership values ('d2');
create table marts.dim_threat (document_key varchar);
create table marts.fct_agreement (agreement_type varchar, signed_on date, document_key varchar);
insert into marts.fct_agreement values
    ('working_arrangement', date '2020-07-20', 'd1'),
    ('working_arrangement', null, 'd2'),
    ('operational_agreement', null, 'd4');
create table marts.fct_event (document_key varchar, information_accuracy integer);
-- an inferred event counts under its own accuracy, not its document's
insert into marts.fct_event values ('d1', null), ('d1', 3);
"""


def test_coverage_counts_dates_grades_and_publishers(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute(MARTS)
    con.close()

    found = coverage(path)

    assert found.agreement_dates == [("operational_agreement", 0, 1), ("working_arrangement", 1, 1)]
    assert (found.agreements_dated, found.agreements_undated) == (1, 2)
    assert found.facts_per_grade == [("A1", 3), ("A3", 1), ("B3", 3), ("C3", 1)]
    assert found.documents_per_publisher == [
        ("eu_institution", "Europol", 2),
        ("news_media", "Semana", 1),
        ("not graded by kind", "Old site", 1),
    ]
    titles = [table.title for table in coverage_tables(path)]
    assert titles[0] == "agreements: 1 with a signature date, 2 without"
