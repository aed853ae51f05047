"""Each refresh recorded as a whole, and one refresh at a time.

Decisions:
- A refresh holds `<warehouse>.refresh.lock` (flock, on the real path) from start to end,
  and writes into it who it is (pid, start, then its record as JSON): that file is the
  `running` marker. Readers (`sql`, `audit`, the refresh summary) read it beside the
  warehouse: a marker whose process is alive is a refresh in progress (readers see the
  state before it, as designed); a marker left by a process that is gone (kill -9, power
  loss: the lock's `finally` never ran) is a refresh that did not complete, and they say
  so. The next refresh finds that marker when it takes the lock and records it in
  `refresh_run` as `incomplete`.
- The refresh's own `refresh_run` row is written into the refresh's build and published
  with its tables, `ok` or `failed`. Until issue 12 the `running` row was a write of its
  own before the first step: with one build per refresh (warehouse/connection.py) that
  was a second copy of the whole file per refresh (2 x 1 GB on a 1 GB warehouse) only to
  publish one row. Rows left `running` by older versions still read as `incomplete`.
- Since the steps of an in-process refresh share one build published at the end, a killed
  one leaves the previous refresh's tables whole; a Dagster run with the multiprocess
  executor still publishes step by step, and a kill there leaves a valid but incomplete
  warehouse.
- Two refreshes at once would interleave their steps: the lock names its holder, so a
  second one says "refresh already running (pid N since T)" or, with `wait=True`, queues.
- Dagster runs launched outside `infernomics refresh` (the daemon's schedules) write
  through the same per-window lock but are not recorded here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb

from warehouse.connection import Warehouse, WarehouseError


@dataclass
class RefreshRecord:
    selection: str | None
    refresh_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    pid: int = field(default_factory=os.getpid)
    host: str = field(default_factory=socket.gethostname)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@dataclass
class RefreshLock:
    """The held `<warehouse>.refresh.lock`; `died` is the marker a refresh that did not
    complete left in it (its record, or None: the last holder finished)."""

    fd: int
    died: RefreshRecord | None = None

    def mark(self, record: RefreshRecord) -> None:
        """Write `record` as this refresh's `running` marker (first line for `refresh already
        running (pid N since T)`, then the record as JSON for a reader or the next refresh)."""
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, _marker_text(record).encode(), 0)


def _marker_text(record: RefreshRecord) -> str:
    fields = {
        "refresh_id": record.refresh_id,
        "pid": record.pid,
        "host": record.host,
        "selection": record.selection,
        "started_at": record.started_at.isoformat(),
    }
    return f"{record.pid} {record.started_at.isoformat()}\n{json.dumps(fields)}\n"


def _read_marker(text: str) -> RefreshRecord | None:
    """The record in a marker's text; None when it holds none (empty: the last refresh
    finished). A marker of only `pid since` (a holder that is not a refresh, or an older
    version) still counts, with what it says."""
    lines = text.strip().splitlines()
    if not lines:
        return None
    try:
        fields = json.loads(lines[1]) if len(lines) > 1 else None
    except ValueError:
        fields = None
    if fields is None:
        pid, since = (lines[0].split() + ["0", ""])[:2]
        try:
            started = dt.datetime.fromisoformat(since)
        except ValueError:
            started = _now()
        return RefreshRecord(None, pid=int(pid) if pid.isdigit() else 0, started_at=started)
    return RefreshRecord(
        fields.get("selection"),
        refresh_id=fields["refresh_id"],
        pid=int(fields["pid"]),
        host=fields["host"],
        started_at=dt.datetime.fromisoformat(fields["started_at"]),
    )


def _lock_path(path) -> os.PathLike:
    return path.with_name(path.name + ".refresh.lock")


@contextlib.contextmanager
def refresh_lock(warehouse: Warehouse, wait: bool = False, poll_s: float = 0.5) -> Iterator[RefreshLock]:
    """Hold `<warehouse>.refresh.lock` for a whole refresh; refuse (or wait for) a second."""
    warehouse.path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_path(warehouse.path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    holder = _read_marker(os.pread(fd, 65536, 0).decode("utf-8", "replace"))
                    pid, since = (holder.pid, holder.started_at.isoformat()) if holder else ("?", "?")
                    raise WarehouseError(
                        f"refresh already running (pid {pid} since {since} UTC) on {warehouse.path}; "
                        "wait for it, or pass --wait to queue behind it"
                    ) from None
                time.sleep(poll_s)
        # the lock is ours: what is still written in it was left by a holder that never
        # reached the `finally` below
        lock = RefreshLock(fd, died=_read_marker(os.pread(fd, 65536, 0).decode("utf-8", "replace")))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {_now().isoformat()}\n".encode(), 0)
        try:
            yield lock
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def begin_refresh(lock: RefreshLock, selection: list[str] | None) -> RefreshRecord:
    """This refresh's record, written as the `running` marker into the held lock (nothing
    is published: readers read the marker beside the warehouse)."""
    record = RefreshRecord(" ".join(selection) if selection else None)
    lock.mark(record)
    return record


def finish_refresh(
    warehouse: Warehouse,
    lock: RefreshLock,
    record: RefreshRecord,
    status: str,
    steps_failed: int = 0,
    message: str | None = None,
) -> None:
    """Write the refresh's `refresh_run` row (and the one a refresh that died left in the
    lock, as `incomplete`) in one window: inside the refresh's build, published with it."""
    with warehouse.writer() as con:
        # under the refresh lock no other refresh runs: a `running` row (written by older
        # versions before their first step) is one that died
        con.execute("UPDATE refresh_run SET status = 'incomplete' WHERE status = 'running'")
        died = lock.died
        if died is not None and died.refresh_id != record.refresh_id:
            con.execute(
                "INSERT INTO refresh_run (refresh_id, pid, host, selection, started_at, status, message) "
                "SELECT ?, ?, ?, ?, ?, 'incomplete', ? WHERE NOT EXISTS (SELECT 1 FROM refresh_run WHERE refresh_id = ?)",
                [
                    died.refresh_id,
                    died.pid,
                    died.host,
                    died.selection,
                    died.started_at,
                    "found unfinished by the next refresh (its process was gone)",
                    died.refresh_id,
                ],
            )
        con.execute(
            "INSERT INTO refresh_run (refresh_id, pid, host, selection, started_at, finished_at, status, "
            "steps_failed, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                record.refresh_id,
                record.pid,
                record.host,
                record.selection,
                record.started_at,
                _now(),
                status,
                steps_failed,
                message,
            ],
        )


def running_marker(warehouse_path) -> RefreshRecord | None:
    """The `running` marker beside `warehouse_path` (a refresh in progress, or one that
    died), or None. Read without taking the lock: readers never wait for a refresh."""
    try:
        with open(_lock_path(warehouse_path), encoding="utf-8", errors="replace") as marker:
            return _read_marker(marker.read(65536))
    except FileNotFoundError:
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _not_completed(pid: int, host: str, started) -> str | None:
    if host == socket.gethostname() and _alive(pid):
        return None  # in progress: readers see the state before it, as designed
    where = "" if host == socket.gethostname() else f" on {host}"
    return (
        f"the last refresh (pid {pid}{where}, started {started} UTC) did not complete: "
        "tables may be missing or stale; run `infernomics refresh` again"
    )


def last_refresh_problem(con: duckdb.DuckDBPyConnection, warehouse_path=None) -> str | None:
    """One line when the last refresh did not complete or failed, else None: the `running`
    marker beside `warehouse_path` first (a refresh that died after the last recorded
    one), then the last `refresh_run` row."""
    if warehouse_path is not None:
        marker = running_marker(warehouse_path)
        if marker is not None:
            return _not_completed(marker.pid, marker.host, marker.started_at)
    try:
        rows = con.execute(
            "SELECT pid, host, started_at, status, steps_failed FROM refresh_run "
            "ORDER BY started_at DESC, finished_at DESC NULLS FIRST LIMIT 1"
        ).fetchall()
    except duckdb.CatalogException:
        return None  # a warehouse from before refreshes were recorded
    if not rows:
        return None
    pid, host, started, status, failed = rows[0]
    if status == "running":  # written by versions that published the row before the first step
        return _not_completed(pid, host, started)
    if status == "failed":
        return f"the last refresh (started {started} UTC) finished with {failed} failed step(s); see `infernomics refresh` output"
    return None
