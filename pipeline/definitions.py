"""The code location: every definition under `pipeline/defs/`, loaded by folder, with the
project's standard owners, tags and code versions on every asset (pipeline/defs/metadata.py).

Decisions:
- Runs execute their steps in the run's own process (`in_process_executor`), wherever they
  are launched (UI, schedule, daemon, `dagster job launch`). Every writing step holds the
  warehouse's single write lock, so the steps of a run go one after another whatever the
  executor; the default multiprocess executor would only add a Python subprocess per step
  (seconds each, ~50 steps) and steps waiting on the `warehouse` pool. `infernomics refresh`
  runs in-process already.
- Loading the code location (most of it imports) runs under `batch_collection`
  (pipeline/collector.py), so the processes Dagster starts (`dagster asset materialize`,
  the run worker a schedule launches) collect garbage as rarely as `infernomics refresh`,
  which sets it before it imports Dagster.
"""

from pathlib import Path

import dagster as dg

from pipeline.collector import batch_collection
from pipeline.defs.metadata import standardize

with batch_collection():  # the load imports scipy, polars, pandera and every defs module: fewer collections
    defs = standardize(
        dg.Definitions.merge(
            dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
            dg.Definitions(executor=dg.in_process_executor),
        )
    )
