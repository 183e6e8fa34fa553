"""Operations: the single-writer lock, alerts, freshness, housekeeping and Dagster's storage."""
