"""Open the warehouse for reading (never blocked) or writing (copy, write, publish)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from pathlib import Path
from typing import Iterator

import duckdb
import polars as pl

from warehouse.migrations import apply_migrations
from warehouse.store import IngestRun, begin_run, finish_run

ENV_VAR = "INFERNOMICS_WAREHOUSE"
DEFAULT_PATH = Path("data") / "warehouse.duckdb"


class WarehouseError(Exception):
    """A problem a user can act on (missing file, locked, refused statement)."""


def default_warehouse_path() -> Path:
    """The warehouse path: $INFERNOMICS_WAREHOUSE, else ./data/warehouse.duckdb."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


class Warehouse:
    """One DuckDB warehouse file plus its sidecar folder for Parquet parts."""

    def __init__(self, path: str | os.PathLike | None = None, lock_timeout_s: float = 600.0):
        self.path = Path(path) if path else default_warehouse_path()
        self.lock_timeout_s = lock_timeout_s

    @property
    def parts_dir(self) -> Path:
        """Folder for content-addressed Parquet files that views read."""
        return self.path.parent / (self.path.stem + "_parts")

    def exists(self) -> bool:
        return self.path.exists()

    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the published file."""
        if not self.path.exists():
            raise WarehouseError(
                f"no warehouse at {self.path}: run `infernomics refresh` first, "
                f"or point --warehouse / ${ENV_VAR} at an existing file"
            )
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write window: lock, copy, migrate, yield, checkpoint, publish atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._exclusive_lock():
            building = self.path.with_name(f"{self.path.name}.building-{os.getpid()}")
            if self.path.exists():
                shutil.copyfile(self.path, building)
            elif building.exists():
                building.unlink()
            con = duckdb.connect(str(building))
            try:
                apply_migrations(con)
                yield con
                con.execute("CHECKPOINT")
            except BaseException:
                con.close()
                building.unlink(missing_ok=True)
                Path(f"{building}.wal").unlink(missing_ok=True)
                raise
            con.close()
            os.replace(building, self.path)

    @contextlib.contextmanager
    def ingest(
        self, step: str, source_id: str | None = None, dagster_run_id: str | None = None
    ) -> Iterator[tuple[duckdb.DuckDBPyConnection, IngestRun]]:
        """A write window recorded as one `ingest_run` (counts filled in by `store`)."""
        with self.writer() as con:
            run = begin_run(con, IngestRun(step=step, source_id=source_id, dagster_run_id=dagster_run_id))
            yield con, run
            finish_run(con, run)

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
                            f"another refresh has held {lock_path} for over "
                            f"{self.lock_timeout_s:.0f}s; try again later"
                        ) from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """Run a query and return a polars frame (DuckDB 2.0: con.sql(...).to_arrow_table())."""
    return pl.from_arrow(con.sql(sql, params=params).to_arrow_table())
