"""Landing and loading: the landing zone, the extracts' contracts, manifests, the typed loader
with its ledger and quarantine, reference data from packages, retraction and grading rules."""
