"""Which points make each series, read from warehouse frames (pure: frames in, points out).

Decisions per series:
- capability_price/<benchmark>/ge-<score>: Epoch's method (analysis.capability_price) on
  `llm_price_observation`; inputs are the kept observations' price and score figures.
  Claim-defined thresholds (a16z's MMLU 42 and 83, the AI Index's GPT-3.5 level 64.8)
  are fitted the same way and marked `claim_defined` in params.
- demand/<series>: one cited series at a time (scopes and units differ); a datum reported
  twice is shown once; lower bounds (`>`) are fitted as points and counted in a flag.
- demand/openrouter_weekly_scrape: unflagged weeks only; flagged weeks are shown hollow.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from analysis import capability_price as cp
from analysis.formulas.demand import openrouter_week_total
from analysis.trends.records import DERIVED, Point, SeriesSpec
from sources.epoch_llm_prices import BENCHMARK_COLUMNS

EPOCH_SOURCE_LINE = (
    'Data: Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks" '
    "(2025), CC BY 4.0; prices from Artificial Analysis and Epoch AI. Fit: infernomics."
)
BENCH_SLUG = {name: slug for name, (slug, _) in BENCHMARK_COLUMNS.items()}
# (benchmark, lower bound, why): thresholds that cited claims use, fitted with Epoch's method
CLAIM_THRESHOLDS = [
    ("MMLU", 42.0, "a16z LLMflation: cost of reaching MMLU 42 (GPT-3 level)"),
    ("MMLU", 83.0, "a16z LLMflation: models at MMLU 83 (GPT-4 level)"),
    ("MMLU", 64.8, "Stanford AI Index 2025: GPT-3.5 level (MMLU 64.8)"),
]

DEMAND_LABELS = {
    "google_tokens_per_month": ("Google tokens processed per month (all surfaces)", "tokens per month"),
    "google_api_tokens_per_minute": ("Google API tokens per minute", "tokens per minute"),
    "chatgpt_weekly_active_users": ("ChatGPT weekly active users", "users"),
    "gemini_app_monthly_active_users": ("Gemini app monthly active users", "users"),
    "doubao_tokens_per_day": ("ByteDance Doubao tokens per day", "tokens per day"),
    "openrouter_tokens_per_week": ("OpenRouter tokens per week (cited figures)", "tokens per week"),
    "openai_api_tokens_per_minute": ("OpenAI API tokens per minute", "tokens per minute"),
    "chatgpt_messages_per_day": ("ChatGPT messages per day", "messages per day"),
    "china_tokens_per_day": ("China national tokens per day", "tokens per day"),
}


def observations_for_method(table: pl.DataFrame) -> pl.DataFrame:
    """`llm_price_observation` rows in the parser's shape (benchmark display names)."""
    return table.rename({slug: name for name, slug in BENCH_SLUG.items()})


def capability_series(table: pl.DataFrame) -> list[tuple[SeriesSpec, list[Point], cp.CapabilityFit, dict]]:
    """Every Epoch threshold fit with >= 4 kept points, then the claim-defined thresholds."""
    obs = cp.prepare(observations_for_method(table))
    out = []
    jobs: list[tuple[cp.Threshold, bool, str]] = []
    for bench in cp.BENCHMARKS:
        jobs += [(th, False, "") for th in cp.thresholds(obs, bench)]
    for bench, lower, why in CLAIM_THRESHOLDS:
        upper = 100.0 if bench in cp.PERCENT_BENCHMARKS else None
        jobs.append((cp.Threshold(bench, f"claim-defined {lower:g}", dt.date(1970, 1, 1), lower, upper, ""), True, why))
    for th, claim_defined, why in jobs:
        path = cp.cheapest_path(obs, th)
        fit = cp.fit_path(path, th)
        if fit is None:
            continue
        slug = BENCH_SLUG[th.benchmark]
        series = f"capability_price/{slug}/ge-{th.lower:g}"
        if claim_defined and any(s.series == series for s, *_ in out):
            continue  # same threshold as an Epoch one: already fitted
        upper = "" if th.upper is None else f" (below {th.upper:g})"
        label = f"Cheapest price at {th.benchmark} >= {th.lower:g}{upper}" + (
            f", threshold set by {th.model}" if not claim_defined else f" ({why})"
        )
        spec = SeriesSpec(
            series=series,
            label=label,
            family="capability_price",
            value_unit="USD/Mtok",
            expect="decline",
            source_line=EPOCH_SOURCE_LINE,
        )
        pts = [
            Point(
                figure_id=r["price_figure_id"],
                date=r["release_date"],
                value=r["price_usd_per_mtok"],
                label=r["model"],
                extra_inputs={"score": f"{r['obs_id']}/score/{slug}"},
            )
            for r in path.iter_rows(named=True)
        ]
        params = dict(
            benchmark=th.benchmark,
            threshold_model=th.model,
            lower=th.lower,
            upper=th.upper,
            claim_defined=claim_defined,
            why=why or None,
            epoch_factor_per_year=fit.factor_per_year,
            epoch_factor_low=fit.factor_low,
            epoch_factor_high=fit.factor_high,
            threshold_obs_id=th.obs_id or None,
        )
        out.append((spec, pts, fit, params))
    return out


def demand_series(obs: pl.DataFrame) -> list[tuple[SeriesSpec, list[Point]]]:
    """Each cited demand series with its points (duplicates shown, not fitted)."""
    out = []
    for series in sorted(obs["series"].unique().to_list()):
        rows = obs.filter(pl.col("series") == series).sort("period_end_date")
        label, unit_label = DEMAND_LABELS.get(series, (series.replace("_", " "), rows["unit"][0]))
        pts = []
        for r in rows.iter_rows(named=True):
            dup = r["duplicate_of"]
            note = f"same datum as {dup}" if dup else ("lower bound ('over')" if r["bound"] == ">" else None)
            pts.append(
                Point(
                    figure_id=r["figure_id"],
                    date=r["period_end_date"],
                    value=r["value"],
                    used=dup is None and r["value"] > 0,
                    note=note,
                )
            )
        classes = sorted(set(rows["source_class"].to_list()))
        spec = SeriesSpec(
            series=f"demand/{series}",
            label=label,
            family="demand",
            value_unit=rows["unit"][0],
            expect="growth",
            source_line=(
                f"Data: company statements as quoted by {' and '.join(classes)} pages "
                f"(sources/data/demand/demand_series.csv; each point's page in audit). Fit: infernomics."
            ),
        )
        out.append((spec, pts))
    return out


def openrouter_week_figures(rows: pl.DataFrame, weeks: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Weekly totals as derived figures and their lineage: each week label's value is
    `openrouter_week_total` over the week's author token figures (the parsed author `rows`
    that passed their rules), its lineage those figures (role `author_tokens`); the flags
    and fit-worthiness come from the parsed `weeks`."""
    totals = (
        rows.filter(pl.col("_errors").list.len() == 0)
        .group_by("week_label")
        .agg(openrouter_week_total(pl.col("tokens")).alias("value"))
    )
    figs = weeks.join(totals, on="week_label", how="left", maintain_order="left").select(
        "figure_id",
        pl.lit(DERIVED).alias("source_id"),
        pl.lit("openrouter_weekly_tokens_total").alias("metric"),
        pl.lit("platform").alias("entity_kind"),
        pl.lit("OpenRouter").alias("entity"),
        "value",
        pl.lit("tokens/week").alias("unit"),
        pl.lit("=").alias("bound"),
        pl.col("week_label").alias("as_of"),
        pl.col("week_label").alias("period_end"),
        pl.col("week_label").cast(pl.String).alias("locator"),
        pl.lit("derived").alias("kind"),
        pl.lit("unverified").alias("verification"),
        pl.lit(openrouter_week_total.key).alias("formula"),
        pl.when(pl.col("fit_ok"))
        .then(pl.lit("fit-worthy week"))
        .otherwise(pl.lit("not fitted: ") + pl.col("flags").list.join("; "))
        .alias("notes"),
    )
    lineage = (
        weeks.select("figure_id", pl.col("input_figure_ids").alias("input_figure_id"))
        .explode("input_figure_id")
        .with_columns(pl.lit("author_tokens").alias("role"))
    )
    return figs, lineage


def openrouter_series(weeks: pl.DataFrame) -> tuple[SeriesSpec, list[Point]]:
    pts = [
        Point(
            figure_id=r["figure_id"],
            date=r["week_label"],
            value=r["tokens"],
            used=r["fit_ok"],
            note="; ".join(r["flags"]) or None,
        )
        for r in weeks.sort("week_label").iter_rows(named=True)
    ]
    spec = SeriesSpec(
        series="demand/openrouter_weekly_scrape",
        label="OpenRouter tokens per week (third-party scrape of rankings)",
        family="demand",
        value_unit="tokens/week",
        expect="growth",
        source_line=(
            "Data: OpenRouter public rankings as scraped by Kenneth-Top/workflows- "
            "(secondary, unverified); partial and overlapping weeks not fitted. Fit: infernomics."
        ),
    )
    return spec, pts


def lower_bound_flag(points: list[Point]) -> list[str]:
    k = sum(1 for p in points if p.used and p.note and p.note.startswith("lower bound"))
    return [f"includes_lower_bounds:{k}"] if k else []
