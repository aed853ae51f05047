"""Scores family: benchmark scores of model versions (Epoch AI) and the mapping to price keys."""

import dagster as dg

from pipeline.defs import keys
from pipeline.defs.metadata import table_metadata
from pipeline.defs.resources import WRITER_POOL, WarehouseResource, ingest_metadata
from pipeline.defs.skip import fingerprinted
from pipeline.defs.step_checks import checked_asset
from pipeline.fingerprint import Bundled
from pipeline.steps.scores import ingest_scores

GROUP = "scores"
REGISTRY = keys.SOURCE


@checked_asset(key=keys.MODEL_SCORE, deps=[REGISTRY], group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted(Bundled("data/scores", "data/token_prices/models_dev/models_dev_base_model_benchmarks_HEAD.csv"))
def model_score(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every score of Epoch's Benchmarking Hub (Epoch-run, third-party, ECI), the later ECI copy and
    the benchmark-stitching runs, each a figure; `model_identity` from the committed mapping file."""
    with warehouse.ingest(context, source_id="epoch-hub-gpqa-diamond") as (con, run):
        ident, scores, n_figures = ingest_scores(con, run)
        table = table_metadata(con, "model_score")
    return dg.MaterializeResult(
        metadata=ingest_metadata(run, scores=scores.accepted, mapping_rows=ident.accepted, figures=n_figures) | table
    )
