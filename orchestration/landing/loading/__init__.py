"""Load landed extract files into typed DuckDB raw tables, with a ledger and a quarantine.

For each file of an extract (:mod:`.load`): skip it when the ledger already holds its size and
modification time, or its SHA-256 (nothing doubled); otherwise stage it as text
(:mod:`.csv_staging`, :mod:`.ndjson_staging`), check every value against the contract
(:mod:`.rules`, :mod:`.keys`, :mod:`.audit`; :mod:`.arrow_rules` first sieves a file Arrow
read), and in one transaction replace that file's rows with the good ones, put each bad one in
``<entity>__rejects`` with line, column, raw value and reason (nothing lost), and append a
ledger row (:mod:`.ledger`) where rows read = rows loaded + rows rejected, and the file's
physical lines (counted from its bytes) = lines of loaded records + lines of rejected records +
header and blank lines. A manifest beside an exported file (:mod:`.manifests`) refuses it whole
when it was cut off. SQL is written through :mod:`.sql` only; a problem is a
:class:`.reading.Problem` (file, line, column, reason).
"""

from orchestration.landing.loading.ledger import ExtractResult, FileResult, reconcile_ledger
from orchestration.landing.loading.load import load_extract, load_file
from orchestration.landing.loading.tables import PROVENANCE_COLUMNS, child_columns

__all__ = [
    "PROVENANCE_COLUMNS",
    "ExtractResult",
    "FileResult",
    "child_columns",
    "load_extract",
    "load_file",
    "reconcile_ledger",
]
