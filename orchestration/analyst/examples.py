"""The example queries of warehouse/README.md, and how their results are rendered there.

`python -m orchestration.analyst.examples` prints the README's examples section from the published
warehouse; tests/test_analyst_guide.py checks the README still shows what the queries return.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from orchestration.analyst.querying import connect_published

EXAMPLES: list[tuple[str, str]] = [
    (
        "Partners by type",
        "select partner_type, count(*) as partners\nfrom marts.dim_partner\n"
        "group by partner_type\norder by partners desc, partner_type",
    ),
    (
        "CLASI's members on 7 March 2025, with the date each is attested from",
        "select member_name, member_iso3, membership_role, valid_from, valid_from_precision\n"
        "from marts.members_on('clasi', date '2025-03-07')\norder by valid_from, member_name",
    ),
    (
        "The strongest instrument in force on 7 March 2025 for each Latin American country",
        "select s.partner_name, s.strongest_agreement_type, s.in_force_since, s.counterparts\n"
        "from marts.partner_cooperation_status(date '2025-03-07') as s\n"
        "join marts.dim_partner as p using (partner_id)\n"
        "where p.is_latin_america_caribbean\norder by s.partner_name",
    ),
    (
        "EU international agreements (the legal basis for personal data) and where they stand",
        "select agreement_name, status, signed_on, in_force_on\nfrom marts.fct_agreement\n"
        "where agreement_type = 'eu_international_agreement'\n"
        "order by signed_on nulls last, agreement_name",
    ),
    (
        "What was in force on 1 January 2020 with Latin American partners, and since when",
        "select a.agreement_name, h.valid_from as in_force_since,\n"
        "       h.valid_from is not null as is_entry_into_force_known\n"
        "from marts.fct_agreement as a\n"
        "left join marts.fct_agreement_status_history as h\n"
        "  on h.agreement_key = a.agreement_key and h.status = 'in_force'\n"
        "where ((h.valid_from <= date '2020-01-01'\n"
        "        and (h.valid_to is null or date '2020-01-01' < h.valid_to))\n"
        "    or (a.status = 'in_force' and a.in_force_on is null\n"
        "        and a.signed_on <= date '2020-01-01'))\n"
        "  and exists (\n"
        "    select 1 from marts.bridge_agreement_party as b\n"
        "    join marts.dim_partner as p using (partner_key)\n"
        "    where b.agreement_key = a.agreement_key and p.is_latin_america_caribbean)\n"
        "order by in_force_since nulls last, a.agreement_name",
    ),
    (
        "A threat's timeline: drug trafficking",
        "select started_on, event_type, event_name, evaluation_code\n"
        "from marts.threat_timeline\nwhere threat_id = 'drug-trafficking'\norder by started_on",
    ),
    (
        "Crime areas and the EU crime priorities (EMPACT) of the last two cycles",
        "select threat_name, is_empact_2022_2025, is_empact_2026_2029\nfrom marts.dim_threat\n"
        "where is_europol_crime_area and parent_threat_key is null\norder by threat_name",
    ),
    (
        "Events per year and type since 2022",
        "select d.year, e.event_type, count(*) as events\nfrom marts.fct_event as e\n"
        "join marts.dim_date as d on d.date_key = e.started_on\nwhere d.year >= 2022\n"
        "group by all\norder by d.year, events desc, e.event_type",
    ),
    (
        "Trace a fact to its source: the agreements signed in the week of 3 March 2025",
        "select a.agreement_id, d.publisher, d.url, d.evaluation_code, d.handling_code,\n"
        "       a._source_file, a._source_line\nfrom marts.fct_agreement as a\n"
        "join marts.dim_source_document as d using (document_key)\n"
        "where a.signed_on between date '2025-03-03' and date '2025-03-09'",
    ),
    (
        "How well graded are the sources? Documents per 4x4 evaluation",
        "select evaluation_code, verification_status, count(*) as documents\n"
        "from marts.dim_source_document\ngroup by all\norder by evaluation_code, documents desc",
    ),
    (
        "National agencies rolled up to their country",
        "select c.partner_name as country, count(*) as agencies,\n"
        "    string_agg(a.partner_name, '; ' order by a.partner_name) as agency_names\n"
        "from marts.dim_partner as a\n"
        "join marts.dim_partner as c on a.parent_partner_key = c.partner_key\n"
        "where a.partner_type = 'agency'\n"
        "group by c.partner_name\norder by agencies desc, country",
    ),
]


def render(columns: list[str], rows: list[tuple]) -> str:
    """A Markdown table of a result, NULL shown as empty."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = ("" if value is None else str(value).replace("|", "\\|") for value in row)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_example(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return render(columns, cursor.fetchall())


def examples_markdown(path: Path) -> str:
    con = connect_published(path)
    try:
        parts = []
        for number, (title, sql) in enumerate(EXAMPLES, start=1):
            parts.append(
                f"### {number}. {title}\n\n```sql\n{sql}\n```\n\n{run_example(con, sql)}\n"
            )
        return "\n".join(parts)
    finally:
        con.close()


if __name__ == "__main__":
    from orchestration.settings import load_settings

    sys.stdout.write(examples_markdown(load_settings().published_db))
