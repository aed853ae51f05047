"""Streaming ingest of per-request Parquet: bulk validation, counts, the view, no Python per row."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from benchmarks.ingest_scale import GENERATE
from warehouse import open_current

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def requests_parquet(tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / "llmperf_requests.parquet"
    duckdb.connect().execute(GENERATE.format(n=200_000, path=path))
    return path


def test_parquet_requests_are_validated_in_bulk_and_counted(requests_parquet, tmp_path, cli):
    wh = tmp_path / "w.duckdb"
    code, _, _ = cli("import", requests_parquet, "--warehouse", wh)
    assert code == 0
    con = open_current(wh)
    rows_in, rows_bad = con.execute("SELECT rows_in, rows_quarantined FROM benchmark_request_part").fetchall()[0]
    in_view = con.execute("SELECT count(*) FROM benchmark_request").fetchall()[0][0]
    rejected = con.execute("SELECT count(*) FROM benchmark_request_rejected").fetchall()[0][0]
    run = con.execute("SELECT requests_sent, completed, rejected, failed FROM benchmark_run").fetchall()[0]
    reason = con.execute("SELECT rule, reason FROM quarantine WHERE target_table = 'benchmark_request'").fetchall()
    part = con.execute("SELECT layout FROM benchmark_request_part").fetchall()[0][0]
    con.close()
    # generator: every 10,000th row has a negative TTFT, every 200th is an HTTP 429
    assert (rows_in, rows_bad) == (200_000, 20) and in_view == 199_980 and rejected == 20
    assert run == (200_000, 199_000 - 20, 1_000, 20)
    assert reason[0][0] == "negative_latency" and reason[0][1].startswith("20 request rows break negative_latency")
    assert part == "llmperf"


def test_the_part_is_the_file_itself_under_its_sha256(requests_parquet, tmp_path, cli):
    from pipeline.steps.benchmarks.ingest import sha256_file

    wh = tmp_path / "w.duckdb"
    cli("import", requests_parquet, "--warehouse", wh)
    [part] = (tmp_path / "w_parts" / "benchmark_request_native").glob(
        f"format=llmperf/import_date=*/{sha256_file(requests_parquet)}.parquet"
    )
    assert part.read_bytes() == requests_parquet.read_bytes()
    few = tmp_path / "few.parquet"
    duckdb.connect().execute(GENERATE.format(n=20_000, path=few))
    small = tmp_path / "small.duckdb"
    cli("import", few, "--warehouse", small)
    # 10x the request rows, (almost) the same DuckDB file: the rows live in the part
    assert abs(wh.stat().st_size - small.stat().st_size) < 1_000_000


def test_scale_script_runs_and_reports_the_ratio(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "ingest_scale.py"), "--rows", "100000", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert "ratio ours/bare" in out.stdout and "100,000 rows in, 99,990 accepted, 10 quarantined" in out.stdout
