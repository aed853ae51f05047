"""Fitted trends as figures: exponential rates, Epoch AI's capability-adjusted decline, the
decline of one capability level over a window, and the log-log elasticity.

Each formula is what the trends family calls to compute the figure that names it; it
returns the fit (with its interval), and its docstring says which field is the figure's
value. Roles are the input figures' roles in `figure_input`: `observation` for the points
of a fit (and `score` for the benchmark scores that admit a capability observation).

Decisions:
- A rate figure reads the way people quote it: "falls N x per year" for a series expected
  to decline (value 1 / exp(slope), metric `decline_factor_per_year`), "grows N x per year"
  otherwise (exp(slope), `growth_factor_per_year`). The series' `expect` is a setting of
  the formula, so the formula computes the quoted value, not only exp(slope). Version 2 of
  the three exponential formulas: version 1 said "growth factor exp(b)" while the figures
  of every price series held 1 / exp(b).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis import trend
from analysis.formulas import formula

EXPECT = ("decline", "growth")


@dataclass(frozen=True)
class Rate:
    """A fitted exponential rate: the fit row's factors (exp(slope) per year, so below 1 for
    a decline, with the interval ordered low <= high) and the figure's value as quoted."""

    fit: trend.ExpFit  # the line the bands are drawn from, with n, R2, dates and flags
    method: str
    expect: str  # decline or growth: how the figure quotes the rate
    factor_per_year: float
    factor_low: float
    factor_high: float

    @property
    def metric(self) -> str:
        return "decline_factor_per_year" if self.expect == "decline" else "growth_factor_per_year"

    @property
    def value(self) -> float:
        """The figure's value: x per year, falling (1 / factor) or growing (factor)."""
        return 1 / self.factor_per_year if self.expect == "decline" else self.factor_per_year

    @property
    def low(self) -> float:
        return 1 / self.factor_high if self.expect == "decline" else self.factor_low

    @property
    def high(self) -> float:
        return 1 / self.factor_low if self.expect == "decline" else self.factor_high


def _exponential(
    observation: Sequence[tuple[dt.date, float]], method: str, expect: str, level: float, seed: int
) -> Rate:
    if expect not in EXPECT:
        raise ValueError(f"expect must be one of {EXPECT}, got {expect!r}")
    dates = [d for d, _ in observation]
    values = [v for _, v in observation]
    fit = trend.fit_exponential(dates, values, method=method, level=level, seed=seed)
    return Rate(fit, fit.method, expect, fit.factor_per_year, fit.factor_low, fit.factor_high)


@formula("trend_exponential_ols", 2)
def trend_exponential_ols(
    observation: Sequence[tuple[dt.date, float]], *, expect: str, level: float = 0.9, seed: int = 0
) -> Rate:
    """OLS of log(value) = a + b * years over the observations ((date, value) pairs, role
    `observation`), with a `level` t interval (n-2 df). Value: the rate per year as quoted,
    1 / exp(b) ("falls N x per year") when `expect` is decline, exp(b) when growth.
    `seed` is unused (the interval is analytic)."""
    return _exponential(observation, "ols", expect, level, seed)


@formula("trend_exponential_bootstrap", 2)
def trend_exponential_bootstrap(
    observation: Sequence[tuple[dt.date, float]], *, expect: str, level: float = 0.9, seed: int = 0
) -> Rate:
    """OLS of log(value) = a + b * years over the observations (role `observation`), with a
    `level` percentile interval from a pairs bootstrap seeded with `seed` (10,000
    resamples). Value: 1 / exp(b) per year when `expect` is decline, exp(b) when growth."""
    return _exponential(observation, "bootstrap", expect, level, seed)


@formula("trend_exponential_theil_sen", 2)
def trend_exponential_theil_sen(
    observation: Sequence[tuple[dt.date, float]], *, expect: str, level: float = 0.9, seed: int = 0
) -> Rate:
    """Theil-Sen slope b of log(value) on years (median pairwise slope) over the observations
    (role `observation`), with scipy's `level` interval. Value: 1 / exp(b) per year when
    `expect` is decline, exp(b) when growth. `seed` is unused."""
    return _exponential(observation, "theil-sen", expect, level, seed)


# the formula of each fitting method (analysis.trend.METHODS)
EXPONENTIAL = {
    "ols": trend_exponential_ols,
    "bootstrap": trend_exponential_bootstrap,
    "theil-sen": trend_exponential_theil_sen,
}


@dataclass(frozen=True)
class EpochLine:
    """Epoch AI's fit of one capability level: OLS of log10(price) on the day number."""

    n: int
    slope_log10_per_day: float
    intercept_log10: float
    factor_per_year: float  # price reduction factor per year, 10^(-365 * slope) (> 1 = falling)
    factor_low: float
    factor_high: float
    r2: float
    level: float


@formula("capability_price_decline", 1)
def capability_price_decline(
    observation: Sequence[tuple[dt.date, float]], score: Sequence[float] = (), *, level: float = 0.9
) -> EpochLine:
    """Epoch AI's capability-adjusted price decline: OLS of log10(price) on the release day
    (days since 1970-01-01) of the cheapest-so-far models scoring at least the threshold
    ((release date, USD/Mtok) pairs, role `observation`); factor per year
    10^(-365 * slope), `level` t interval (n-2 df). Value: `factor_per_year` (x cheaper per
    year). Role `score` names the benchmark scores that admit each model; the threshold is
    met by construction, so they do not enter the arithmetic."""
    days = np.array([(d - dt.date(1970, 1, 1)).days for d, _ in observation], float)
    y = np.log10(np.asarray([p for _, p in observation], float))
    from scipy import stats  # here, not at import: see analysis/trend.py's docstring

    res = stats.linregress(days, y)
    tq = stats.t.ppf(1 - (1 - level) / 2, days.size - 2)
    lo, hi = res.slope - tq * res.stderr, res.slope + tq * res.stderr
    return EpochLine(
        n=int(days.size),
        slope_log10_per_day=float(res.slope),
        intercept_log10=float(res.intercept),
        factor_per_year=10 ** (-365 * res.slope),
        factor_low=10 ** (-365 * hi),
        factor_high=10 ** (-365 * lo),
        r2=float(res.rvalue**2),
        level=level,
    )


@formula("capability_window_decline", 2)
def capability_window_decline(
    start_price: float,
    end_price: float,
    start_score: float | None = None,
    end_score: float | None = None,
    *,
    years: float | None = None,
) -> float:
    """The decline of a capability level's price over a claim's window: the cheapest-so-far
    price (blended 3:1) of a model scoring at least the threshold in force at the window's
    start (role `start_price`) over the one in force at its end (`end_price`), x cheaper;
    per year, (start / end) ** (1 / years), when `years` (the window's length) is given.
    Roles `start_score`/`end_score` name the scores that put each model over the threshold;
    they do not enter the arithmetic. The figure's interval, where stored, is Epoch's OLS
    over the window's path points (>= 4), raised to the window's length (likewise per year).
    Version 2: version 1 did not say that a per-year claim stores the per-year multiple."""
    multiple = float(start_price) / float(end_price)
    return multiple if years is None else multiple ** (1 / years)


@formula("elasticity_loglog", 1)
def elasticity_loglog(quantity: Sequence[float], price: Sequence[float], *, level: float = 0.9) -> trend.Elasticity:
    """OLS slope of log(quantity) on log(price), paired by date (role `quantity`: the weekly
    token totals; role `price`: the price in force each week), with a `level` t interval.
    Value: `elasticity`. A correlation of two trending series, not a causal price elasticity."""
    return trend.elasticity(list(price), list(quantity), level=level)
