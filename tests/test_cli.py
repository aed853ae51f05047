"""The CLI as a user meets it: help with examples, one-line errors, read-only SQL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import build_parser


def _commands():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_an_example(cli, command):
    code, out, _ = cli(command, "--help")
    assert code == 0
    assert "example" in out, f"`infernomics {command} --help` shows no example"


def test_sql_refuses_statements_that_write(refreshed_warehouse, cli):
    for statement in (
        "DROP TABLE figure",
        "DELETE FROM figure",
        "CREATE TABLE x AS SELECT 1",
        "COPY figure TO 'out.csv'",
        "ATTACH 'other.duckdb'",
    ):
        code, out, err = cli("sql", statement, "--warehouse", refreshed_warehouse)
        assert code == 1 and "refused" in err and "read-only" in err, statement
    code, out, _ = cli("sql", "SELECT count(*) AS n FROM figure", "--warehouse", refreshed_warehouse)
    assert code == 0 and "n" in out.splitlines()[0]


def test_sql_formats(refreshed_warehouse, cli):
    query = "SELECT figure_id, value FROM figure WHERE figure_id = 'ark-big-ideas-2026/p34/sw-dev-cost-dec-2025'"
    assert cli("sql", query, "--format", "csv", "--warehouse", refreshed_warehouse)[1] == (
        "figure_id,value\nark-big-ideas-2026/p34/sw-dev-cost-dec-2025,0.32\n"
    )
    assert '"value": 0.32' in cli("sql", query, "--format", "json", "--warehouse", refreshed_warehouse)[1]
    assert cli("sql", query, "--format", "markdown", "--warehouse", refreshed_warehouse)[1].startswith(
        "| figure_id | value |"
    )


def test_errors_are_one_line_without_a_traceback(tmp_path, cli, refreshed_warehouse):
    code, out, err = cli("audit", "x", "--warehouse", tmp_path / "missing.duckdb")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "run `infernomics refresh` first" in err
    code, out, err = cli("sql", "SELEC 1", "--warehouse", refreshed_warehouse)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, out, err = cli("sql", "SELECT * FROM no_such_table", "--warehouse", refreshed_warehouse)
    assert code == 1 and "no_such_table" in err and len(err.strip().splitlines()) == 1


def test_figures_and_sources_filters(refreshed_warehouse, cli):
    code, out, _ = cli(
        "figures", "--source", "ark-big-ideas-2026", "--format", "csv", "--warehouse", refreshed_warehouse
    )
    assert code == 0 and len(out.strip().splitlines()) == 1 + 8
    code, out, _ = cli("sources", "--class", "copy", "--format", "csv", "--warehouse", refreshed_warehouse)
    assert "wealthdfm-ark-europe-big-ideas-2026" in out and "a16z-llmflation-2024" not in out


def test_read_commands_do_not_import_dagster(refreshed_warehouse):
    code = (
        "import sys; from pipeline.cli import main; "
        f"main(['sql', 'SELECT 1', '--warehouse', {str(refreshed_warehouse)!r}]); "
        "sys.exit(1 if 'dagster' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_the_cli_runs_from_any_directory(tmp_path, refreshed_warehouse):
    env = os.environ | {"PYTHONPATH": str(Path(__file__).parent.parent)}  # as an install would
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "figures", "--kind", "derived", "--warehouse", str(refreshed_warehouse)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "infernomics-derived/ark-big-ideas-2026/p34" in result.stdout


def test_warehouse_may_come_before_the_command(refreshed_warehouse, cli):
    code, out, err = cli("--warehouse", refreshed_warehouse, "sql", "SELECT 42 AS answer")
    assert code == 0, err
    assert "42" in out


def test_table_output_never_cuts_identifiers(refreshed_warehouse, cli):
    long_id = "infernomics-derived/ark-big-ideas-2026/p34/sw-dev-cost-change-pct"
    code, out, _ = cli("figures", "--kind", "derived", "--search", "sw-dev", "--warehouse", refreshed_warehouse)
    assert long_id in out and len(long_id) > 60


def test_figures_says_when_the_limit_stopped_it(refreshed_warehouse, cli):
    code, out, err = cli("figures", "--limit", "2", "--warehouse", refreshed_warehouse)
    assert code == 0 and "(2 rows)" in out
    assert "stopped at --limit 2" in err


def test_unknown_filter_values_are_refused(refreshed_warehouse, cli):
    code, _, err = cli("figures", "--kind", "nosuch", "--warehouse", refreshed_warehouse)
    assert code == 2 and "invalid choice: 'nosuch'" in err


def test_command_summaries_are_whole_sentences(cli):
    code, out, _ = cli("--help")
    listing = out.split("positional arguments:")[1].split("options:")[0]
    summaries = " ".join(listing.split())
    for cut in (" a.", " the.", " for a ", " torch on "):
        assert not summaries.endswith(cut)
    assert "Measure this machine's matmul throughput and memory bandwidth against its spec sheet." in summaries
