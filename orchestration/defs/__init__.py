"""Dagster declarations, thin: each module calls the tested helpers in orchestration.lib."""
