"""Plain, unit-tested helpers: no Dagster decorators here."""
