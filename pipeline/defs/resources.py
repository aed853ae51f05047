"""The warehouse resource shared by every asset that reads or writes DuckDB.

Decisions (configuration, issue 10 item 6):
- Every setting a user or a deployment changes is a field of a resource: the warehouse
  path here, the drop folder and import cap (`benchmark_files`), the report folder
  (`report_site`), the live feeds and offline mode (`token_price_feeds`). Asset bodies
  read their resources, never `os.environ`.
- The documented environment variables keep working: where one is set when the code
  location loads, the resource's field is `dg.EnvVar(NAME)` (the UI shows where the value
  comes from and the run reads it when it starts); a field left empty falls back to the
  variable at run time, else to the default, in the resource itself. `dg.EnvVar` alone
  would fail every run where an optional variable is unset.
- `infernomics refresh` passes its `--warehouse` and `--force` as resources of the run, so
  it changes no process-wide state.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import dagster as dg
import duckdb

from pipeline.collector import batch_collection, no_final_collection
from pipeline.defs.skip import record_pending
from warehouse import Warehouse
from warehouse.connection import ENV_VAR
from warehouse.store import IngestRun

WRITER_POOL = "warehouse"  # assets that write declare pool=WRITER_POOL (one at a time)


class WarehouseResource(dg.ConfigurableResource):
    """A DuckDB warehouse file; `path` empty means $INFERNOMICS_WAREHOUSE or ./data/warehouse.duckdb.

    Decisions:
    - One build per run (issue 12, target 5): the resource holds a `Warehouse.build()` for
      as long as Dagster keeps it (`yield_for_execution`). The in-process executor (what
      `infernomics refresh` runs) initialises resources once per run, so every step's
      write window shares one building copy, published once when the run ends; each step
      is its own transaction, so a failed step rolls back alone and the others publish.
      The multiprocess executor initialises resources once per step process, so there the
      same code is a build per step: the old window per step, which is what parallel
      processes need. The build is lazy: a run (or step) that writes nothing copies nothing.
    - Checks and readers use `reader()`, which reads the run's build once it has written
      (what the run will publish), else the published file.
    - The run's process collects garbage as a batch job while it holds the resource
      (`pipeline.collector.batch_collection`), whoever launched the run.
    """

    path: str = ""
    skip_unchanged: bool = True  # False (`refresh --force`): recompute assets whose fingerprint did not change

    @contextlib.contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseResource]:
        no_final_collection()  # the process that runs a run ends with it (a run worker, the CLI)
        with batch_collection(), self.warehouse.build():
            yield self

    @property
    def warehouse(self) -> Warehouse:
        return Warehouse(self.path or None)

    @contextlib.contextmanager
    def ingest(
        self, context: dg.AssetExecutionContext, source_id: str | None = None
    ) -> Iterator[tuple[duckdb.DuckDBPyConnection, IngestRun]]:
        """A recorded write window for the running asset."""
        step = context.asset_key.to_user_string()
        with self.warehouse.ingest(step, source_id, context.run.run_id) as (con, run):
            yield con, run
            record_pending(con, context)  # its fingerprint, published with its rows (pipeline/defs/skip.py)

    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.warehouse.reader() as con:
            yield con


def ingest_metadata(run: IngestRun, **extra) -> dict:
    """Materialization metadata every writing asset reports."""
    return {
        "ingest_run_id": run.run_id,
        "rows_in": run.rows_in,
        "rows_accepted": run.rows_accepted,
        "rows_quarantined": run.rows_quarantined,
        "quarantined": dg.MetadataValue.md("\n".join(f"- {m}" for m in run.messages[:50]) or "none"),
    } | extra


def env_setting(name: str, default=None, as_int: bool = False):
    """`dg.EnvVar(name)` when the variable is set now (the code location loads), else `default`."""
    if not os.environ.get(name):
        return default
    return dg.EnvVar.int(name) if as_int else dg.EnvVar(name)


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"warehouse": WarehouseResource(path=env_setting(ENV_VAR, ""))})
