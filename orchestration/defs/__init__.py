"""Dagster declarations, thin: each module calls the stage packages of `orchestration/`."""
