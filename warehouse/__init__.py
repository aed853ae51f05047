"""The DuckDB warehouse: schema migrations, pandera contracts, writes with provenance.

Single-writer design ("build and publish"): DuckDB lets one process open a file for
writing and then no other process may open it, not even read-only. So no process ever
holds the *published* file open for writing. A writer takes an exclusive lock file
(``<warehouse>.lock``, fcntl, on the real path: symlinks are resolved first), removes what
crashed writers left, copies the published file to ``<warehouse>.building-<pid>``, writes
there in explicit transactions, checkpoints, closes, fsyncs and atomically renames the
copy over the published file (then fsyncs the folder). Readers (``sql``, ``audit``,
notebooks through :func:`open_current`) open the published file read-only at any time and
are never blocked; they see the state before or after a write window, never half of one.
A crashed writer leaves the published file untouched, and the next writer removes its
garbage. Many windows can share one building copy (``Warehouse.build()``: a refresh copies
the file once, not once per step), each window its own transaction. Writers queue on the
lock, so Dagster's multiprocess executor can run writing steps in parallel processes
safely (the ``warehouse`` pool also limits them to one at a time). The copy costs little because bulky append-only data (per-request benchmark rows)
lives in content-addressed Parquet files in ``<stem>_parts/`` beside the database, named
relative to that folder (the warehouse folder can be moved or copied) and read through
views.

Notebooks: call ``open_current(path)`` for each read (or close and reopen); a connection
kept open keeps seeing the file as it was when opened. Never ``duckdb.connect(path)``
without ``read_only=True``: that locks every other process (every CLI command) out.
"""

from warehouse.connection import (
    Warehouse,
    WarehouseError,
    default_warehouse_path,
    open_current,
    parts_dir_for,
    query_frame,
)

__all__ = ["Warehouse", "WarehouseError", "default_warehouse_path", "open_current", "parts_dir_for", "query_frame"]
