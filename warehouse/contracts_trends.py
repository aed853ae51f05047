"""pandera contracts for the trend family's tables (see warehouse/sql/400_trends.sql): the
columns are declared once in `warehouse/tables.py`; the checks across columns are here."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from warehouse.tables import (
    CAPABILITY_PATH,
    CLAIM_CHECK,
    CLAIM_MEASURE,
    DEMAND_CURVE,
    DEMAND_OBSERVATION,
    FIT,
    FIT_BAND,
    FIT_POINT,
    LLM_PRICE_OBSERVATION,
    OPENROUTER_AUTHOR_WEEK,
    OPENROUTER_WEEK,
)
from warehouse.vocabulary import CAPABILITY_PRICE_BASES as PRICE_BASES  # noqa: F401 (re-exported)
from warehouse.vocabulary import FIT_FAMILIES, FIT_METHODS, VERDICTS  # noqa: F401 (re-exported)


class LlmPriceObservation(LLM_PRICE_OBSERVATION.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.LLM_PRICE_OBSERVATION`."""


class DemandObservation(DEMAND_OBSERVATION.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.DEMAND_OBSERVATION`."""


class OpenRouterAuthorWeek(OPENROUTER_AUTHOR_WEEK.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.OPENROUTER_AUTHOR_WEEK`."""


class OpenRouterWeek(OPENROUTER_WEEK.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.OPENROUTER_WEEK`."""

    @pa.dataframe_check(name="fit_ok_iff_unflagged")
    def fit_ok_iff_unflagged(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("fit_ok") == (pl.col("flags").list.len() == 0))


class Fit(FIT.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.FIT`."""

    @pa.dataframe_check(name="interval_contains_estimate")
    def interval_contains_estimate(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("factor_low") <= pl.col("factor_per_year") * (1 + 1e-9))
            & (pl.col("factor_per_year") <= pl.col("factor_high") * (1 + 1e-9))
        )

    @pa.dataframe_check(name="dates_ordered")
    def dates_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("date_start") <= pl.col("date_end"))


class FitPoint(FIT_POINT.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.FIT_POINT`."""


class FitBand(FIT_BAND.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.FIT_BAND`."""

    @pa.dataframe_check(name="bands_nest")
    def bands_nest(cls, data: pa.PolarsData) -> pl.LazyFrame:
        tol = 1 + 1e-9
        return data.lazyframe.select(
            (pl.col("pred_low") <= pl.col("conf_low") * tol)
            & (pl.col("conf_low") <= pl.col("fitted") * tol)
            & (pl.col("fitted") <= pl.col("conf_high") * tol)
            & (pl.col("conf_high") <= pl.col("pred_high") * tol)
        )


class ClaimCheck(CLAIM_CHECK.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.CLAIM_CHECK`."""

    @pa.dataframe_check(name="testable_has_evidence")
    def testable_has_evidence(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("verdict") == "not testable")
            | (
                (pl.col("data_multiple").is_not_null() | pl.col("data_low").is_not_null())
                & pl.col("check_figure_id").is_not_null()
            )
        )

    @pa.dataframe_check(name="untestable_says_what_would_test_it")
    def untestable_says_what_would_test_it(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("verdict") != "not testable") | pl.col("testable_with").is_not_null())


class CapabilityPath(CAPABILITY_PATH.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.CAPABILITY_PATH`."""

    @pa.dataframe_check(name="every_point_cites_a_price")
    def every_point_cites_a_price(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("price_figure_ids").list.len() >= 1)


class ClaimMeasure(CLAIM_MEASURE.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.CLAIM_MEASURE`."""

    @pa.dataframe_check(name="window_ordered")
    def window_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("window_start") < pl.col("window_end"))

    @pa.dataframe_check(name="fit_interval_contains_estimate")
    def fit_interval_contains_estimate(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("fit_multiple").is_null()
            | (
                (pl.col("fit_low") <= pl.col("fit_multiple") * (1 + 1e-9))
                & (pl.col("fit_multiple") <= pl.col("fit_high") * (1 + 1e-9))
            )
        )


class DemandCurve(DEMAND_CURVE.model()):  # type: ignore[misc]
    """Columns and their checks: `warehouse.tables.DEMAND_CURVE`."""

    @pa.dataframe_check(name="a_slope_or_a_reason")
    def a_slope_or_a_reason(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (
                pl.col("slope").is_not_null()
                & pl.col("curve_figure_id").is_not_null()
                & (pl.col("slope_low") <= pl.col("slope"))
                & (pl.col("slope") <= pl.col("slope_high"))
            )
            | (pl.col("slope").is_null() & pl.col("refused").is_not_null())
        )
