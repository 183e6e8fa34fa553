"""Transformation glue around dbt: its manifest, its docs site, the relations it built, and
failed dbt tests explained as rows of the extracts."""
