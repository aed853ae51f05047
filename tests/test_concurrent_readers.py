"""Readers in other processes keep working while a writer holds the warehouse."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from warehouse import Warehouse

READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("SELECT count(*) FROM t").fetchone()[0])
""")

WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from warehouse import Warehouse
    with Warehouse(sys.argv[1]).writer() as con:
        con.execute("INSERT INTO t VALUES (2)")
        print("writing", flush=True)
        time.sleep(float(sys.argv[3]))
""")

ROOT = str(Path(__file__).parent.parent)


def _seed(path):
    with Warehouse(path).writer() as con:
        con.execute("CREATE TABLE t (x INTEGER)")
        con.execute("INSERT INTO t VALUES (1)")


def test_a_reader_process_is_not_blocked_by_a_writer_process(tmp_path):
    path = tmp_path / "w.duckdb"
    _seed(path)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), ROOT, "3"], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "writing"
    reader = subprocess.run([sys.executable, "-c", READER, str(path)], capture_output=True, text=True, timeout=30)
    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.strip() == "1"  # the published state, not the half-written one
    assert writer.wait(timeout=30) == 0
    reader = subprocess.run([sys.executable, "-c", READER, str(path)], capture_output=True, text=True, timeout=30)
    assert reader.stdout.strip() == "2"


def test_two_writer_processes_queue_and_both_writes_land(tmp_path):
    path = tmp_path / "w.duckdb"
    _seed(path)
    first = subprocess.Popen([sys.executable, "-c", WRITER, str(path), ROOT, "1"], stdout=subprocess.PIPE, text=True)
    assert first.stdout.readline().strip() == "writing"
    started = time.monotonic()
    second = subprocess.run(
        [sys.executable, "-c", WRITER, str(path), ROOT, "0"], capture_output=True, text=True, timeout=60
    )
    assert second.returncode == 0, second.stderr
    assert first.wait(timeout=30) == 0
    assert time.monotonic() - started >= 0.5  # the second waited for the lock
    with Warehouse(path).reader() as con:
        assert con.execute("SELECT count(*) FROM t WHERE x = 2").fetchone()[0] == 2
