"""`coop` as people use and script it: on the sample built once per session (a private copy
for every test that builds), the CLI run as a process with its output piped (not a terminal),
as in a script or CI."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import PROJECT_ROOT

COOP = str(Path(sys.executable).with_name("coop"))
ANSI = re.compile(r"\x1b\[")


def coop(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [COOP, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        cwd=PROJECT_ROOT,
        timeout=900,
    )


def assert_plain(result: subprocess.CompletedProcess) -> None:
    """What a person reads when a command fails: no stack trace, no Python or Dagster type
    names, no colour codes in piped output."""
    output = result.stdout + result.stderr
    for noise in ("Traceback", "Stack Trace", "dagster._core", 'File "'):
        assert noise not in output, output
    assert not ANSI.search(output), output


def published_query(env, sql: str) -> list[tuple]:
    con = duckdb.connect(str(env.settings.published_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def env(sample_env):
    """The published sample, read only (queries)."""
    return sample_env


# --- queries -------------------------------------------------------------------------------


def test_csv_lines_end_with_a_newline_only(env):
    result = coop("query", "select 'a' as x union all select 'b' order by 1", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "x\na\nb\n"


def test_data_is_printed_as_data_never_as_markup_or_emoji(env):
    value = ":x: [bold]hi[/bold]"
    result = coop("query", f"select '{value}' as v")
    assert result.returncode == 0, result.stderr
    assert value in result.stdout
    assert "❌" not in result.stdout


def test_long_values_are_never_wrapped_when_piped(env):
    url = "https://example.org/" + "/".join(["a-rather-long-path-segment"] * 8) + "/index.html"
    result = coop("query", f"select '{url}' as url, '{url}' as again")
    assert result.stdout.count(url) == 2, result.stdout


def in_terminal(*args: str, columns: int) -> str:
    """`coop` on a pseudo-terminal `columns` wide, as a person runs it; what it printed."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm"}
    process = subprocess.Popen([COOP, *args], stdout=follower, stderr=follower, env=env,
                               stdin=subprocess.DEVNULL, cwd=PROJECT_ROOT)  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=300) == 0, b"".join(chunks).decode()
    os.close(leader)
    text = b"".join(chunks).decode().replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;]*m", "", text)  # a terminal gets colours


def test_a_result_wider_than_the_terminal_is_shown_a_record_at_a_time(env):
    sql = "select * from dim_partner where partner_id in ('brazil', 'peru') order by partner_id"
    con = duckdb.connect(str(env.settings.published_db), read_only=True)
    try:
        cursor = con.execute(sql.replace("from dim_partner", "from marts.dim_partner"))
        columns, rows = [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        con.close()
    shown = in_terminal("query", sql, columns=80)
    assert "…" not in shown
    assert shown.count("-[ record ") == 2 and "-[ record 2 of 2 ]" in shown
    lines = shown.splitlines()
    for row in rows:  # every column on a line of its own, with the whole value after its name
        for column, value in zip(columns, row, strict=True):
            expected = "" if value is None else str(value)
            assert any(re.fullmatch(rf"{column} +\| {re.escape(expected)} *", x) for x in lines), (
                column, expected)  # fmt: skip
    narrow = in_terminal("query", "select partner_id, subregion from dim_partner "
                         "where partner_id = 'brazil'", columns=80)  # fmt: skip
    assert "-[ record" not in narrow and "South America" in narrow  # a table, never wrapped


def test_the_layout_is_also_chosen_by_flag(env):
    blocks = coop("query", "select 'Peru' as partner_name, 'South America' as subregion", "-x")
    head, *lines = blocks.stdout.splitlines()
    assert head.startswith("-[ record 1 of 1 ]--")
    assert lines == ["partner_name | Peru", "subregion    | South America"]
    sql = "select * from dim_partner where partner_id = 'brazil'"
    table = in_terminal("query", sql, "--no-expanded", columns=60)
    assert "-[ record" not in table and "…" not in table
    header = next(line for line in table.splitlines() if "partner_key" in line)
    assert len(header) > 60 and "is_latin_america_caribbean" in header  # whole, past the edge


def test_several_statements_are_each_shown_or_refused_with_a_reason(env):
    result = coop("query", "select 'first' as a; -- a comment\nselect 'second' as b;")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "-- 1 of 2: select 'first' as a;" in out and "-- 2 of 2: select 'second' as b;" in out
    assert out.index("first") < out.index("-- 2 of 2") < out.index("second")
    for output in ("csv", "json"):
        refused = coop("query", "select 1; select 2", "--format", output)
        assert refused.returncode == 1 and refused.stdout == ""
        assert refused.stderr.strip() == (
            f"error: {output} holds one result and the query has 2 statements: give one, "
            "or use --format table to see each")  # fmt: skip
    # every statement runs before anything is printed: a failing one leaves no partial output
    failing = coop("query", "select 'first' as a; select * from no_such_table")
    assert failing.returncode == 1 and failing.stdout == ""
    assert len(failing.stderr.strip().splitlines()) == 1 and "no_such_table" in failing.stderr


def test_the_layout_fits_the_width_it_is_given():
    from rich.console import Console

    from orchestration.cli.layout import print_result, table_width

    columns, rows = ["region", "note"], [("South America", "x" * 30), (None, "short")]
    assert table_width(columns, rows) == len("South America") + 30 + 3 * 2 + 1
    for width, blocks in (
        (table_width(columns, rows), False),
        (table_width(columns, rows) - 1, True),
    ):
        console = Console(width=width, record=True, file=io.StringIO(), markup=False)
        print_result(console, columns, rows, None)
        text = console.export_text()
        assert ("-[ record 1 of 2 ]" in text) is blocks and "…" not in text
        assert "x" * 30 in text and "South America" in text
        assert all(len(line) <= width for line in text.splitlines()), text


def test_an_empty_query_is_a_one_line_error(env):
    result = coop("query", "")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: the query is empty")
    assert_plain(result)


def test_sql_may_begin_with_a_comment_and_come_from_a_file_or_stdin(env):
    sql_file = PROJECT_ROOT / "analyses" / "q3_clasi_founding_and_members.sql"
    sql = sql_file.read_text()
    assert sql.startswith("--")
    as_argument = coop("query", sql, "--format", "csv")
    from_file = coop("query", "-f", str(sql_file), "--format", "csv")
    from_stdin = coop("query", "-", "--format", "csv", stdin=sql)
    assert as_argument.returncode == 0, as_argument.stderr
    assert as_argument.stdout == from_file.stdout == from_stdin.stdout
    assert len(as_argument.stdout.splitlines()) > 1


def test_errors_keep_duckdbs_hint_and_mart_names_resolve_unqualified(env):
    typo = coop("query", "select * from dim_partnr")
    assert typo.returncode == 1
    assert 'Did you mean "dim_partner"' in typo.stderr
    assert len(typo.stderr.strip().splitlines()) == 1, typo.stderr
    rows = coop("query", "select count(*) as n from dim_partner", "--format", "json")
    assert (
        json.loads(rows.stdout)[0]["n"]
        == published_query(env, "select count(*) from marts.dim_partner")[0][0]
    )
    tables = coop("query", "show tables", "--format", "csv")
    assert "fct_event" in tables.stdout.splitlines()


def test_a_query_writes_nothing_anywhere(env, tmp_path):
    target = tmp_path / "x.csv"
    before = sorted(p.name for p in env.settings.warehouse_dir.iterdir())
    for sql in (
        f"copy (select 1) to '{target}'",
        f"attach '{tmp_path / 'other.duckdb'}' as other",
        "create table marts.t as select 1",
    ):
        result = coop("query", sql)
        assert result.returncode == 1, sql
        assert_plain(result)
    assert not target.exists() and not (tmp_path / "other.duckdb").exists()
    assert sorted(p.name for p in env.settings.warehouse_dir.iterdir()) == before


def test_every_argument_and_option_has_help_text():
    import typer.main

    from orchestration.cli import app

    for name, command in typer.main.get_command(app).commands.items():
        assert command.help, name
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name} has no help"
    shown = coop("trace", "--help").stdout
    assert "natural key" in shown


def test_help_flows_to_the_terminals_width_and_names_no_python_types():
    import typer.main

    from orchestration.cli import app
    from orchestration.cli.app import flow

    group = typer.main.get_command(app)
    for width in (60, 300):
        env = {**os.environ, "COLUMNS": str(width)}
        for args in (["--help"], *([name, "--help"] for name in group.commands)):
            shown = subprocess.run([COOP, *args], capture_output=True, text=True, env=env,
                                   cwd=PROJECT_ROOT, timeout=300).stdout  # fmt: skip
            assert "<bool>" not in shown and "<str>" not in shown, args
            assert max(len(line) for line in shown.splitlines()) <= width, args
            if width == 300 and args != ["--help"]:
                # each paragraph of the docstring on one line: no hand-made line break is kept
                command = group.commands[args[0]]
                for paragraph in flow(command.help).split("\n\n"):
                    assert paragraph in shown, (args, paragraph)
    wide = {**os.environ, "COLUMNS": "300"}
    build = subprocess.run([COOP, "build", "--help"], capture_output=True, text=True, env=wide,
                           cwd=PROJECT_ROOT).stdout  # fmt: skip
    assert "--engine" in build and "ENGINE" in build  # an option taking a value names it


def test_status_is_short_and_verbose_adds_the_tables(env):
    short = coop("status")
    assert short.returncode == 0, short.stderr
    lines = short.stdout.splitlines()
    published = published_query(env, "select max(published_at), any_value(run_id) "
                                "from _meta.publication")[0]  # fmt: skip
    assert lines[0].startswith(f"published {published[0]:%Y-%m-%d %H:%M:%S} UTC by run "
                               f"{published[1]}; checks: ")  # fmt: skip
    assert len(lines) <= 8, short.stdout
    from orchestration.analyst.coverage import coverage_tables

    titles = [str(table.title) for table in coverage_tables(env.settings.published_db)]
    assert titles and not any(title in short.stdout for title in titles)
    assert "fct_event" not in short.stdout
    verbose = coop("status", "--verbose").stdout
    assert verbose.splitlines()[0] == lines[0]
    events = published_query(env, "select count(*) from marts.fct_event")[0][0]
    assert re.search(rf"fct_event +│ {events} ", verbose), verbose
    assert all(title in verbose for title in titles), titles


def test_rejects_of_an_unknown_file_is_one_line_saying_so(env):
    unknown = coop("rejects", "--file", "raw/curated/events/no_such_file.ndjson")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr.startswith("error: no file curated/events/no_such_file.ndjson landed")
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert_plain(unknown)


# --- builds: quarantine, failures, a deleted build file, retraction ---------------------------


def test_quarantined_rows_are_reported_by_build_status_and_rejects(sample_copy):
    env = sample_copy
    memberships = env.raw_dir / "curated" / "memberships" / "memberships.csv"
    lines = memberships.read_text().splitlines(keepends=True)
    bad = lines[4].split(",")
    bad[3] = "2024-13-45"  # valid_from: not a date
    lines[4] = ",".join(bad)
    memberships.write_text("".join(lines).rstrip("\n"))  # hand-edited: no final newline

    result = coop("build")
    assert result.returncode == 0, result.stdout + result.stderr
    no_newline = f"warning: curated/memberships/memberships.csv: line {len(lines)}: the last line"
    assert no_newline in result.stderr, result.stderr
    where = "curated/memberships/memberships.csv: line 5, valid_from:"
    assert "1 row(s) quarantined in 1 file(s)" in result.stdout
    assert where in result.stdout

    status = coop("status")
    assert "quarantine of the published version: 1 row(s)" in status.stdout
    assert where in status.stdout

    listed = json.loads(coop("rejects", "--format", "json").stdout)
    assert [(r["file"], r["line"], r["column"]) for r in listed] == [
        ("curated/memberships/memberships.csv", 5, "valid_from")
    ]
    assert listed[0]["raw_value"] == "2024-13-45"
    assert listed[0]["line_text"] == lines[4].rstrip("\n")
    only = coop("rejects", "--file", "raw/curated/partners/partners.csv", "--format", "csv")
    assert list(csv.reader(io.StringIO(only.stdout)))[1:] == []


def test_a_failed_build_explains_itself_in_one_line_per_problem(sample_copy):
    env = sample_copy
    partners = env.raw_dir / "curated" / "partners" / "partners.csv"
    original = partners.read_text()
    lines = original.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("chile,"))
    partners.write_text(original.replace("chile,Chile,country,", "chile,Chile,nation,"))
    before = published_query(env, "select max(published_at) from _meta.publication")

    result = coop("build")

    assert result.returncode == 1
    assert_plain(result)
    errors = result.stderr.splitlines()
    # the failing test, with the extract rows behind the offending keys ...
    failing = [e for e in errors if e.startswith("dbt test relationships_fct_membership_member")]
    assert len(failing) == 1 and "curated/memberships/memberships.csv line" in failing[0], errors
    assert "(member_partner_id chile)" in failing[0], failing  # the missing value, named
    # ... and the quarantined row that explains the missing key, named once
    cause = [e for e in errors if e.startswith(f"curated/partners/partners.csv: line {number},")]
    assert len(cause) == 1 and "partner_type" in cause[0] and "chile" in cause[0], errors
    run_line = errors[-1]
    assert re.match(r"run [0-9a-f-]{36} failed; full log: .*last_build\.log$", run_line)
    assert Path(run_line.split("full log: ")[1]).read_text()  # the full log is there
    assert published_query(env, "select max(published_at) from _meta.publication") == before


def test_a_deleted_build_file_is_noticed_and_rebuilt_whole(sample_copy):
    env = sample_copy

    def checks(output: str) -> str:
        return re.search(r"checks: \d+ passed, \d+ failed", output)[0]

    built = env.summary  # the run that published the copied sample
    settled = f"checks: {len(built.checks_passed)} passed, {len(built.checks_failed)} failed"
    no_change = coop("build")
    assert "nothing landed or changed" in no_change.stdout
    # status reports the checks of the run that built the published version, not those of
    # the no-change run after it (which only confirmed the files)
    published_line = coop("status").stdout.splitlines()[0]
    assert published_line.startswith("published ")
    assert checks(published_line) == settled != checks(no_change.stdout)

    env.settings.build_db.unlink()
    result = coop("build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing landed or changed" not in result.stdout
    assert "published" in result.stdout
    assert published_query(env, "select count(*) from marts.fct_event")[0][0] > 0
    # the summary says where to read what was built
    after = result.stdout.split("\nnext:\n")[1]
    assert '.venv/bin/coop query "select * from dim_partner"' in after
    assert str(env.settings.docs_dir / "index.html") in after and "make ui" in after
    # dbt's own log in a build folder (not dbt_project/logs/), its usage statistics off
    dbt_log = (env.settings.build_dir / "logs" / "dbt" / "dbt.log").read_text()
    logged_to = re.findall(r"'log_path': '([^']*)'", dbt_log)
    assert logged_to and all(path.endswith("/build/logs/dbt") for path in logged_to)
    assert dbt_log.count("'send_anonymous_usage_stats': 'False'") == len(logged_to)


def test_a_retracted_file_leaves_the_marts_and_stays_out_until_it_changes(sample_copy):
    env = sample_copy
    events = env.raw_dir / "curated" / "events"
    template = json.loads((events / "events_2025_2026.ndjson").read_text().splitlines()[0])
    bad = events / "events_bad_batch.ndjson"
    bad.write_text(json.dumps({**template, "event_id": "evt-retract-me"}) + "\n")
    assert coop("build").returncode == 0
    count = "select count(*) from marts.fct_event where event_id = 'evt-retract-me'"
    assert published_query(env, count) == [(1,)]

    result = coop("retract", f"raw/curated/events/{bad.name}", "--reason", "wrong batch")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 row(s)" in result.stdout
    assert published_query(env, count) == [(0,)]
    ledger = published_query(
        env,
        "select outcome, message from _meta.load_ledger where source_file = "
        f"'curated/events/{bad.name}' order by loaded_at desc limit 1",
    )
    assert ledger[0][0] == "retracted" and "wrong batch" in ledger[0][1]
    # unchanged, the file stays out; twice retracted is refused with a reason
    assert coop("build", "--force").returncode == 0
    assert published_query(env, count) == [(0,)]
    again = coop("retract", f"raw/curated/events/{bad.name}")
    assert again.returncode == 1 and "retracted" in again.stderr
    assert_plain(again)
    # a corrected version is a new load
    bad.write_text(json.dumps({**template, "event_id": "evt-retract-me", "note": "fixed"}) + "\n")
    assert coop("build").returncode == 0
    assert published_query(env, count) == [(1,)]


def test_a_file_refused_whole_is_one_line_naming_it(sample_copy):
    env = sample_copy
    events = env.raw_dir / "curated" / "events" / "events_png.ndjson"
    events.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = coop("build")
    assert result.returncode == 1
    assert_plain(result)
    named = [e for e in result.stderr.splitlines() if e.startswith(f"curated/events/{events.name}")]
    assert len(named) == 1 and "PNG" in named[0], result.stderr
    events.unlink()  # removed, the next build loads the rest and publishes
    assert coop("build").returncode == 0


def test_a_step_failing_after_publication_is_named_and_its_output_not_printed(capsys):
    """Issue 29: the atlas failed after the warehouse was published, and the summary still
    printed "Atlas: …". Only what the run made is pointed to; the rest is named as stale."""
    from orchestration.cli.pipeline import _after_publication
    from orchestration.runner.runs import RunSummary
    from orchestration.settings import load_settings

    settings = load_settings()
    failed = RunSummary("r", False, materialized=["warehouse/cooperation", "warehouse/docs"])
    stale = _after_publication(failed, settings)
    assert "Atlas:" not in capsys.readouterr().out
    assert stale == [f"the atlas ({settings.atlas_dir / 'index.html'})"]
    done = RunSummary("r", True, materialized=[*failed.materialized, "warehouse/atlas"])
    assert _after_publication(done, settings) == []
    assert f"Atlas: {settings.atlas_dir / 'index.html'}" in capsys.readouterr().out


def test_a_snapshot_falling_to_nothing_waits_for_a_persons_yes(sample_copy):
    """Issue 29: a header-only memberships.csv published 0 memberships with exit 0."""
    env = sample_copy
    memberships = env.raw_dir / "curated" / "memberships" / "memberships.csv"
    original = memberships.read_text()
    count = "select count(*) from marts.fct_membership"
    before = published_query(env, count)[0][0]
    memberships.write_text(original.splitlines(keepends=True)[0])  # the header alone
    try:
        blocked = coop("build")
        assert blocked.returncode == 1
        assert_plain(blocked)
        named = [e for e in blocked.stderr.splitlines() if e.startswith("raw_curated.memberships")]
        assert len(named) == 1, blocked.stderr
        assert f"rows fell from {before} (published) to 0, -100%" in named[0]
        assert "coop build --accept-drop curated/memberships" in named[0]
        assert published_query(env, count) == [(before,)]  # the published file is unchanged

        accepted = coop("build", "--accept-drop", "curated/memberships")
        assert accepted.returncode == 0, accepted.stdout + accepted.stderr
        assert published_query(env, count) == [(0,)]
        decisions = published_query(env, "select name, rows_now from _meta.accepted_drops")
        assert ("curated/memberships", 0) in decisions and ("fct_membership", 0) in decisions
    finally:
        memberships.write_text(original)
    assert coop("build").returncode == 0  # fixed: a rise needs no yes
    assert published_query(env, count) == [(before,)]
