"""Capability-adjusted price: the method of Epoch AI's "LLM inference prices have fallen
rapidly but unequally across tasks" (2025-03-12), reproduced on its own data.

The question is "what does it cost to buy at least this much capability?", asked for
many capability levels. For one benchmark:

1. Thresholds. Walking observations in release-date order, every observation that was
   the top scorer among all observations released up to its date defines a threshold:
   its score is the lower bound; the upper bound is 100 (exclusive) for percentage
   benchmarks and none for Arena ELO. Thresholds under 30 on the multiple-choice
   benchmarks (MMLU, GPQA Diamond) are skipped: near chance level they measure nothing.
2. Cheapest-so-far path. For a threshold, walk the observations that have a score in
   release-date order; keep one when its score is within the bounds and its price is
   strictly lower than the last kept price. When two kept observations share a release
   date, the earlier one (in walk order) is dropped: on one day only the cheaper one
   existed as the frontier.
3. Fit. With >= 4 kept points, OLS of log10(price) on the release date as a day number;
   the price falls by 10^(-365 * slope) times per year; the 90% interval comes from the
   t-distribution with n-2 degrees of freedom (the bounds swap when the slope is turned
   into a reduction factor).

Input preparation (done by the caller's parser, checked here): both Epoch files
together, one row per price observation (a price change is a new row with a new date),
rows without a price dropped, "GPT-3 175B (davinci)" named "GPT-3", the reasoning models
DeepSeek-R1, o1, o1-mini, o1-preview and o3-mini excluded.

Ordering ties: observations released on the same date are walked dearest first (then by
model name), so the cheaper of two same-day models is seen second and the "drop the
earlier one" rule keeps the cheaper one, which is what the frontier was on that day.
With this order the fits match Epoch's published results for these files exactly
(tests/test_trend_capability.py).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy import stats

from analysis.formulas import formula

BENCHMARKS = ["MMLU", "GPQA Diamond", "MATH-500", "MATH 5", "HumanEval", "LMSys Chatbot Arena ELO"]
MULTIPLE_CHOICE = {"MMLU", "GPQA Diamond"}
PERCENT_BENCHMARKS = {"MMLU", "GPQA Diamond", "MATH-500", "MATH 5", "HumanEval"}
EXCLUDED_MODELS = {"DeepSeek-R1", "o1", "o1-mini", "o1-preview", "o3-mini"}
MODEL_RENAMES = {"GPT-3 175B (davinci)": "GPT-3"}
MIN_KEPT = 4
MIN_MC_THRESHOLD = 30.0
LEVEL = 0.9


@dataclass(frozen=True)
class Threshold:
    benchmark: str
    model: str
    release_date: dt.date
    lower: float
    upper: float | None  # exclusive; None = unbounded (Arena ELO)
    obs_id: str


@dataclass
class CapabilityFit:
    """One benchmark/threshold fit, with the observations it used (`kept_obs_ids`)."""

    benchmark: str
    threshold_model: str
    lower: float
    upper: float | None
    n: int
    start_date: dt.date
    end_date: dt.date
    slope_log10_per_day: float
    intercept_log10: float
    factor_per_year: float  # price reduction factor per year (>1 = falling)
    factor_low: float
    factor_high: float
    r2: float
    level: float
    kept_obs_ids: list[str] = field(default_factory=list)
    threshold_obs_id: str = ""
    flags: list[str] = field(default_factory=list)


def prepare(observations: pl.DataFrame) -> pl.DataFrame:
    """Apply the method's input rules to parsed observations (see the module docstring).

    Expects columns `obs_id, model, release_date, price_usd_per_mtok` and one column
    per benchmark. Returns the rows the method walks, in walk order.
    """
    return (
        observations.with_columns(pl.col("model").replace(MODEL_RENAMES))
        .filter(pl.col("price_usd_per_mtok").is_not_null() & pl.col("release_date").is_not_null())
        .filter(~pl.col("model").is_in(sorted(EXCLUDED_MODELS)))
        .sort(["release_date", "price_usd_per_mtok", "model"], descending=[False, True, False], maintain_order=True)
    )


def thresholds(obs: pl.DataFrame, benchmark: str) -> list[Threshold]:
    """Observations that were the top scorer on `benchmark` among all observations
    released up to their date (ties at the running maximum count once, first seen)."""
    scored = obs.filter(pl.col(benchmark).is_not_null())
    out: list[Threshold] = []
    dates = scored["release_date"].to_list()
    scores = scored[benchmark].to_list()
    for row in scored.iter_rows(named=True):
        best_up_to_date = max(s for s, d in zip(scores, dates) if d <= row["release_date"])
        if row[benchmark] < best_up_to_date:
            continue
        if any(t.lower == row[benchmark] for t in out):
            continue
        if benchmark in MULTIPLE_CHOICE and row[benchmark] < MIN_MC_THRESHOLD:
            continue
        upper = 100.0 if benchmark in PERCENT_BENCHMARKS else None
        out.append(Threshold(benchmark, row["model"], row["release_date"], float(row[benchmark]), upper, row["obs_id"]))
    return out


def cheapest_path(obs: pl.DataFrame, th: Threshold) -> pl.DataFrame:
    """The observations kept for one threshold (rules in the module docstring, step 2)."""
    scored = obs.filter(pl.col(th.benchmark).is_not_null())
    kept: list[dict] = []
    for row in scored.iter_rows(named=True):
        s = row[th.benchmark]
        if s < th.lower or (th.upper is not None and s >= th.upper):
            continue
        if kept and not row["price_usd_per_mtok"] < kept[-1]["price_usd_per_mtok"]:
            continue
        if kept and kept[-1]["release_date"] == row["release_date"]:
            kept.pop()
        kept.append(row)
    return pl.DataFrame(kept, schema=scored.schema) if kept else scored.clear()


def fit_path(path: pl.DataFrame, th: Threshold, level: float = LEVEL) -> CapabilityFit | None:
    """OLS of log10(price) on day number; None when fewer than 4 points were kept."""
    n = path.height
    if n < MIN_KEPT:
        return None
    days = np.array([(d - dt.date(1970, 1, 1)).days for d in path["release_date"]], float)
    y = np.log10(path["price_usd_per_mtok"].to_numpy().astype(float))
    res = stats.linregress(days, y)
    tq = stats.t.ppf(1 - (1 - level) / 2, n - 2)
    lo, hi = res.slope - tq * res.stderr, res.slope + tq * res.stderr
    span = (days.max() - days.min()) / 365.25
    return CapabilityFit(
        benchmark=th.benchmark,
        threshold_model=th.model,
        lower=th.lower,
        upper=th.upper,
        n=n,
        start_date=path["release_date"][0],
        end_date=path["release_date"][-1],
        slope_log10_per_day=float(res.slope),
        intercept_log10=float(res.intercept),
        factor_per_year=10 ** (-365 * res.slope),
        factor_low=10 ** (-365 * hi),
        factor_high=10 ** (-365 * lo),
        r2=float(res.rvalue**2),
        level=level,
        kept_obs_ids=path["obs_id"].to_list(),
        threshold_obs_id=th.obs_id,
        flags=["span_under_one_year"] if span < 1 else [],
    )


def capability_fits(
    observations: pl.DataFrame, benchmarks: list[str] | None = None, level: float = LEVEL
) -> list[CapabilityFit]:
    """Every benchmark/threshold fit with >= 4 kept points, in benchmark then threshold order."""
    obs = prepare(observations)
    fits: list[CapabilityFit] = []
    for bench in benchmarks or BENCHMARKS:
        if bench not in obs.columns:
            continue
        for th in thresholds(obs, bench):
            f = fit_path(cheapest_path(obs, th), th, level)
            if f is not None:
                fits.append(f)
    return fits


def fits_frame(fits: list[CapabilityFit]) -> pl.DataFrame:
    """Fits as a table (one row per fit) for display and storage."""
    return pl.DataFrame(
        [
            {
                "benchmark": f.benchmark,
                "threshold_model": f.threshold_model,
                "lower": f.lower,
                "upper": f.upper if f.upper is not None else math.inf,
                "n": f.n,
                "start_date": f.start_date,
                "end_date": f.end_date,
                "factor_per_year": f.factor_per_year,
                "factor_low": f.factor_low,
                "factor_high": f.factor_high,
                "r2": f.r2,
                "level": f.level,
            }
            for f in fits
        ]
    )


@formula("capability_price_decline")
def capability_price_decline(price, score) -> float:
    """Epoch AI's capability-adjusted price decline: OLS of log10(price) on release day of the
    cheapest-so-far models scoring at least the threshold; factor per year = 10^(-365*slope),
    90% t interval (n-2 df). `price` is (day, USD/Mtok) pairs of the kept observations; `score`
    their benchmark scores (the threshold is met by construction)."""
    days, prices = zip(*price)
    res = stats.linregress(np.asarray(days, float), np.log10(np.asarray(prices, float)))
    return float(10 ** (-365 * res.slope))
