"""Checks on what the citation assets stored: contracts hold, nothing is orphaned."""

import dagster as dg
import pandera.polars as pa
import polars as pl

from pipeline.defs.resources import WarehouseResource
from warehouse import query_frame
from warehouse.contracts import Figure


@dg.asset_check(asset=dg.AssetKey(["clean", "citations", "figure"]), blocking=True)
def every_figure_has_a_source(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """No stored figure names a source missing from the registry."""
    with warehouse.reader() as con:
        orphans = [r[0] for r in con.execute("SELECT figure_id FROM orphan_figure").fetchall()]
    return dg.AssetCheckResult(passed=not orphans, metadata={"orphans": len(orphans), "examples": str(orphans[:5])})


@dg.asset_check(asset=dg.AssetKey(["clean", "citations", "figure"]), blocking=True)
def stored_figures_meet_contract(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every stored figure still passes the figure contract (pandera, collected frame)."""
    with warehouse.reader() as con:
        frame = query_frame(con, "SELECT * FROM figure")
    try:
        Figure.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        return dg.AssetCheckResult(passed=False, metadata={"failures": str(err.failure_cases.head(10))})
    return dg.AssetCheckResult(passed=True, metadata={"figures": frame.height})


@dg.asset_check(asset=dg.AssetKey(["derived", "claim_checks"]), blocking=False)
def recomputed_claims_agree(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Recomputed changes agree with the stated ones within rounding (a mismatch is a finding, shown as a warning)."""
    with warehouse.reader() as con:
        rows = con.execute(
            "SELECT figure_id, notes FROM figure WHERE kind = 'derived' AND verification = 'value_mismatch'"
        ).fetchall()
    return dg.AssetCheckResult(passed=not rows, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"mismatches": str(rows)})
