"""Each refresh recorded as a whole, and one refresh at a time.

Decisions:
- The refresh itself is a row of `refresh_run`, published *before* the first step as
  `running` (its own small write window) and updated to `ok`/`failed` after the last. A
  `running` row whose process is gone is a refresh that did not complete, and every
  reader (`sql`, `audit`, the refresh summary) says so. Since issue 12 the steps of an
  in-process refresh share one build published at the end (warehouse/connection.py), so
  a killed one leaves the previous refresh's tables whole plus that `running` row; a
  Dagster run with the multiprocess executor still publishes step by step, and a kill
  there leaves a valid but incomplete warehouse (4 of 29 tables after a kill at 10 s).
- Two refreshes at once would interleave their steps: `<warehouse>.refresh.lock` (flock,
  on the real path) is held for the whole refresh and names its holder, so a second one
  says "refresh already running (pid N since T)" or, with `wait=True`, queues.
- Dagster runs launched outside `infernomics refresh` (the daemon's schedules) write
  through the same per-window lock but are not recorded here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
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


@contextlib.contextmanager
def refresh_lock(warehouse: Warehouse, wait: bool = False, poll_s: float = 0.5) -> Iterator[None]:
    """Hold `<warehouse>.refresh.lock` for a whole refresh; refuse (or wait for) a second."""
    warehouse.path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.path.with_name(warehouse.path.name + ".refresh.lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
                    pid, since = (holder + ["?", "?"])[:2]
                    raise WarehouseError(
                        f"refresh already running (pid {pid} since {since} UTC) on {warehouse.path}; "
                        "wait for it, or pass --wait to queue behind it"
                    ) from None
                time.sleep(poll_s)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {_now().isoformat()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def begin_refresh(warehouse: Warehouse, selection: list[str] | None) -> RefreshRecord:
    """Publish a `running` row before the first step writes anything."""
    record = RefreshRecord(" ".join(selection) if selection else None)
    with warehouse.writer() as con:
        # under the refresh lock no other refresh runs: a `running` row is one that died
        con.execute("UPDATE refresh_run SET status = 'incomplete' WHERE status = 'running'")
        con.execute(
            "INSERT INTO refresh_run (refresh_id, pid, host, selection, started_at, status) VALUES (?, ?, ?, ?, ?, 'running')",
            [record.refresh_id, record.pid, record.host, record.selection, record.started_at],
        )
    return record


def finish_refresh(
    warehouse: Warehouse, record: RefreshRecord, status: str, steps_failed: int = 0, message: str | None = None
) -> None:
    with warehouse.writer() as con:
        con.execute(
            "UPDATE refresh_run SET finished_at = ?, status = ?, steps_failed = ?, message = ? WHERE refresh_id = ?",
            [_now(), status, steps_failed, message, record.refresh_id],
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def last_refresh_problem(con: duckdb.DuckDBPyConnection) -> str | None:
    """One line when the last recorded refresh did not complete or failed, else None."""
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
    if status == "running":
        if host == socket.gethostname() and _alive(pid):
            return None  # in progress: readers see the state before it, as designed
        where = "" if host == socket.gethostname() else f" on {host}"
        return (
            f"the last refresh (pid {pid}{where}, started {started} UTC) did not complete: "
            "tables may be missing or stale; run `infernomics refresh` again"
        )
    if status == "failed":
        return f"the last refresh (started {started} UTC) finished with {failed} failed step(s); see `infernomics refresh` output"
    return None
