"""What crashed writers leave behind is removed by the next writer, a full disk leaves no
partial copy, and a symlinked warehouse path receives its writes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from warehouse import Warehouse, open_current

ROOT = str(Path(__file__).parent.parent)


def _seed(path: Path, rows: int = 10) -> None:
    with Warehouse(path).writer() as con:
        con.execute(f"CREATE TABLE t AS SELECT range AS x, md5(range::VARCHAR) AS pad FROM range({rows})")


def _count(path: Path) -> int:
    with Warehouse(path).reader() as con:
        return con.execute("SELECT count(*) FROM t").fetchone()[0]


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(child.stdout)


def test_the_next_writer_removes_building_copies_and_wals_of_dead_writers(tmp_path):
    path = tmp_path / "w.duckdb"
    _seed(path)
    pid = _dead_pid()
    garbage = [tmp_path / f"w.duckdb.building-{pid}", tmp_path / f"w.duckdb.building-{pid}.wal"]
    for g in garbage:
        g.write_bytes(b"x" * 100_000)
    with Warehouse(path).writer() as con:
        con.execute("INSERT INTO t VALUES (99, 'new')")
    assert not any(g.exists() for g in garbage)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]
    assert _count(path) == 11


def test_unreferenced_and_half_written_parts_are_collected_and_registered_ones_kept(tmp_path, cli):
    data = Path(ROOT) / "sources" / "data" / "benchmarks"
    vllm = [data / "vllm"]
    path = tmp_path / "w.duckdb"
    code, _, err = cli("import", *[str(p) for p in vllm], "--warehouse", path)
    assert code == 0, err
    folder = tmp_path / "w_parts" / "benchmark_request"
    registered = sorted(folder.rglob("*.parquet"))
    assert registered
    orphan = folder / "format=vllm" / "import_date=2020-01-01" / ("0" * 64 + "-p1.parquet")
    orphan.parent.mkdir(parents=True)
    duckdb.connect().execute(f"COPY (SELECT 1 AS x) TO '{orphan}'")
    half = registered[0].parent / ".half.parquet.tmp"
    half.write_bytes(b"PAR1")
    wh = Warehouse(path)
    with wh.writer():
        pass
    assert not orphan.exists() and not half.exists()
    assert sorted(folder.rglob("*.parquet")) == registered
    assert set(wh.last_cleanup.files) == {orphan.name, half.name}
    with open_current(path) as con:
        assert con.execute("SELECT count(*) FROM benchmark_request").fetchone()[0] > 0


FULL_DISK_WRITER = textwrap.dedent("""
    import resource, signal, sys
    sys.path.insert(0, sys.argv[2])
    from warehouse import Warehouse
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)        # get EFBIG from write(), not a signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), int(sys.argv[3])))
    try:
        with Warehouse(sys.argv[1]).writer() as con:
            con.execute("INSERT INTO t VALUES (-1, 'never')")
    except OSError as err:
        print(f"failed: errno {err.errno}")
""")


def test_a_copy_that_fails_at_the_os_leaves_no_partial_copy_and_later_writes_work(tmp_path):
    """The OS refuses to let the copy grow past 1 MB (RLIMIT_FSIZE: a real failing write(),
    like a full disk): the partial copy is removed, the published file is unchanged."""
    path = tmp_path / "w.duckdb"
    _seed(path, rows=200_000)
    assert path.stat().st_size > 2_000_000
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK_WRITER, str(path), ROOT, "1000000"], capture_output=True, text=True, timeout=60
    )
    assert "failed: errno 27" in done.stdout, done.stdout + done.stderr  # EFBIG
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    with Warehouse(path).writer() as con:
        con.execute("INSERT INTO t VALUES (-2, 'after')")
    assert _count(path) == 200_001


@pytest.fixture
def tiny_disk(tmp_path):
    """A 32 MB tmpfs, mounted for this test only (needs root; skipped elsewhere, where the
    RLIMIT_FSIZE test above covers the same path)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_leaves_no_partial_copy(tiny_disk):
    path = tiny_disk / "w.duckdb"
    _seed(path, rows=300_000)
    size = path.stat().st_size
    filler = tiny_disk / "filler"
    free = os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize
    filler.write_bytes(b"\0" * max(0, free - size // 2))  # room for half a copy
    with pytest.raises(OSError) as err:
        with Warehouse(path).writer() as con:
            con.execute("INSERT INTO t VALUES (-1, 'never')")
    assert err.value.errno == 28  # ENOSPC
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", "w.duckdb", "w.duckdb.lock"]
    filler.unlink()
    with Warehouse(path).writer() as con:
        con.execute("INSERT INTO t VALUES (-2, 'after')")
    assert _count(path) == 300_001


def test_a_write_through_a_symlink_lands_in_the_real_file(tmp_path):
    real = tmp_path / "real" / "w.duckdb"
    real.parent.mkdir()
    _seed(real)
    link = tmp_path / "link.duckdb"
    link.symlink_to(real)
    with Warehouse(link).writer() as con:
        con.execute("INSERT INTO t VALUES (7, 'through the link')")
    assert link.is_symlink() and link.resolve() == real
    assert _count(real) == 11
    assert not (tmp_path / "link.duckdb.lock").exists()  # one lock, on the real path
    assert (real.parent / "w.duckdb.lock").exists()


def test_writers_through_a_link_and_the_real_path_queue_on_one_lock(tmp_path):
    real = tmp_path / "w.duckdb"
    _seed(real)
    link = tmp_path / "link.duckdb"
    link.symlink_to(real)
    writer = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[2])
        from warehouse import Warehouse
        for i in range(5):
            with Warehouse(sys.argv[1]).writer() as con:
                con.execute("INSERT INTO t VALUES (1000, 'w')")
    """)
    procs = [subprocess.Popen([sys.executable, "-c", writer, str(p), ROOT]) for p in (real, link, real, link)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    assert _count(real) == 10 + 20  # no lost update
