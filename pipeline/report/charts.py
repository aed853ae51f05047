"""The report's charts that are not one stored series: each page's headline and the
`EXTRA_CHARTS` (2026 capability paths, demand curves). Each `build(data)` returns the
chart (an `analysis.svg.Chart`), its points with figure ids, and a caption, or None when
there is nothing to draw. Add a `Chart` to `EXTRA_CHARTS` to add one: it is drawn, saved
with its CSV and linked from its page and the contents.

Decisions:
- Capability-adjusted price through 2026 (fit family `capability_price_2026`, six
  variants) shares the capability page with Epoch's 2025 fits but never mixes with them:
  the 2025 headline reads family `capability_price` only; the 2026 charts are
  `EXTRA_CHARTS`, one per benchmark and reasoning choice for the variants the fits mark
  for charting (params `chart`, the cheapest-provider ones).
- A demand curve (table `demand_curve`, the `selected` one per quantity series) is an
  extra chart of the demand page, drawn log-log and labelled an association.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from analysis import plots, svg
from pipeline.report.data import (
    CAPABILITY_2026,
    CAPABILITY_2026_BENCHMARKS,
    DEMAND_CURVE_QUANTITIES,
    ReportData,
    _capability_paths,
    _epoch_rows,
    _line,
    _points_csv,
)
from pipeline.report.text import (
    _excluded_label,
    _quantity_name,
    _rate,
    _source_line,
    _threshold_name,
    _tier_name,
    _y_label,
)


@dataclass(frozen=True)
class Chart:
    """A chart that is not one stored series. `build(data)` returns (`analysis.svg.Chart`,
    the plotted points as a frame with figure ids, a caption) or None when there is
    nothing to draw; `page` is the page key it belongs to."""

    name: str
    page: str
    title: str
    build: Callable[[ReportData], tuple | None]


def _capability_headline(d: ReportData):
    rows = _epoch_rows(d)
    if not rows:
        return None
    lines = [_line(d, r, json.loads(r["params"])["benchmark"]) for r in rows]
    fig = plots.lines_figure(
        lines,
        title="Price to reach each capability threshold (cheapest model at or above it), every threshold",
        y_label="USD per million tokens (blended 3:1)",
        legend_title="benchmark (one line per threshold)",
        source_line="Data: Epoch AI, LLM inference price trends (2025), CC BY 4.0. Fit: infernomics, Epoch's "
        "method (OLS of log10 price on date).",
    )
    return fig, _points_csv(d, rows), f"{len(rows)} thresholds; one line per threshold, coloured by benchmark."


def _token_headline(d: ReportData):
    tiers = [r for r in d.main_fits("token_price").iter_rows(named=True) if "/tier/" in r["series"]]
    if not tiers:
        return None
    fig = plots.lines_figure(
        [_line(d, r, f"cheapest with {_tier_name(r['series'])}") for r in tiers],
        title="The token-price frontier: cheapest model per capability tier",
        y_label="USD per million tokens (blended 3:1)",
        source_line="Data: stored token prices (provider pages, genai-prices, Epoch AI); MMLU tiers from Epoch AI. "
        "Fit: infernomics, OLS of log price on date.",
    )
    return fig, _points_csv(d, tiers), "Each point is the cheapest standard list price in the tier on that date."


def _gpu_headline(d: ReportData):
    wanted = ["h100-sxm", "h100-pcie", "a100-sxm-80gb", "a100-sxm-40gb", "rtx-4090"]
    by = {r["series"]: r for r in d.main_fits("gpu").iter_rows(named=True)}
    rows = [by[f"gpu/rental/{g}/on-demand"] for g in wanted if f"gpu/rental/{g}/on-demand" in by]
    if not rows:
        return None
    fig = plots.lines_figure(
        [_line(d, r, r["series"].split("/")[2]) for r in rows],
        title="On-demand GPU rental price per GPU-hour",
        y_label="USD per GPU-hour",
        source_line="Data: Epoch AI ML hardware prices (CC BY 4.0) and provider pages. "
        "Fit: infernomics, OLS of log price on date.",
    )
    return fig, _points_csv(d, rows), "Each point is one provider's listed on-demand price on a date."


def _demand_headline(d: ReportData):
    fam = {r["series"]: r for r in d.main_fits("demand").iter_rows(named=True)}
    rows = [
        fam[s]
        for s in ("demand/openrouter_weekly_scrape", "demand/google_tokens_per_month", "demand/doubao_tokens_per_day")
        if s in fam
    ]
    if not rows:
        return None
    fig = plots.lines_figure(
        [_line(d, r, r["series_label"]) for r in rows],
        title="Tokens processed: OpenRouter, Google, Doubao",
        y_label="tokens per week, month or day",
        source_line="Data: OpenRouter rankings scrape; Google and ByteDance statements as cited (see the demand page). "
        "Fit: infernomics, OLS of log volume on date.",
    )
    return fig, _points_csv(d, rows), "Different periods (week, month, day): compare slopes, not levels."


def _claims_headline(d: ReportData):
    forest, rows = [], []
    for r in d.claims.iter_rows(named=True):
        if r["verdict"] != "not testable" and r["claim_bound"] != "range":
            forest.append(
                dict(
                    label=r["check_id"],
                    claimed=r["claimed_multiple"],
                    estimate=r["data_multiple"],
                    low=r["data_low"],
                    high=r["data_high"],
                    verdict=r["verdict"],
                    bound=r["claim_bound"],
                    claimed_low=r["claimed_low"],
                    claimed_high=r["claimed_high"],
                    n_measures=r["n_measures"],
                )
            )
            rows.append(
                dict(
                    check_id=r["check_id"],
                    verdict=r["verdict"],
                    claim_bound=r["claim_bound"],
                    claimed_multiple=r["claimed_multiple"],
                    claimed_low=r["claimed_low"],
                    claimed_high=r["claimed_high"],
                    data_multiple=r["data_multiple"],
                    data_low=r["data_low"],
                    data_high=r["data_high"],
                    n_measures=r["n_measures"],
                    window_start=r["window_start"],
                    window_end=r["window_end"],
                    figure_id=r["claim_figure_id"],
                    check_figure_id=r["check_figure_id"],
                )
            )
    if not forest:
        return None
    fig = plots.claims_figure(
        forest,
        source_line=(
            "Claims: cited figures in the warehouse (see table). Data: stored fits' 90% intervals over each "
            "claim's window (Epoch AI data, OpenRouter scrape)."
        ),
    )
    return (
        fig,
        pl.DataFrame(rows),
        (
            "Claimed multiple (red) beside what the stored data say (blue: a fit's 90% "
            "interval, or the range of a claim's measures)."
        ),
    )


def _capability_2026_chart(benchmark: str, reasoning: str) -> Callable[[ReportData], tuple | None]:
    """The chart of one benchmark's 2026 thresholds for the charted variant with this reasoning choice."""

    def build(d: ReportData):
        rows = [
            r
            for r in _epoch_rows(d, CAPABILITY_2026)
            if (p := json.loads(r["params"])).get("chart")
            and p["benchmark"] == benchmark
            and p["reasoning"] == reasoning
        ]
        if not rows:
            return None
        p = json.loads(rows[0]["params"])
        fig = plots.capability_figure(p["chart"], _capability_paths(rows, d), source_line=p["source_line"])
        caption = (
            f"{benchmark}: {len(rows)} thresholds, {min(r['date_start'] for r in rows)} to "
            f"{max(r['date_end'] for r in rows)}; {p['variant']}."
        )
        return fig, _points_csv(d, rows), caption

    return build


def _demand_curve_chart(quantity_series: str) -> Callable[[ReportData], tuple | None]:
    """The selected demand curve of one quantity series (table demand_curve), drawn log-log."""

    def build(d: ReportData):
        g = d.curves.filter(pl.col("quantity_series") == quantity_series)
        if g.is_empty():
            return None
        r = g.row(0, named=True)
        fig = plots.demand_curve_figure(
            g["price"].to_list(),
            g["quantity"].to_list(),
            slope=r["slope"],
            slope_low=r["slope_low"],
            slope_high=r["slope_high"],
            level=r["level"],
            point_labels=[f"{day} {lab}" for day, lab in zip(g["obs_date"], g["price_label"])],
            title=f"Demand curve: {_quantity_name(quantity_series)} against the capability-adjusted price "
            f"({r['price_series']})",
            x_label="capability-adjusted price, USD per million tokens (blended 3:1)",
            y_label="tokens per week" if "weekly" in quantity_series else "tokens per month",
            source_line=f"Quantity and price at matching dates; figure {r['curve_figure_id']} (audit for every "
            f"input). {r['caveat']}.",
        )
        points = g.select(
            "curve_id",
            "obs_date",
            "quantity",
            pl.col("quantity_figure_id").alias("figure_id"),
            "price",
            "price_figure_id",
            "price_label",
            "curve_figure_id",
        )
        # the curve id (one long path) is in the CSV and the chart, not the caption: it would not wrap on a phone
        caption = (
            f"Price: {_threshold_name(r['price_series'])}. Log-log slope {r['slope']:.2f} [{r['slope_low']:.2f}, "
            f"{r['slope_high']:.2f}] ({r['level']:.0%} bootstrap), n={r['n']}; {r['caveat']}."
        )
        return fig, points, caption

    return build


def series_chart(series: str, fit: dict, d: ReportData) -> svg.Chart:
    """One stored series: its fitted points, the hollow shown-not-fitted ones, the fit's
    line and bands; points labelled (model names) where the family names its points."""
    pts = d.points_of(fit["fit_id"])
    # the fitted and the shown-not-fitted points split in Python: two filters per chart were
    # ~150 polars queries per report for a few dozen rows each
    cols = {c: pts[c].to_list() for c in ("obs_date", "value", "used", "label", "note")}
    used = {c: [v for v, u in zip(vals, cols["used"]) if u is True] for c, vals in cols.items()}
    unused = {c: [v for v, u in zip(vals, cols["used"]) if u is False] for c, vals in cols.items()}
    b = d.band_of(fit["fit_id"])
    band = {
        "day": b["band_date"].to_list(),
        **{c: b[c].to_list() for c in ("fitted", "conf_low", "conf_high", "pred_low", "pred_high", "extrapolated")},
    }
    labelled = fit["family"] in ("capability_price", "token_price") or series == "gpu/bf16_tflops_per_usd"
    return plots.band_figure(
        used["obs_date"],
        used["value"],
        band if b.height else None,
        title=fit["series_label"],
        y_label=_y_label(fit["value_unit"]),
        source_line=_source_line(pts, fit),
        fit_label=f"{fit['method']} fit: {_rate(fit)}",
        level=fit["level"],
        point_labels=used["label"] if labelled else None,
        excluded=(unused["obs_date"], unused["value"], unused["label"] if labelled else None)
        if unused["used"]
        else None,
        excluded_label=_excluded_label(unused["note"]),
    )


def capability_benchmark_charts(fam: pl.DataFrame, d: ReportData) -> list[tuple[str, svg.Chart, pl.DataFrame, int]]:
    """(benchmark, Epoch-style chart of its thresholds, their points, number of thresholds)
    for each benchmark of Epoch's 2025 threshold fits in `fam`."""
    fits_of: dict[str, list[dict]] = {}
    for r in fam.filter(pl.col("method") == "epoch-ols").iter_rows(named=True):
        p = json.loads(r["params"])
        if not p.get("claim_defined"):
            fits_of.setdefault(p["benchmark"], []).append(r)
    out = []
    for bench, rows in fits_of.items():
        paths = _capability_paths(rows, d)
        chart = plots.capability_figure(
            bench,
            paths,
            source_line=(
                "Data: Epoch AI, LLM inference price trends (2025), CC BY 4.0; prices from Artificial Analysis "
                "and Epoch AI. Fit: infernomics, Epoch's method (OLS of log10 price on date, 90% t interval)."
            ),
        )
        out.append((bench, chart, _points_csv(d, rows), len(paths)))
    return out


HEADLINES: list[Chart] = [
    Chart("claims", "claims", "Cited claims vs what the stored data says", _claims_headline),
    Chart("headline-capability", "capability_price", "Every capability threshold on one chart", _capability_headline),
    Chart("headline-token-price", "token_price", "The token-price frontier", _token_headline),
    Chart("headline-gpu", "gpu", "GPU $/hour", _gpu_headline),
    Chart("headline-demand", "demand", "Demand", _demand_headline),
]


#: Further charts that are not one stored series: append a `Chart(name, page, title, build)`.
EXTRA_CHARTS: list[Chart] = [
    *(
        Chart(
            f"capability-2026-{re.sub(r'[^a-z0-9]+', '-', bench.lower())}-reasoning-{reasoning}",
            "capability_price",
            f"{bench}, data through 2026 (reasoning models {reasoning}, cheapest provider)",
            _capability_2026_chart(bench, reasoning),
        )
        for bench in CAPABILITY_2026_BENCHMARKS
        for reasoning in ("excluded", "included")
    ),
    *(
        Chart(
            f"demand-curve-{q.removeprefix('demand/').replace('_', '-')}",
            "demand",
            f"Demand curve (association): {_quantity_name(q)} against the capability-adjusted price",
            _demand_curve_chart(q),
        )
        for q in DEMAND_CURVE_QUANTITIES
    ),
]
