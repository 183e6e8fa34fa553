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
    ('d4', 'Old site', null, 'C', 3),
    ('d5', 'A copy', 'copy_site', 'C', 3);
create table marts.dim_partner (partner_key varchar, partner_name varchar, partner_type varchar,
    document_key varchar);
insert into marts.dim_partner values ('p-europol', 'Europol', 'eu_body', 'd1'),
    ('p-mexico', 'Mexico', 'country', 'd2');
create table marts.fct_membership (document_key varchar);
insert into marts.fct_membership values ('d2');
create table marts.dim_threat (document_key varchar);
create table marts.fct_agreement (agreement_key varchar, agreement_type varchar, signed_on date,
    date_precision varchar, in_force_on date, document_key varchar);
insert into marts.fct_agreement values
    ('a1', 'working_arrangement', date '2020-07-20', 'day', date '2020-07-01', 'd1'),
    ('a2', 'working_arrangement', null, 'unknown', null, 'd2'),
    ('a3', 'operational_agreement', null, 'unknown', null, 'd4'),
    ('a4', 'operational_agreement', date '2001-01-01', 'year', null, 'd5');
create table marts.bridge_agreement_party (agreement_key varchar, partner_key varchar);
-- a3 has no EU body among its parties
insert into marts.bridge_agreement_party values ('a1', 'p-europol'), ('a1', 'p-mexico'),
    ('a2', 'p-europol'), ('a3', 'p-mexico'), ('a4', 'p-europol');
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

    assert found.agreement_dates == [("operational_agreement", 1, 1), ("working_arrangement", 1, 1)]
    assert (found.agreements_dated, found.agreements_undated) == (2, 2)
    assert found.facts_per_grade == [("A1", 3), ("A3", 1), ("B3", 3), ("C3", 2)]
    # (body, type, agreements, signed on a day, month/year, no date, in force dated, copy only)
    assert found.agreements_per_body == [
        ("Europol", "operational_agreement", 1, 0, 1, 0, 0, 1),
        ("Europol", "working_arrangement", 2, 1, 0, 1, 1, 0),
        ("no EU body", "operational_agreement", 1, 0, 0, 1, 0, 0),
    ]
    assert found.documents_per_publisher == [
        ("copy_site", "A copy", 1, 1),
        ("eu_institution", "Europol", 2, 4),
        ("news_media", "Semana", 1, 3),
        ("not graded by kind", "Old site", 1, 1),
    ]
    titles = [table.title for table in coverage_tables(path)]
    assert titles[0] == "agreements: 2 with a signature date, 2 without"
    assert titles[1].startswith("agreements per EU body and type")
