"""Checks on stored benchmarks: contracts hold, no placeholder zeros, percentiles agree."""

import dagster as dg

from pipeline.defs import keys
from pipeline.defs.contract_checks import stored_rows_meet_contract
from pipeline.defs.metadata import json_value
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.step_checks import step_check
from warehouse.contracts_benchmarks import BenchmarkRun

BUNDLED = keys.BENCH_BUNDLED
DROPPED = keys.BENCH_DROPPED


def _runs_meet_contract(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    return stored_rows_meet_contract(warehouse, "SELECT * FROM benchmark_run", BenchmarkRun, count_key="runs")


def _no_placeholder_latencies(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.reader() as con:
        rows = con.execute(
            "SELECT run_id FROM benchmark_run WHERE completed = 0 "
            "OR (ttft_p99_ms = 0 AND coalesce(tpot_p99_ms, 0) = 0 AND coalesce(e2el_p99_ms, 0) = 0)"
        ).fetchall()
    return dg.AssetCheckResult(passed=not rows, metadata={"runs": json_value([r[0] for r in rows][:10])})


def _percentiles_agree(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.reader() as con:
        rows = con.execute(
            "SELECT run_id, metric, stat, from_file, from_requests FROM benchmark_check WHERE ok = false"
        ).fetchall()
        total = con.execute("SELECT count(*) FROM benchmark_check WHERE ok IS NOT NULL").fetchall()[0][0]
    return dg.AssetCheckResult(
        passed=not rows,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"compared": total, "disagreeing": json_value(rows[:10])},
    )


@step_check(asset=BUNDLED, name="runs_meet_contract", blocking=True)
def bundled_runs_meet_contract(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every stored benchmark run still passes the BenchmarkRun contract."""
    return _runs_meet_contract(warehouse)


@step_check(asset=BUNDLED, name="no_placeholder_latencies", blocking=True)
def bundled_runs_have_no_placeholder_latencies(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """No stored run is all-failed or reports 0.0 for every latency (vLLM's placeholder)."""
    return _no_placeholder_latencies(warehouse)


@step_check(asset=BUNDLED, name="percentiles_agree_with_files", blocking=False)
def bundled_percentiles_agree_with_files(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Percentiles recomputed from per-request rows agree with the files' own summaries."""
    return _percentiles_agree(warehouse)


@step_check(asset=DROPPED, name="runs_meet_contract", blocking=True)
def dropped_runs_meet_contract(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every stored benchmark run (dropped files included) passes the BenchmarkRun contract."""
    return _runs_meet_contract(warehouse)
