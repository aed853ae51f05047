"""A demand curve: log quantity against log price at matching dates, with a bootstrap interval.

The chapter's chain "price down -> usage up -> scale" (section 1.2.3) needs a quantity and a
price observed at the same dates. Here the quantity is a token volume (OpenRouter tokens
per week, Google tokens per month) and the price is a capability-adjusted index: the
cheapest price at a benchmark threshold in force on the quantity's date.

Decisions:
- The slope of ln(quantity) on ln(price) is an ASSOCIATION, not a causal elasticity: both
  series trend with time (models improve, products launch, users arrive), so the slope
  mixes any response to price with everything else that grew meanwhile. Every result
  carries that caveat; nothing here is called an elasticity of demand.
- Interval: pairs bootstrap of the OLS slope (analysis.trend.bootstrap_slopes: seeded,
  vectorised, 10,000 resamples, percentile interval). Pairs, because the residuals of
  two trending series are neither independent nor equal-variance; the t interval of OLS
  would be too narrow.
- Refused, with the reason: fewer than 8 pairs (a percentile bootstrap of 4 or 5 pairs has
  a handful of distinct resamples; its interval can even miss the estimate), or fewer than
  3 distinct prices (with two price levels the "slope" is a before/after difference of
  means, not a curve). Google's tokens per month (5 cited points) is refused for the first.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.trend import DEFAULT_RESAMPLES, FitRefused, bootstrap_slopes, ols_line

MIN_PAIRS = 8
MIN_DISTINCT_PRICES = 3
CAVEAT = (
    "association, not a causal elasticity: quantity and price both trend with time, so the slope mixes any "
    "response to price with everything else that changed meanwhile (better models, new products, more users)"
)


@dataclass
class DemandCurveFit:
    n: int
    distinct_prices: int
    slope: float  # d ln(quantity) / d ln(price); negative: more tokens where prices are lower
    slope_low: float
    slope_high: float
    intercept: float
    r2: float
    level: float
    seed: int
    n_resamples: int
    caveat: str = CAVEAT


def price_in_force(path_dates: Sequence[dt.date], path_prices: Sequence[float], day: dt.date) -> int | None:
    """Index of the path point in force on `day` (last on or before it), or None before the first."""
    idx = None
    for i, d in enumerate(path_dates):
        if d <= day:
            idx = i
        else:
            break
    return idx


def fit_demand_curve(
    prices: Sequence[float],
    quantities: Sequence[float],
    *,
    level: float = 0.9,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> DemandCurveFit:
    """OLS of ln(quantity) on ln(price) with a pairs-bootstrap percentile interval."""
    p, q = np.asarray(prices, float), np.asarray(quantities, float)
    if p.shape != q.shape:
        raise FitRefused("prices and quantities must be paired (same length)")
    if p.size < MIN_PAIRS:
        raise FitRefused(f"need at least {MIN_PAIRS} (quantity, price) pairs at matching dates, got {p.size}")
    if np.any(p <= 0) or np.any(q <= 0) or not (np.all(np.isfinite(p)) and np.all(np.isfinite(q))):
        raise FitRefused("prices and quantities must be positive and finite to take logs")
    distinct = int(np.unique(p).size)
    if distinct < MIN_DISTINCT_PRICES:
        raise FitRefused(
            f"the price took {distinct} distinct value(s) over the matched dates; a curve needs at "
            f"least {MIN_DISTINCT_PRICES} (two levels only compare before and after)"
        )
    x, y = np.log(p), np.log(q)
    o = ols_line(x, y)
    slopes, _ = bootstrap_slopes(x, y, n_resamples=n_resamples, seed=seed)
    ok = slopes[np.isfinite(slopes)]
    lo, hi = np.quantile(ok, [(1 - level) / 2, 1 - (1 - level) / 2])
    return DemandCurveFit(
        n=int(p.size),
        distinct_prices=distinct,
        slope=o["b"],
        slope_low=float(min(lo, o["b"])),
        slope_high=float(max(hi, o["b"])),
        intercept=o["a"],
        r2=o["r2"],
        level=level,
        seed=seed,
        n_resamples=int(ok.size),
    )


def band(fit: DemandCurveFit, price_grid: np.ndarray) -> dict:
    """Fitted quantity over a price grid (no band: the bootstrap interval is of the slope)."""
    g = np.asarray(price_grid, float)
    return dict(price=g, fitted=np.exp(fit.intercept + fit.slope * np.log(g)))


def fmt_slope(fit: DemandCurveFit) -> str:
    return f"{fit.slope:.2f} [{fit.slope_low:.2f}, {fit.slope_high:.2f}]" if math.isfinite(fit.slope) else "n/a"
