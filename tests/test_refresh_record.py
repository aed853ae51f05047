"""Each refresh is recorded as a whole; one that did not complete is reported by `sql`,
`audit` and the next refresh; a second concurrent refresh is refused or waits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb

from warehouse import open_current
from warehouse.refresh_record import running_marker

ROOT = str(Path(__file__).parent.parent)
FIGURE = "ark-big-ideas-2026/p34/sw-dev-cost-dec-2025"

HOLD_REFRESH_LOCK = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from warehouse import Warehouse
    from warehouse.refresh_record import refresh_lock
    with refresh_lock(Warehouse(sys.argv[1])):
        print("holding", flush=True)
        time.sleep(float(sys.argv[3]))
""")


def _refresh(path: Path, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, INFERNOMICS_OFFLINE="1")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "refresh",
            "--select",
            "group:citations",
            "--warehouse",
            str(path),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )


def test_a_refresh_is_recorded_from_start_to_finish(tmp_path):
    path = tmp_path / "w.duckdb"
    done = _refresh(path)
    assert done.returncode == 0, done.stderr
    with open_current(path) as con:
        rows = con.execute(
            "SELECT pid, selection, status, started_at <= finished_at, steps_failed FROM refresh_run"
        ).fetchall()
    assert len(rows) == 1 and rows[0][1:] == ("group:citations", "ok", True, 0)


def test_a_killed_refresh_is_reported_as_not_completed(tmp_path, cli):
    path = tmp_path / "w.duckdb"
    assert _refresh(path).returncode == 0
    env = dict(os.environ, INFERNOMICS_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "refresh", "--warehouse", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill -9 once the refresh has written its `running` marker
        marker = running_marker(path)
        if marker is not None and marker.pid == proc.pid and marker.selection is None and marker.refresh_id:
            break
        time.sleep(0.05)
    with open_current(path) as con:  # nothing of it is published: the marker is beside the file
        assert con.execute("SELECT count(*) FROM refresh_run").fetchone()[0] == 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    code, out, err = cli("sql", "SELECT count(*) AS n FROM figure", "--warehouse", path)
    assert code == 0 and "did not complete" in err and f"pid {proc.pid}" in err
    code, out, err = cli("audit", FIGURE, "--warehouse", path)
    assert code == 0 and "did not complete" in err
    again = _refresh(path)
    assert again.returncode == 0 and "did not complete" in again.stderr
    code, _, err = cli("sql", "SELECT 1", "--warehouse", path)
    assert "did not complete" not in err  # the new one finished
    with open_current(path) as con:
        statuses = con.execute("SELECT pid, status FROM refresh_run ORDER BY started_at").fetchall()
    assert (proc.pid, "incomplete") in statuses and statuses[-1][1] == "ok" and len(statuses) == 3
    assert running_marker(path) is None  # the finished refresh left no marker


def test_a_second_concurrent_refresh_is_refused_with_who_holds_it(tmp_path):
    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_REFRESH_LOCK, str(path), ROOT, "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        done = _refresh(path)
        assert done.returncode == 1
        assert f"refresh already running (pid {holder.pid} since " in done.stderr
        assert not path.exists()  # it wrote nothing
    finally:
        holder.kill()
        holder.wait()


def test_wait_queues_behind_the_running_refresh(tmp_path):
    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_REFRESH_LOCK, str(path), ROOT, "3"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "holding"
    started = time.monotonic()
    done = _refresh(path, "--wait")
    assert done.returncode == 0, done.stderr
    assert holder.wait(timeout=30) == 0
    assert time.monotonic() - started >= 2.0
    with open_current(path) as con:
        assert con.execute("SELECT status FROM refresh_run").fetchall() == [("ok",)]


def test_a_notebook_holding_the_file_for_writing_gets_a_lock_error_with_cause_and_fix(tmp_path, cli):
    path = tmp_path / "w.duckdb"
    assert _refresh(path).returncode == 0
    notebook = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert notebook.stdout.readline().strip() == "open"
        code, _, err = cli("sql", "SELECT 1", "--warehouse", path)
        assert code == 1 and len(err.strip().splitlines()) == 1
        assert f"open for writing in process {notebook.pid}" in err
        assert "read_only=True" in err and "open_current" in err
    finally:
        notebook.kill()
        notebook.wait()


def test_open_current_sees_each_publish_while_an_older_connection_stays_open(tmp_path):
    from warehouse import Warehouse

    path = tmp_path / "w.duckdb"
    with Warehouse(path).writer() as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    notebook = duckdb.connect(str(path), read_only=True)  # a cell run long ago
    with Warehouse(path).writer() as con:  # a refresh publishes
        con.execute("INSERT INTO t VALUES (2)")
    assert notebook.execute("SELECT count(*) FROM t").fetchone()[0] == 1  # the documented caveat
    stale = duckdb.connect(str(path), read_only=True)  # DuckDB's per-path cache
    assert stale.execute("SELECT count(*) FROM t").fetchone()[0] == 1
    with open_current(path) as fresh:
        assert fresh.execute("SELECT count(*) FROM t").fetchone()[0] == 2
    stale.close()
    notebook.close()
