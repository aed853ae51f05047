"""The small answers a new user tripped over: --version, CJK tables, positional dates,
provider names as people type them."""

import duckdb

from pipeline.cli.common import width
from warehouse.version import code_version, git_commit, package_version


def test_version_names_the_package_and_the_commit_every_ingest_run_records(cli, refreshed_warehouse):
    code, out, _ = cli("--version")
    assert code == 0
    assert out.startswith(f"infernomics {package_version()} (git commit ")
    commit = git_commit()
    if commit:  # run from a checkout: the commit is printed, and is what the rows carry
        assert f"git commit {commit}" in out and code_version() == f"{package_version()}+g{commit}"
    with duckdb.connect(str(refreshed_warehouse), read_only=True) as con:
        recorded = {r[0] for r in con.execute("SELECT DISTINCT code_version FROM ingest_run").fetchall()}
    assert recorded == {code_version()} and f"ingest_run.code_version = {code_version()}" in out


def test_table_columns_line_up_after_a_chinese_title(cli, refreshed_warehouse):
    code, out, _ = cli(
        "sql",
        "SELECT title, publisher FROM source WHERE source_id = 'book-ch1-ai-inference-macro' "
        "OR source_id = 'ark-big-ideas-2026' ORDER BY source_id",
        "--warehouse",
        refreshed_warehouse,
    )
    assert code == 0
    header, rule, *rows = out.splitlines()[:4]
    assert any(ord(ch) > 0x4E00 for ch in rows[1]), "the chapter's own title is Chinese"
    start = width(header[: header.index("publisher")])  # the column where publisher starts on screen
    for row in rows:
        publisher = row.split("  ")[-1].strip()
        assert width(row[: row.rindex(publisher)]) == start, row
    assert width("第1章") == 5 and width("abc") == 3


def test_prices_on_takes_the_date_as_a_word(cli, refreshed_warehouse):
    code, positional, err = cli(
        "prices", "on", "2024-06-01", "--model-key", "gpt-4o", "--warehouse", refreshed_warehouse
    )
    assert code == 0, err
    code, flagged, _ = cli(
        "prices", "on", "--date", "2024-06-01", "--model-key", "gpt-4o", "--warehouse", refreshed_warehouse
    )
    assert positional == flagged and "gpt-4o" in positional
    code, _, err = cli("prices", "on", "2024-06-01", "--date", "2024-07-01", "--warehouse", refreshed_warehouse)
    assert code == 1 and "two different dates" in err
    code, _, err = cli("prices", "history", "2024-06-01", "--model-key", "gpt-4o", "--warehouse", refreshed_warehouse)
    assert code == 1 and "takes no date" in err


def test_provider_filter_matches_what_people_type_and_says_which_names(cli, refreshed_warehouse):
    code, out, err = cli(
        "prices", "on", "2024-06-01", "--provider", "ANTHROP", "--format", "csv", "--warehouse", refreshed_warehouse
    )
    assert code == 0, err
    assert "--provider 'ANTHROP' matched: anthropic" in err
    providers = {line.split(",")[0] for line in out.splitlines()[1:]}
    assert providers == {"anthropic"}


def test_every_environment_variable_the_code_reads_is_in_the_readme_table():
    import re
    from pathlib import Path

    root = Path(__file__).parent.parent
    code = "\n".join(
        p.read_text()
        for folder in ("pipeline", "warehouse", "sources", "analysis", "infernomics", "tests")
        for p in (root / folder).rglob("*.py")
    )
    used = set(re.findall(r"[\"'](INFERNOMICS_[A-Z_]+)[\"']", code))
    readme = (root / "README.md").read_text()
    table = readme[readme.index("## Environment variables") :]
    table = table[: table.index("\n## ", 5)]
    documented = set(re.findall(r"^\| `(INFERNOMICS_[A-Z_]+)` \|", table, re.M))
    assert {"INFERNOMICS_WAREHOUSE", "INFERNOMICS_OFFLINE", "INFERNOMICS_BENCH_DROP", "INFERNOMICS_REPORT_DIR"} <= used
    assert used <= documented, sorted(used - documented)


def test_cheapest_takes_the_provider_filter_too_and_other_actions_refuse_it(cli, refreshed_warehouse):
    code, out, err = cli(
        "prices", "cheapest", "2025-01-15", "--provider", "goog", "--format", "csv", "--warehouse", refreshed_warehouse
    )
    # LiteLLM's release history also prices Google's models on Vertex AI (provider google-vertex)
    assert code == 0 and "--provider 'goog' matched: google, google-vertex" in err
    assert {line.split(",")[0] for line in out.splitlines()[1:]} == {"google", "google-vertex"}
    code, _, err = cli(
        "prices", "history", "--model-key", "gpt-4o", "--provider", "openai", "--warehouse", refreshed_warehouse
    )
    assert code == 1 and "has no --provider filter" in err
