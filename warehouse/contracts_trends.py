"""pandera contracts for the trend family's tables (see warehouse/sql/400_trends.sql)."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from warehouse.vocabulary import SOURCE_CLASSES

FIT_METHODS = ["ols", "bootstrap", "theil-sen", "epoch-ols"]
FIT_FAMILIES = ["capability_price", "capability_price_2026", "demand", "token_price", "gpu", "benchmark"]
# "consistent by some measures": a claim judged on many measures (thresholds x variants), at
# least one of which supports it; the check names how many and which (table claim_measure)
VERDICTS = ["consistent", "consistent by some measures", "inconsistent", "not testable"]
PRICE_BASES = ["cheapest", "first_party", "median"]


class LlmPriceObservation(pa.DataFrameModel):
    obs_id: str = pa.Field(unique=True, str_matches=r"^epoch-llm-prices-[a-z]+/\S+@\d{4}-\d{2}-\d{2}$")
    source_id: str
    model: str = pa.Field(str_length={"min_value": 1})
    release_date: pl.Date
    price_usd_per_mtok: float = pa.Field(nullable=True, gt=0)
    mmlu: float = pa.Field(nullable=True, ge=0, le=100)
    gpqa_diamond: float = pa.Field(nullable=True, ge=0, le=100)
    humaneval: float = pa.Field(nullable=True, ge=0, le=100)
    math_500: float = pa.Field(nullable=True, ge=0, le=100)
    math_5: float = pa.Field(nullable=True, ge=0, le=100)
    lmsys_arena_elo: float = pa.Field(nullable=True, ge=500, le=3000)

    class Config:
        strict = False


class DemandObservation(pa.DataFrameModel):
    figure_id: str = pa.Field(unique=True)
    source_id: str
    series: str = pa.Field(str_matches=r"^[A-Za-z0-9_]+$")
    period_end_date: pl.Date
    value: float = pa.Field(ge=0)
    unit: str = pa.Field(str_length={"min_value": 1})
    bound: str = pa.Field(isin=["=", ">", "<", "~"])
    source_class: str = pa.Field(isin=SOURCE_CLASSES)

    class Config:
        strict = False


class OpenRouterAuthorWeek(pa.DataFrameModel):
    figure_id: str = pa.Field(unique=True)
    week_label: pl.Date
    author: str = pa.Field(str_length={"min_value": 1})
    tokens: float = pa.Field(ge=0)
    share: float = pa.Field(nullable=True, ge=0, le=1)

    class Config:
        strict = False


class OpenRouterWeek(pa.DataFrameModel):
    week_label: pl.Date = pa.Field(unique=True)
    tokens: float = pa.Field(ge=0)
    authors: int = pa.Field(ge=1)
    fit_ok: bool

    class Config:
        strict = False

    @pa.dataframe_check(name="fit_ok_iff_unflagged")
    def fit_ok_iff_unflagged(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("fit_ok") == (pl.col("flags").list.len() == 0))


class Fit(pa.DataFrameModel):
    fit_id: str = pa.Field(unique=True, str_matches=r"^trend/\S+$")
    family: str = pa.Field(isin=FIT_FAMILIES)
    method: str = pa.Field(isin=FIT_METHODS)
    level: float = pa.Field(gt=0, lt=1)
    n: int = pa.Field(ge=4)
    factor_per_year: float = pa.Field(gt=0)
    factor_low: float = pa.Field(gt=0)
    factor_high: float = pa.Field(gt=0)
    direction: str = pa.Field(isin=["decline", "growth"])

    class Config:
        strict = False

    @pa.dataframe_check(name="interval_contains_estimate")
    def interval_contains_estimate(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("factor_low") <= pl.col("factor_per_year") * (1 + 1e-9))
            & (pl.col("factor_per_year") <= pl.col("factor_high") * (1 + 1e-9))
        )

    @pa.dataframe_check(name="dates_ordered")
    def dates_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("date_start") <= pl.col("date_end"))


class FitPoint(pa.DataFrameModel):
    fit_id: str
    input_figure_id: str
    obs_date: pl.Date
    value: float = pa.Field(gt=0)
    used: bool

    class Config:
        strict = False


class FitBand(pa.DataFrameModel):
    fit_id: str
    band_date: pl.Date
    fitted: float = pa.Field(gt=0)

    class Config:
        strict = False

    @pa.dataframe_check(name="bands_nest")
    def bands_nest(cls, data: pa.PolarsData) -> pl.LazyFrame:
        tol = 1 + 1e-9
        return data.lazyframe.select(
            (pl.col("pred_low") <= pl.col("conf_low") * tol)
            & (pl.col("conf_low") <= pl.col("fitted") * tol)
            & (pl.col("fitted") <= pl.col("conf_high") * tol)
            & (pl.col("conf_high") <= pl.col("pred_high") * tol)
        )


class ClaimCheck(pa.DataFrameModel):
    check_id: str = pa.Field(unique=True)
    claim_figure_id: str
    verdict: str = pa.Field(isin=VERDICTS)
    reason: str = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = False

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


class CapabilityPath(pa.DataFrameModel):
    series: str = pa.Field(str_matches=r"^capability_price_2026/reasoning-(excluded|included)/\S+/ge-\S+$")
    reasoning: str = pa.Field(isin=["excluded", "included"])
    price_basis: str = pa.Field(isin=PRICE_BASES)
    obs_id: str = pa.Field(str_matches=r"^\S.*@\d{4}-\d{2}-\d{2}$")
    obs_date: pl.Date
    price_usd_per_mtok: float = pa.Field(gt=0)
    score: float = pa.Field(ge=0)
    score_figure_id: str = pa.Field(str_length={"min_value": 1})
    fitted: bool

    class Config:
        strict = False

    @pa.dataframe_check(name="every_point_cites_a_price")
    def every_point_cites_a_price(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("price_figure_ids").list.len() >= 1)


class ClaimMeasure(pa.DataFrameModel):
    measure_id: str = pa.Field(unique=True)
    check_id: str
    start_price: float = pa.Field(gt=0)
    end_price: float = pa.Field(gt=0)
    observed_multiple: float = pa.Field(gt=0)
    n: int = pa.Field(ge=1)
    supports: bool
    how: str = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = False

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


class DemandCurve(pa.DataFrameModel):
    curve_id: str = pa.Field(unique=True, str_matches=r"^demand_curve/\S+$")
    n: int = pa.Field(ge=0)
    level: float = pa.Field(gt=0, lt=1)
    selected: bool
    caveat: str = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = False

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
