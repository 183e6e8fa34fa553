"""Synthetic extracts in the real contracts' formats, at a scale factor, for benchmarks.

Scale 1.0 gives 10 million events (with participants and threats), 100,000 agreements, 10,000
partners and 1 million source documents; smaller scales shrink every extract in proportion
(with small floors so that every enumeration still appears). Output is a landing zone,
``<out>/curated/<entity>/<files>``, that the whole pipeline can build.

Everything is generated inside DuckDB from ``range()`` with a hash of (seed, salt, row) as the
random source: vectorised, multi-threaded and yet deterministic for a seed (``random()`` would
depend on thread scheduling). Partners are drawn with a Zipf-like skew (a few partners take
part in most events). A configurable share of rows is deliberately bad (wrong enum, impossible
date, missing required value, end before start, malformed JSON): the loader must quarantine
them. Bad rows of the dimension-like extracts are extra rows whose keys nothing references,
so every foreign key of the good rows stays valid and the dbt tests pass.

    .venv/bin/python -m bench.generate --scale 0.01 --seed 7 --bad-share 0.001 --out /tmp/raw
"""

from __future__ import annotations

import argparse
import math
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pycountry

from orchestration.landing.contracts import (
    AGREEMENTS,
    EVENTS,
    MEMBERSHIPS,
    PARTNERS,
    SOURCE_DOCUMENTS,
    THREATS,
    Contract,
)
from orchestration.landing.vocabularies import (
    AGREEMENT_STATUSES,
    AGREEMENT_TYPES,
    DATE_PRECISIONS,
    EVENT_TYPES,
    HANDLING_CODES,
    INFORMATION_ACCURACY,
    MEMBERSHIP_ROLES,
    PARTICIPANT_ROLES,
    PARTNER_TYPES,
    PARTY_ROLES,
    PUBLISHER_KINDS,
    SOURCE_RELIABILITY,
    VALID_FROM_PRECISIONS,
    VERIFICATION_STATUSES,
)

FULL_EVENTS = 10_000_000
FULL_AGREEMENTS = 100_000
FULL_PARTNERS = 10_000
FULL_DOCUMENTS = 1_000_000
THREAT_COUNT = 40  # crime areas are a short fixed list, whatever the scale
EVENTS_PER_FILE = 1_000_000
CITIES = ("Brussels", "The Hague", "Bogotá", "Brasília", "Lisbon", "Madrid", "Panamá",
          "Santiago", "Lima", "Quito", "Buenos Aires", "São Paulo", "Vienna", "Lyon")  # fmt: skip
PUBLISHERS = ("Europol", "Eurojust", "EEAS", "EUR-Lex", "Council of the EU", "AMERIPOL",
              "INTERPOL", "El País", "Folha de S.Paulo", "Semana", "Reuters", "UNODC")  # fmt: skip
LANGUAGES = ("en", "es", "pt", "fr", "de", "nl")


@dataclass(frozen=True)
class Sizes:
    events: int
    agreements: int
    partners: int
    documents: int
    threats: int = THREAT_COUNT

    @property
    def memberships(self) -> int:
        return 2 * self.partners

    @property
    def countries(self) -> int:
        # one partner in four is a country, each a real ISO country (dbt geocodes them)
        return min(len(pycountry.countries), math.ceil(self.partners / 4))


# The extracts of facts, which grow with the feed. The documents and the aliases are text the
# linker reads (bench/linking.py measures it on its own labelled set), not rows to scale up.
GENERATED = (SOURCE_DOCUMENTS, PARTNERS, MEMBERSHIPS, THREATS, AGREEMENTS, EVENTS)


def sizes_for(scale: float) -> Sizes:
    return Sizes(
        events=max(100, round(FULL_EVENTS * scale)),
        agreements=max(50, round(FULL_AGREEMENTS * scale)),
        partners=max(40, round(FULL_PARTNERS * scale)),
        documents=max(100, round(FULL_DOCUMENTS * scale)),
    )


# --- SQL building blocks -------------------------------------------------------------------------


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def lit_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"


def pick(values: Sequence[str], salt: str, row: str = "i") -> str:
    """A uniformly chosen element of ``values`` (lists are 1-based in DuckDB)."""
    return f"{lit_list(values)}[ri({lit(salt)}, {row}, {len(values)}) + 1]"


MACROS = (
    # hash(seed, salt, i) combines its arguments too weakly (salts correlate): mix the row
    # number with a per-salt constant, then hash that one value (murmur-style avalanche)
    "u(salt, i) as hash(xor(cast(i as ubigint), hash({seed}, salt))) / 18446744073709551616.0",
    "ri(salt, i, n) as cast(floor(u(salt, i) * n) as bigint)",
    # Zipf-like (s = 1): index k in [0, n) with probability log((k + 2) / (k + 1)) / log(n + 1)
    "zipf(salt, i, n) as least(n - 1, cast(floor(exp(u(salt, i) * ln(n + 1))) as bigint) - 1)",
    "day_after(d, salt, i, n) as d + cast(ri(salt, i, n) as integer)",
    "iso(d) as strftime(d, '%Y-%m-%d')",
    "partner_id(k) as 'partner-' || lpad(cast(k as varchar), 6, '0')",
    "document_id(k) as 'doc-' || lpad(cast(k as varchar), 7, '0')",
    "agreement_id(k) as 'agr-' || lpad(cast(k as varchar), 6, '0')",
    "threat_id(k) as 'threat-' || lpad(cast(k as varchar), 3, '0')",
    "event_id(k) as 'ev-' || lpad(cast(k as varchar), 9, '0')",
)


def install_macros(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    """Deterministic random numbers: a hash of (seed, salt, row), independent of threads."""
    for macro in MACROS:
        con.execute("create or replace macro " + macro.replace("{seed}", str(int(seed))))


Columns = list[tuple[str, str]]


def ordered_columns(
    contract: Contract, expressions: dict[str, str], bad: list[tuple[str, str]]
) -> Columns:
    """(name, SQL) in the contract's column order; bad kind ``k`` overrides one column's value."""
    names = [c.name for c in contract.columns]
    assert set(expressions) == set(names), set(expressions) ^ set(names)
    ordered = []
    for name in names:
        expr = expressions[name]
        for kind, (column, bad_value) in enumerate(bad):
            if column == name:
                expr = f"case when _bad = {kind} then {bad_value} else {expr} end"
        ordered.append((name, expr))
    return ordered


def insert_after(columns: Columns, after: str, extra: Columns) -> Columns:
    """JSON array fields go where the sample extracts put them."""
    at = [name for name, _ in columns].index(after) + 1
    return [*columns[:at], *extra, *columns[at:]]


def as_select(columns: Columns) -> str:
    return ", ".join(f"{expr} as {name}" for name, expr in columns)


def as_json(columns: Columns) -> str:
    """One JSON object per row, keys in column order (NULL becomes JSON null)."""
    fields = ", ".join(f"{name} := {expr}" for name, expr in columns)
    return f"cast(to_json(struct_pack({fields})) as varchar)"


def appended_bad(count: int, n_bad: int, kinds: int) -> str:
    """Rows past ``count`` are the bad ones, cycling through the kinds; good rows get -1."""
    return f"case when i >= {count} then (i - {count}) % {max(kinds, 1)} else -1 end"


def bad_count(count: int, bad_share: float) -> int:
    return round(count * bad_share)


def copy_csv(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({query}) to {lit(str(path))} (format csv, header true, delimiter ',')")


def copy_lines(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    """Write one pre-rendered JSON text per line, verbatim (no quoting: JSON escapes tabs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"copy ({query}) to {lit(str(path))} "
        "(format csv, header false, quote '', escape '', delimiter '\t')"
    )


# --- the extracts --------------------------------------------------------------------------------


def write_source_documents(
    con: duckdb.DuckDBPyConnection, out: Path, s: Sizes, bad_share: float
) -> None:
    bad = [
        ("source_reliability", "'Z'"),
        ("published_on", "'2021-02-30'"),
        ("url", "'ftp://example.org/x'"),
        ("information_accuracy", "'7'"),
        ("title", "null"),
    ]
    columns = {
        "document_id": "document_id(i)",
        "title": "'Report ' || i || ' on ' || " + pick(EVENT_TYPES, "doc-title"),
        "publisher": pick(PUBLISHERS, "doc-publisher"),
        "published_on": "case when u('doc-pub-null', i) < 0.2 then null else "
        "iso(day_after(date '1995-01-01', 'doc-pub', i, 11000)) end",
        "url": "'https://example.org/documents/' || i",
        "language": pick(LANGUAGES, "doc-lang"),
        "source_reliability": pick(SOURCE_RELIABILITY, "doc-rel"),
        "information_accuracy": pick(INFORMATION_ACCURACY, "doc-acc"),
        "handling_code": pick(HANDLING_CODES, "doc-hc"),
        "verification_status": pick(VERIFICATION_STATUSES, "doc-ver"),
        "publisher_kind": pick(PUBLISHER_KINDS, "doc-kind"),
        # a fifth are reposts that name their original
        "original_publisher": "case when u('doc-orig', i) < 0.2 then 'Original publisher' end",
        "original_url": "case when u('doc-orig', i) < 0.2 "
        "then 'https://example.org/originals/' || i end",
        "note": "case when u('doc-note', i) < 0.3 then 'Republished, see the original' end",
    }
    n_bad = bad_count(s.documents, bad_share)
    query = (
        f"select {as_select(ordered_columns(SOURCE_DOCUMENTS, columns, bad))} from ("
        f"select range as i, {appended_bad(s.documents, n_bad, len(bad))} as _bad "
        f"from range({s.documents + n_bad}))"
    )
    copy_csv(con, query, out / "source_documents" / "source_documents.csv")


def register_countries(con: duckdb.DuckDBPyConnection) -> None:
    names = [c.name for c in sorted(pycountry.countries, key=lambda c: c.alpha_3)]
    con.execute("create or replace temp table _countries (j bigint, name varchar)")
    con.executemany("insert into _countries values (?, ?)", list(enumerate(names)))


# Partner k's type follows k's position, so the organisations (members' hosts) are known
# without a lookup: k % 4 == 0 international organisations, == 1 countries (while ISO
# countries last), == 2 agencies, == 3 EU bodies or programmes.
PARTNER_TYPE_SQL = (
    "case when i % 4 = 0 then 'international_organisation' "
    "when i % 4 = 1 and c.name is not null then 'country' "
    "when i % 4 = 3 and i % 8 = 7 then 'programme' when i % 4 = 3 then 'eu_body' "
    "else 'agency' end"
)


def write_partners(con: duckdb.DuckDBPyConnection, out: Path, s: Sizes, bad_share: float) -> None:
    assert {"international_organisation", "country", "agency", "eu_body", "programme"} <= set(
        PARTNER_TYPES
    )
    register_countries(con)
    bad = [("partner_type", "'planet'"), ("founded_on", "'1999-13-01'"), ("partner_name", "null")]
    columns = {
        "partner_id": "partner_id(i)",
        "partner_name": "coalesce(c.name, 'Partner organisation ' || i)",
        "partner_type": PARTNER_TYPE_SQL,
        "acronym": "case when c.name is null then 'P' || i end",
        # a programme belongs to the organisation four places before it
        "parent_partner_id": "case when i % 8 = 7 and i < {n} then partner_id(i - 4) end",
        # organisations were founded before 2000; memberships start in 2000 or later
        "founded_on": "case when u('p-founded-null', i) < 0.3 then null else "
        "iso(day_after(date '1950-01-01', 'p-founded', i, 18000)) end",
        "headquarters_city": pick(CITIES, "p-city"),
        "document_id": f"document_id(ri('p-doc', i, {s.documents}))",
        "note": "case when u('p-note', i) < 0.2 then 'Name as given by the source; see note' end",
    }
    columns["parent_partner_id"] = columns["parent_partner_id"].format(n=s.partners)
    n_bad = bad_count(s.partners, bad_share)
    query = (
        f"select {as_select(ordered_columns(PARTNERS, columns, bad))} from ("
        f"select range as i, {appended_bad(s.partners, n_bad, len(bad))} as _bad "
        f"from range({s.partners + n_bad})) p "
        f"left join _countries c on p.i % 4 = 1 and c.j = p.i // 4 and c.j < {s.countries} "
        "order by i"
    )
    copy_csv(con, query, out / "partners" / "partners.csv")


def write_memberships(
    con: duckdb.DuckDBPyConnection, out: Path, s: Sizes, bad_share: float
) -> None:
    bad = [("membership_role", "'honorary_member'"), ("valid_to", "'1999-12-31'")]
    orgs = math.ceil(s.partners / 4)  # partners 0, 4, 8, ... are international organisations
    # membership i: organisation 4 * (i % orgs) and the partner 1 + i // orgs places after it,
    # so (organisation, member, valid_from) never repeats
    org, member = f"4 * (i % {orgs})", f"(4 * (i % {orgs}) + 1 + i // {orgs}) % {s.partners}"
    columns = {
        "organisation_partner_id": f"partner_id({org})",
        "member_partner_id": f"partner_id({member})",
        "membership_role": pick(MEMBERSHIP_ROLES, "m-role"),
        "valid_from": "iso(vf)",
        "valid_from_precision": pick(VALID_FROM_PRECISIONS, "m-prec"),
        "valid_to": "case when u('m-to-null', i) < 0.8 then null "
        "else iso(day_after(vf, 'm-to', i, 3000)) end",
        "document_id": f"document_id(ri('m-doc', i, {s.documents}))",
        "note": "null",
    }
    n_bad = bad_count(s.memberships, bad_share)
    query = (
        f"select {as_select(ordered_columns(MEMBERSHIPS, columns, bad))} from ("
        f"select range as i, {appended_bad(s.memberships, n_bad, len(bad))} as _bad, "
        "day_after(date '2000-01-01', 'm-from', range, 9000) as vf "
        f"from range({s.memberships + n_bad}))"
    )
    copy_csv(con, query, out / "memberships" / "memberships.csv")


def write_threats(con: duckdb.DuckDBPyConnection, out: Path, s: Sizes) -> None:
    flag = "cast(u('t-{0}', i) < {1} as varchar)"
    columns = {
        "threat_id": "threat_id(i)",
        "threat_name": "'Crime area ' || i",
        "parent_threat_id": "case when i >= 10 and i % 3 = 0 then threat_id(i % 10) end",
        "is_europol_crime_area": flag.format("europol", 0.8),
        "is_empact_2018_2021": flag.format("e18", 0.4),
        "is_empact_2022_2025": flag.format("e22", 0.5),
        "is_empact_2026_2029": flag.format("e26", 0.5),
        "empact_2022_2025_priority": "case when i % 2 = 0 then (i % 10) || ': priority ' || i end",
        "empact_2026_2029_priority": "null",
        "document_id": f"document_id(ri('t-doc', i, {s.documents}))",
        "empact_2022_2025_document_id": f"document_id(ri('t-doc22', i, {s.documents}))",
        "empact_2026_2029_document_id": "null",
        "note": "'Synthetic crime area'",
    }
    query = (
        f"select {as_select(ordered_columns(THREATS, columns, []))} from ("
        f"select range as i, -1 as _bad from range({s.threats}))"
    )
    copy_csv(con, query, out / "threats" / "threats.csv")


def write_agreements(con: duckdb.DuckDBPyConnection, out: Path, s: Sizes, bad_share: float) -> None:
    n = s.partners
    bad = [
        ("status", "'cancelled'"),
        ("in_force_on", "iso(signed - 30)"),
        ("agreement_type", "null"),
        ("signed_on", "'2010-02-30'"),
    ]
    columns = {
        "agreement_id": "agreement_id(i)",
        "agreement_name": "'Agreement ' || i || ' on ' || " + pick(EVENT_TYPES, "a-name"),
        "agreement_type": pick(AGREEMENT_TYPES, "a-type"),
        "status": "case when ended is not null then 'superseded' "
        "when in_force is not null then 'in_force' "
        "when concluded is not null then 'concluded' else 'signed' end",
        "recommended_on": "cast(null as varchar)",
        "mandate_adopted_on": "cast(null as varchar)",
        "negotiations_opened_on": "case when u('a-neg-null', i) < 0.5 "
        "then iso(signed - cast(1 + ri('a-neg', i, 700) as integer)) end",
        "signed_on": "iso(signed)",
        "concluded_on": "iso(concluded)",
        "in_force_on": "iso(in_force)",
        "ended_on": "iso(ended)",
        "date_precision": f"{lit_list(DATE_PRECISIONS)}[1 + (ri('a-prec', i, 10) >= 8)::int]",
        "in_force_precision": "cast(null as varchar)",
        "in_force_basis": "case when in_force is not null then 'stated' end",
        "allows_personal_data": "u('a-pd', i) < 0.4",
        "superseded_by_agreement_id": f"case when ended is not null and i + 1 < {s.agreements} "
        "then agreement_id(i + 1) end",
        "document_id": f"document_id(ri('a-doc', i, {s.documents}))",
        "note": "case when u('a-note', i) < 0.3 then 'Only the year is given by the source' end",
    }
    assert {"superseded", "in_force", "concluded", "signed"} <= set(AGREEMENT_STATUSES)
    record = ordered_columns(AGREEMENTS, columns, bad)
    # two distinct parties always (dbt tests it), a third implementing agency sometimes
    parties = (
        f"[{{'partner_id': partner_id(p1), 'party_role': {lit(PARTY_ROLES[0])}}}, "
        f"{{'partner_id': partner_id(p2), 'party_role': {lit(PARTY_ROLES[0])}}}] || "
        f"case when u('a-p3', i) < 0.3 and p3 <> p1 and p3 <> p2 then "
        f"[{{'partner_id': partner_id(p3), 'party_role': {lit(PARTY_ROLES[1])}}}] else [] end"
    )
    n_bad = bad_count(s.agreements, bad_share)
    base = (
        f"select range as i, {appended_bad(s.agreements, n_bad, len(bad))} as _bad, "
        "day_after(date '1990-01-01', 'a-signed', range, 12000) as signed, "
        f"zipf('a-p1', range, {n}) as p1 from range({s.agreements + n_bad})"
    )
    dates = (
        f"select *, (p1 + 1 + ri('a-p2', i, {n - 1})) % {n} as p2, ri('a-p3i', i, {n}) as p3, "
        "case when u('a-conc', i) < 0.2 "
        "then day_after(signed, 'a-concd', i, 300) end as concluded, "
        "case when u('a-force', i) < 0.7 "
        "then day_after(signed, 'a-forced', i, 900) end as in_force "
        f"from ({base})"
    )
    ends = (
        "select *, case when in_force is not null and u('a-end', i) < 0.2 "
        "then day_after(in_force, 'a-endd', i, 3000) + 1 end as ended "
        f"from ({dates})"
    )
    record = insert_after(record, "superseded_by_agreement_id", [("parties", parties)])
    query = f"select {as_json(record)} from ({ends})"
    copy_lines(con, query, out / "agreements" / "agreements.ndjson")


EVENT_BAD_KINDS = [
    ("event_type", "'unknown_type'"),
    ("started_on", "'2021-02-30'"),
    ("ended_on", "iso(started - 3)"),
    ("event_name", "null"),
    ("started_on", "'31/12/2021'"),
]
ROLE_BAD_KIND = len(EVENT_BAD_KINDS)  # a participant with a role outside the contract
TRUNCATED_KIND = ROLE_BAD_KIND + 1  # a line cut in half: not JSON at all
EVENT_KIND_COUNT = TRUNCATED_KIND + 1


def events_query(s: Sizes, start: int, count: int, bad_share: float) -> str:
    """One JSON text per event ``start .. start + count - 1``."""
    n = s.partners
    columns = {
        "event_id": "event_id(i)",
        "event_name": "replace(event_type, '_', ' ') || ' ' || i || ' in ' || location_name_",
        "event_type": "event_type",
        "started_on": "iso(started)",
        "ended_on": "case when u('e-end-null', i) < 0.6 then null "
        "else iso(day_after(started, 'e-end', i, 6)) end",
        # mostly day precision, some month, few year
        "date_precision": f"{lit_list(DATE_PRECISIONS)}[1 + (ri('e-prec', i, 10) >= 8)::int "
        "+ (ri('e-prec', i, 10) >= 9)::int]",
        "location_name": "case when u('e-loc', i) < 0.6 then location_name_ end",
        "location_partner_id": f"case when u('e-locp', i) < 0.6 "
        f"then partner_id(zipf('e-locpk', i, {n})) end",
        "agreement_id": f"case when u('e-agr', i) < 0.1 "
        f"then agreement_id(ri('e-agrk', i, {s.agreements})) end",
        "is_inferred": "false",
        "information_accuracy": "cast(null as integer)",
        "document_id": f"document_id(ri('e-doc', i, {s.documents}))",
        "note": "case when u('e-note', i) < 0.25 then 'Reported by one source only; the date "
        "is the announcement date, not necessarily the day of the event' end",
    }
    role = pick(PARTICIPANT_ROLES, "e-role", "i * 8 + j")
    participants = (
        "list_transform(pids, lambda p, j: {'partner_id': partner_id(p), 'participant_role': "
        f"case when _bad = {ROLE_BAD_KIND} and j = 1 then 'spectator' else {role} end}})"
    )
    threats = "list_transform(tids, lambda t: threat_id(t))"
    record = insert_after(
        ordered_columns(EVENTS, columns, EVENT_BAD_KINDS),
        "agreement_id",
        [("participants", participants), ("threat_ids", threats)],
    )
    k_participants = (
        "case when u('e-k', i) < 0.3 then 1 when u('e-k', i) < 0.65 then 2 "
        "when u('e-k', i) < 0.85 then 3 when u('e-k', i) < 0.95 then 4 else 5 end"
    )
    base = (
        f"select i, case when u('e-bad', i) < {bad_share} "
        f"then ri('e-badk', i, {EVENT_KIND_COUNT}) else -1 end as _bad, "
        f"{pick(EVENT_TYPES, 'e-type')} as event_type, "
        f"{pick(CITIES, 'e-city')} as location_name_, "
        "day_after(date '2000-01-01', 'e-start', i, 9500) as started, "
        f"list_transform(range({k_participants}), lambda j: zipf('e-p', i * 8 + j, {n})) as pdraw, "
        f"list_transform(range(ri('e-kt', i, 4)), lambda j: ri('e-t', i * 8 + j, {s.threats})) "
        f"as tdraw from (select range as i from range({start}, {start + count}))"
    )
    # Zipf draws repeat: keep each partner's first occurrence (deterministic, order kept)
    dedup = (
        "select *, list_filter(pdraw, lambda x, k: list_position(pdraw, x) = k) as pids, "
        f"list_filter(tdraw, lambda x, k: list_position(tdraw, x) = k) as tids from ({base})"
    )
    lines = f"select _bad, {as_json(record)} as line from ({dedup})"
    return (
        f"select case when _bad = {TRUNCATED_KIND} then left(line, 40) else line end from ({lines})"
    )


def write_events(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    s: Sizes,
    start: int,
    count: int,
    bad_share: float,
) -> None:
    copy_lines(con, events_query(s, start, count, bad_share), path)


def write_all_events(
    con: duckdb.DuckDBPyConnection, out: Path, s: Sizes, bad_share: float
) -> list[Path]:
    files = []
    for number, start in enumerate(range(0, s.events, EVENTS_PER_FILE), start=1):
        path = out / "events" / f"events_{number:03d}.ndjson"
        write_events(con, path, s, start, min(EVENTS_PER_FILE, s.events - start), bad_share)
        files.append(path)
    return files


INCREMENT_NAME = "events_increment_{:03d}.ndjson"


def write_increment(out: Path, scale: float, seed: int, bad_share: float, share: float) -> Path:
    """Land one more events file: ``share`` of the base count, with event ids after those of
    the base and of every increment landed before (each call lands a new file, never rewrites
    one: a rewritten file with the same rows would be no increment at all)."""
    s = sizes_for(scale)
    count = max(1, round(s.events * share))
    folder = out / "curated" / "events"
    number, start = 1, s.events
    while (earlier := folder / INCREMENT_NAME.format(number)).exists():
        # one line per event, bad ones included: ids run on from where this file's stopped
        with earlier.open("rb") as lines:
            start += sum(1 for _ in lines)
        number += 1
    path = folder / INCREMENT_NAME.format(number)
    with connect(seed) as con:
        write_events(con, path, s, start, count, bad_share)
    return path


def connect(seed: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")  # logs stay readable
    install_macros(con, seed)
    return con


def generate(out: Path, scale: float, seed: int, bad_share: float) -> Sizes:
    """Write every extract under ``out/curated``; return the sizes used."""
    s = sizes_for(scale)
    curated = out / "curated"
    shutil.rmtree(curated, ignore_errors=True)
    with connect(seed) as con:
        write_source_documents(con, curated, s, bad_share)
        write_partners(con, curated, s, bad_share)
        write_memberships(con, curated, s, bad_share)
        write_threats(con, curated, s)
        write_agreements(con, curated, s, bad_share)
        write_all_events(con, curated, s, bad_share)
    return s


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01, help="1.0 = 10M events")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bad-share", type=float, default=0.001, help="share of bad rows")
    parser.add_argument("--out", type=Path, required=True, help="the raw dir to write")
    parser.add_argument(
        "--increment", type=float, default=None, metavar="SHARE",
        help="only land one more events file, SHARE x the base events, with new ids (as "
        "events_increment_NNN.ndjson, the next free number)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    began = time.perf_counter()
    if args.increment is not None:
        path = write_increment(args.out, args.scale, args.seed, args.bad_share, args.increment)
        print(f"wrote {path} in {time.perf_counter() - began:.1f} s")
        return
    s = generate(args.out, args.scale, args.seed, args.bad_share)
    size = sum(p.stat().st_size for p in (args.out / "curated").rglob("*") if p.is_file())
    print(
        f"wrote {args.out}/curated: {s.events:,} events, {s.agreements:,} agreements, "
        f"{s.partners:,} partners, {s.documents:,} documents, {s.memberships:,} memberships, "
        f"{s.threats} threats; {size / 1e6:.0f} MB in {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main()
