"""Demand figures derived from observed ones: the OpenRouter weekly totals and the
log-log association of a token volume with a capability-adjusted price."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from analysis import demand_curve as dc
from analysis.formulas import formula


@formula("openrouter_week_total")
def openrouter_week_total(author_tokens: pl.Expr) -> pl.Expr:
    """Tokens in one week label of the OpenRouter scrape: the sum of its authors' token
    figures (role `author_tokens`, tokens per week in base units), as a polars aggregation
    over the author rows grouped by week label (every week at once)."""
    return author_tokens.sum()


@formula("demand_curve_loglog_bootstrap")
def demand_curve_loglog_bootstrap(
    quantity: Sequence[float], price: Sequence[float], *, level: float = 0.9, seed: int = 0
) -> dc.DemandCurveFit:
    """Slope of ln(quantity) on ln(price), paired by date (role `quantity`: the token
    volumes; role `price`: the capability-adjusted price in force on each quantity's date),
    with a `level` percentile interval from a seeded pairs bootstrap (10,000 resamples).
    The figure's value is the fit's `slope`, its interval `slope_low`/`slope_high`. An
    association of two trending series, not a causal price elasticity."""
    return dc.fit_demand_curve(list(price), list(quantity), level=level, seed=seed)
