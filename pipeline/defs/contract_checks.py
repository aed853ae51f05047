"""Shared body of the "stored rows meet the pandera contract" asset checks of every family."""

from __future__ import annotations

import dagster as dg
import pandera.polars as pa
import polars as pl

from pipeline.defs.metadata import json_value
from pipeline.defs.resources import WarehouseResource
from warehouse import query_frame


def frame_meets_contract(
    frame: pl.DataFrame, contract: type[pa.DataFrameModel], passed: bool = True, **metadata
) -> dg.AssetCheckResult:
    """Fails with the first ten pandera failure cases (lazy: all rules run); else `passed` with `metadata`."""
    try:
        contract.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        return dg.AssetCheckResult(
            passed=False, metadata={"failures": json_value(err.failure_cases.head(10).to_dicts())}
        )
    return dg.AssetCheckResult(passed=passed, metadata=metadata)


def stored_rows_meet_contract(
    warehouse: WarehouseResource,
    sql: str,
    contract: type[pa.DataFrameModel],
    params: list | None = None,
    count_key: str = "rows",
) -> dg.AssetCheckResult:
    """Reads `sql` from the warehouse and checks the rows against `contract`; a pass reports the row count as `count_key`."""
    with warehouse.reader() as con:
        frame = query_frame(con, sql, params)
    return frame_meets_contract(frame, contract, **{count_key: frame.height})
