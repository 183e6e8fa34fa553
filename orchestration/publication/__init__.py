"""Publication: write-audit-publish of the warehouse file and its Parquet exports, the atomic
swap of folders, and the atlas drawn from the published marts."""
