"""analysis.trend on synthetic series with known growth rates: recovery, interval
coverage over repeated draws, guardrails, bands, curve choice, elasticity."""

import datetime as dt
import math
import time

import numpy as np
import pytest

from analysis.trend import (
    DEFAULT_RESAMPLES,
    FLAG_SHORT_SPAN,
    FitRefused,
    bands,
    bootstrap_slopes,
    choose_curve,
    elasticity,
    fit_exponential,
    growth_multiple,
)

TRUE_DECLINE = 10.0  # falls 10x a year
T0 = 19_000.0  # day number (2022-01-08)
TRUE_RATE = -math.log(TRUE_DECLINE)


def draw(rng, n, *, rate=TRUE_RATE, sd=0.4, years=3.0):
    days = np.sort(rng.uniform(0, years * 365.25, n))
    days[0], days[-1] = 0.0, years * 365.25
    y = math.log(100) + rate * days / 365.25 + rng.normal(0, sd, n)
    return days + T0, np.exp(y)


def coverage(method, draws, n, seed, **kw):
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(draws):
        d, v = draw(rng, n)
        f = fit_exponential(d, v, method=method, level=0.9, **kw)
        hits += f.slope_low <= -math.log(TRUE_DECLINE) <= f.slope_high
    return hits / draws


@pytest.mark.parametrize("method", ["ols", "bootstrap", "theil-sen"])
def test_fit_recovers_a_known_tenfold_yearly_decline(method):
    d, v = draw(np.random.default_rng(7), 200, sd=0.2)
    f = fit_exponential(d, v, method=method, n_resamples=2_000)
    central, low, high = f.decline_x_per_year
    assert central == pytest.approx(TRUE_DECLINE, rel=0.08)
    assert low <= TRUE_DECLINE <= high
    assert f.direction == "decline"
    assert f.halving_or_doubling_years[0] == pytest.approx(math.log(2) / math.log(10), rel=0.08)


def test_fit_recovers_a_known_doubling_time():
    rng = np.random.default_rng(3)
    d, v = draw(rng, 100, rate=math.log(2) / 0.5, sd=0.1)  # doubles every six months
    f = fit_exponential(d, v)
    assert f.factor_per_year == pytest.approx(4.0, rel=0.05)
    assert f.halving_or_doubling_years[0] == pytest.approx(0.5, rel=0.05)


def test_ols_90_interval_covers_truth_in_about_90_percent_of_draws():
    assert 0.86 <= coverage("ols", 400, 12, seed=11) <= 0.94


def test_bootstrap_90_interval_covers_truth_in_about_90_percent_of_draws():
    # pairs-bootstrap percentile intervals run slightly narrow at small n; n=30 is near nominal
    assert 0.85 <= coverage("bootstrap", 200, 30, seed=12, n_resamples=2_000) <= 0.95


def test_theil_sen_90_interval_covers_truth_in_about_90_percent_of_draws():
    assert 0.86 <= coverage("theil-sen", 300, 20, seed=13) <= 0.95


def test_ols_prediction_band_holds_about_90_percent_of_new_points():
    rng = np.random.default_rng(21)
    inside = total = 0
    for _ in range(200):
        d, v = draw(rng, 15)
        f = fit_exponential(d, v)
        nd, nv = draw(rng, 5)
        b = bands(f, nd)
        inside += int(((nv >= b["pred_low"]) & (nv <= b["pred_high"])).sum())
        total += nv.size
    assert 0.86 <= inside / total <= 0.94


def test_bootstrap_defaults_to_ten_thousand_seeded_resamples():
    d, v = draw(np.random.default_rng(1), 20)
    a = fit_exponential(d, v, method="bootstrap", seed=5)
    b = fit_exponential(d, v, method="bootstrap", seed=5)
    assert DEFAULT_RESAMPLES == 10_000 and a.n_resamples == 10_000 and a.seed == 5
    assert (a.slope_low, a.slope_high) == (b.slope_low, b.slope_high)


def test_vectorised_bootstrap_slopes_match_a_per_resample_fit():
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 3, 50)
    y = 1 - 2 * x + rng.normal(0, 0.3, 50)
    slopes, inters = bootstrap_slopes(x, y, n_resamples=5, seed=9, chunk=2)
    # recompute with the same index stream, one resample at a time
    idx_rng = np.random.default_rng(9)
    chunks = [
        idx_rng.integers(0, 50, size=(2, 50)),
        idx_rng.integers(0, 50, size=(2, 50)),
        idx_rng.integers(0, 50, size=(1, 50)),
    ]
    for i, idx in enumerate(np.vstack(chunks)):
        b, a = np.polyfit(x[idx], y[idx], 1)
        assert slopes[i] == pytest.approx(b, rel=1e-9)
        assert inters[i] == pytest.approx(a, rel=1e-9)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_fewer_than_four_points_is_refused_with_the_reason(n):
    d, v = draw(np.random.default_rng(0), 10)
    with pytest.raises(FitRefused, match="at least 4 points"):
        fit_exponential(d[:n], v[:n])


def test_a_span_under_ninety_days_is_refused():
    with pytest.raises(FitRefused, match="at least 90 days"):
        fit_exponential([T0, T0 + 20, T0 + 40, T0 + 60], [4.0, 3.0, 2.0, 1.0])


def test_non_positive_values_are_refused():
    with pytest.raises(FitRefused, match="positive"):
        fit_exponential([1, 200, 300, 400], [1.0, 0.0, 2.0, 3.0])


def test_fit_spanning_under_a_year_is_flagged():
    d, v = draw(np.random.default_rng(0), 10, years=0.5)
    assert FLAG_SHORT_SPAN in fit_exponential(d, v).flags
    d, v = draw(np.random.default_rng(0), 10, years=2)
    assert FLAG_SHORT_SPAN not in fit_exponential(d, v).flags


def test_bands_mark_points_outside_the_data_as_extrapolated():
    d, v = draw(np.random.default_rng(0), 10)
    f = fit_exponential(d, v)
    b = bands(f, np.array([d.min() - 100, d.mean(), d.max() + 100]))
    assert b["extrapolated"].tolist() == [True, False, True]
    assert np.all(b["pred_low"] < b["conf_low"]) and np.all(b["conf_high"] < b["pred_high"])


def test_growth_multiple_over_a_window_has_an_interval_and_marks_extrapolation():
    d, v = draw(np.random.default_rng(4), 60, rate=math.log(3), sd=0.1)
    f = fit_exponential(d, v)
    start = dt.date(1970, 1, 1) + dt.timedelta(days=int(T0 + 100))
    inside = growth_multiple(f, start, start + dt.timedelta(days=365))
    assert inside.low < inside.multiple < inside.high
    assert inside.multiple == pytest.approx(3.0, rel=0.1) and not inside.extrapolated
    beyond = growth_multiple(f, start, start + dt.timedelta(days=5 * 365))
    assert beyond.extrapolated


def test_logistic_chosen_for_a_saturating_series_and_exponential_for_a_straight_one():
    t = np.linspace(0, 4 * 365.25, 30) + T0
    years = (t - T0) / 365.25
    rng = np.random.default_rng(5)
    logistic = 1e12 / (1 + np.exp(-3 * (years - 1.5))) * np.exp(rng.normal(0, 0.05, t.size))
    expo = 1e9 * np.exp(1.2 * years) * np.exp(rng.normal(0, 0.05, t.size))
    assert choose_curve(t, logistic).chosen == "logistic"
    c = choose_curve(t, expo)
    assert c.chosen == "exponential" and c.n == 30
    # the exponential's AIC recomputed by hand: OLS of log(value) on years, k = 2 mean
    # parameters + 1 variance, n = 30: AIC = n ln(RSS / n) + 2 * 3, AICc adds 2*3*4 / (30 - 4)
    slope, intercept = np.polyfit(years, np.log(expo), 1)
    rss = float(((np.log(expo) - (intercept + slope * years)) ** 2).sum())
    assert c.aic_exponential == pytest.approx(30 * math.log(rss / 30) + 6, rel=1e-9)
    assert c.aicc_exponential == pytest.approx(c.aic_exponential + 24 / 26, rel=1e-12)
    # the logistic converges to an exponential (its midpoint runs off beyond the data) and
    # loses on AICc by its extra parameter
    assert c.aicc_logistic > c.aicc_exponential and "midpoint far beyond the data" in c.logistic_note


def test_logistic_not_chosen_when_too_few_points_for_its_aicc():
    t = np.array([0, 200, 400, 600, 800.0]) + T0
    c = choose_curve(t, [1, 5, 20, 40, 50.0])
    assert c.chosen == "exponential" and "too few points" in (c.logistic_note or "")


def test_elasticity_recovers_a_known_slope_and_says_correlation_not_causation():
    rng = np.random.default_rng(8)
    p = np.exp(rng.uniform(-3, 3, 40))
    q = 1e6 * p**-1.5 * np.exp(rng.normal(0, 0.1, 40))
    e = elasticity(p, q)
    assert e.low < -1.5 < e.high
    assert "not causation" in e.caveat
    with pytest.raises(FitRefused):
        elasticity(p[:3], q[:3])


def test_ten_thousand_resamples_of_a_thousand_points_take_well_under_a_second():
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(0, 3, 1_000))
    y = -2.3 * x + rng.normal(0, 0.3, 1_000)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        bootstrap_slopes(x, y, n_resamples=10_000, seed=0)
        times.append(time.perf_counter() - start)
    assert min(times) < 1.0


def test_an_interval_beyond_the_plausibility_bound_is_flagged_not_printed_as_digits():
    """Four prices a day apart and one 200 days later (the shape of the RTX A4000
    on-demand series): Theil-Sen's pairwise slopes over one day give an upper bound of
    ~1e145x per year. The fit is flagged, the bounds are kept as computed, and a person
    reads 2.2e+145, not a 146-digit number."""
    import datetime as dt

    from analysis.trend import FLAG_IMPLAUSIBLE_INTERVAL, PLAUSIBLE_FACTOR_PER_YEAR, fit_exponential, fmt_multiple

    d0 = dt.date(2024, 1, 1)
    dates = [d0 + dt.timedelta(days=k) for k in (0, 1, 2, 3, 200)]
    fit = fit_exponential(dates, [0.2, 0.5, 0.15, 0.4, 0.2], method="theil-sen")
    assert fit.factor_high > 1e100 and FLAG_IMPLAUSIBLE_INTERVAL in fit.flags
    assert fmt_multiple(fit.factor_high).endswith("e+145") and len(fmt_multiple(fit.factor_high)) < 10
    steady = fit_exponential(
        [d0 + dt.timedelta(days=100 * i) for i in range(6)], [1, 0.5, 0.25, 0.13, 0.06, 0.03], method="theil-sen"
    )
    assert FLAG_IMPLAUSIBLE_INTERVAL not in steady.flags
    assert 1 / PLAUSIBLE_FACTOR_PER_YEAR < steady.factor_low <= steady.factor_high < PLAUSIBLE_FACTOR_PER_YEAR


def test_the_rtx_a4000_theil_sen_fit_is_stored_flagged(refreshed_warehouse):
    import duckdb

    with duckdb.connect(str(refreshed_warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT flags, factor_high FROM fit "
            "WHERE series = 'gpu/rental/rtx-a4000/on-demand' AND method = 'theil-sen'"
        ).fetchall()
    assert rows, "the series is fitted by the refresh"
    flags, factor_high = rows[0]
    assert "interval_beyond_plausible_bound" in flags and factor_high > 1e4


def test_bootstrap_bands_are_the_percentiles_of_the_resampled_lines_exactly():
    """The band is defined as np.quantile over resamples of each dated line (and of the line
    plus a resampled residual, drawn resample x date with the fit's seed); bands() sorts
    once instead of selecting, and must give those numbers to the last bit."""
    rng = np.random.default_rng(11)
    d, v = draw(rng, 25)
    fit = fit_exponential(d, v, method="bootstrap", seed=3)
    grid = np.unique(np.round(np.linspace(d.min() - 60, d.max() + 60, 60)))
    got = bands(fit, grid)

    x = (grid - fit.t0_day) / 365.25
    lines = fit.intercept_samples[:, None] + fit.slope_samples[:, None] * x[None, :]
    noise = np.random.default_rng(fit.seed).choice(
        fit.residuals * math.sqrt(fit.n / (fit.n - 2)), size=lines.shape, replace=True
    )
    yhat = fit.intercept + fit.slope * x
    q = [(1 - fit.level) / 2, 1 - (1 - fit.level) / 2]  # as bands() writes them, to the bit
    conf = np.quantile(lines, q, axis=0)
    pred = np.quantile(lines + noise, q, axis=0)
    conf_low, conf_high = np.minimum(conf[0], yhat), np.maximum(conf[1], yhat)
    assert np.array_equal(got["conf_low"], np.exp(conf_low))
    assert np.array_equal(got["conf_high"], np.exp(conf_high))
    assert np.array_equal(got["pred_low"], np.exp(np.minimum(pred[0], conf_low)))
    assert np.array_equal(got["pred_high"], np.exp(np.maximum(pred[1], conf_high)))
