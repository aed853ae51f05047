"""Open the warehouse for reading (never blocked) or writing (copy, write, publish).

Decisions:
- The path is resolved (symlinks, `..`) before anything else: a lock taken on
  `link.duckdb.lock` while the rename replaces the link itself would let two writers
  publish over each other, and the real file would never see the write.
- Readers go through :func:`open_current`: an in-memory DuckDB that ATTACHes the published
  file read-only. DuckDB caches one database instance per path inside a process, so a
  plain second `duckdb.connect(path)` in a notebook keeps reading the inode that existed
  when the first was opened; an ATTACH from a fresh in-memory instance always opens the
  file that is there now.
- Views over Parquet parts name them relative to the parts folder and every connection
  opened here sets `file_search_path` to it, so a warehouse folder keeps working wherever
  it is moved or copied (a copy reads its own parts, never the original's).
- `sandbox=True` (what `infernomics sql` uses) makes the connection itself read-only
  towards the machine: `enable_external_access = false` with `allowed_directories`
  limited to the warehouse's own parts folder, a `memory_limit`, then
  `lock_configuration = true` so no statement can undo any of it.
- Every writer, under the exclusive lock, first removes what crashed writers left:
  `<warehouse>.building-<pid>` copies and their WALs (holding the lock proves their
  writer is gone: a live one would hold the lock), half-written `.tmp` parts, and Parquet
  parts that no registered row references. The copy runs inside the cleanup path, so a
  full disk leaves no partial copy, and the published file and its folder are fsynced
  around the rename so a power cut leaves the old or the new file, not an empty one.
- One build, many write windows (issue 12, target 5). A window used to copy the whole
  published file, so a refresh (~25 windows) cost 25 copies of the file and the write
  price grew with the warehouse, not with what was written. `Warehouse.build()` opens a
  *build*: the lock and one building copy shared by every window opened in the same
  thread on the same file until the build ends, published once at the end. It is lazy
  (the lock is taken and the file copied at the first window, so a run that writes
  nothing copies nothing), and each window is one transaction on the shared copy, so a
  failed step rolls back alone and the windows that committed still publish.
  `writer()` outside a build is a build of one window: the old behaviour, unchanged for
  `infernomics import` and every standalone write. Readers of the published file are
  never blocked (the build is a separate file); `reader()` inside a build with writes
  reads the build (a cursor on its database), so a step sees what the steps before it
  wrote. Rejected: keeping every bulky table as Parquet parts (each table would need
  its own upsert, key and garbage collection; parts stay for append-only per-request
  rows); writing the published file in place (DuckDB then locks every reader out);
  reflink copies (ext4, the usual disk, has none).
- A build checkpoints once, when it publishes (`checkpoint_threshold` raised on its
  connection): DuckDB's automatic checkpoint whenever the WAL passes 16 MB made the
  biggest step of a refresh on a 1 GB file about twice as slow. The WAL is the build's
  (`.building-*.wal`): a crash leaves it as garbage the next writer removes.
- A build's DuckDB does not fsync (`fsync_mode = 'NONE'`): each commit fsynced the
  build's WAL (~2 ms a window on this disk, more under load) and each checkpoint its
  blocks, for a file that nothing reads after a crash (the next writer removes it). What
  makes a publish durable is unchanged: after the checkpoint and close, the file is
  fsynced once, renamed, and its folder fsynced.
- A build's file is `<warehouse>.building-<pid>-<n>`: a fresh name per build, because
  DuckDB caches one database per path in a process, and a second build under the first
  one's name could reopen the instance of the file that was just published.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.migrations import apply_migrations

if TYPE_CHECKING:  # polars and the store are imported where frames are made and runs written,
    import polars as pl  # not by every reader (`infernomics sql`/`audit` start faster without them)

    from warehouse.store import IngestRun

ENV_VAR = "INFERNOMICS_WAREHOUSE"
DEFAULT_PATH = Path("data") / "warehouse.duckdb"
DEFAULT_MEMORY_LIMIT = "4GB"
BUILD_CHECKPOINT_THRESHOLD = "8GB"  # a build's WAL may hold a whole refresh's changes
PARTS_TABLES = {"benchmark_request_part": ("benchmark_request", "benchmark_request_native")}


class WarehouseError(Exception):
    """A problem a user can act on (missing file, locked, refused statement)."""


def default_warehouse_path() -> Path:
    """The warehouse path: $INFERNOMICS_WAREHOUSE, else ./data/warehouse.duckdb."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


def real_path(path: str | os.PathLike) -> Path:
    """The file a path really names (symlinks and `..` resolved), existing or not."""
    return Path(os.path.realpath(os.fspath(path)))


def parts_dir_for(path: str | os.PathLike) -> Path:
    """`<folder>/<stem>_parts`: the Parquet parts and snapshots that belong to a warehouse file."""
    path = real_path(path)
    return path.parent / (path.stem + "_parts")


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _lock_error(err: duckdb.Error, path: Path) -> WarehouseError | None:
    """DuckDB's 'Could not set lock' as the cause and the fix, in one line."""
    text = str(err)
    if "Could not set lock" not in text and "Conflicting lock" not in text:
        return None
    pid = re.search(r"PID (\d+)", text)
    holder = f"process {pid.group(1)}" if pid else "another process"
    return WarehouseError(
        f"{path} is open for writing in {holder} (for example a notebook's duckdb.connect(path) "
        f"without read_only=True), and DuckDB then lets no other process open it; close that "
        f"connection, or read with warehouse.open_current(path) / duckdb.connect(path, read_only=True)"
    )


def open_current(
    path: str | os.PathLike | None = None,
    *,
    sandbox: bool = False,
    memory_limit: str | None = None,
    allow_files: bool = False,
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse file that is published *now*.

    Safe to call again in a long-lived process (a notebook): each call opens the current
    file, not DuckDB's cached instance of an older one. Close it when done (it keeps the
    inode it opened; a later refresh publishes a new one). `sandbox=True` locks the
    connection down for untrusted SQL: no file outside the warehouse's parts folder, no
    extensions, no ATTACH, no settings changes (`allow_files=True` lifts the file
    restriction only, for reading one's own files). Works without Dagster.

    example:
        from warehouse import open_current
        con = open_current("data/warehouse.duckdb")
        con.sql("SELECT * FROM price_on('2024-06-01') LIMIT 5").fetchall()
    """
    path = real_path(path if path is not None else default_warehouse_path())
    if not path.exists():
        raise WarehouseError(
            f"no warehouse at {path}: run `infernomics refresh` first, "
            f"or point --warehouse / ${ENV_VAR} at an existing file"
        )
    parts = parts_dir_for(path)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {_sql_text(str(path))} AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
        con.execute(f"SET file_search_path = {_sql_text(str(parts))}")
        if memory_limit or sandbox:
            con.execute(f"SET memory_limit = {_sql_text(memory_limit or DEFAULT_MEMORY_LIMIT)}")
        if sandbox:
            if not allow_files:
                # the absolute folder, and the relative names views use (resolved through
                # file_search_path); DuckDB refuses `..` in either
                allowed = [f"{parts}/"] + [f"{sub}/" for subs in PARTS_TABLES.values() for sub in subs]
                con.execute(f"SET allowed_directories = [{', '.join(_sql_text(a) for a in allowed)}]")
                con.execute("SET enable_external_access = false")
            con.execute("SET autoinstall_known_extensions = false")
            con.execute("SET autoload_known_extensions = false")
            con.execute("SET lock_configuration = true")
    except duckdb.Error as err:
        con.close()
        raise (_lock_error(err, path) or err) from None
    return con


@dataclass
class CleanupReport:
    """What one writer removed before writing (crash garbage), in files and bytes."""

    files: list[str] = field(default_factory=list)
    bytes: int = 0

    def add(self, path: Path) -> None:
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return
        self.files.append(path.name)
        self.bytes += size


class Warehouse:
    """One DuckDB warehouse file plus its sidecar folder for Parquet parts."""

    def __init__(self, path: str | os.PathLike | None = None, lock_timeout_s: float = 600.0):
        self.given_path = Path(path) if path else default_warehouse_path()
        self.path = real_path(self.given_path)
        self.lock_timeout_s = lock_timeout_s
        self.last_cleanup = CleanupReport()

    @property
    def parts_dir(self) -> Path:
        """Folder for content-addressed Parquet files that views read."""
        return parts_dir_for(self.path)

    def exists(self) -> bool:
        """A published file, or this thread's build once it has written (what :meth:`reader`
        then reads): a first refresh publishes nothing before its end, and its steps read
        what the ones before them wrote."""
        if self.path.exists():
            return True
        active = _active_build(self.path)
        return active is not None and active.con is not None

    @contextlib.contextmanager
    def reader(self, **options) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the published file (see :func:`open_current`); inside
        this thread's build, once it has written, a connection to the build instead (the
        state the next publish will have), so a step reads what the steps before it wrote."""
        active = _active_build(self.path)
        con = active.cursor() if active is not None and active.con is not None and not options else None
        if con is None:
            con = open_current(self.path, **options)
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write window: one transaction on the build of this thread (see :meth:`build`),
        or, outside a build, a build of its own: lock, clean up, copy, migrate, yield,
        checkpoint, publish atomically. An exception rolls the window back and propagates."""
        active = _active_build(self.path)
        if active is not None:
            with active.window(self) as con:
                yield con
            return
        with self.build() as own, own.window(self) as con:
            yield con

    @contextlib.contextmanager
    def build(self) -> Iterator[Build]:
        """Share one building copy among every write window of this thread until the block
        ends, then publish it once (a refresh: one copy of the file, not one per step).

        Nothing is locked or copied until the first window. A window that fails rolls back
        alone; at the end what the windows committed is published, also when the block
        ends with an exception (each committed window is a whole step). A build opened
        inside another on the same file joins it: the outer one publishes.
        """
        key = (self.path, threading.get_ident())
        with _BUILDS_LOCK:
            outer = _BUILDS.get(key)
        if outer is not None:
            yield outer
            return
        own = Build(self)
        with _BUILDS_LOCK:
            _BUILDS[key] = own
        try:
            yield own
        except BaseException:
            with _BUILDS_LOCK:
                _BUILDS.pop(key, None)
            own.end(publish=own.open_windows == 0)
            raise
        with _BUILDS_LOCK:
            _BUILDS.pop(key, None)
        own.end(publish=True)

    def publish_pending(self) -> bool:
        """Publish what this thread's build holds now (before handing the path to another
        process, which reads the published file); the next window copies again. False when
        there is no build or it has nothing yet."""
        active = _active_build(self.path)
        if active is None or active.con is None:
            return False
        active.end(publish=True)
        return True

    @contextlib.contextmanager
    def ingest(
        self, step: str, source_id: str | None = None, dagster_run_id: str | None = None
    ) -> Iterator[tuple[duckdb.DuckDBPyConnection, IngestRun]]:
        """A write window recorded as one `ingest_run` (counts filled in by `store`)."""
        from warehouse.store import IngestRun, begin_run, finish_run

        run = IngestRun(step=step, source_id=source_id, dagster_run_id=dagster_run_id)
        try:
            with self.writer() as con:
                begin_run(con, run)
                yield con, run
                finish_run(con, run)
        except BaseException:
            # a step whose independent parts committed (see `fails_alone`) stays in a shared
            # build: its run row says it failed instead of `running` for ever
            shared = _active_build(self.path)
            if shared is not None and shared.con is not None:
                with contextlib.suppress(duckdb.Error), self.writer() as con:
                    finish_run(con, run, status="failed")
            raise

    def _remove_crash_garbage(self) -> CleanupReport:
        """Building copies and WALs of dead writers, and half-written parts. Called under
        the lock: a writer that was alive would hold it, so whatever is here is garbage."""
        report = CleanupReport()
        for leftover in sorted(self.path.parent.glob(f"{glob_escape(self.path.name)}.building-*")):
            report.add(leftover)
        for folder in (self.parts_dir / name for names in PARTS_TABLES.values() for name in names):
            if folder.exists():
                for tmp in sorted(folder.rglob(".*.tmp")):
                    report.add(tmp)
        return report

    def _collect_unreferenced_parts(self, con: duckdb.DuckDBPyConnection, report: CleanupReport) -> None:
        """Remove part files no registered row names: parts written by an import that was
        killed before it published. The building copy is the published state here, and no
        other writer runs, so nothing in flight can be mistaken for garbage."""
        for table, folders in PARTS_TABLES.items():
            exists = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
            ).fetchall()[0][0]
            if not exists:
                continue
            registered = {part_path(r[0]) for r in con.execute(f"SELECT part_file FROM {table}").fetchall()}
            for folder_name in folders:
                folder = self.parts_dir / folder_name
                if folder.exists():
                    for part in sorted(folder.rglob("*.parquet")):
                        if part.relative_to(self.parts_dir).as_posix() not in registered:
                            report.add(part)

    @contextlib.contextmanager
    def _exclusive_lock(self) -> Iterator[None]:
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "w") as handle:
            deadline = time.monotonic() + self.lock_timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise WarehouseError(
                            f"another refresh has held {lock_path} for over {self.lock_timeout_s:.0f}s; try again later"
                        ) from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


_BUILDS: dict[tuple[Path, int], Build] = {}
_BUILDS_LOCK = threading.Lock()
_BUILD_NUMBERS = iter(range(1, 1 << 62))


def _active_build(path: Path) -> Build | None:
    with _BUILDS_LOCK:
        return _BUILDS.get((path, threading.get_ident()))


class Build:
    """The lock and the building copy shared by the write windows of one build (see
    :meth:`Warehouse.build`). Made at the first window; `end` publishes or discards it."""

    copies_made = 0  # in this process, all builds: what the benchmarks and tests count

    def __init__(self, warehouse: Warehouse):
        self.warehouse = warehouse
        self.path = warehouse.path
        self.con: duckdb.DuckDBPyConnection | None = None
        self.file: Path | None = None
        self.open_windows = 0
        self.windows = 0  # committed windows, for the record and the tests
        self.copies = 0  # building copies made (one per publish at most)
        self._lock: contextlib.ExitStack | None = None
        self._cursors: list[duckdb.DuckDBPyConnection] = []

    def connection(self, by: Warehouse | None = None) -> duckdb.DuckDBPyConnection:
        """The building copy's connection, made now if this is the first window: lock,
        remove crash garbage, copy the published file, migrate, collect dead parts."""
        if self.con is not None:
            return self.con
        wh = self.warehouse
        wh.path.parent.mkdir(parents=True, exist_ok=True)
        lock = contextlib.ExitStack()
        lock.enter_context(wh._exclusive_lock())
        try:
            cleanup = wh._remove_crash_garbage()
            self.file = wh.path.with_name(f"{wh.path.name}.building-{os.getpid()}-{next(_BUILD_NUMBERS)}")
            try:
                if wh.path.exists():
                    shutil.copyfile(wh.path, self.file)
                    self.copies += 1
                    Build.copies_made += 1
                else:
                    self.file.unlink(missing_ok=True)
                con = duckdb.connect(str(self.file))
                try:
                    con.execute(f"SET file_search_path = {_sql_text(str(wh.parts_dir))}")
                    # one checkpoint, at publish: an automatic one mid-build (WAL over 16 MB)
                    # rewrites what changed plus big indexes, a cost that grows with the file
                    con.execute(f"SET checkpoint_threshold = {_sql_text(BUILD_CHECKPOINT_THRESHOLD)}")
                    # no fsync per commit or checkpoint: the building copy is garbage after
                    # a crash anyway, and `end` fsyncs the whole file once before the rename
                    con.execute("SET fsync_mode = 'NONE'")
                    apply_migrations(con)
                    wh._collect_unreferenced_parts(con, cleanup)
                except BaseException:
                    con.close()
                    raise
            except BaseException:
                self._remove_file()
                raise
        except BaseException:
            lock.close()
            raise
        self.con, self._lock = con, lock
        for target in {id(wh): wh, id(by): by}.values():
            if target is not None:
                target.last_cleanup = cleanup
        return con

    @contextlib.contextmanager
    def window(self, by: Warehouse | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write window: a transaction on the building copy, committed at the end of
        the block, rolled back (and the exception re-raised) if the block fails."""
        if by is not None and by is not self.warehouse:
            by.last_cleanup = CleanupReport()  # the build's cleanup ran at its first window
        con = self.connection(by)
        con.execute("BEGIN TRANSACTION")
        self.open_windows += 1
        _IN_WINDOW[id(con)] = con
        try:
            yield con
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        else:
            con.execute("COMMIT")
            self.windows += 1
        finally:
            self.open_windows -= 1
            _IN_WINDOW.pop(id(con), None)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection to the building copy for reading (closed at publish at the latest)."""
        assert self.con is not None
        cur = self.con.cursor()
        cur.execute(f"SET file_search_path = {_sql_text(str(self.warehouse.parts_dir))}")
        self._cursors.append(cur)
        return cur

    def end(self, publish: bool) -> None:
        """Publish the building copy (checkpoint, close, fsync, rename, fsync the folder)
        or discard it; release the lock either way. A build that never wrote does nothing."""
        if self.con is None:
            return
        publish = publish and self.windows > 0  # only failed windows: nothing to publish
        con, self.con = self.con, None
        try:
            for cur in self._cursors:  # a cursor left open would keep the database (and
                with contextlib.suppress(duckdb.Error):  # its checkpoint at close) alive
                    cur.close()
            self._cursors = []
            if publish:
                try:
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
                assert self.file is not None
                fsync_file(self.file)
                os.replace(self.file, self.path)
                fsync_dir(self.path.parent)
            else:
                con.close()
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.close()
            self._remove_file()
            raise
        finally:
            if not publish:
                self._remove_file()
            self.windows = 0
            if self._lock is not None:
                self._lock.close()
                self._lock = None

    def _remove_file(self) -> None:
        if self.file is not None:
            self.file.unlink(missing_ok=True)
            Path(f"{self.file}.wal").unlink(missing_ok=True)


_IN_WINDOW: dict[int, duckdb.DuckDBPyConnection] = {}  # connections whose window transaction is open


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """An explicit transaction, or none when `con` is a write window's (a window is one
    transaction, committed or rolled back as a whole step). DuckDB has no nested
    transactions and a refused BEGIN aborts the open one, so the window is tracked here."""
    if id(con) in _IN_WINDOW:
        yield
        return
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def part_path(part_file: str) -> str:
    """A registered part's path relative to the parts folder. Parts registered before the
    partitioned layout are bare names in the flat `benchmark_request/` folder."""
    return part_file if "/" in part_file else f"benchmark_request/{part_file}"


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def fsync_file(path: Path) -> None:
    """Flush a file's bytes to disk before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries, so a rename into it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_file(tmp: Path, target: Path) -> None:
    """fsync `tmp`, rename it over `target`, fsync the folder: a part is whole or absent."""
    fsync_file(tmp)
    os.replace(tmp, target)
    fsync_dir(target.parent)


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """Run a query and return a polars frame (DuckDB 2.0: con.sql(...).to_arrow_table())."""
    import polars as pl

    frame = pl.from_arrow(con.sql(sql, params=params).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)  # an Arrow table always converts to a frame, never a Series
    return frame


@contextlib.contextmanager
def fails_alone(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """A part of a write window that may fail without failing the window (one file of an
    import): what the window wrote before is committed first, and if the block raises,
    only the block's writes are rolled back before the exception propagates. DuckDB has no
    savepoints, and any error inside a transaction aborts all of it, so a window that
    catches a database error and goes on must wrap the statements in this. Outside a
    window (plain autocommit) it does nothing."""
    if id(con) not in _IN_WINDOW:
        yield
        return
    con.execute("COMMIT")
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        con.execute("BEGIN TRANSACTION")
        raise
