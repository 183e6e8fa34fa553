"""One line per problem: what the CLI, the UI and the alerts print."""

from __future__ import annotations

from orchestration.problems import Problem, one_line, problem_lines
from orchestration.transform.dbt_failures import dbt_error_line


def test_a_problem_names_file_line_and_column_where_known():
    assert str(Problem("curated/p.csv", "bad date", 5, "valid_from")) == (
        "curated/p.csv: line 5, valid_from: bad date"
    )
    assert str(Problem("curated/p.csv", "empty")) == "curated/p.csv: empty"
    assert str(Problem(None, "dbt test x failed")) == "dbt test x failed"


def test_type_prefixes_colour_codes_and_stack_traces_are_dropped():
    message = (
        "dagster._core.definitions.events.Failure: \x1b[31mdbt build failed\x1b[0m\n"
        'Stack Trace:\n  File "x.py", line 1'
    )
    assert one_line(message) == "dbt build failed"
    failure = "dagster._core.definitions.events.Failure: a.csv: line 1: x\nb.csv: y"
    assert problem_lines(failure) == ["a.csv: line 1: x", "b.csv: y"]


def test_a_dbt_model_error_is_told_by_its_cause_not_its_heading():
    message = (
        "Runtime Error in model fct_agreement (models/marts/fct_agreement.sql)\n"
        "  Runtime Error\n"
        '    [DATATYPE_MISSING_SIZE] DataType "VARCHAR" requires a length parameter.\n'
        "    == SQL (line 42, position 18) =="
    )
    assert dbt_error_line(message).startswith("[DATATYPE_MISSING_SIZE]")
