"""`infernomics report`: a static, offline website of every fit, chart and claim check.

Decisions:
- Built for a reader, on the model of Epoch AI's data insights and Our World in Data's
  chart pages: a landing page with one headline chart per family and a one-line takeaway
  computed from the stored fits (never typed), then one page per family with a table of
  contents, the fit table and a section per series. Every number still links to its
  source and every rate names the figure `infernomics audit` walks.
- Declarative: `PAGES` lists the pages in reading order with their takeaway, `HEADLINES`
  the landing-page charts, `EXTRA_CHARTS` charts that are not one stored series (add a
  `Chart` there to add one: it is drawn, saved with its CSV and linked from its page and
  the contents). Each series of `latest_fits` gets its section without being listed.
- Every chart is a PNG (shown, `loading=lazy` with its size given so the page does not
  jump), an SVG (linked) and a CSV of the plotted points with their figure ids, beside it
  under `charts/`. No script and no web font: the report works from a file:// folder, a
  plain web server, or an artefact store, with no network.
- Numbers for people: $ for prices, K/M/B/T for tokens and users, multiples written
  1,549x or 1.2e+158x rather than 158 digits, and windows that say "no window stated".
- Capability-adjusted price through 2026 (fit family `capability_price_2026`, six variants)
  shares the capability page with Epoch's 2025 fits but never mixes with them: the 2025
  takeaway, headline and per-benchmark charts read family `capability_price` only; the
  2026 charts are `EXTRA_CHARTS`, one per benchmark and reasoning choice for the variants
  the fits mark for charting (params `chart`, the cheapest-provider ones).
- A demand curve (table `demand_curve`, the `selected` one per quantity series) is an
  extra chart of the demand page, and the landing page's demand takeaway quotes it with its
  interval, labelled an association.
- The builder takes a read-only connection and an output folder and imports no Dagster,
  so the CLI and the Dagster asset `report/site` (pipeline/defs/report/) share it.
- Rendering is 80% of a build (PNG + SVG of ~90 charts), and most charts do not change
  between two builds. Each chart gets a render key: the sha256 of the pickled matplotlib
  Figure (every artist, datum, label and style in it) plus the matplotlib version and
  the source of `analysis/plots.py` (the renderer). The keys are kept in
  `charts/.render-keys.json`; a rebuild over an earlier report copies the PNG and SVG of
  a chart whose key is unchanged instead of drawing them again. HTML and CSV are always
  written anew (cheap). A changed point, band, caption or plotting rule changes the key.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import html
import json
import math
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import polars as pl

from pipeline.cli.common import Progress, UserError, add_command, warehouse_from
from warehouse import query_frame

FITS_SQL = "SELECT * FROM latest_fits ORDER BY family, series, method"
# a derived point (an OpenRouter weekly total) is shown with the source of its inputs
POINTS_SQL = """
WITH upstream AS (
    SELECT i.figure_id, min(f.source_id) AS source_id
    FROM figure_input i JOIN figure f ON f.figure_id = i.input_figure_id GROUP BY i.figure_id
)
SELECT p.fit_id, p.input_figure_id, p.obs_date, p.value, p.used, p.label, p.note,
       s.source_id, s.title AS source_title, s.publisher, s.url, s.source_class, v.quote, v.locator, v.unit
FROM fit_point p JOIN figure_provenance v ON v.figure_id = p.input_figure_id
LEFT JOIN upstream u ON u.figure_id = p.input_figure_id AND v.kind = 'derived'
LEFT JOIN source s ON s.source_id = coalesce(u.source_id, v.source_id)
WHERE list_contains(?, p.fit_id) ORDER BY p.fit_id, p.obs_date
"""
BANDS_SQL = "SELECT * FROM fit_band WHERE list_contains(?, fit_id) ORDER BY fit_id, band_date"
CLAIMS_SQL = """
SELECT c.*, v.value AS claim_value, v.unit AS claim_unit, v.quote AS claim_quote, v.url AS claim_url,
       v.source_title AS claim_source, v.source_class AS claim_class, v.page AS claim_page,
       v.source_id AS claim_source_id, k.independent_sources, k.primary_sources, k.copy_sources,
       k.secondary_sources, k.agreement AS corroboration, k.differences_named
FROM claim_check c LEFT JOIN figure_provenance v ON v.figure_id = c.claim_figure_id
LEFT JOIN claim_corroboration k ON k.figure_id = c.claim_figure_id
ORDER BY c.verdict, c.check_id
"""
CURVES_SQL = """
SELECT c.*, p.obs_date, p.quantity, p.price, p.price_label, p.quantity_figure_id, p.price_figure_id
FROM demand_curve c JOIN demand_curve_point p USING (curve_id) WHERE c.selected ORDER BY curve_id, obs_date
"""
CAPABILITY_2026 = "capability_price_2026"
#: the benchmarks of the 2026 capability fits (analysis.capability_price.HUB_BENCHMARKS; a test keeps them equal)
CAPABILITY_2026_BENCHMARKS = (
    "GPQA Diamond",
    "SWE-bench Verified",
    "MATH Level 5",
    "ECI",
    "Artificial Analysis Coding Index",
)
#: the quantity series a demand curve is drawn for (analysis.trends.demand_curve_series.quantity_series)
DEMAND_CURVE_QUANTITIES = ("demand/openrouter_weekly_scrape", "demand/google_tokens_per_month")
FAMILY_TITLES = {
    "capability_price": "Capability-adjusted LLM price (Epoch AI's method)",
    "token_price": "Token prices of fixed models and of the cheapest model per tier",
    "gpu": "GPU cost: $/GPU-hour and FLOP/s per dollar",
    "benchmark": "Cost per million tokens from measured benchmarks",
    "demand": "Demand",
}
#: written into every report folder: the only kind of folder `publish_report` replaces
MARKER = ".infernomics-report"
CSS = """*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;
margin:0 auto;padding:0 1em 3em;color:#222;line-height:1.45}a{color:#1f5fa8}
nav.top{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.5em 0;font-size:.9em;z-index:1;
display:flex;flex-wrap:wrap;gap:.2em 1em}nav.top a{white-space:nowrap}nav.top a.here{font-weight:700;color:#222;text-decoration:none}
h1{font-size:1.7em;margin:.6em 0 .2em}h2{border-bottom:2px solid #1f5fa8;padding-bottom:3px;margin-top:2em}
h3{margin-top:1.8em}.takeaway{font-size:1.12em;margin:.3em 0 .6em}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:1.4em}
.card{border:1px solid #ddd;border-radius:6px;padding:.2em 1em 1em}.card h2{border:0;margin-top:.6em;font-size:1.25em}
figure{margin:.6em 0}img{max-width:100%;height:auto;border:1px solid #eee}figcaption{font-size:.8em;color:#555}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top}th{background:#f2f2f2;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.consistent{color:#1a7f37;font-weight:600}.inconsistent{color:#b42318;font-weight:600}
.not-testable{color:#8a6d00;font-weight:600}.small{font-size:.8em;color:#555}code{font-size:.9em;word-break:break-all}
.toc{columns:2 18em;font-size:.9em}.toc li{break-inside:avoid}
@media (max-width:600px){body{padding:0 .6em 2em}h1{font-size:1.35em}table{font-size:.78em}}"""


# ---------------------------------------------------------------- data and declarations


@dataclass
class ReportData:
    """Everything the pages draw, read once from the warehouse."""

    fits: pl.DataFrame
    points: pl.DataFrame
    bands: pl.DataFrame
    claims: pl.DataFrame
    refusals: pl.DataFrame
    curves: pl.DataFrame
    url_of: dict
    source: str
    generated: dt.datetime

    def main_fits(self, family: str) -> pl.DataFrame:
        """One row per series of `family`: the fit its charts show (see `_main_fit`)."""
        fam = self.fits.filter(pl.col("family") == family)
        rows = [_main_fit(fam.filter(pl.col("series") == s)) for s in fam["series"].unique(maintain_order=True)]
        return pl.DataFrame(rows, schema=fam.schema) if rows else fam


@dataclass(frozen=True)
class Chart:
    """A chart that is not one stored series. `build(data)` returns (matplotlib Figure,
    the plotted points as a frame with figure ids, a caption) or None when there is
    nothing to draw; `page` is the page key it belongs to."""

    name: str
    page: str
    title: str
    build: Callable[[ReportData], tuple | None]


@dataclass(frozen=True)
class Page:
    """One page of the site: key (file `KEY.html`, and the family in `latest_fits`), title,
    a one-line takeaway computed from the data, and the landing-page chart's name."""

    key: str
    title: str
    intro: str
    takeaway: Callable[[ReportData], str]
    headline: str | None = None


@dataclass
class Written:
    """What a build wrote (for the command's summary and the Dagster asset's metadata)."""

    out: Path
    pages: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    fits: int = 0
    series: int = 0
    claims: int = 0
    previous: Path | None = None  # charts/ of the report being replaced, if any
    previous_keys: dict[str, str] = field(default_factory=dict)
    render_keys: dict[str, str] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)

    def bytes(self, pattern: str = "**/*") -> int:
        return sum(p.stat().st_size for p in self.out.glob(pattern) if p.is_file())


# ---------------------------------------------------------------- number formats


def _plots():
    """matplotlib and scipy load only when a report is written, not at every CLI start."""
    from analysis import plots

    return plots


def fm(x) -> str:
    """A multiple for a page: 11.8, 1,549, 1.2e+158 (never a 158-digit integer), n/a."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if not math.isfinite(x):
        return "unbounded"
    if abs(x) >= 1e6:
        return f"{x:.2g}"
    from analysis.trend import fmt_multiple

    return fmt_multiple(x)


def _value(v: float | None, unit: str | None) -> str:
    """A point's value: $3.29 /GPU-hour, 25.7T tokens/week, 0.32 USD per ..."""
    if v is None:
        return ""
    unit = unit or ""
    plots = _plots()
    if unit.startswith("USD"):
        rest = unit[3:].lstrip("/ ")
        return f"{plots.usd(v)}{'/' + rest if rest else ''}"
    if "token" in unit or "users" in unit:
        return f"{plots.short_number(v)} {unit}"
    return f"{v:.4g} {unit}".strip()


def _pct_per_year(factor: float) -> str:
    change = (factor - 1) * 100
    return f"{change:+.0f}%/yr" if abs(change) >= 1 else f"{change:+.1f}%/yr"


def _rate(r: dict) -> str:
    if r["direction"] == "decline":
        return f"falls {fm(1 / r['factor_per_year'])}x/yr [{fm(1 / r['factor_high'])}, {fm(1 / r['factor_low'])}]"
    return f"grows {fm(r['factor_per_year'])}x/yr [{fm(r['factor_low'])}, {fm(r['factor_high'])}]"


def _window(start, end) -> str:
    if start and end:
        return f"{start} to {end}"
    if start or end:
        return f"from {start}" if start else f"until {end}"
    return "no window stated"


# ---------------------------------------------------------------- takeaways (computed)


def _epoch_rows(d: ReportData, family: str = "capability_price") -> list[dict]:
    """The threshold fits (method epoch-ols, not a claim's own definition) of one capability family."""
    return [
        r
        for r in d.fits.filter((pl.col("method") == "epoch-ols") & (pl.col("family") == family)).iter_rows(named=True)
        if not json.loads(r["params"] or "{}").get("claim_defined")
    ]


def _capability_takeaway(d: ReportData) -> str:
    rows = _epoch_rows(d)
    if not rows:
        return "No capability thresholds could be fitted."
    declines = sorted(1 / r["factor_per_year"] for r in rows)
    benches = {json.loads(r["params"])["benchmark"] for r in rows}
    start, end = min(r["date_start"] for r in rows), max(r["date_end"] for r in rows)
    text = (
        f"The price of reaching a fixed benchmark score fell a median {fm(statistics.median(declines))}x per "
        f"year across {len(rows)} thresholds on {len(benches)} benchmarks (from {fm(declines[0])}x to "
        f"{fm(declines[-1])}x; {start:%b %Y} to {end:%b %Y})."
    )
    recent = [r for r in _epoch_rows(d, CAPABILITY_2026) if json.loads(r["params"]).get("headline")]
    if recent:
        later = sorted(1 / r["factor_per_year"] for r in recent)
        p = json.loads(recent[0]["params"])
        label = f"reasoning models {p['reasoning']}, {p['price_basis'].replace('_', '-')} price"
        text += (
            f" With data through {max(r['date_end'] for r in recent):%b %Y} (Benchmarking Hub scores, {label}): "
            f"a median {fm(statistics.median(later))}x per year across {len(recent)} thresholds."
        )
    return text


def _token_takeaway(d: ReportData) -> str:
    tiers = [r for r in d.main_fits("token_price").iter_rows(named=True) if "/tier/" in r["series"]]
    if not tiers:
        return "No token-price series could be fitted."
    parts = [
        f"{fm(1 / r['factor_per_year'])}x cheaper a year at {_tier_name(r['series'])}"
        if r["direction"] == "decline"
        else f"{fm(r['factor_per_year'])}x dearer a year at {_tier_name(r['series'])}"
        for r in tiers
    ]
    return f"The cheapest model that reaches an MMLU tier: {'; '.join(parts)} (standard list prices)."


def _tier_name(series: str) -> str:
    m = re.search(r"mmlu-ge-(\d+)", series)
    return f"MMLU >= {m.group(1)}" if m else series


def _gpu_takeaway(d: ReportData) -> str:
    rentals = [
        r
        for r in d.main_fits("gpu").iter_rows(named=True)
        if r["series"].startswith("gpu/rental/") and r["series"].endswith("/on-demand")
    ]
    if not rentals:
        return "No GPU rental series could be fitted."
    median = statistics.median(r["factor_per_year"] for r in rentals)
    h100 = next((r for r in rentals if r["series"] == "gpu/rental/h100-sxm/on-demand"), None)
    tail = (
        (
            f"; H100 SXM {_pct_per_year(h100['factor_per_year'])} [{_pct_per_year(h100['factor_low'])}, "
            f"{_pct_per_year(h100['factor_high'])}] since {h100['date_start']:%b %Y}"
        )
        if h100
        else ""
    )
    return (
        f"On-demand GPU-hour prices changed a median {_pct_per_year(median)} across {len(rentals)} GPUs"
        f"{tail}: rental prices move far slower than token prices."
    )


def _demand_takeaway(d: ReportData) -> str:
    fam = {r["series"]: r for r in d.main_fits("demand").iter_rows(named=True)}
    lead = fam.get("demand/openrouter_weekly_scrape") or max(fam.values(), key=lambda r: r["n"], default=None)
    if lead is None:
        return "No demand series could be fitted."
    others = sorted((r for s, r in fam.items() if "tokens" in s and r is not lead), key=lambda r: -r["n"])[:2]
    more = "; ".join(f"{r['series_label']}: {fm(r['factor_per_year'])}x/yr" for r in others)
    return (
        f"{lead['series_label']} grew {fm(lead['factor_per_year'])}x per year [{fm(lead['factor_low'])}, "
        f"{fm(lead['factor_high'])}] over {lead['n']} observations to {lead['date_end']:%b %Y}"
        + (f"; {more}." if more else ".")
        + _demand_curve_sentence(d)
    )


def _demand_curve_sentence(d: ReportData) -> str:
    """The stored demand curve of the longest quantity series, with its interval (empty when none)."""
    if d.curves.is_empty():
        return ""
    r = max(d.curves.unique("curve_id").iter_rows(named=True), key=lambda c: (c["n"], c["curve_id"]))
    return (
        f" Against the capability-adjusted price, {_quantity_name(r['quantity_series'])} has a log-log slope of "
        f"{r['slope']:.2f} [{r['slope_low']:.2f}, {r['slope_high']:.2f}] over {r['n']} matched dates "
        f"({r['date_start']:%b %Y} to {r['date_end']:%b %Y}): an association, not a causal elasticity."
    )


def _threshold_name(price_series: str) -> str:
    """`capability_price_2026/reasoning-excluded/cheapest/gpqa-diamond/ge-60` as words a phone can wrap."""
    parts = price_series.split("/")
    if len(parts) != 5:
        return price_series.replace("/", " / ")
    _, reasoning, basis, bench, lower = parts
    return f"{bench} {lower.replace('ge-', '>= ')}, {reasoning.replace('-', ' ')}, {basis.replace('-', ' ')} provider"


def _quantity_name(series: str) -> str:
    return {
        "demand/openrouter_weekly_scrape": "OpenRouter's weekly tokens",
        "demand/google_tokens_per_month": "Google's tokens per month",
    }.get(series, series)


def _benchmark_takeaway(d: ReportData) -> str:
    fam = d.main_fits("benchmark")
    if fam.height:
        r = fam.row(0, named=True)
        return f"{r['series_label']}: {_rate(r)}."
    refused = d.refusals.filter(pl.col("family") == "benchmark")
    return (
        f"No measured-benchmark cost series has enough dated runs for a trend yet ({refused.height} looked at); "
        "the costs of each run are in the benchmark_run_stat view."
    )


def _claims_takeaway(d: ReportData) -> str:
    if d.claims.is_empty():
        return "No claim checks stored."
    counts = d.claims.group_by("verdict").len()
    n = dict(counts.iter_rows())
    return (
        f"Of {d.claims.height} cited claims about inference cost and demand, {n.get('consistent', 0)} agree with "
        f"the stored data, {n.get('inconsistent', 0)} do not, and {n.get('not testable', 0)} cannot be tested "
        "with it (each says why)."
    )


# ---------------------------------------------------------------- headline charts


def _line(d: ReportData, fit: dict, label: str, group: str | None = None) -> dict:
    pts = d.points.filter((pl.col("fit_id") == fit["fit_id"]) & pl.col("used"))
    b = d.bands.filter(pl.col("fit_id") == fit["fit_id"])
    return dict(
        label=label,
        group=group,
        dates=pts["obs_date"].to_list(),
        values=pts["value"].to_list(),
        fit_dates=b["band_date"].to_list(),
        fitted=b["fitted"].to_list(),
        extrapolated=b["extrapolated"].to_list(),
    )


def _points_csv(d: ReportData, fits: list[dict], series_column: str = "series") -> pl.DataFrame:
    """The plotted points of these fits, with the figure id and source of each."""
    ids = [f["fit_id"] for f in fits]
    label = {f["fit_id"]: f[series_column] for f in fits}
    return (
        d.points.filter(pl.col("fit_id").is_in(ids))
        .with_columns(pl.col("fit_id").replace_strict(label, default=None).alias("series"))
        .select(
            "series",
            "obs_date",
            "value",
            "unit",
            "used",
            "label",
            "note",
            pl.col("input_figure_id").alias("figure_id"),
            "source_id",
            "source_title",
            "url",
            "locator",
        )
    )


def _capability_headline(d: ReportData):
    rows = _epoch_rows(d)
    if not rows:
        return None
    lines = [_line(d, r, json.loads(r["params"])["benchmark"]) for r in rows]
    fig = _plots().lines_figure(
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
    fig = _plots().lines_figure(
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
    fig = _plots().lines_figure(
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
    fig = _plots().lines_figure(
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
    fig = _plots().claims_figure(
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


def _capability_paths(rows: list[dict], points: pl.DataFrame) -> list[dict]:
    """One `capability_figure` path per threshold fit: its kept points and its line."""
    paths = []
    for r in rows:
        p = json.loads(r["params"])
        pts = points.filter((pl.col("fit_id") == r["fit_id"]) & pl.col("used"))
        t0 = (r["date_start"] - dt.date(1970, 1, 1)).days
        slope_day = r["slope_per_year"] / math.log(10) / 365
        paths.append(
            dict(
                label=f">= {p['lower']:g} ({p['threshold_model']})",
                dates=pts["obs_date"].to_list(),
                prices=pts["value"].to_numpy(),
                slope_log10_per_day=slope_day,
                intercept_log10=r["intercept"] / math.log(10) - slope_day * t0,
                factor_per_year=p["epoch_factor_per_year"],
                factor_low=p["epoch_factor_low"],
                factor_high=p["epoch_factor_high"],
            )
        )
    return paths


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
        fig = _plots().capability_figure(p["chart"], _capability_paths(rows, d.points), source_line=p["source_line"])
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
        fig = _plots().demand_curve_figure(
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


PAGES: list[Page] = [
    Page(
        "claims",
        "Claims cross-check",
        "Each cited change over a period beside what the stored data say over the "
        "same window and series definition. Multiples are x cheaper (cost) or x more (demand) over the window, or "
        "per year where the claim is a rate.",
        _claims_takeaway,
        "claims",
    ),
    Page(
        "capability_price",
        FAMILY_TITLES["capability_price"],
        "The price of the cheapest model that reaches a "
        "benchmark score, over time: Epoch AI's capability-adjusted price, refitted here with its 90% intervals.",
        _capability_takeaway,
        "headline-capability",
    ),
    Page(
        "token_price",
        FAMILY_TITLES["token_price"],
        "Stored list prices per million tokens (blended 3 input : 1 "
        "output) of fixed models, and of the cheapest model per MMLU tier.",
        _token_takeaway,
        "headline-token-price",
    ),
    Page(
        "gpu",
        FAMILY_TITLES["gpu"],
        "Rental prices per GPU-hour by GPU and pricing kind, and FLOP/s per dollar.",
        _gpu_takeaway,
        "headline-gpu",
    ),
    Page(
        "demand",
        FAMILY_TITLES["demand"],
        "Token volumes and users over time, from cited statements and the "
        "OpenRouter scrape; growth fitted as exponential (and logistic where it fits better).",
        _demand_takeaway,
        "headline-demand",
    ),
    Page(
        "benchmark",
        FAMILY_TITLES["benchmark"],
        "Cost per million tokens from measured benchmark runs and rental prices.",
        _benchmark_takeaway,
    ),
]
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


# ---------------------------------------------------------------- build


def load(con, source: str = "") -> ReportData:
    fits = query_frame(con, FITS_SQL)
    if fits.is_empty():
        raise UserError("no fits stored: run `infernomics refresh` first")
    ids = fits["fit_id"].to_list()
    sources = query_frame(con, "SELECT source_id, title, url FROM source")
    return ReportData(
        fits=fits,
        points=query_frame(con, POINTS_SQL, [ids]),
        bands=query_frame(con, BANDS_SQL, [ids]),
        claims=query_frame(con, CLAIMS_SQL),
        refusals=query_frame(con, "SELECT * FROM fit_refusal ORDER BY family, series"),
        curves=query_frame(con, CURVES_SQL),
        url_of={r["source_id"]: r["url"] for r in sources.iter_rows(named=True)},
        source=source,
        generated=dt.datetime.now(dt.UTC),
    )


def build_report(
    con,
    out: Path,
    families: list[str] | None = None,
    source: str = "",
    show_progress: bool | None = False,
    previous: Path | None = None,
) -> Written:
    """Write the site into `out` (index.html, one page per family, charts/ with PNG, SVG, CSV).

    `show_progress`: None = a progress line when stderr is a terminal; False = none.
    `previous`: the charts/ folder of an earlier report, whose unchanged charts are copied."""
    data = load(con, source)
    out = Path(out)
    charts = out / "charts"
    charts.mkdir(parents=True, exist_ok=True)
    present = set(data.fits["family"]) | set(data.refusals["family"]) | {"claims"}
    pages = [p for p in PAGES if p.key in present and (not families or p.key in families or p.key == "claims")]
    keys = {p.key for p in pages}
    wanted = [c for c in HEADLINES + EXTRA_CHARTS if c.page in keys]
    n_series = sum(data.fits.filter(pl.col("family") == p.key)["series"].n_unique() for p in pages)
    n_bench = (
        len({json.loads(r["params"])["benchmark"] for r in _epoch_rows(data)}) if "capability_price" in keys else 0
    )
    progress = Progress(len(wanted) + n_series + n_bench, "report", enabled=show_progress)
    written = Written(out, previous=previous, previous_keys=_previous_keys(previous))
    drawn: dict[str, str] = {}
    for chart in wanted:
        progress.step(chart.name)
        made = chart.build(data)
        if made is not None:
            drawn[chart.name] = _save(made[0], charts, chart.name, made[1], made[2], written, title=chart.title)
    for page in pages:
        body = _family_page(page, data, drawn, charts, written, progress)
        _write_page(out, f"{page.key}.html", page.title, body, pages, written, data)
    _write_page(
        out,
        "index.html",
        "infernomics: the economics of AI inference",
        _landing(pages, data, drawn),
        pages,
        written,
        data,
    )
    progress.close()
    (charts / RENDER_KEYS).write_text(json.dumps(written.render_keys, indent=0, sort_keys=True) + "\n")
    (out / MARKER).write_text("a folder written by `infernomics report`; rebuilt whole on each run\n")
    written.fits = data.fits.height
    written.claims = data.claims.height
    return written


def publish_report(
    con, out: Path, families: list[str] | None = None, source: str = "", show_progress: bool | None = False
) -> Written:
    """Build into a sibling folder, then swap it in: a reader never sees half a report, and
    charts of series that no longer exist do not linger from an earlier build."""
    import os
    import shutil

    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise UserError(
            f"{out} exists and is not an infernomics report (no {MARKER} in it); the report replaces "
            "its folder whole, so give a new or empty folder"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    building = out.with_name(f".{out.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    try:
        previous = out / "charts" if (out / MARKER).exists() else None
        written = build_report(con, building, families, source, show_progress, previous=previous)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(building, out)
    shutil.rmtree(old, ignore_errors=True)
    written.out = out
    return written


def report(args: argparse.Namespace) -> int:
    """Write the report: a small static website (index.html, one page per family, charts).

    The landing page has one headline chart per family with a one-line takeaway computed
    from the stored fits; each family page has its contents, fit table and a section per
    series (chart with confidence and prediction bands, observations and their sources).
    Beside every chart under charts/: the PNG, an SVG and a CSV of the plotted points with
    their figure ids. It needs no network (no scripts, no web fonts) and reads the
    warehouse only; run `infernomics refresh` first. Progress (chart N of M) is shown on
    a terminal.

    example:
      infernomics report --out report/
      open report/index.html
      infernomics report --out /tmp/r --family demand
    """
    out = Path(args.out)
    wh = warehouse_from(args)
    with wh.reader() as con:
        written = publish_report(con, out, args.family, source=str(wh.path), show_progress=None)
    print(
        f"wrote {out / 'index.html'}: {len(written.pages)} pages, {written.fits} fits of {written.series} series, "
        f"{written.claims} claim checks, {len(written.charts)} charts (PNG, SVG and CSV) in {out / 'charts'} "
        f"({len(written.reused)} unchanged since the last build, copied); "
        f"landing page {written.bytes('index.html') / 1024:.0f} KiB, everything {written.bytes() / 2**20:.1f} MiB"
    )
    return 0


# ---------------------------------------------------------------- pages


def _write_page(
    out: Path, name: str, title: str, body: str, pages: list[Page], written: Written, data: ReportData
) -> None:
    nav = "".join(
        f"<a href='{p.key}.html'{' class=here' if name == p.key + '.html' else ''}>{html.escape(_short_title(p))}</a>"
        for p in pages
    )
    home = f"<a href='index.html'{' class=here' if name == 'index.html' else ''}>Overview</a>"
    foot = (
        f"<p class=small>Generated {data.generated:%Y-%m-%d %H:%M} UTC"
        f"{' from ' + html.escape(data.source) if data.source else ''} by infernomics. Every rate is a stored "
        "figure: <code>infernomics audit ID</code> walks it to its observations and their sources. "
        "Intervals are 90% unless stated.</p>"
    )
    page = (
        "<!doctype html><html lang=en><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><link rel=icon href='data:,'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f"<nav class=top>{home}{nav}</nav><main>{body}</main><footer>{foot}</footer></body></html>"
    )
    (out / name).write_text(page, encoding="utf-8")
    written.pages.append(name)


def _short_title(page: Page) -> str:
    return {
        "capability_price": "Capability price",
        "token_price": "Token prices",
        "gpu": "GPUs",
        "demand": "Demand",
        "benchmark": "Benchmarks",
        "claims": "Claims",
    }.get(page.key, page.title)


def _landing(pages: list[Page], data: ReportData, drawn: dict[str, str]) -> str:
    toc = "".join(
        f"<li><a href='#{p.key}'>{html.escape(p.title)}</a> &middot; <a href='{p.key}.html'>full page</a></li>"
        for p in pages
    )
    cards = []
    for p in pages:
        chart = drawn.get(p.headline or "", "")
        cards.append(
            f"<section class=card id='{p.key}'><h2><a href='{p.key}.html'>{html.escape(p.title)}</a></h2>"
            f"<p class=takeaway>{html.escape(p.takeaway(data))}</p>{chart}"
            f"<p><a href='{p.key}.html'>{_more(p, data)}</a></p></section>"
        )
    return (
        "<h1>The economics of AI inference, from cited numbers</h1>"
        "<p>What inference costs and how fast demand grows, from stored figures with a source for every point: "
        "Epoch AI's capability-adjusted prices, token list prices, GPU rental prices, demand statements, and "
        "every cited claim checked against the data.</p>"
        f"<h2 id=contents>Contents</h2><ul class=toc>{toc}</ul><div class=cards>{''.join(cards)}</div>"
    )


def _more(page: Page, data: ReportData) -> str:
    if page.key == "claims":
        return f"All {data.claims.height} claims, with sources and reasons &rarr;"
    n = data.fits.filter(pl.col("family") == page.key)["series"].n_unique()
    if not n:
        return f"{_short_title(page)}: what was looked at, and why nothing was fitted &rarr;"
    return f"{_short_title(page)}: all {n} series, fits and sources &rarr;"


def _family_page(
    page: Page, data: ReportData, drawn: dict[str, str], charts: Path, written: Written, progress: Progress
) -> str:
    body = [
        f"<h1>{html.escape(page.title)}</h1><p class=takeaway>{html.escape(page.takeaway(data))}</p>"
        f"<p>{html.escape(page.intro)}</p>"
    ]
    toc: list[tuple[str, str]] = []
    sections: list[str] = []
    extra = [c for c in HEADLINES + EXTRA_CHARTS if c.page == page.key and c.name in drawn]
    for c in extra:
        toc.append((c.name, c.title))
        sections.append(f"<h2 id='{c.name}'>{html.escape(c.title)}</h2>{drawn[c.name]}")
    if page.key == "claims":
        toc.append(("claims-table", "Every claim, with its verdict"))
        sections.append("<h2 id='claims-table'>Every claim, with its verdict</h2>" + _claims_table(data))
    else:
        fam = data.fits.filter(pl.col("family") == page.key)
        toc.append(("fits", "All fits"))
        sections.append(
            "<h2 id='fits'>All fits</h2>"
            + (_fit_table(fam) if fam.height else "<p>No series in this family could be fitted.</p>")
            + _refusal_table(data.refusals.filter(pl.col("family") == page.key))
        )
        if page.key == "capability_price":
            toc.append(("per-benchmark", "Per benchmark (Epoch-style)"))
            sections.append(_capability_overview(fam, data.points, charts, written, progress))
            recent = data.fits.filter(pl.col("family") == CAPABILITY_2026)
            toc.append(("fits-2026", "All fits with data through 2026 (six variants)"))
            sections.append(
                "<h2 id='fits-2026'>All fits with data through 2026 (six variants)</h2>"
                + (
                    _fit_table(recent, link=False)
                    if recent.height
                    else "<p>No 2026 capability threshold could be fitted.</p>"
                )
                + _refusal_table(data.refusals.filter(pl.col("family") == CAPABILITY_2026))
            )
        for series in fam["series"].unique(maintain_order=True).to_list():
            rows = fam.filter(pl.col("series") == series)
            toc.append((_slug(series), rows["series_label"][0]))
            progress.step(series)
            sections.append(_series_section(series, rows, data, charts, written))
            written.series += 1
    links = "".join(f"<li><a href='#{a}'>{html.escape(t)}</a></li>" for a, t in toc)
    return "".join(body) + f"<h2 id=contents>Contents</h2><ul class=toc>{links}</ul>" + "".join(sections)


def _is_web(url: str | None) -> bool:
    """Only http(s) addresses become links; a source's `package:...` or `file:...` id goes nowhere in a browser."""
    return bool(url) and urlparse(url).scheme in ("http", "https")


def _cite(url: str | None, text: str, source_id: str | None, title: str = "") -> str:
    """`text` linked to `url` when it is a web page; otherwise plain text with the source id
    (and the non-web address, e.g. `package:genai-prices`) beside it."""
    t = f" title='{html.escape(title)}'" if title else ""
    if _is_web(url):
        return f"<a href='{html.escape(url)}'{t}>{html.escape(text)}</a>"
    where = [w for w in (source_id, None if url == source_id else url) if w and w != text]
    tail = (
        f" <span class=small>(<code>{'</code>, <code>'.join(html.escape(w) for w in where)}</code>)</span>"
        if where
        else ""
    )
    return f"<span{t}>{html.escape(text)}</span>{tail}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists (figure ids) joined with '; ' so the CSV has one value per cell."""
    return frame.with_columns(
        [
            pl.col(c).list.eval(pl.element().cast(pl.String)).list.join("; ")
            for c, t in frame.schema.items()
            if isinstance(t, pl.List)
        ]
    )


def _save(
    fig, charts: Path, name: str, points: pl.DataFrame | None, caption: str, written: Written, title: str = ""
) -> str:
    """Write NAME.png, NAME.svg and NAME.csv; return the figure's HTML (lazy image, links)."""
    plots = _plots()
    key = _render_key(fig)
    if key is not None:
        written.render_keys[name] = key
    if key is None or not _reuse(written, charts, name, key):
        for fmt in ("png", "svg"):
            (charts / f"{name}.{fmt}").write_bytes(plots.render(fig, fmt))
    links = [f"<a href='charts/{name}.svg'>SVG</a>"]
    if points is not None:
        _csv_ready(points).write_csv(charts / f"{name}.csv")
        links.insert(0, f"<a href='charts/{name}.csv' download>data (CSV, {points.height} rows with figure ids)</a>")
    written.charts.append(name)
    w, h = (round(x) for x in fig.get_size_inches() * fig.dpi)
    alt = html.escape(title or name)
    return (
        f"<figure><a href='charts/{name}.svg'><img src='charts/{name}.png' loading=lazy decoding=async "
        f"width={w} height={h} alt='{alt}'></a><figcaption>{html.escape(caption)} "
        f"{' &middot; '.join(links)}</figcaption></figure>"
    )


RENDER_KEYS = ".render-keys.json"


@functools.lru_cache(maxsize=1)
def _renderer_version() -> bytes:
    import matplotlib

    from analysis import plots

    return f"matplotlib {matplotlib.__version__}\n".encode() + Path(plots.__file__).read_bytes()


def _render_key(fig) -> str | None:
    """What the chart's PNG and SVG are a function of: the figure itself and the renderer.
    A key that differs when nothing changed costs a redraw, never a stale chart."""
    import hashlib
    import io
    import pickle
    import types

    from matplotlib.transforms import TransformNode

    class KeyPickler(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, types.FunctionType):  # tick formatters are closures: code and cell values
                cells = tuple(c.cell_contents for c in obj.__closure__ or ())
                return tuple, ((obj.__module__, obj.__qualname__, obj.__code__.co_code, cells),)
            if isinstance(obj, TransformNode):  # its `_parents` are keyed by id(): left out
                state = {k: v for k, v in obj.__getstate__().items() if k != "_parents"}
                return tuple, ((type(obj).__qualname__, sorted(state.items(), key=lambda kv: kv[0])),)
            return NotImplemented

    buffer = io.BytesIO()
    try:
        KeyPickler(buffer, protocol=5).dump(fig)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError):
        return None  # a figure holding something unpicklable is always drawn
    return hashlib.sha256(_renderer_version() + buffer.getvalue()).hexdigest()


def _previous_keys(previous: Path | None) -> dict[str, str]:
    try:
        return json.loads((previous / RENDER_KEYS).read_text()) if previous else {}
    except (OSError, ValueError):
        return {}


def _reuse(written: Written, charts: Path, name: str, key: str) -> bool:
    """Copy NAME.png and NAME.svg from the report being replaced when their key is unchanged."""
    import shutil

    if written.previous is None or written.previous_keys.get(name) != key:
        return False
    sources = [written.previous / f"{name}.{fmt}" for fmt in ("png", "svg")]
    if not all(p.is_file() for p in sources):
        return False
    for src in sources:
        shutil.copyfile(src, charts / src.name)
    written.reused.append(name)
    return True


def _fit_table(fam: pl.DataFrame, link: bool = True) -> str:
    """One row per fit; `link`: the series names link to their sections (False where a family has none)."""
    rows = []
    for r in fam.iter_rows(named=True):
        hd = r["halving_or_doubling_years"]
        t = "halves" if r["direction"] == "decline" else "doubles"
        name = f"<a href='#{_slug(r['series'])}'>{html.escape(r['series'])}</a>" if link else html.escape(r["series"])
        rows.append(
            f"<tr><td>{name}</td><td>{r['method']}</td>"
            f"<td class=num>{r['n']}</td><td>{r['date_start']} to {r['date_end']}</td>"
            f"<td class=num title='{html.escape(r['rate_figure_id'])}'>{_rate(r)}</td>"
            f"<td class=num>{_every(hd, t)}</td>"
            f"<td class=num>{_num(r['r2'])}</td><td>{_level(r)}</td>"
            f"<td class=small>{html.escape(', '.join(r['flags']))}</td>"
            f"<td class=small><code>{html.escape(r['rate_figure_id'])}</code></td></tr>"
        )
    return (
        "<div class=scroll><table><tr><th>series</th><th>method</th><th>n</th><th>dates</th><th>rate (interval)</th>"
        "<th>halving / doubling</th><th>R&sup2;</th><th>level</th><th>flags</th><th>figure (audit)</th></tr>"
        + "".join(rows)
        + "</table></div>"
    )


def _every(years, verb: str) -> str:
    if years is None or not math.isfinite(years):
        return ""
    months = years * 12
    return f"{verb} every {months:.1f} months" if months < 36 else f"{verb} every {years:,.0f} years"


def _refusal_table(refused: pl.DataFrame) -> str:
    if refused.is_empty():
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(r['series'])}</td><td class=num>{r['n_points']}</td>"
        f"<td>{html.escape(r['reason'])}</td></tr>"
        for r in refused.iter_rows(named=True)
    )
    return (
        "<p>Looked at, not fitted:</p><div class=scroll><table class=small><tr><th>series</th><th>points</th>"
        "<th>why</th></tr>" + rows + "</table></div>"
    )


def _main_fit(rows: pl.DataFrame) -> dict:
    for method in ("epoch-ols", "ols", "bootstrap", "theil-sen"):
        m = rows.filter(pl.col("method") == method)
        if m.height:
            return m.row(0, named=True)
    return rows.row(0, named=True)


def _source_line(pts: pl.DataFrame, fit: dict) -> str:
    pubs = sorted({_latin(r) for r in pts.iter_rows(named=True)})
    classes = sorted({r["source_class"] for r in pts.iter_rows(named=True) if r["source_class"]})
    names = "; ".join(pubs[:3]) + (f"; and {len(pubs) - 3} more pages" if len(pubs) > 3 else "")
    return (
        f"Source: {names} ({', '.join(classes)}). Fit: infernomics, {fit['method']}, "
        f"{fit['level']:.0%} bands; shaded dark = line, light = new point."
    )


def _latin(r: dict) -> str:
    """A source's title for a chart (the chart font has no CJK glyphs: use the page's host then)."""
    title = r["source_title"] or r["source_id"]
    if all(ord(ch) < 0x2000 for ch in title):
        return title
    return (urlparse(r["url"]).netloc if _is_web(r["url"]) else "") or r["source_id"]


def _series_section(series: str, rows: pl.DataFrame, data: ReportData, charts: Path, written: Written) -> str:
    fit = _main_fit(rows)
    pts = data.points.filter(pl.col("fit_id") == fit["fit_id"])
    used, unused = pts.filter(pl.col("used")), pts.filter(~pl.col("used"))
    b = data.bands.filter(pl.col("fit_id") == fit["fit_id"])
    band = dict(
        day=b["band_date"].to_list(),
        fitted=b["fitted"].to_numpy(),
        conf_low=b["conf_low"].to_numpy(),
        conf_high=b["conf_high"].to_numpy(),
        pred_low=b["pred_low"].to_numpy(),
        pred_high=b["pred_high"].to_numpy(),
        extrapolated=b["extrapolated"].to_numpy(),
    )
    unit = fit["value_unit"]
    labelled = fit["family"] in ("capability_price", "token_price") or series == "gpu/bf16_tflops_per_usd"
    fig = _plots().band_figure(
        used["obs_date"].to_list(),
        used["value"].to_list(),
        band if b.height else None,
        title=fit["series_label"],
        y_label=_y_label(unit),
        source_line=_source_line(pts, fit),
        fit_label=f"{fit['method']} fit: {_rate(fit)}",
        level=fit["level"],
        point_labels=used["label"].to_list() if labelled else None,
        excluded=(
            unused["obs_date"].to_list(),
            unused["value"].to_list(),
            unused["label"].to_list() if labelled else None,
        )
        if unused.height
        else None,
        excluded_label=_excluded_label(unused["note"].to_list()),
    )
    img = _save(
        fig,
        charts,
        _slug(series),
        _points_csv(data, [fit]),
        f"{series}: {pts.height} points.",
        written,
        title=fit["series_label"],
    )
    params = json.loads(fit["params"] or "{}")
    extra = ""
    if "curve_choice" in params:
        c = params["curve_choice"]
        extra = (
            f"<p class=small>Exponential vs logistic (on log value): AIC {c['aic_exponential']:.2f} vs "
            f"{_num(c['aic_logistic'])}; AICc "
            f"{c['aicc_exponential']:.2f} vs {_num(c['aicc_logistic'])}; chosen: <b>{c['chosen']}</b>"
            f"{'; ' + html.escape(c['logistic_note']) if c.get('logistic_note') else ''}.</p>"
        )
    table = [
        "<div class=scroll><table class=small><tr><th>date</th><th>value</th><th>fitted?</th><th>source</th>"
        "<th>figure</th></tr>"
    ]
    for r in pts.iter_rows(named=True):
        link = _cite(r["url"], r["source_title"] or r["source_id"] or "", r["source_id"])
        quote = html.escape((r["quote"] or "")[:300])
        shown = html.escape(_value(r["value"], r["unit"]))
        value = (
            f"<a href='{html.escape(r['url'])}' title='{quote}'>{shown}</a>"
            if _is_web(r["url"])
            else f"<span title='{quote}'>{shown}</span>"
        )
        table.append(
            f"<tr><td>{r['obs_date']}</td><td class=num>{value}"
            f"{' (' + html.escape(r['label']) + ')' if r['label'] else ''}</td>"
            f"<td>{'yes' if r['used'] else 'no: ' + html.escape(r['note'] or '')}</td>"
            f"<td>{link} ({r['source_class'] or ''})</td><td><code>{html.escape(r['input_figure_id'])}</code></td></tr>"
        )
    table.append("</table></div>")
    return (
        f"<h3 id='{_slug(series)}'>{html.escape(fit['series_label'])} <span class=small>({html.escape(series)})</span></h3>"
        f"<p>{_rate(fit)} ({fit['method']}, n={fit['n']}, {fit['date_start']} to {fit['date_end']}"
        f"{', flags: ' + html.escape(', '.join(fit['flags'])) if fit['flags'] else ''}).</p>"
        + extra
        + img
        + "<details><summary>observations and sources</summary>"
        + "".join(table)
        + "</details>"
    )


def _excluded_label(notes: list) -> str | None:
    """The legend entry of the hollow points: their common reason when they share one."""
    reasons = {re.split(r" \(|:", n)[0] for n in notes if n}
    if len(reasons) == 1 and all(notes):
        return f"shown, not fitted ({reasons.pop()})"
    return None


def _level(r: dict) -> str:
    seed = "" if r["seed"] is None else f", seed {r['seed']}, {r['n_resamples']} resamples"
    return f"{r['level']:.0%}{seed}"


def _num(x) -> str:
    return "n/a" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.2f}"


def _y_label(unit: str) -> str:
    return {
        "USD/Mtok": "USD per million tokens",
        "tokens/week": "tokens per week",
        "tokens/month": "tokens per month",
        "tokens/minute": "tokens per minute",
        "tokens/day": "tokens per day",
        "USD/GPU-hour": "USD per GPU-hour",
    }.get(unit, unit)


def _capability_overview(
    fam: pl.DataFrame, points: pl.DataFrame, charts: Path, written: Written, progress: Progress
) -> str:
    out = ["<h2 id='per-benchmark'>Per benchmark (Epoch-style)</h2>"]
    epoch = fam.filter(pl.col("method") == "epoch-ols")
    fits_of: dict[str, list[dict]] = {}
    for r in epoch.iter_rows(named=True):
        p = json.loads(r["params"])
        if not p.get("claim_defined"):
            fits_of.setdefault(p["benchmark"], []).append(r)
    for bench, rows in fits_of.items():
        paths = _capability_paths(rows, points)
        progress.step(f"capability {bench}")
        fig = _plots().capability_figure(
            bench,
            paths,
            source_line=(
                "Data: Epoch AI, LLM inference price trends (2025), CC BY 4.0; prices from Artificial Analysis "
                "and Epoch AI. Fit: infernomics, Epoch's method (OLS of log10 price on date, 90% t interval)."
            ),
        )
        pts_csv = (
            points.filter(pl.col("fit_id").is_in([f["fit_id"] for f in fits_of[bench]]))
            .join(
                pl.DataFrame(
                    {"fit_id": [f["fit_id"] for f in fits_of[bench]], "series": [f["series"] for f in fits_of[bench]]}
                ),
                on="fit_id",
            )
            .select(
                "series",
                "obs_date",
                "value",
                "unit",
                "used",
                "label",
                "note",
                pl.col("input_figure_id").alias("figure_id"),
                "source_id",
                "url",
                "locator",
            )
        )
        out.append(
            _save(
                fig,
                charts,
                "capability-" + _slug(bench),
                pts_csv,
                f"{bench}: {len(paths)} thresholds.",
                written,
                title=f"Price to reach a {bench} threshold",
            )
        )
    return "".join(out)


def _claims_table(data: ReportData) -> str:
    claims, fits = data.claims, data.fits
    if claims.is_empty():
        return "<p>No claim checks stored.</p>"
    rows = []
    for r in claims.iter_rows(named=True):
        cls = r["verdict"].replace(" ", "-")
        claim_link = _cite(
            r["claim_url"],
            r["claim_source"] or r["claim_figure_id"],
            r["claim_source_id"],
            title=r["claim_quote"] or "",
        )
        claimed = (
            f"{fm(r['claimed_low'])}-{fm(r['claimed_high'])}x/yr"
            if r["claim_bound"] == "range"
            else f"{ {'>': '&gt; ', '~': '~', '<': 'up to '}.get(r['claim_bound'], '') }{fm(r['claimed_multiple'])}x"
        )
        if r["claim_bound"] != "range" and (r["claimed_low"] is not None or r["claimed_high"] is not None):
            lo, hi = r["claimed_low"], r["claimed_high"]
            claimed += (
                f"<br><span class=small>as rounded: {fm(lo)}-{fm(hi)}x</span>"
                if lo is not None
                else f"<br><span class=small>as rounded: at most {fm(hi)}x</span>"
            )
        if r["n_measures"]:
            shown = (
                f"{fm(r['data_multiple'])}x (largest supporting; {r['n_measures']} measures range "
                f"{fm(r['data_low'])}-{fm(r['data_high'])}x, table claim_measure)"
            )
        elif r["data_multiple"] is not None:
            shown = f"{fm(r['data_multiple'])}x [{fm(r['data_low'])}, {fm(r['data_high'])}]"
        elif r["data_low"] is not None:
            shown = f"{fm(r['data_low'])}-{fm(r['data_high'])}x/yr (range of fits)"
        else:
            shown = "&mdash;"
        if r["fit_id"]:
            hit = fits.filter(pl.col("fit_id") == r["fit_id"])
            if hit.height:
                shown = f"<a href='{hit['family'][0]}.html#{_slug(hit['series'][0])}'>{shown}</a>"
        rows.append(
            f"<tr><td>{html.escape(r['claim'])}<br><span class=small>{claim_link}"
            f"{' p' + html.escape(str(r['claim_page'])) if r['claim_page'] else ''}, "
            f"{html.escape(r['claim_class'] or '')}; <code>{html.escape(r['claim_figure_id'])}</code></span></td>"
            f"<td class=num>{claimed}</td><td class=small>{_corroboration(r)}</td>"
            f"<td>{_window(r['window_start'], r['window_end'])}</td>"
            f"<td class=small>{html.escape(r['series_definition'])}</td><td class=num>{shown}"
            f"{'<br><span class=small>extrapolated</span>' if r['extrapolated'] else ''}</td>"
            f"<td class='{cls}'>{r['verdict']}</td><td class=small>{html.escape(r['reason'])}"
            f"{'<br><b>Testable with:</b> ' + html.escape(r['testable_with']) if r['testable_with'] else ''}"
            f"{'<br>derived figure: <code>' + html.escape(r['check_figure_id']) + '</code>' if r['check_figure_id'] else ''}"
            f"</td></tr>"
        )
    return (
        "<div class=scroll><table><tr><th>claim</th><th>claimed</th><th>also reported by</th><th>window</th>"
        "<th>series definition</th><th>data (90% interval, or range of measures)</th><th>verdict</th><th>why</th></tr>"
        + "".join(rows)
        + "</table></div>"
    )


def _corroboration(r: dict) -> str:
    """Other sources reporting the claim (view `claim_corroboration`), by class, and whether they agree."""
    n = r.get("independent_sources") or 0
    if not n:
        return "none stored"
    classes = ", ".join(f"{r[k + '_sources']} {k}" for k in ("primary", "copy", "secondary") if r[k + "_sources"])
    named = f" ({', '.join(r['differences_named'])})" if r["differences_named"] else ""
    return html.escape(f"{n} source{'s' if n != 1 else ''} ({classes}): {r['corroboration']}{named}")


def register(subparsers) -> None:
    p = add_command(subparsers, "report", report)
    p.add_argument("--out", default="report", help="output folder (default: ./report)")
    p.add_argument(
        "--family",
        nargs="+",
        choices=list(FAMILY_TITLES),
        help="only these families' pages (default: all); the claims page is always included",
    )
