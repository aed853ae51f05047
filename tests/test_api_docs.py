"""docs/api.md is a notebook session: run it, so the page cannot go stale. And the API
imports without Dagster."""

import doctest
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_api_page_runs_as_written(refreshed_warehouse, monkeypatch):
    monkeypatch.setenv("INFERNOMICS_WAREHOUSE", str(refreshed_warehouse))
    result = doctest.testfile(
        str(ROOT / "docs" / "api.md"),
        module_relative=False,
        report=True,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 30 and result.failed == 0, f"{result.failed} of {result.attempted} examples failed"


def test_the_api_imports_without_dagster(refreshed_warehouse):
    code = (
        "import sys, infernomics; wh = infernomics.connect(sys.argv[1]); "
        "wh.audit('ark-big-ideas-2026/p34/sw-dev-cost-dec-2025'); wh.fit('demand/openrouter_weekly_scrape'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dagster', 'pipeline', 'pandas')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(refreshed_warehouse)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_call_reads_the_file_published_now(refreshed_warehouse, tmp_path):
    """A refresh publishes a new file by rename; a Connection made before it sees the new data."""
    import shutil

    import infernomics

    path = tmp_path / "w.duckdb"
    shutil.copyfile(refreshed_warehouse, path)
    wh = infernomics.connect(path)
    before = wh.query("SELECT count(*) AS n FROM source")["n"][0]
    import duckdb

    staged = tmp_path / "staged.duckdb"
    shutil.copyfile(path, staged)
    with duckdb.connect(str(staged)) as con:
        con.execute(
            "DELETE FROM source WHERE source_id NOT IN (SELECT source_id FROM figure) "
            "AND source_id NOT IN (SELECT source_id FROM snapshot WHERE source_id IS NOT NULL)"
        )
        after_expected = con.execute("SELECT count(*) FROM source").fetchall()[0][0]
    os.replace(staged, path)  # what Warehouse.writer() does to publish
    assert after_expected < before and wh.query("SELECT count(*) AS n FROM source")["n"][0] == after_expected
