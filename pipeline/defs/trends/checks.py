"""Checks on what the trend assets stored: contracts hold, fits and claim checks have lineage."""

import dagster as dg

from pipeline.defs import keys
from pipeline.defs.contract_checks import stored_rows_meet_contract
from pipeline.defs.metadata import json_value
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.step_checks import step_check
from warehouse.contracts_trends import (
    CapabilityPath,
    ClaimCheck,
    ClaimMeasure,
    DemandCurve,
    Fit,
    FitBand,
    LlmPriceObservation,
    OpenRouterWeek,
)

CLAIMS = keys.TREND_CLAIM_CHECKS
LLM_PRICES = keys.LLM_PRICE_OBSERVATION
OPENROUTER = keys.OPENROUTER_WEEK
CAPABILITY = keys.TREND_CAPABILITY_PRICE
CAPABILITY_2026 = keys.TREND_CAPABILITY_PRICE_2026
DEMAND_FITS = keys.TREND_DEMAND
DEMAND_CURVE = keys.TREND_DEMAND_CURVE
ORPHAN_RATES_SQL = """
SELECT f.fit_id FROM fit f
WHERE f.family = ? AND NOT EXISTS (SELECT 1 FROM figure_input i WHERE i.figure_id = f.rate_figure_id)
"""


@step_check(asset=LLM_PRICES, name="rows_meet_contract", blocking=True)
def llm_price_observations_meet_contract(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Stored Epoch observations still pass their contract (scores in range, prices positive)."""
    return stored_rows_meet_contract(warehouse, "SELECT * FROM llm_price_observation", LlmPriceObservation)


@step_check(asset=OPENROUTER, name="flags_what_is_not_fitted", blocking=True)
def openrouter_weeks_flag_what_is_not_fitted(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """A week is fit-worthy exactly when it carries no flag (partial, overlapping, mismatched)."""
    return stored_rows_meet_contract(warehouse, "SELECT * FROM openrouter_week", OpenRouterWeek)


def _fits_check(warehouse: WarehouseResource, family: str) -> dg.AssetCheckResult:
    result = stored_rows_meet_contract(warehouse, "SELECT * FROM fit WHERE family = ?", Fit, [family])
    if not result.passed:
        return result
    bands = stored_rows_meet_contract(
        warehouse, "SELECT b.* FROM fit_band b JOIN fit f USING (fit_id) WHERE f.family = ?", FitBand, [family]
    )
    if not bands.passed:
        return bands
    with warehouse.reader() as con:
        orphans = [r[0] for r in con.execute(ORPHAN_RATES_SQL, [family]).fetchall()]
    return dg.AssetCheckResult(passed=not orphans, metadata={"fits_without_lineage": json_value(orphans[:5])})


@step_check(asset=CAPABILITY, name="fits_have_lineage", blocking=True)
def capability_fits_have_lineage(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Capability fits pass the fit contract, their bands nest, and every rate names its inputs."""
    return _fits_check(warehouse, "capability_price")


@step_check(asset=DEMAND_FITS, name="fits_have_lineage", blocking=True)
def demand_fits_have_lineage(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Demand fits pass the fit contract, their bands nest, and every rate names its inputs."""
    return _fits_check(warehouse, "demand")


@step_check(asset=CLAIMS, name="verdicts_and_lineage", blocking=True)
def claim_checks_have_verdicts_and_lineage(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every claim check has a verdict; testable ones name a derived figure, untestable ones what would test them."""
    return stored_rows_meet_contract(warehouse, "SELECT * FROM claim_check", ClaimCheck)


@step_check(asset=CAPABILITY_2026, name="fits_and_paths_hold", blocking=True)
def capability_2026_fits_and_paths_hold(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """2026 capability fits pass the fit contract with lineage; every stored path point cites a price and a score."""
    result = _fits_check(warehouse, "capability_price_2026")
    if not result.passed:
        return result
    return stored_rows_meet_contract(warehouse, "SELECT * FROM capability_path", CapabilityPath)


@step_check(asset=DEMAND_CURVE, name="slope_or_reason", blocking=True)
def demand_curves_have_a_slope_or_a_reason(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Every demand curve has a slope inside its interval and a figure, or the reason it was refused."""
    return stored_rows_meet_contract(warehouse, "SELECT * FROM demand_curve", DemandCurve)


@step_check(asset=CLAIMS, name="measures_meet_contract", blocking=True)
def claim_measures_meet_contract(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Each stored claim measure has positive prices at both ends and says which rule judged it."""
    return stored_rows_meet_contract(warehouse, "SELECT * FROM claim_measure", ClaimMeasure)
