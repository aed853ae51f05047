"""Re-hash every registered snapshot and Parquet part after the families have loaded, and
store the result (`snapshot_integrity`), so `audit` and SQL can tell which figures rest
on a changed file. The blocking checks in checks.py fail the step that read a changed
file; this asset is what makes the status data."""

import dagster as dg

from pipeline.defs import keys
from pipeline.defs.metadata import table_metadata
from pipeline.defs.resources import WRITER_POOL, WarehouseResource, ingest_metadata
from pipeline.defs.skip import fingerprinted
from pipeline.defs.step_checks import checked_asset
from pipeline.fingerprint import Computed
from sources.registry import bundled_files
from warehouse.connection import parts_dir_for
from warehouse.integrity import record, rehash, summary

LOADED_FROM_FILES = [
    keys.SOURCE,
    keys.CITED_FIGURE,
    keys.GPU_SPEC,
    keys.GPU_RENTAL_PRICE,
    keys.GENAI_PRICES,
    keys.BENCH_BUNDLED,
    keys.LLM_PRICE_OBSERVATION,
    keys.DEMAND_OBSERVATION,
]

# assets that register new snapshots or parts at run time: the re-hash runs after them, so a
# refresh that skips everything else still checks what they just stored
STORES_SNAPSHOTS = [keys.BENCH_DROPPED, *keys.RAW_FEEDS.values()]


def rehashed(ctx) -> dict[str, str]:
    """What this asset would store: each registered file's status and sha256 now. Computing
    the fingerprint *is* the re-hash, so a skipped run still checked every file."""
    return {
        c.path: f"{c.status} {c.actual_sha256}"
        for c in rehash(ctx.con, parts_dir_for(ctx.warehouse_path), bundled_files())
    }


@checked_asset(
    key=keys.INTEGRITY_SNAPSHOTS,
    deps=LOADED_FROM_FILES + STORES_SNAPSHOTS,
    group_name="integrity",
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
@fingerprinted(Computed("re-hash", rehashed))
def snapshot_integrity(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every registered snapshot (chapter, cited CSVs, bundled datasets and benchmark files,
    genai-prices and feed payloads) and every benchmark Parquet part, re-hashed against the
    sha256 it was registered with; the status per file lands in `snapshot_integrity`."""
    wh = warehouse.warehouse
    with warehouse.ingest(context) as (con, run):
        checked = rehash(con, wh.parts_dir, bundled_files())
        record(con, checked, "refresh")
        run.rows_in = len(checked)
        run.rows_accepted = sum(c.status == "ok" for c in checked)
        run.rows_quarantined = len(checked) - run.rows_accepted
        run.messages.append(summary(checked))
        table = table_metadata(con, "snapshot_integrity")
    return dg.MaterializeResult(metadata=ingest_metadata(run, summary=summary(checked)) | table)
