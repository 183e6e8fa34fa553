"""The analyst's side: read-only queries of the published file, status, coverage, tracing a
fact to its documents, and the README's example queries."""
