"""Demand curves: a known log-log slope is recovered within its bootstrap interval; what the
data cannot support is refused with the reason; pairs take the price in force on their date."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from analysis import demand_curve as dc
from analysis.trend import FitRefused
from analysis.trends import demand_curve_series as pipeline_curve


def test_a_known_slope_is_recovered_within_its_interval():
    rng = np.random.default_rng(3)
    prices = np.exp(rng.uniform(np.log(0.1), np.log(10), 40))
    tokens = 1e12 * prices**-0.8 * np.exp(rng.normal(0, 0.2, 40))
    fit = dc.fit_demand_curve(prices, tokens)
    assert fit.slope_low <= -0.8 <= fit.slope_high
    assert fit.slope == pytest.approx(-0.8, abs=0.15)
    assert fit.n_resamples == 10_000 and fit.seed == 0
    assert "not a causal elasticity" in fit.caveat


def test_two_price_levels_are_refused_not_fitted():
    with pytest.raises(FitRefused, match="2 distinct value"):
        dc.fit_demand_curve([1.0] * 5 + [0.5] * 5, list(range(1, 11)))
    with pytest.raises(FitRefused, match="at least 8"):
        dc.fit_demand_curve([1.0, 0.5, 0.2, 0.1, 0.05], [1, 2, 3, 4, 5])


def test_each_quantity_is_paired_with_the_price_in_force_on_its_date():
    D = dt.date
    paths = pl.DataFrame(
        dict(
            series=["capability_price_2026/reasoning-excluded/cheapest/eci/ge-130"] * 4,
            variant=["reasoning-excluded/cheapest"] * 4,
            obs_date=[D(2025, 1, 1), D(2025, 3, 1), D(2025, 6, 1), D(2025, 9, 1)],
            price_usd_per_mtok=[4.0, 2.0, 1.0, 0.5],
            price_figure_ids=[["p1"], ["p2"], ["p3"], ["p4"]],
            model_version=["a", "b", "c", "d"],
        )
    )
    weeks = [(D(2024, 12, 1), 1e9, "w0")] + [(D(2025, m, 15), 1e9 * m**1.5, f"w{m}") for m in range(1, 13)]
    out = pipeline_curve.build({"demand/toy": weeks}, paths)
    pts = out["demand_curve_point"]
    assert len(pts) == 12 and "w0" not in {p["quantity_figure_id"] for p in pts}  # before the threshold was met
    in_force = {p["quantity_figure_id"]: p["price_figure_id"] for p in pts}
    assert (in_force["w2"], in_force["w3"], in_force["w5"], in_force["w6"], in_force["w12"]) == (
        "p1",
        "p2",
        "p2",
        "p3",
        "p4",
    )
    curve = out["demand_curve"][0]
    assert curve["selected"] and curve["slope"] < 0 and curve["curve_figure_id"].endswith("/slope")
    roles = {(r["role"], r["input_figure_id"]) for r in out["figure_input"]}
    assert ("quantity", "w1") in roles and ("price", "p4") in roles
