"""`infernomics sql` is read-only because the connection is, not because the text looks
harmless: a table of hostile statements, each refused in one line with nothing written or
read, next to the legitimate queries that must keep working."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse import open_current, parts_dir_for

ROOT = Path(__file__).parent.parent


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def bait(refreshed_warehouse, tmp_path_factory):
    """Files an attacker would like to read or run, and where they would like to write."""
    folder = tmp_path_factory.mktemp("bait")
    (folder / "dump").mkdir()
    (folder / "dump" / "schema.sql").write_text("CREATE TABLE pwned AS SELECT 42 AS x;\n")
    (folder / "dump" / "load.sql").write_text("")
    secret = refreshed_warehouse.parent / "secret.parquet"
    duckdb.connect().execute(f"COPY (SELECT 'top secret' AS s) TO '{secret}'")
    (folder / "mine.csv").write_text("a,b\n1,2\n3,4\n")
    parts = parts_dir_for(refreshed_warehouse)
    part = sorted((parts / "benchmark_request").rglob("*.parquet"))[0]
    return {"dir": folder, "secret": secret, "part": part, "parts": parts}


HOSTILE = [
    # writes files (the reproductions first)
    ("EXPLAIN ANALYZE COPY (SELECT 'x') TO '{dir}/any.csv'", "EXPLAIN of a COPY"),
    (
        "EXPLAIN ANALYZE COPY (SELECT * FROM read_parquet('{part}') LIMIT 1) TO '{part}' (FORMAT parquet)",
        "EXPLAIN of a COPY",
    ),
    ("EXPLAIN COPY (SELECT 1) TO '{dir}/plan.csv'", "EXPLAIN of a COPY"),
    ("EXPLAIN (FORMAT json) COPY (SELECT 1) TO '{dir}/plan.csv'", "EXPLAIN of a COPY"),
    ("COPY figure TO '{dir}/figures.csv'", "infernomics export"),
    ("COPY (SELECT * FROM figure) TO '{dir}/figures.parquet' (FORMAT parquet)", "infernomics export"),
    ("EXPORT DATABASE '{dir}/export'", "infernomics export"),
    # runs files
    ("PRAGMA import_database('{dir}/dump')", "PRAGMA"),
    ("IMPORT DATABASE '{dir}/dump'", "PRAGMA"),
    # changes the warehouse or the session
    ("CREATE TABLE x AS SELECT 1", "CREATE"),
    ("CREATE TEMP TABLE x AS SELECT 1", "CREATE"),
    ("CREATE OR REPLACE VIEW benchmark_request AS SELECT 1", "CREATE"),
    ("CREATE MACRO evil() AS 1", "CREATE"),
    ("CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')", "CREATE"),
    ("INSERT INTO figure SELECT * FROM figure", "INSERT"),
    ("UPDATE figure SET value = 0", "UPDATE"),
    ("DELETE FROM figure", "DELETE"),
    ("TRUNCATE figure", "DELETE"),
    ("DROP TABLE figure", "DROP"),
    ("ALTER TABLE figure ADD COLUMN x INTEGER", "ALTER"),
    ("VACUUM", "VACUUM"),
    ("CHECKPOINT", "CALL"),
    ("CALL pragma_version()", "CALL"),
    ("ATTACH '{dir}/other.duckdb' AS other", "ATTACH"),
    ("ATTACH ':memory:' AS scratch", "ATTACH"),
    ("DETACH warehouse", "DETACH"),
    ("USE memory", "SET"),
    ("SET enable_external_access = true", "SET"),
    ("SET allowed_directories = ['/']", "SET"),
    ("RESET lock_configuration", "SET"),
    ("SET memory_limit = '100GB'", "SET"),
    ("INSTALL httpfs", "LOAD"),
    ("LOAD httpfs", "LOAD"),
    ("BEGIN TRANSACTION", "TRANSACTION"),
    ("PREPARE p AS SELECT 1", "PREPARE"),
    ("SELECT 1; COPY figure TO '{dir}/second.csv'", "infernomics export"),
    ("PIVOT figure ON unit USING count(*)", "PIVOT"),
    # reads files the user can read: refused by the connection itself
    ("SELECT * FROM read_csv('/etc/passwd')", "pass --allow-files"),
    ("SELECT * FROM read_text('/etc/passwd')", "pass --allow-files"),
    ("SELECT * FROM read_blob('/etc/passwd')", "pass --allow-files"),
    ("SELECT * FROM glob('/root/**')", "pass --allow-files"),
    ("SELECT * FROM read_csv('/proc/self/environ')", "pass --allow-files"),
    ("SELECT * FROM read_json_auto('/etc/os-release')", "pass --allow-files"),
    ("SELECT * FROM sniff_csv('/etc/passwd')", "pass --allow-files"),
    ("SELECT * FROM parquet_metadata('{secret}')", "pass --allow-files"),
    ("SELECT * FROM read_parquet('{secret}')", "pass --allow-files"),
    ("SELECT * FROM read_parquet('benchmark_request/../../secret.parquet')", "pass --allow-files"),
    ("SELECT * FROM read_parquet('{parts}/benchmark_request/../../secret.parquet')", "pass --allow-files"),
    ("SELECT * FROM read_text('{parts}/../../../../../../etc/passwd')", "pass --allow-files"),
    ("SELECT * FROM read_csv('{dir}/mine.csv')", "pass --allow-files"),
    ("SELECT * FROM read_text('file:///etc/passwd')", "pass --allow-files"),
    ("SELECT * FROM read_text('http://127.0.0.1:9/x')", "pass --allow-files"),
    ("SELECT * FROM read_csv(['/etc/passwd'])", "pass --allow-files"),
    ("SELECT * FROM duckdb_secrets()", "pass --allow-files"),
]


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM query('COPY (SELECT 1) TO ''{dir}/inner.csv''')",
        "SELECT * FROM query('ATTACH ''{dir}/inner.duckdb''')",
        "FROM '/etc/passwd'",
    ],
)
def test_statements_smuggled_inside_a_select_fail_in_one_line(statement, refreshed_warehouse, bait, cli):
    code, out, err = cli("sql", statement.format(**bait), "--warehouse", refreshed_warehouse)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert not (bait["dir"] / "inner.csv").exists() and not (bait["dir"] / "inner.duckdb").exists()


@pytest.mark.parametrize("statement, says", HOSTILE, ids=[h[0][:60] for h in HOSTILE])
def test_a_hostile_statement_is_refused_in_one_line(statement, says, refreshed_warehouse, bait, cli):
    part_before = _sha(bait["part"])
    with open_current(refreshed_warehouse) as con:
        zero_valued_before = con.execute("SELECT count(*) FROM figure WHERE value = 0").fetchone()[0]
    code, out, err = cli("sql", statement.format(**bait), "--warehouse", refreshed_warehouse)
    assert code == 1 and out == ""
    lines = [line for line in err.splitlines() if not line.startswith("note:")]
    assert len(lines) == 1 and lines[0].startswith("infernomics sql: error: refused"), err
    assert says in lines[0]
    # nothing was written, run or changed
    assert not any(
        (bait["dir"] / name).exists()
        for name in ("any.csv", "plan.csv", "figures.csv", "figures.parquet", "export", "other.duckdb", "second.csv")
    )
    assert _sha(bait["part"]) == part_before
    with open_current(refreshed_warehouse) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('pwned', 'x')").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM figure WHERE value = 0").fetchone()[0] == zero_valued_before


def test_at_least_thirty_hostile_statements_are_tried():
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize(
    "statement",
    [
        "COPY (SELECT 1) TO '{dir}/direct.csv'",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_parquet('{secret}')",
        "ATTACH '{dir}/direct.duckdb' AS d",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "SET memory_limit = '100GB'",
        "INSERT INTO figure SELECT * FROM figure LIMIT 1",
        "CREATE TABLE warehouse.main.x AS SELECT 1",
        "LOAD httpfs",
    ],
)
def test_the_connection_itself_refuses_what_the_statement_check_would(statement, refreshed_warehouse, bait):
    """Read-only is a property of the connection: run straight on it, bypassing the check."""
    con = open_current(refreshed_warehouse, sandbox=True)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(statement.format(**bait)).fetchall()
    finally:
        con.close()
    assert not (bait["dir"] / "direct.csv").exists() and not (bait["dir"] / "direct.duckdb").exists()


LEGITIMATE = [
    ("SELECT count(*) AS n FROM figure", "n"),
    (
        "SELECT figure_id, source_title FROM figure_provenance WHERE source_id = 'ark-big-ideas-2026' LIMIT 3",
        "source_title",
    ),
    ("SELECT model_key, input_usd_per_mtok FROM price_on('2024-06-01') WHERE model_key = 'gpt-4o'", "gpt-4o"),
    ("SELECT count(*) AS requests, round(avg(ttft_ms), 3) AS mean_ttft FROM benchmark_request", "550"),
    ("SELECT count(*) AS n FROM read_parquet('benchmark_request/**/*.parquet', hive_partitioning = true)", "n"),
    ("WITH f AS (SELECT unit FROM figure) SELECT unit, count(*) FROM f GROUP BY unit ORDER BY 2 DESC LIMIT 2", "unit"),
    ("FROM quarantine_summary LIMIT 1", "rule"),
    ("DESCRIBE figure", "column_name"),
    ("SHOW TABLES", "name"),
    ("SUMMARIZE SELECT value FROM figure", "column_name"),
    ("EXPLAIN SELECT count(*) FROM figure", "physical_plan"),
    ("EXPLAIN ANALYZE SELECT count(*) FROM benchmark_request", "analyzed_plan"),
    ("SELECT * FROM pragma_table_info('figure') LIMIT 1", "name"),
    ("VALUES (1, 'a')", "col0"),
]


@pytest.mark.parametrize("statement, shows", LEGITIMATE, ids=[q[0][:50] for q in LEGITIMATE])
def test_legitimate_reads_keep_working(statement, shows, refreshed_warehouse, cli):
    code, out, err = cli("sql", statement, "--warehouse", refreshed_warehouse)
    assert code == 0, err
    assert shows in out


def test_the_requests_view_reads_the_parts_with_their_real_values(refreshed_warehouse, cli):
    code, out, _ = cli(
        "sql",
        "SELECT count(*) AS n, round(avg(ttft_ms), 3) AS m FROM benchmark_request",
        "--format",
        "csv",
        "--warehouse",
        refreshed_warehouse,
    )
    with open_current(refreshed_warehouse) as con:
        parts = [r[0] for r in con.execute("SELECT part_file FROM benchmark_request_part").fetchall()]
    direct = (
        duckdb.connect()
        .execute(
            "SELECT count(*), round(avg(ttft_ms), 3) FROM read_parquet(?) WHERE _rule IS NULL",
            [[str(parts_dir_for(refreshed_warehouse) / p) for p in parts]],
        )
        .fetchone()
    )
    assert out.splitlines()[1] == f"{direct[0]},{direct[1]:.6g}"


def test_allow_files_is_the_opt_in_for_ones_own_file(refreshed_warehouse, bait, cli):
    code, out, err = cli(
        "sql",
        f"SELECT sum(b) AS total FROM read_csv('{bait['dir']}/mine.csv')",
        "--allow-files",
        "--format",
        "csv",
        "--warehouse",
        refreshed_warehouse,
    )
    assert code == 0, err
    assert out == "total\n6\n"
    code, _, err = cli(
        "sql", f"COPY (SELECT 1) TO '{bait['dir']}/still.csv'", "--allow-files", "--warehouse", refreshed_warehouse
    )
    assert code == 1 and "infernomics export" in err and not (bait["dir"] / "still.csv").exists()


def test_a_runaway_query_stops_at_the_timeout(refreshed_warehouse):
    query = "SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE a.range + b.range = 7"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "sql", query, "--timeout", "1", "--warehouse", str(refreshed_warehouse)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert "query stopped after" in done.stderr and "--timeout 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_huge_result_is_streamed_with_a_display_cap(refreshed_warehouse):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "sql",
            "SELECT * FROM range(100000000)",
            "--warehouse",
            str(refreshed_warehouse),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2 + 200 + 1
    assert lines[-1] == "(100,000,000 rows, 99,999,800 more rows not shown: raise --max-rows, or --format csv)"


def test_a_query_beyond_the_memory_limit_is_one_line(refreshed_warehouse, cli):
    code, _, err = cli(
        "sql", "SELECT list(range) FROM range(30000000)", "--memory-limit", "50MB", "--warehouse", refreshed_warehouse
    )
    assert code == 1 and "--memory-limit" in err and len(err.strip().splitlines()) == 1


def test_csv_output_is_streamed_whole_and_json_is_valid(refreshed_warehouse, cli):
    import json

    code, out, _ = cli(
        "sql", "SELECT range AS i FROM range(25000)", "--format", "csv", "--warehouse", refreshed_warehouse
    )
    assert (
        code == 0 and out.splitlines()[0] == "i" and len(out.splitlines()) == 25001 and out.splitlines()[-1] == "24999"
    )
    code, out, _ = cli("sql", "SELECT range AS i FROM range(3)", "--format", "json", "--warehouse", refreshed_warehouse)
    assert json.loads(out) == [{"i": 0}, {"i": 1}, {"i": 2}]


def test_max_rows_sets_the_display_cap(refreshed_warehouse, cli):
    code, out, _ = cli(
        "sql", "SELECT range AS i FROM range(5000)", "--max-rows", "1000", "--warehouse", refreshed_warehouse
    )
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2 + 1000 + 1 and lines[-2] == "999"
    assert lines[-1] == "(5,000 rows, 4,000 more rows not shown: raise --max-rows, or --format csv)"
