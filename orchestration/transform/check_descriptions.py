"""What each dbt test checks, in a sentence: the description of its asset check in the UI.

A test's own `description:` (or its `meta.description`) wins; a singular test is described by
the comment it opens with; a generic test by what its kind and arguments say ("Every
event_type of fct_event is one of: ...").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

NEW_LOADS = " (rows of the loads not yet verified)"
REF = re.compile(r"ref\(['\"](\w+)['\"]\)")


def _ref(text: str) -> str:
    found = REF.search(text or "")
    return found[1] if found else str(text)


def _generic(kind: str, args: Mapping[str, Any], model: str) -> str | None:
    column = args.get("column_name")
    if kind == "unique":
        return f"No two rows of {model} have the same {column}."
    if kind == "not_null":
        return f"Every row of {model} has a {column}."
    if kind == "accepted_values":
        values = ", ".join(str(v) for v in args.get("values", []))
        return f"Every {column} of {model} is one of: {values}."
    if kind == "relationships":
        return f"Every {column} of {model} is a {args.get('field')} of {_ref(args.get('to'))}."
    if kind == "unique_combination":
        columns = " and ".join(args.get("combination_of_columns", []))
        return f"No two rows of {model} have the same {columns}."
    if kind == "not_before":
        return f"In {model}, {column} is never before {args.get('start_column')}."
    if kind == "expression_is_true":
        return f"Every row of {model} satisfies {args.get('expression')}."
    return None


def _leading_comment(sql: str) -> str | None:
    lines = []
    for line in (sql or "").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines) or None


def describe_test(node: Mapping[str, Any], manifest: Mapping[str, Any]) -> str | None:
    """A sentence saying what the test checks, or None when nothing can be said."""
    meta = node.get("config", {}).get("meta") or node.get("meta") or {}
    own = (node.get("description") or meta.get("description") or "").strip()
    if own:
        return own
    metadata = node.get("test_metadata")
    if not metadata:
        return _leading_comment(node.get("raw_code", ""))
    attached = manifest["nodes"].get(node.get("attached_node") or "", {})
    model = attached.get("name") or _ref(metadata.get("kwargs", {}).get("model", ""))
    kind = metadata["name"]
    base = kind.removesuffix("_since_verified")
    sentence = _generic(base, metadata.get("kwargs", {}), model)
    if sentence and base != kind:
        sentence = sentence.removesuffix(".") + NEW_LOADS + "."
    return sentence
