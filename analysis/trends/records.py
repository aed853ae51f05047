"""Fits -> warehouse rows: `fit`, `fit_point`, `fit_band`, the fit's figure and its lineage.

A fit is stored as a figure of kind `fit` (`infernomics-derived/trend/<series>/<method>/rate`)
whose `figure_input` rows name every observation it used, so `infernomics audit` walks
from a fitted rate to the prices or token counts and on to their sources.
The figure's value reads the way people quote it: "falls N x per year" for a price or
cost series (metric `decline_factor_per_year` = 1 / exp(slope)), "grows N x per year" for
demand and FLOP/s per dollar (metric `growth_factor_per_year` = exp(slope)).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field

import numpy as np

from analysis.capability_price import CapabilityFit
from analysis.formulas import Formula
from analysis.formulas.trends import Rate
from analysis.trend import DAYS_PER_YEAR, ExpFit, bands
from analysis.trend import fmt_multiple as fm

DERIVED = "infernomics-derived"
BAND_POINTS = 60


@dataclass
class Point:
    """An observation shown with a fit; `used` False with a `note` when not fitted."""

    figure_id: str
    date: dt.date
    value: float
    used: bool = True
    label: str | None = None
    note: str | None = None
    extra_inputs: dict[str, str] = field(default_factory=dict)  # role -> figure id (scores)


@dataclass
class SeriesSpec:
    series: str  # e.g. demand/google_tokens_per_month
    label: str  # for people: "Google tokens processed per month"
    family: str  # capability_price, demand, token_price, gpu, benchmark
    value_unit: str  # unit of the fitted values
    expect: str  # decline (prices, costs) or growth (demand, FLOP/s per $)
    source_line: str  # under the chart


def fit_id(series: str, method: str) -> str:
    return f"trend/{series}/{method}"


def rate_figure_id(series: str, method: str) -> str:
    return f"{DERIVED}/{fit_id(series, method)}/rate"


def epoch_rate(line: ExpFit, epoch: CapabilityFit) -> Rate:
    """The rate of a capability-adjusted price fit: the factors of Epoch AI's own fit (365-day
    years, `capability_price_decline`, which `analysis.capability_price.fit_path` calls) as
    growth factors below 1, quoted as a decline; `line` (OLS on the same points) draws the bands."""
    return Rate(
        line,
        "epoch-ols",
        "decline",
        1 / epoch.factor_per_year,
        1 / epoch.factor_high,
        1 / epoch.factor_low,
    )


def band_grid(fit: ExpFit, n: int = BAND_POINTS) -> np.ndarray:
    lo = fit.t0_day
    hi = fit.t0_day + fit.span_years * DAYS_PER_YEAR
    return np.unique(np.round(np.linspace(lo, hi, n)))


def records(
    spec: SeriesSpec,
    rate: Rate,
    points: list[Point],
    *,
    formula: Formula,
    params: dict | None = None,
) -> dict[str, list[dict]]:
    """All rows for one fit. `rate` is what `formula` (the one the rate figure names)
    returned: its factors fill the fit row, its quoted value the figure, and its line
    (`rate.fit`) the bands."""
    fit = rate.fit
    method = rate.method
    fid = fit_id(spec.series, method)
    factor, f_low, f_high = rate.factor_per_year, rate.factor_low, rate.factor_high
    hd = fit.halving_or_doubling_years
    rid = rate_figure_id(spec.series, method)
    metric, value, v_low, v_high = rate.metric, rate.value, rate.low, rate.high
    if rate.expect != spec.expect:
        raise ValueError(f"{spec.series}: the rate is quoted as {rate.expect}, the series expects {spec.expect}")
    fit_row = dict(
        fit_id=fid,
        series=spec.series,
        series_label=spec.label,
        family=spec.family,
        method=method,
        level=fit.level,
        seed=fit.seed,
        n_resamples=fit.n_resamples,
        n=fit.n,
        date_start=fit.date_start,
        date_end=fit.date_end,
        span_years=fit.span_years,
        slope_per_year=math.log(factor),
        intercept=fit.intercept,
        factor_per_year=factor,
        factor_low=f_low,
        factor_high=f_high,
        r2=_finite(fit.r2),
        resid_sd=fit.resid_sd,
        direction="decline" if factor < 1 else "growth",
        halving_or_doubling_years=_finite(hd[0]),
        halving_or_doubling_low=_finite(hd[1]),
        halving_or_doubling_high=_finite(hd[2]),
        value_unit=spec.value_unit,
        flags=list(fit.flags),
        rate_figure_id=rid,
        params=json.dumps(params or {}, default=str, sort_keys=True),
        source_id=DERIVED,
    )
    used = [p for p in points if p.used]
    word = "falls" if metric.startswith("decline") else "grows"
    figure = dict(
        figure_id=rid,
        source_id=DERIVED,
        metric=metric,
        entity_kind="trend_series",
        entity=spec.series,
        value=value,
        unit="x per year",
        bound="=",
        value_low=v_low,
        value_high=v_high,
        as_of=fit.date_end,
        period_start=fit.date_start,
        period_end=fit.date_end,
        locator=fid,
        kind="fit",
        verification="unverified",
        formula=formula.key,
        qualifier=(
            f"{spec.label}: {word} {fm(value)}x per year, {fit.level:.0%} interval "
            f"[{fm(v_low)}, {fm(v_high)}]; {method}, n={fit.n}, R2={fit.r2:.2f}"
            + (f", seed {fit.seed}, {fit.n_resamples} resamples" if fit.seed is not None else "")
            + (f"; flags: {', '.join(fit.flags)}" if fit.flags else "")
        ),
        notes="Fitted by infernomics from the observations in figure_input (role observation).",
    )
    lineage = [dict(figure_id=rid, input_figure_id=p.figure_id, role="observation") for p in used]
    for p in used:
        lineage += [dict(figure_id=rid, input_figure_id=fig, role=role) for role, fig in p.extra_inputs.items()]
    point_rows = [
        dict(
            fit_id=fid,
            input_figure_id=p.figure_id,
            obs_date=p.date,
            value=p.value,
            used=p.used,
            label=p.label,
            note=p.note,
        )
        for p in points
    ]
    b = bands(fit, band_grid(fit))
    # whole columns to Python at once (tolist gives the same floats, bools and dates as
    # float(), bool() and from_days() per value; band_grid's days are whole numbers)
    band_dates = np.rint(b["day"]).astype(np.int64).astype("datetime64[D]").tolist()
    band_rows = [
        dict(
            fit_id=fid,
            band_date=d,
            fitted=f,
            conf_low=cl,
            conf_high=ch,
            pred_low=pl_,
            pred_high=ph,
            extrapolated=ex,
        )
        for d, f, cl, ch, pl_, ph, ex in zip(
            band_dates,
            *(b[k].tolist() for k in ("fitted", "conf_low", "conf_high", "pred_low", "pred_high", "extrapolated")),
        )
    ]
    return dict(
        fit=[fit_row], fit_point=point_rows, fit_band=band_rows, figure=[figure], figure_input=unique_lineage(lineage)
    )


def _finite(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def unique_lineage(rows: list[dict]) -> list[dict]:
    """`figure_input` rows without repeats (same figure, role and input), first kept."""
    seen, out = set(), []
    for r in rows:
        k = (r["figure_id"], r["role"], r["input_figure_id"])
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


def merge(batches: list[dict[str, list[dict]]]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for b in batches:
        for k, rows in b.items():
            out.setdefault(k, []).extend(rows)
    return out
