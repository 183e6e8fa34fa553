"""Freshness checks: each extract is expected to change within its contract's interval.

A check turns to a warning in the UI when the newest file of its extract landed longer ago than
that (the ingest asset reports the landing time; see operations/freshness.py). The checks
never block a build: the daemon evaluates them through their sensor, outside the build job.
"""

import warnings

import dagster as dg

from orchestration.defs.ingest import raw_key
from orchestration.landing.contracts import CONTRACTS

# Dagster 1.13 calls these builders superseded by FreshnessPolicy, which judges an asset by its
# last materialization; every build materializes the ingest assets, files changed or not, so
# only these checks (which read the landing time the ingest asset reports) can tell.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*is superseded")
    freshness_checks = [
        check
        for contract in CONTRACTS
        for check in dg.build_last_update_freshness_checks(
            assets=[raw_key(contract.system, contract.entity)],
            lower_bound_delta=contract.expected_change,
            severity=dg.AssetCheckSeverity.WARN,
        )
    ]
    extract_freshness_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=freshness_checks,
        name="extract_freshness_sensor",
        # it launches a run of the checks whenever an extract was updated since their last
        # evaluation: once an hour at most, not after every ingest step of a build
        minimum_interval_seconds=3600,
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
FRESHNESS_CHECK_KEYS = frozenset(key for check in freshness_checks for key in check.check_keys)
