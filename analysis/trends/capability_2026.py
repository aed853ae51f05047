"""Capability-adjusted price with data through 2026: Epoch's method on the Benchmarking Hub's
scores and the stored price history, in six named variants (analysis.capability_price).

Decisions:
- Series `capability_price_2026/<variant>/<benchmark>/ge-<score>` in fit family
  `capability_price_2026`, kept apart from the reproduced 2025 fits (family
  `capability_price`) so the 21 Epoch fits and the checks built on them never change.
- Every path is stored in `capability_path`, fitted or not: a threshold with 3 kept points
  has no trend with an interval, but its price at two dates is still a measure a claim
  check can use (table `claim_measure`).
- A fit's inputs are each kept point's price figure (role observation; the median's other
  providers as `price_component`) and its score figure (role score), so `audit` walks a
  2026 rate to the LiteLLM release or models.dev commit each price came from.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from analysis import capability_price as cp
from analysis import trend
from analysis.formulas.trends import capability_price_decline
from analysis.trends.records import Point, SeriesSpec, epoch_rate, records

FAMILY = "capability_price_2026"
SOURCE_LINE = (
    "Data: Epoch AI, AI Benchmarking Hub (CC BY 4.0; scores and release dates); prices: the "
    "infernomics token_price history (LiteLLM releases, models.dev, cited pages; each point's source "
    "in audit). Fit: infernomics, Epoch AI's method (OLS of log10 price on date, 90% t interval)."
)


def series_id(variant: cp.Variant, benchmark: str, lower: float) -> str:
    return f"{FAMILY}/{variant.slug}/{cp.HUB_BENCHMARKS[benchmark].replace('_', '-')}/ge-{lower:.4g}"


def build(
    scores: pl.DataFrame, intervals: pl.DataFrame, as_of: dt.date | None = None
) -> tuple[list[dict], list[dict], list[tuple[str, str, int]]]:
    """(fit record batches, capability_path rows, refusals) for every variant and threshold."""
    batches, path_rows, refused = [], [], []
    steps = {basis: cp.price_steps(intervals, basis) for basis in cp.PRICE_BASES}
    for variant in cp.VARIANTS:
        obs = cp.hub_observations(scores, intervals, variant, as_of=as_of, steps=steps[variant.price])
        versions: dict[str, dict[str, str]] = {}  # benchmark -> obs_id -> its first row's version
        for hp in cp.hub_paths(obs, variant):
            th, bench = hp.threshold, hp.threshold.benchmark
            series = series_id(variant, bench, th.lower)
            if bench not in versions:
                versions[bench] = {}
                for oid, v in zip(obs["obs_id"].to_list(), obs[f"{bench}|version"].to_list()):
                    versions[bench].setdefault(oid, v)
            version = versions[bench][th.obs_id]
            kept = hp.path  # the path rows, also the fit's points
            for r in kept:
                path_rows.append(
                    dict(
                        series=series,
                        variant=variant.slug,
                        reasoning=variant.reasoning,
                        price_basis=variant.price,
                        benchmark=bench,
                        lower=th.lower,
                        threshold_model=th.model,
                        threshold_version=version,
                        obs_id=r["obs_id"],
                        obs_date=r["release_date"],
                        model=r["model"],
                        model_version=r[f"{bench}|version"],
                        model_key=r["model_key"],
                        provider=r["provider"],
                        price_usd_per_mtok=r["price_usd_per_mtok"],
                        price_figure_ids=r["price_figure_ids"],
                        score=r[bench],
                        score_figure_id=r[f"{bench}|figure"],
                        date_note=r["date_note"],
                        fitted=hp.fit is not None,
                    )
                )
            if hp.fit is None:
                refused.append(
                    (
                        series,
                        f"need at least {cp.MIN_KEPT} kept points on the cheapest-so-far path, got {len(hp.path)}",
                        len(hp.path),
                    )
                )
                continue
            try:
                batches.append(_records(variant, th, version, hp, kept))
            except trend.FitRefused as why:  # e.g. four price cuts within a few weeks
                refused.append((series, str(why), len(hp.path)))
                for r in path_rows[-len(hp.path) :]:
                    r["fitted"] = False
    return batches, path_rows, refused


def _records(variant: cp.Variant, th: cp.Threshold, version: str, hp: cp.HubPath, kept: list[dict]) -> dict:
    fit, bench = hp.fit, th.benchmark
    assert fit is not None  # build() refuses a path without a fit before it gets here
    upper = "" if th.upper is None else f" (below {th.upper:g})"
    spec = SeriesSpec(
        series=series_id(variant, bench, th.lower),
        label=(f"Cheapest price at {bench} >= {th.lower:.4g}{upper}, threshold set by {version}; {variant.label}"),
        family=FAMILY,
        value_unit="USD/Mtok",
        expect="decline",
        source_line=SOURCE_LINE,
    )
    pts, used = [], set()
    for r in kept:  # hp.path's rows
        # a median's figures lead with the rows that set it; a point must cite a figure no
        # earlier point of the path cites (two medians can share their nearest row)
        figs = r["price_figure_ids"]
        lead = next((f for f in figs if f not in used), figs[0])
        used.add(lead)
        extra = {"score": r[f"{bench}|figure"]}
        extra |= {f"price_component_{i}": f for i, f in enumerate([f for f in figs if f != lead], 1)}
        pts.append(
            Point(
                figure_id=lead,
                date=r["release_date"],
                value=r["price_usd_per_mtok"],
                label=f"{r[f'{bench}|version']} ({r['provider']})",
                note=r["date_note"],
                extra_inputs=extra,
            )
        )
    line = trend.fit_exponential([p.date for p in pts], [p.value for p in pts], method="ols", level=fit.level)
    line.flags = list(fit.flags) + sorted({"late_first_price"} & {p.note for p in pts})
    params = dict(
        benchmark=bench,
        variant=variant.slug,
        reasoning=variant.reasoning,
        price_basis=variant.price,
        headline=variant == cp.HEADLINE,
        threshold_model=th.model,
        # the report's capability overview draws one chart per `chart` title; "" = not charted
        chart=(f"{bench}, data through 2026 ({variant.label})" if variant.price == "cheapest" else ""),
        source_line=SOURCE_LINE,
        threshold_version=version,
        lower=th.lower,
        upper=th.upper,
        claim_defined=False,
        epoch_factor_per_year=fit.factor_per_year,
        epoch_factor_low=fit.factor_low,
        epoch_factor_high=fit.factor_high,
        threshold_obs_id=th.obs_id,
    )
    return records(spec, epoch_rate(line, fit), pts, formula=capability_price_decline, params=params)
