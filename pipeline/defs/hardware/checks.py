"""Checks on what the hardware assets stored."""

from pathlib import Path

import dagster as dg

from pipeline.defs import keys
from pipeline.defs.contract_checks import stored_rows_meet_contract
from pipeline.defs.metadata import json_value
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.step_checks import step_check
from warehouse import query_frame
from warehouse.contracts_hardware import GpuRentalPrice, GpuSpec

SPEC = keys.GPU_SPEC
RENTAL = keys.GPU_RENTAL_PRICE
# the assets' queries folder; `read_sql` is not imported from assets.py, whose asset
# declaration needs these checks first (pipeline/defs/step_checks.py)
SQL_DIR = Path(__file__).parent / "sql"


def read_sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


@step_check(asset=SPEC, name="rows_meet_contract", blocking=True)
def gpu_spec_meets_contract(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every stored gpu_spec row passes its contract (units, precision and dense/sparse explicit)."""
    return stored_rows_meet_contract(warehouse, "SELECT * FROM gpu_spec", GpuSpec)


@step_check(asset=SPEC, blocking=True)
def headline_gpus_fully_specified(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """H100 SXM, H200, A100 80GB, B200 and MI300X each have memory, bandwidth, BF16 dense FLOPS, TDP and release date."""
    with warehouse.reader() as con:
        gaps = query_frame(con, read_sql("headline_gaps.sql"))
    return dg.AssetCheckResult(passed=gaps.is_empty(), metadata={"gaps": json_value(gaps.to_dicts())})


@step_check(asset=RENTAL, name="rows_meet_contract", blocking=True)
def gpu_rental_price_meets_contract(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every stored rental price passes its contract (dated, a known pricing kind, a plausible USD/GPU-hour)."""
    return stored_rows_meet_contract(warehouse, "SELECT * FROM gpu_rental_price", GpuRentalPrice)


@step_check(asset=RENTAL, blocking=True)
def rental_prices_trace_to_a_page(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every rental price is a stored figure that names the page (URL) it was read from."""
    with warehouse.reader() as con:
        bad = query_frame(con, read_sql("untraceable_prices.sql"))
    return dg.AssetCheckResult(
        passed=bad.is_empty(), metadata={"untraceable": bad.height, "examples": json_value(bad.head(5).to_dicts())}
    )
