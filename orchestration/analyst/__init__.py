"""The analyst's side: read-only queries of the published file, status, coverage, tracing a
fact to its documents, and the example queries of docs/analysts.md."""
