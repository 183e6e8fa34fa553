"""ISO 3166 country reference data taken from maintained packages, never typed by hand.

pycountry gives the ISO 3166-1 codes and names; country_converter gives the UN M49 sub-region
(its ``UNregion``) and continent, from which the M49 region follows. One row per country.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import country_converter
import duckdb
import pyarrow as pa
import pycountry

# country_converter calls the Americas one continent, "America"; UN M49 calls the region "Americas"
M49_REGION_BY_CONTINENT = {"America": "Americas"}
TABLE = "raw_reference.countries"


def package_versions() -> str:
    return f"pycountry=={version('pycountry')}; country_converter=={version('country_converter')}"


def country_reference() -> pa.Table:
    """ISO codes, names and M49 region/sub-region of every country pycountry knows."""
    by_iso3 = country_converter.CountryConverter().data.set_index("ISO3")
    rows: dict[str, list] = {
        name: []
        for name in (
            "iso2", "iso3", "iso_numeric", "name", "common_name", "official_name",
            "short_name", "region", "subregion",
        )
    }  # fmt: skip
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        extra = by_iso3.loc[country.alpha_3] if country.alpha_3 in by_iso3.index else None
        continent = None if extra is None else str(extra["continent"])
        rows["iso2"].append(country.alpha_2)
        rows["iso3"].append(country.alpha_3)
        rows["iso_numeric"].append(country.numeric)
        rows["name"].append(country.name)
        rows["common_name"].append(getattr(country, "common_name", None))
        rows["official_name"].append(getattr(country, "official_name", None))
        rows["short_name"].append(None if extra is None else str(extra["name_short"]))
        rows["region"].append(M49_REGION_BY_CONTINENT.get(continent, continent))
        rows["subregion"].append(None if extra is None else str(extra["UNregion"]))
    return pa.table(rows)


def load_country_reference(con: duckdb.DuckDBPyConnection, loaded_at: dt.datetime) -> int:
    """Replace ``raw_reference.countries`` in one transaction; return its row count."""
    table = country_reference()
    source = package_versions()
    digest = hashlib.sha256(source.encode()).hexdigest()
    con.execute("create schema if not exists raw_reference")
    con.register("_countries_arrow", table)
    con.execute("begin transaction")
    try:
        con.execute(
            f"create or replace table {TABLE} as select *, "
            "cast(? as varchar) as _source_file, "
            "cast(row_number() over () as bigint) as _source_line, "
            "cast(? as timestamp) as _loaded_at, cast(? as varchar) as _file_sha256 "
            "from _countries_arrow",
            [f"package:{source}", loaded_at, digest],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_countries_arrow")
    return con.execute(f"select count(*) from {TABLE}").fetchall()[0][0]
