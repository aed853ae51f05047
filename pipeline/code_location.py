"""How the code location's Definitions are built: every definition under `pipeline/defs/`,
loaded by folder, with the project's standard owners, tags and code versions on every asset
(pipeline/defs/metadata.py). `pipeline.definitions` is the code location (`dg`, `dagster
dev`, the run workers); `infernomics refresh` builds the same definitions here.

Decisions:
- Runs execute their steps in the run's own process (`in_process_executor`), wherever they
  are launched (UI, schedule, daemon, `dagster job launch`). Every writing step holds the
  warehouse's single write lock, so the steps of a run go one after another whatever the
  executor; the default multiprocess executor would only add a Python subprocess per step
  (seconds each, ~50 steps) and steps waiting on the `warehouse` pool. `infernomics refresh`
  runs in-process already.
- Loading (most of it imports) runs under `batch_collection` (pipeline/collector.py), so the
  processes Dagster starts (`dagster asset materialize`, the run worker a schedule launches)
  collect garbage as rarely as `infernomics refresh`, which sets it before it imports Dagster.
- `catalog=False` (what `infernomics refresh` builds when nothing in its process loaded
  `pipeline.definitions`): the definitions of the defs folder without what
  `load_from_defs_folder` adds for tools that browse a code location, the catalog of
  installed component types (the `plugin_component_types_json` metadata, JSON schemas of
  ~13 types, ~0.2 s on every load) and the component tree. A refresh's in-process run reads
  neither; its assets, checks, jobs, resources and code versions are the same objects.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import dagster as dg

from pipeline.collector import batch_collection
from pipeline.defs.metadata import standardize

PIPELINE = Path(__file__).parent


def build(catalog: bool = True) -> dg.Definitions:
    """The code location's definitions; `catalog=False` leaves out the component catalog (see above)."""
    with batch_collection():  # the load imports polars, pandera and every defs module: fewer collections
        if catalog:
            loaded = dg.load_from_defs_folder(path_within_project=PIPELINE)
        else:
            tree = dg.ComponentTree.for_project(path_within_project=PIPELINE)
            with warnings.catch_warnings():  # as load_from_defs_folder: its module loaders are marked preview
                warnings.simplefilter("ignore", category=dg.PreviewWarning)
                loaded = tree.build_defs(tree.defs_module_path)
        return standardize(dg.Definitions.merge(loaded, dg.Definitions(executor=dg.in_process_executor)))
