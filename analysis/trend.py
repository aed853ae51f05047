"""Exponential and logistic trend fits with honest uncertainty.

Every fit here works on the log of the value against time in years, because the curves
this project cares about (price per token falling, tokens per month rising) are roughly
exponential and their errors are multiplicative. A result says how many points it used,
the date range, R^2, the method, the confidence level and the seed, so a reader can redo it.

Decisions:
- Time is measured in years of 365.25 days from the first observation, so "factor per
  year" is exp(slope) and a halving time is ln 2 / |slope| years.
- Three ways to get the interval of the slope: the parametric t interval of OLS (exact
  under normal, independent, equal-variance log errors), a pairs bootstrap (resamples
  (t, y) pairs; honest when residuals are not normal or not equal-variance) and
  Theil-Sen (median of pairwise slopes; robust to outliers, interval from scipy).
- The bootstrap is vectorised: all resample indices are drawn at once and the slopes of
  every resample come from array sums, in chunks to bound memory. No Python loop per
  resample (see benchmarks/bootstrap_speed.py for the speed-up).
- Guardrails: fewer than 4 points is refused with the reason (two points always fit a
  line, three leave one degree of freedom: no interval worth printing). So is a span
  under 90 days (a yearly rate from a few weeks is noise raised to a large power), and a
  span under a year is flagged, since its rate per year is unstable. Bands and
  growth multiples outside the observed dates are marked `extrapolated`.
- Logistic vs exponential for demand: both are fitted on log(value) so their residuals
  are comparable, and chosen by AICc (AIC with the small-sample correction, since these
  series have 4 to 10 points); both AICs are reported, never only the winner.
- Elasticity (log-log slope of quantity on price) is a correlation of two trends, both of
  which move with time; the result carries that warning in `caveat`.
- scipy is imported inside the functions that fit, not at import: planning a refresh
  imports every asset module, and a refresh whose inputs did not change spent ~0.45 s
  (a quarter of its time) importing scipy for fits it never ran.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

DAYS_PER_YEAR = 365.25
MIN_POINTS = 4
MIN_SPAN_DAYS = 90
DEFAULT_RESAMPLES = 10_000
METHODS = ("ols", "bootstrap", "theil-sen")

FLAG_SHORT_SPAN = "span_under_one_year"
FLAG_DEGENERATE_RESAMPLES = "degenerate_bootstrap_resamples_dropped"
FLAG_IMPLAUSIBLE_INTERVAL = "interval_beyond_plausible_bound"
# The plausibility bound of a fitted interval: a factor of 10,000x per year, either way.
# The steepest published declines in this field are Epoch AI's 9x to 900x per year for LLM
# inference prices at fixed capability; no GPU rental price, token price or demand series
# moves 10,000x in a year. An interval end beyond it (the Theil-Sen fit of two RTX A4000
# prices a few days apart once gave 3.6e157x per year) says the data cannot bound the
# rate, not that the rate may be that large: the fit is flagged (so `fit_ok` is false and
# reports say so) and the bounds are kept as computed, never clipped.
PLAUSIBLE_FACTOR_PER_YEAR = 1e4


class FitRefused(ValueError):
    """A fit that the data cannot support; the message says why."""


def to_days(dates: Iterable) -> np.ndarray:
    """Dates (datetime.date, numpy datetime64, ISO strings) -> float day numbers since 1970-01-01."""
    arr = np.asarray(list(dates) if not isinstance(dates, np.ndarray) else dates)
    if arr.dtype.kind in "fi":
        return arr.astype(float)
    return arr.astype("datetime64[D]").astype("int64").astype(float)


def from_days(days: float) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(round(float(days))))


@dataclass
class ExpFit:
    """One exponential fit of log(value) = a + b * years_since_t0.

    `factor_per_year` is exp(b): 0.1 means the value falls 10x a year (`decline_x_per_year`
    = 10); 2.0 means it doubles every year. Interval bounds are of the factor, ordered
    low <= high.
    """

    method: str
    n: int
    date_start: dt.date
    date_end: dt.date
    span_years: float
    t0_day: float
    slope: float  # natural log units per year
    intercept: float  # log(value) at t0
    slope_low: float
    slope_high: float
    r2: float
    level: float
    seed: int | None
    n_resamples: int | None
    resid_sd: float
    flags: list[str] = field(default_factory=list)
    # OLS sufficient statistics for bands
    x_mean: float = 0.0
    sxx: float = 0.0
    slope_samples: np.ndarray | None = field(default=None, repr=False)
    intercept_samples: np.ndarray | None = field(default=None, repr=False)
    residuals: np.ndarray | None = field(default=None, repr=False)

    @property
    def factor_per_year(self) -> float:
        return math.exp(self.slope)

    @property
    def factor_low(self) -> float:
        return math.exp(self.slope_low)

    @property
    def factor_high(self) -> float:
        return math.exp(self.slope_high)

    @property
    def direction(self) -> str:
        return "decline" if self.slope < 0 else "growth"

    @property
    def decline_x_per_year(self) -> tuple[float, float, float]:
        """(central, low, high) of 'falls N x per year' = 1 / factor; bounds swap."""
        return (1 / self.factor_per_year, 1 / self.factor_high, 1 / self.factor_low)

    @property
    def halving_or_doubling_years(self) -> tuple[float, float, float]:
        """(central, low, high) years to halve (decline) or double (growth).

        When the slope interval crosses zero the far bound is infinite: the data cannot
        rule out no trend at all.
        """

        def t(b: float) -> float:
            return math.inf if b == 0 else math.log(2) / abs(b)

        if self.slope_low < 0 < self.slope_high:
            ends = [t(self.slope_low), t(self.slope_high)]
            return (t(self.slope), min(ends), math.inf)
        ends = sorted([t(self.slope_low), t(self.slope_high)])
        return (t(self.slope), ends[0], ends[1])

    def predict_log(self, days: np.ndarray) -> np.ndarray:
        return self.intercept + self.slope * ((np.asarray(days, float) - self.t0_day) / DAYS_PER_YEAR)

    def summary(self) -> dict:
        """Plain values for tables and storage (no arrays)."""
        d = {k: v for k, v in asdict(self).items() if k not in ("slope_samples", "intercept_samples", "residuals")}
        hd = self.halving_or_doubling_years
        d.update(
            factor_per_year=self.factor_per_year,
            factor_low=self.factor_low,
            factor_high=self.factor_high,
            direction=self.direction,
            halving_or_doubling_years=hd[0],
            halving_or_doubling_low=hd[1],
            halving_or_doubling_high=hd[2],
        )
        return d


def _check_inputs(days: np.ndarray, values: np.ndarray, what: str = "value") -> None:
    if days.shape != values.shape:
        raise FitRefused(f"dates ({days.size}) and {what}s ({values.size}) differ in length")
    n = days.size
    if n < MIN_POINTS:
        raise FitRefused(f"need at least {MIN_POINTS} points for a trend with an interval, got {n}")
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise FitRefused(f"every {what} must be positive and finite to take its log")
    if np.unique(days).size < 2:
        raise FitRefused("all points share one date: no time trend can be fitted")
    span = days.max() - days.min()
    if span < MIN_SPAN_DAYS:
        raise FitRefused(f"the points span {span:.0f} days; a rate per year needs at least {MIN_SPAN_DAYS} days")


def _flags(days: np.ndarray) -> list[str]:
    span = (days.max() - days.min()) / DAYS_PER_YEAR
    return [FLAG_SHORT_SPAN] if span < 1.0 else []


def ols_line(x: np.ndarray, y: np.ndarray) -> dict:
    """OLS of y on x with its sufficient statistics (shared by every method here)."""
    n = x.size
    xm, ym = x.mean(), y.mean()
    sxx = float(((x - xm) ** 2).sum())
    b = float(((x - xm) * (y - ym)).sum() / sxx)
    a = ym - b * xm
    resid = y - (a + b * x)
    sse = float((resid**2).sum())
    sst = float(((y - ym) ** 2).sum())
    r2 = 1 - sse / sst if sst > 0 else float("nan")  # a flat series explains nothing
    s = math.sqrt(sse / (n - 2)) if n > 2 else float("nan")
    return dict(a=float(a), b=b, xm=float(xm), sxx=sxx, resid=resid, s=s, r2=float(r2), n=n)


def bootstrap_slopes(
    x: np.ndarray, y: np.ndarray, n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0, chunk: int = 2_000
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs bootstrap of the OLS line, vectorised: (slopes, intercepts) of every resample.

    Draws all indices of a chunk in one call and computes each resample's slope from
    centred sums, so the cost is a few passes over an (chunk x n) array rather than a
    Python loop. Resamples whose x values are all equal (possible with tiny n) have no
    slope; they come back as NaN and callers drop them.
    """
    rng = np.random.default_rng(seed)
    n = x.size
    xc = x - x.mean()  # centring keeps the sums well-conditioned
    yc = y - y.mean()
    slopes = np.empty(n_resamples)
    inters = np.empty(n_resamples)
    for start in range(0, n_resamples, chunk):
        m = min(chunk, n_resamples - start)
        idx = rng.integers(0, n, size=(m, n))
        X = xc[idx]
        Y = yc[idx]
        xm = X.mean(axis=1)
        ym = Y.mean(axis=1)
        sxy = np.einsum("ij,ij->i", X, Y) - n * xm * ym
        sxx = np.einsum("ij,ij->i", X, X) - n * xm * xm
        with np.errstate(divide="ignore", invalid="ignore"):
            b = np.where(sxx > 1e-12 * max(1.0, float(xc @ xc)), sxy / sxx, np.nan)
        slopes[start : start + m] = b
        inters[start : start + m] = (ym + y.mean()) - b * (xm + x.mean())
    return slopes, inters


def implausible_interval(slope_low: float, slope_high: float) -> bool:
    """True when an interval end lies beyond PLAUSIBLE_FACTOR_PER_YEAR (either way) or is
    not a number at all."""
    bound = math.log(PLAUSIBLE_FACTOR_PER_YEAR)
    return not (math.isfinite(slope_low) and math.isfinite(slope_high)) or max(abs(slope_low), abs(slope_high)) > bound


def _plausibility(fit: ExpFit) -> ExpFit:
    if implausible_interval(fit.slope_low, fit.slope_high) and FLAG_IMPLAUSIBLE_INTERVAL not in fit.flags:
        fit.flags = fit.flags + [FLAG_IMPLAUSIBLE_INTERVAL]
    return fit


def fit_exponential(
    dates: Sequence,
    values: Sequence[float],
    *,
    method: str = "ols",
    level: float = 0.9,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> ExpFit:
    """Fit log(value) = a + b * years. Raises FitRefused with the reason when it cannot.
    A fit whose interval reaches beyond PLAUSIBLE_FACTOR_PER_YEAR carries
    FLAG_IMPLAUSIBLE_INTERVAL."""
    return _plausibility(
        _fit_exponential(dates, values, method=method, level=level, n_resamples=n_resamples, seed=seed)
    )


def _fit_exponential(
    dates: Sequence, values: Sequence[float], *, method: str, level: float, n_resamples: int, seed: int
) -> ExpFit:
    if method not in METHODS:
        raise FitRefused(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if not 0 < level < 1:
        raise FitRefused(f"level must be between 0 and 1, got {level}")
    days = to_days(dates)
    vals = np.asarray(values, dtype=float)
    _check_inputs(days, vals)
    order = np.argsort(days, kind="stable")
    days, vals = days[order], vals[order]
    t0 = float(days.min())
    x = (days - t0) / DAYS_PER_YEAR
    y = np.log(vals)
    ols = ols_line(x, y)
    alpha = 1 - level
    flags = _flags(days)
    common = dict(
        n=int(days.size),
        date_start=from_days(days.min()),
        date_end=from_days(days.max()),
        span_years=float(x.max()),
        t0_day=t0,
        r2=ols["r2"],
        level=level,
        x_mean=ols["xm"],
        sxx=ols["sxx"],
        resid_sd=ols["s"],
        residuals=ols["resid"],
    )
    if method == "ols":
        se = ols["s"] / math.sqrt(ols["sxx"])
        from scipy import stats  # here, not at import: see the module docstring

        tq = stats.t.ppf(1 - alpha / 2, ols["n"] - 2)
        return ExpFit(
            method="ols",
            slope=ols["b"],
            intercept=ols["a"],
            slope_low=float(ols["b"] - tq * se),
            slope_high=float(ols["b"] + tq * se),
            seed=None,
            n_resamples=None,
            flags=flags,
            **common,
        )
    if method == "bootstrap":
        bs, bi = bootstrap_slopes(x, y, n_resamples=n_resamples, seed=seed)
        ok = np.isfinite(bs)
        if (~ok).any():
            flags = flags + [FLAG_DEGENERATE_RESAMPLES]
        lo, hi = np.quantile(bs[ok], [alpha / 2, 1 - alpha / 2])
        return ExpFit(
            method="bootstrap",
            slope=ols["b"],
            intercept=ols["a"],
            slope_low=float(lo),
            slope_high=float(hi),
            seed=seed,
            n_resamples=int(ok.sum()),
            flags=flags,
            slope_samples=bs[ok],
            intercept_samples=bi[ok],
            **common,
        )
    from scipy import stats  # here, not at import: see the module docstring

    res = stats.theilslopes(y, x, alpha=level, method="separate")
    b = float(res.slope)
    a = float(np.median(y - b * x))
    resid = y - (a + b * x)
    common["residuals"] = resid
    return ExpFit(
        method="theil-sen",
        slope=b,
        intercept=a,
        slope_low=float(res.low_slope),
        slope_high=float(res.high_slope),
        seed=None,
        n_resamples=None,
        flags=flags,
        **common,
    )


def _row_quantiles(samples: np.ndarray, q: list[float]) -> np.ndarray:
    """np.quantile(samples, q, axis=1) of a (dates x resamples) array, bit for bit; sorts
    each row of `samples` in place (callers pass arrays they made for this).

    Decisions: each row is sorted once and the two order statistics around each quantile
    are interpolated with numpy's own "linear" rule (virtual index (n - 1) q, then numpy's
    _lerp: a + (b - a) t, or b - (b - a)(1 - t) when t >= 0.5). np.quantile selects with a
    multi-pivot partition along the strided axis, about three times slower than this for
    10,000 resamples, and bootstrap bands were the largest cost of the trend steps. Rows
    holding NaN (which numpy answers with NaN) go to np.quantile itself. A numpy whose rule
    changed would fail tests/test_trend_fits.py, which compares the bands with np.quantile."""
    samples.sort(axis=1)
    if np.isnan(samples[:, -1]).any():  # NaN sorts last; a quantile ignores the row order
        return np.quantile(samples, q, axis=1)
    n = samples.shape[1]
    virtual = (n - 1) * np.asarray(q, dtype=float)
    below = np.floor(virtual).astype(np.intp)
    above = np.minimum(below + 1, n - 1)
    gamma = (virtual - below)[:, None]
    low, high = samples[:, below].T, samples[:, above].T
    diff = high - low
    return np.where(gamma >= 0.5, high - diff * (1 - gamma), low + diff * gamma)


def bands(fit: ExpFit, grid_days: np.ndarray, observed_days: tuple[float, float] | None = None) -> dict:
    """Fitted line, confidence band of the line and prediction band of a new point, on a grid.

    - ols: t-distribution formulas (n-2 df).
    - bootstrap: percentiles of the resampled lines (confidence) and of the resampled
      lines plus a resampled residual (prediction), with the same seed.
    - theil-sen: lines through the centre of the data at the slope interval's ends
      (confidence), and the fitted line plus empirical residual quantiles (prediction).
    Values are on the original scale. `extrapolated` is True outside the observed dates.
    """
    g = np.asarray(grid_days, dtype=float)
    xg = (g - fit.t0_day) / DAYS_PER_YEAR
    yhat = fit.intercept + fit.slope * xg
    alpha = 1 - fit.level
    if fit.method == "ols":
        from scipy import stats  # here, not at import: see the module docstring

        tq = stats.t.ppf(1 - alpha / 2, fit.n - 2)
        base = 1 / fit.n + (xg - fit.x_mean) ** 2 / fit.sxx
        half_c = tq * fit.resid_sd * np.sqrt(base)
        half_p = tq * fit.resid_sd * np.sqrt(1 + base)
        cl, ch, pl_, ph = yhat - half_c, yhat + half_c, yhat - half_p, yhat + half_p
    elif fit.method == "bootstrap":
        assert fit.intercept_samples is not None and fit.slope_samples is not None and fit.residuals is not None
        # one row per grid date, one column per resample (the transpose of the draw order)
        lines = fit.intercept_samples[None, :] + fit.slope_samples[None, :] * xg[:, None]
        rng = np.random.default_rng(fit.seed)
        scale = math.sqrt(fit.n / (fit.n - 2))  # residuals underestimate error spread
        # drawn (resample x date) as always, so the same seed gives the same noise
        noise = rng.choice(fit.residuals * scale, size=lines.shape[::-1], replace=True)
        noisy = np.add(lines, noise.T, order="C")
        cl, ch = _row_quantiles(lines, [alpha / 2, 1 - alpha / 2])  # sorts lines: noisy is made first
        pl_, ph = _row_quantiles(noisy, [alpha / 2, 1 - alpha / 2])
    else:
        lo_line = fit.intercept + fit.slope * fit.x_mean + fit.slope_low * (xg - fit.x_mean)
        hi_line = fit.intercept + fit.slope * fit.x_mean + fit.slope_high * (xg - fit.x_mean)
        cl, ch = np.minimum(lo_line, hi_line), np.maximum(lo_line, hi_line)
        assert fit.residuals is not None
        rq = np.quantile(fit.residuals, [alpha / 2, 1 - alpha / 2])
        pl_, ph = np.minimum(cl, yhat) + rq[0], np.maximum(ch, yhat) + rq[1]
    # a new point is never more predictable than the line: keep the prediction band around
    # the confidence band (resampled bands can cross it by Monte Carlo noise at small n)
    cl, ch = np.minimum(cl, yhat), np.maximum(ch, yhat)
    pl_, ph = np.minimum(pl_, cl), np.maximum(ph, ch)
    lo_d, hi_d = observed_days or (fit.t0_day, fit.t0_day + fit.span_years * DAYS_PER_YEAR)
    return dict(
        day=g,
        fitted=np.exp(yhat),
        conf_low=np.exp(cl),
        conf_high=np.exp(ch),
        pred_low=np.exp(pl_),
        pred_high=np.exp(ph),
        extrapolated=(g < lo_d - 0.5) | (g > hi_d + 0.5),
    )


@dataclass
class GrowthMultiple:
    """Multiple of the fitted value between two dates, with the slope's interval."""

    start: dt.date
    end: dt.date
    multiple: float
    low: float
    high: float
    level: float
    method: str
    extrapolated: bool


def growth_multiple(fit: ExpFit, start: dt.date, end: dt.date) -> GrowthMultiple:
    """exp(b * years) between `start` and `end`, interval from the slope's interval.

    Marked extrapolated when the window leaves the observed dates: the model then
    assumes the trend held where no data was seen.
    """
    years = (to_days([np.datetime64(end)])[0] - to_days([np.datetime64(start)])[0]) / DAYS_PER_YEAR
    ends = sorted([math.exp(fit.slope_low * years), math.exp(fit.slope_high * years)])
    lo_d = fit.t0_day
    hi_d = fit.t0_day + fit.span_years * DAYS_PER_YEAR
    s, e = to_days([np.datetime64(start), np.datetime64(end)])
    return GrowthMultiple(
        start=start,
        end=end,
        multiple=math.exp(fit.slope * years),
        low=ends[0],
        high=ends[1],
        level=fit.level,
        method=fit.method,
        extrapolated=bool(s < lo_d - 0.5 or e > hi_d + 0.5),
    )


@dataclass
class CurveChoice:
    """Exponential vs logistic on log(value), both reported; `chosen` has the lower AICc."""

    n: int
    aic_exponential: float
    aicc_exponential: float
    aic_logistic: float | None
    aicc_logistic: float | None
    chosen: str
    logistic_params: dict | None
    logistic_note: str | None


def _aic(rss: float, n: int, k: int) -> tuple[float, float]:
    """Gaussian AIC of a least-squares fit with k mean parameters (+1 for the variance)."""
    kk = k + 1
    aic = n * math.log(rss / n) + 2 * kk
    aicc = aic + (2 * kk * (kk + 1)) / (n - kk - 1) if n - kk - 1 > 0 else math.inf
    return aic, aicc


def choose_curve(dates: Sequence, values: Sequence[float]) -> CurveChoice:
    """Fit exponential and logistic to log(value); pick by AICc.

    Logistic: value = K / (1 + exp(-r (t - tm))). With few points the logistic often
    cannot be identified (its ceiling K runs off to infinity, which is the exponential);
    then its AIC is reported as None with the reason, and the exponential is chosen.
    """
    days = to_days(dates)
    vals = np.asarray(values, float)
    _check_inputs(days, vals)
    x = (days - days.min()) / DAYS_PER_YEAR
    y = np.log(vals)
    n = x.size
    ols = ols_line(x, y)
    rss_e = float((ols["resid"] ** 2).sum())
    aic_e, aicc_e = _aic(max(rss_e, 1e-300), n, 2)

    def logit(t, logk, r, tm):
        return logk - np.logaddexp(0.0, -r * (t - tm))

    p0 = [y.max() + 1.0, max(ols["b"], 0.1), x.mean()]
    note = None
    aic_l: float | None
    aicc_l: float | None
    params: dict | None
    from scipy import optimize  # here, not at import: see the module docstring

    try:
        popt, _ = optimize.curve_fit(logit, x, y, p0=p0, maxfev=20_000)
        rss_l = float(((y - logit(x, *popt)) ** 2).sum())
        aic_l, aicc_l = _aic(max(rss_l, 1e-300), n, 3)
        params = dict(
            ceiling=float(math.exp(popt[0])),
            rate_per_year=float(popt[1]),
            midpoint_day=float(days.min() + popt[2] * DAYS_PER_YEAR),
        )
        if popt[2] > x.max() + 5:
            note = "logistic midpoint far beyond the data: indistinguishable from exponential"
    except (RuntimeError, optimize.OptimizeWarning, ValueError) as exc:
        aic_l = aicc_l = None
        params = None
        note = f"logistic did not converge: {exc}"
    if aicc_l is not None and math.isinf(aicc_l):
        note = (
            f"too few points for the logistic's AICc (needs n > 5, got {n}); "
            "exponential kept, plain AIC reported for both"
        )
    chosen = "logistic" if aicc_l is not None and aicc_l < aicc_e else "exponential"
    return CurveChoice(
        n=n,
        aic_exponential=aic_e,
        aicc_exponential=aicc_e,
        aic_logistic=aic_l,
        aicc_logistic=aicc_l,
        chosen=chosen,
        logistic_params=params,
        logistic_note=note,
    )


@dataclass
class Elasticity:
    """log-log slope of quantity on price with its t interval. Correlation, not causation."""

    n: int
    elasticity: float
    low: float
    high: float
    level: float
    r2: float
    caveat: str = (
        "correlation, not causation: both series trend with time, so the slope "
        "mixes any price response with everything else that grew meanwhile"
    )


def elasticity(prices: Sequence[float], quantities: Sequence[float], level: float = 0.9) -> Elasticity:
    """Price elasticity as the OLS slope of log(quantity) on log(price), paired by date."""
    p = np.asarray(prices, float)
    q = np.asarray(quantities, float)
    if p.shape != q.shape:
        raise FitRefused("prices and quantities must be paired (same length)")
    if p.size < MIN_POINTS:
        raise FitRefused(f"need at least {MIN_POINTS} paired points, got {p.size}")
    if np.any(p <= 0) or np.any(q <= 0):
        raise FitRefused("prices and quantities must be positive to take logs")
    if np.unique(p).size < 2:
        raise FitRefused("price never changes: no elasticity can be estimated")
    o = ols_line(np.log(p), np.log(q))
    se = o["s"] / math.sqrt(o["sxx"])
    from scipy import stats  # here, not at import: see the module docstring

    tq = stats.t.ppf(1 - (1 - level) / 2, o["n"] - 2)
    return Elasticity(
        n=o["n"], elasticity=o["b"], low=float(o["b"] - tq * se), high=float(o["b"] + tq * se), level=level, r2=o["r2"]
    )


def fmt_multiple(x: float | None) -> str:
    """A multiple for people: 1,549 rather than 1.55e+03; 11.8; 0.0238."""
    if x is None or not math.isfinite(x):
        return "n/a" if x is None else ("inf" if x > 0 else "-inf")
    if abs(x) >= 1e6:  # 3.6e+157, not a 158-digit number
        return f"{x:.2g}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"
