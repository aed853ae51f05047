"""One build, many write windows: a refresh copies the published file once, each window is
its own transaction, readers of the published file are never blocked, and a kill at any
point leaves the old or the new file."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.defs.resources import WarehouseResource
from warehouse import Warehouse, open_current
from warehouse.connection import Build, fails_alone
from warehouse.store import IngestRun, begin_run, finish_run

ROOT = str(Path(__file__).parent.parent)


def _seed(path: Path) -> None:
    with Warehouse(path).writer() as con:
        con.execute("CREATE TABLE t (x INTEGER PRIMARY KEY, who VARCHAR)")
        con.execute("INSERT INTO t VALUES (0, 'seed')")


def _published(path: Path) -> list[tuple]:
    with open_current(path) as con:
        return con.execute("SELECT x, who FROM t ORDER BY x").fetchall()


def test_windows_of_one_build_share_one_copy_published_at_the_end(tmp_path):
    path = tmp_path / "w.duckdb"
    _seed(path)
    wh = Warehouse(path)
    copies = Build.copies_made
    with wh.build():
        for step in (1, 2, 3):
            with Warehouse(path).writer() as con:  # another Warehouse object: same file, same build
                con.execute("INSERT INTO t VALUES (?, ?)", [step, f"step {step}"])
            assert _published(path) == [(0, "seed")]  # readers see the state before the build
            with wh.reader() as con:  # a step reads what the steps before it wrote
                assert con.execute("SELECT count(*) FROM t").fetchall()[0][0] == step + 1
    assert Build.copies_made - copies == 1
    assert _published(path) == [(0, "seed"), (1, "step 1"), (2, "step 2"), (3, "step 3")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_a_failed_window_rolls_back_alone_and_the_others_publish(tmp_path):
    path = tmp_path / "w.duckdb"
    _seed(path)
    wh = Warehouse(path)
    with wh.build():
        with wh.writer() as con:
            con.execute("INSERT INTO t VALUES (1, 'kept')")
        with pytest.raises(duckdb.ConstraintException):
            with wh.writer() as con:
                con.execute("INSERT INTO t VALUES (2, 'rolled back with its window')")
                con.execute("INSERT INTO t VALUES (1, 'duplicate key')")
        with pytest.raises(RuntimeError):
            with wh.writer() as con:
                con.execute("INSERT INTO t VALUES (3, 'rolled back too')")
                raise RuntimeError("a step's own bug")
        with wh.writer() as con:
            con.execute("INSERT INTO t VALUES (4, 'kept')")
    assert _published(path) == [(0, "seed"), (1, "kept"), (4, "kept")]


def test_a_build_that_writes_nothing_copies_and_publishes_nothing(tmp_path):
    path = tmp_path / "w.duckdb"
    _seed(path)
    before = path.stat().st_ino
    copies = Build.copies_made
    with Warehouse(path).build():
        with Warehouse(path).reader() as con:
            assert con.execute("SELECT count(*) FROM t").fetchall()[0][0] == 1
    with Warehouse(path).build():
        with pytest.raises(ValueError), Warehouse(path).writer() as con:
            con.execute("INSERT INTO t VALUES (9, 'never')")
            raise ValueError("the only window fails")
    assert Build.copies_made - copies == 1  # the failed window's copy, discarded
    assert path.stat().st_ino == before  # never replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_a_part_that_fails_alone_keeps_the_rest_of_its_window(tmp_path):
    path = tmp_path / "w.duckdb"
    _seed(path)
    with Warehouse(path).writer() as con:
        con.execute("INSERT INTO t VALUES (1, 'before the bad file')")
        with pytest.raises(duckdb.IOException), fails_alone(con):
            con.execute("INSERT INTO t VALUES (2, 'the bad file')")
            con.execute(f"SELECT * FROM read_parquet('{tmp_path / 'missing.parquet'}')")
        con.execute("INSERT INTO t VALUES (3, 'after the bad file')")  # the window goes on
    assert _published(path) == [(0, "seed"), (1, "before the bad file"), (3, "after the bad file")]


def test_ingest_runs_are_recorded_per_window_of_a_build(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse(path).writer() as con:
        con.execute("CREATE TABLE t (x INTEGER PRIMARY KEY, who VARCHAR)")
    wh = Warehouse(path)
    with wh.build():
        for step in ("clean/a", "clean/b"):
            with wh.ingest(step) as (con, run):
                run.rows_in = run.rows_accepted = 1
    with open_current(path) as con:
        rows = con.execute("SELECT step, status, rows_in FROM ingest_run ORDER BY step").fetchall()
    assert rows == [("clean/a", "ok", 1), ("clean/b", "ok", 1)]


KILLED_BUILD = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, sys.argv[2])
    from warehouse import Warehouse
    wh = Warehouse(sys.argv[1])
    with wh.build():
        for step in (1, 2):
            with wh.writer() as con:
                con.execute("INSERT INTO t VALUES (?, 'unpublished')", [step])
        print("two windows committed", flush=True)
        time.sleep(60)
""")


def test_a_build_killed_after_committed_windows_leaves_the_old_file_and_readers_unblocked(tmp_path):
    path = tmp_path / "w.duckdb"
    _seed(path)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(path), ROOT], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "two windows committed"
        assert _published(path) == [(0, "seed")]  # a reader in this process, during the build
        plain = duckdb.connect(str(path), read_only=True)  # and a plain read-only connection
        assert plain.execute("SELECT count(*) FROM t").fetchall()[0][0] == 1
        plain.close()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    leftovers = sorted(p.name for p in tmp_path.glob("w.duckdb.building-*"))
    assert leftovers and all(name.startswith(f"w.duckdb.building-{proc.pid}-") for name in leftovers)
    assert _published(path) == [(0, "seed")]
    with Warehouse(path).writer() as con:  # the next writer removes the dead build
        con.execute("INSERT INTO t VALUES (5, 'after the kill')")
    assert _published(path) == [(0, "seed"), (5, "after the kill")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_a_dagster_run_in_process_writes_through_one_build(tmp_path):
    """The resource holds a build for the run: two assets and a check, one copy, and the
    check reads what its asset wrote before anything is published."""
    path = tmp_path / "w.duckdb"
    _seed(path)

    @dg.asset(key=["clean", "test", "first"])
    def first(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> None:
        with warehouse.ingest(context) as (con, run):
            con.execute("INSERT INTO t VALUES (1, 'first')")

    @dg.asset(key=["clean", "test", "second"], deps=[first])
    def second(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> None:
        with warehouse.ingest(context) as (con, run):
            con.execute("INSERT INTO t VALUES (2, 'second')")

    @dg.asset_check(asset=first)
    def first_row_is_there(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.reader() as con:
            seen = con.execute("SELECT who FROM t WHERE x = 1").fetchall()
        return dg.AssetCheckResult(passed=seen == [("first",)])

    copies = Build.copies_made
    result = dg.materialize(
        [first, second, first_row_is_there],
        resources={"warehouse": WarehouseResource(path=str(path))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    assert all(e.passed for e in result.get_asset_check_evaluations())
    assert Build.copies_made - copies == 1
    assert _published(path) == [(0, "seed"), (1, "first"), (2, "second")]
    with open_current(path) as con:
        steps = con.execute(
            "SELECT step, status FROM ingest_run WHERE step LIKE 'clean/test/%' ORDER BY step"
        ).fetchall()
    assert steps == [("clean/test/first", "ok"), ("clean/test/second", "ok")]


def test_a_standalone_writer_is_still_its_own_copy_and_publish(tmp_path):
    path = tmp_path / "w.duckdb"
    _seed(path)
    copies = Build.copies_made
    for step in (1, 2):
        with Warehouse(path).writer() as con:
            run = begin_run(con, IngestRun(step="cli/import"))
            con.execute("INSERT INTO t VALUES (?, 'cli')", [step])
            finish_run(con, run)
        assert _published(path)[-1] == (step, "cli")  # published when its window ends
    assert Build.copies_made - copies == 2


def test_publish_pending_hands_other_processes_what_the_build_holds(tmp_path):
    path = tmp_path / "w.duckdb"
    _seed(path)
    wh = Warehouse(path)
    with wh.build():
        assert not wh.publish_pending()  # nothing written yet: nothing to publish
        with wh.writer() as con:
            con.execute("INSERT INTO t VALUES (1, 'before a subprocess reads')")
        assert wh.publish_pending()
        assert _published(path)[-1] == (1, "before a subprocess reads")
        with wh.writer() as con:  # the next window makes a new copy of the new file
            con.execute("INSERT INTO t VALUES (2, 'at the end')")
        assert _published(path)[-1] == (1, "before a subprocess reads")
    assert _published(path)[-1] == (2, "at the end")
