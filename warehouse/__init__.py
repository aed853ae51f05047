"""The DuckDB warehouse: schema migrations, pandera contracts, writes with provenance.

Single-writer design ("build and publish"): DuckDB lets one process open a file for
writing and then no other process may open it, not even read-only. So no process ever
holds the *published* file open for writing. A writer takes an exclusive lock file
(``<warehouse>.lock``, fcntl), copies the published file to ``<warehouse>.building-<pid>``,
writes there in explicit transactions, checkpoints, closes, and atomically renames the
copy over the published file. Readers (``sql``, ``audit``, notebooks) open the published
file read-only at any time and are never blocked; they see the state before or after a
write window, never half of one. A crashed writer leaves the published file untouched.
Writers queue on the lock, so Dagster's multiprocess executor can run writing steps in
parallel processes safely (the ``warehouse`` pool also limits them to one at a time).
The copy costs little because bulky append-only data (per-request benchmark rows) lives
in content-addressed Parquet files beside the database, read through views.
"""

from warehouse.connection import Warehouse, WarehouseError, default_warehouse_path, query_frame

__all__ = ["Warehouse", "WarehouseError", "default_warehouse_path", "query_frame"]
