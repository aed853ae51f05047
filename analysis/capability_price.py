"""Capability-adjusted price: the method of Epoch AI's "LLM inference prices have fallen
rapidly but unequally across tasks" (2025-03-12), reproduced on its own data.

The question is "what does it cost to buy at least this much capability?", asked for
many capability levels. For one benchmark:

1. Thresholds. Walking observations in release-date order, every observation that was
   the top scorer among all observations released up to its date defines a threshold:
   its score is the lower bound; the upper bound is 100 (exclusive) for percentage
   benchmarks and none for Arena ELO. Thresholds under 30 on the multiple-choice
   benchmarks (MMLU, GPQA Diamond) are skipped: near chance level they measure nothing.
2. Cheapest-so-far path. For a threshold, walk the observations that have a score in
   release-date order; keep one when its score is within the bounds and its price is
   strictly lower than the last kept price. When two kept observations share a release
   date, the earlier one (in walk order) is dropped: on one day only the cheaper one
   existed as the frontier.
3. Fit. With >= 4 kept points, OLS of log10(price) on the release date as a day number;
   the price falls by 10^(-365 * slope) times per year; the 90% interval comes from the
   t-distribution with n-2 degrees of freedom (the bounds swap when the slope is turned
   into a reduction factor).

Input preparation (done by the caller's parser, checked here): both Epoch files
together, one row per price observation (a price change is a new row with a new date),
rows without a price dropped, "GPT-3 175B (davinci)" named "GPT-3", the reasoning models
DeepSeek-R1, o1, o1-mini, o1-preview and o3-mini excluded.

Ordering ties: observations released on the same date are walked dearest first (then by
model name), so the cheaper of two same-day models is seen second and the "drop the
earlier one" rule keeps the cheaper one, which is what the frontier was on that day.
With this order the fits match Epoch's published results for these files exactly
(tests/test_trend_capability.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pyarrow as pa

from analysis.formulas.trends import capability_price_decline, capability_window_decline

BENCHMARKS = ["MMLU", "GPQA Diamond", "MATH-500", "MATH 5", "HumanEval", "LMSys Chatbot Arena ELO"]
MULTIPLE_CHOICE = {"MMLU", "GPQA Diamond"}
# the Benchmarking Hub's names (data through 2026, below) join the percentage benchmarks;
# the Epoch Capabilities Index is unbounded above, like Arena ELO
PERCENT_BENCHMARKS = {"MMLU", "GPQA Diamond", "MATH-500", "MATH 5", "HumanEval", "SWE-bench Verified", "MATH Level 5"}
EXCLUDED_MODELS = {"DeepSeek-R1", "o1", "o1-mini", "o1-preview", "o3-mini"}
MODEL_RENAMES = {"GPT-3 175B (davinci)": "GPT-3"}
MIN_KEPT = 4
MIN_MC_THRESHOLD = 30.0
LEVEL = 0.9


@dataclass(frozen=True)
class Threshold:
    benchmark: str
    model: str
    release_date: dt.date
    lower: float
    upper: float | None  # exclusive; None = unbounded (Arena ELO)
    obs_id: str


@dataclass
class CapabilityFit:
    """One benchmark/threshold fit, with the observations it used (`kept_obs_ids`)."""

    benchmark: str
    threshold_model: str
    lower: float
    upper: float | None
    n: int
    start_date: dt.date
    end_date: dt.date
    slope_log10_per_day: float
    intercept_log10: float
    factor_per_year: float  # price reduction factor per year (>1 = falling)
    factor_low: float
    factor_high: float
    r2: float
    level: float
    kept_obs_ids: list[str] = field(default_factory=list)
    threshold_obs_id: str = ""
    flags: list[str] = field(default_factory=list)


def prepare(observations: pl.DataFrame) -> pl.DataFrame:
    """Apply the method's input rules to parsed observations (see the module docstring).

    Expects columns `obs_id, model, release_date, price_usd_per_mtok` and one column
    per benchmark. Returns the rows the method walks, in walk order.
    """
    return (
        observations.with_columns(pl.col("model").replace(MODEL_RENAMES))
        .filter(pl.col("price_usd_per_mtok").is_not_null() & pl.col("release_date").is_not_null())
        .filter(~pl.col("model").is_in(sorted(EXCLUDED_MODELS)))
        .sort(["release_date", "price_usd_per_mtok", "model"], descending=[False, True, False], maintain_order=True)
    )


def thresholds(obs: pl.DataFrame, benchmark: str) -> list[Threshold]:
    """Observations that were the top scorer on `benchmark` among all observations
    released up to their date (ties at the running maximum count once, first seen)."""
    scored = obs.filter(pl.col(benchmark).is_not_null())
    out: list[Threshold] = []
    # best score among all observations released on or before each date (a running maximum
    # over dates; the same as taking the max over those rows for every row, in linear time)
    best_on: dict = {}
    for d, s in zip(scored["release_date"].to_list(), scored[benchmark].to_list()):
        best_on[d] = max(s, best_on.get(d, s))
    best_by_date, running = {}, None
    for d in sorted(best_on):
        running = best_on[d] if running is None else max(running, best_on[d])
        best_by_date[d] = running
    # plain column lists: this runs for every benchmark of every variant
    cols = [scored[c].to_list() for c in ("model", "release_date", benchmark, "obs_id")]
    for model, release_date, score, obs_id in zip(*cols):
        best_up_to_date = best_by_date[release_date]
        if score < best_up_to_date:
            continue
        if any(t.lower == score for t in out):
            continue
        if benchmark in MULTIPLE_CHOICE and score < MIN_MC_THRESHOLD:
            continue
        upper = 100.0 if benchmark in PERCENT_BENCHMARKS else None
        out.append(Threshold(benchmark, model, release_date, float(score), upper, obs_id))
    return out


def cheapest_path(obs: pl.DataFrame, th: Threshold) -> pl.DataFrame:
    """The observations kept for one threshold (rules in the module docstring, step 2).

    The walk reads three plain columns and keeps row positions, then takes those rows:
    hundreds of thresholds each walk every scored row, and copying whole rows through
    Python dicts was most of the cost."""
    scored = obs.filter(pl.col(th.benchmark).is_not_null())
    return _take(scored, _kept_positions(_walk_columns(scored, th.benchmark), th))


def _walk_columns(scored: pl.DataFrame, benchmark: str) -> tuple[list, list, list]:
    """(scores, prices, release dates) of rows that all have a score, in walk order."""
    return scored[benchmark].to_list(), scored["price_usd_per_mtok"].to_list(), scored["release_date"].to_list()


def _kept_positions(columns: tuple[list, list, list], th: Threshold) -> list[int]:
    """Row positions the cheapest-so-far walk keeps for `th` (step 2 of the method)."""
    scores, prices, dates = columns
    kept: list[int] = []
    for i, s in enumerate(scores):
        if s < th.lower or (th.upper is not None and s >= th.upper):
            continue
        if kept and not prices[i] < prices[kept[-1]]:
            continue
        if kept and dates[kept[-1]] == dates[i]:
            kept.pop()
        kept.append(i)
    return kept


def _take(scored: pl.DataFrame, kept: list[int]) -> pl.DataFrame:
    return scored.select(pl.all().gather(kept)) if kept else scored.clear()


def fit_path(path: pl.DataFrame, th: Threshold, level: float = LEVEL) -> CapabilityFit | None:
    """OLS of log10(price) on day number; None when fewer than 4 points were kept."""
    return _fit_kept(
        path["release_date"].to_list(), path["price_usd_per_mtok"].to_list(), path["obs_id"].to_list(), th, level
    )


def _fit_kept(
    dates: list[dt.date], prices: list[float], obs_ids: list[str], th: Threshold, level: float
) -> CapabilityFit | None:
    """`fit_path` of a path given as its columns (release dates, prices, obs ids)."""
    n = len(dates)
    if n < MIN_KEPT:
        return None
    line = capability_price_decline(list(zip(dates, prices)), level=level)
    days = [(d - dt.date(1970, 1, 1)).days for d in dates]
    span = (max(days) - min(days)) / 365.25
    return CapabilityFit(
        benchmark=th.benchmark,
        threshold_model=th.model,
        lower=th.lower,
        upper=th.upper,
        n=n,
        start_date=dates[0],
        end_date=dates[-1],
        slope_log10_per_day=line.slope_log10_per_day,
        intercept_log10=line.intercept_log10,
        factor_per_year=line.factor_per_year,
        factor_low=line.factor_low,
        factor_high=line.factor_high,
        r2=line.r2,
        level=level,
        kept_obs_ids=list(obs_ids),
        threshold_obs_id=th.obs_id,
        flags=["span_under_one_year"] if span < 1 else [],
    )


def capability_fits(
    observations: pl.DataFrame, benchmarks: list[str] | None = None, level: float = LEVEL
) -> list[CapabilityFit]:
    """Every benchmark/threshold fit with >= 4 kept points, in benchmark then threshold order."""
    obs = prepare(observations)
    fits: list[CapabilityFit] = []
    for bench in benchmarks or BENCHMARKS:
        if bench not in obs.columns:
            continue
        for th in thresholds(obs, bench):
            f = fit_path(cheapest_path(obs, th), th, level)
            if f is not None:
                fits.append(f)
    return fits


def fits_frame(fits: list[CapabilityFit]) -> pl.DataFrame:
    """Fits as a table (one row per fit) for display and storage."""
    return pl.DataFrame(
        [
            {
                "benchmark": f.benchmark,
                "threshold_model": f.threshold_model,
                "lower": f.lower,
                "upper": f.upper if f.upper is not None else math.inf,
                "n": f.n,
                "start_date": f.start_date,
                "end_date": f.end_date,
                "factor_per_year": f.factor_per_year,
                "factor_low": f.factor_low,
                "factor_high": f.factor_high,
                "r2": f.r2,
                "level": f.level,
            }
            for f in fits
        ]
    )


# --------------------------------------------------------------------------------------
# Data through 2026: the same method on Epoch AI's Benchmarking Hub scores joined with the
# stored price history.
#
# Decisions:
# - Benchmarks: GPQA Diamond, SWE-bench Verified and MATH Level 5 (Epoch-run, scores as
#   percentages), the Epoch Capabilities Index and models.dev's Artificial Analysis Coding
#   Index (indexes, used as published, unbounded above). Thresholds are the
#   running top scorers among priced models, as in Epoch's method: a threshold is "the
#   score of a past frontier model".
# - One observation per model (the Hub's `model_base`, effort suffix removed) and price
#   change. A model run at several reasoning efforts has one price per token and several
#   scores: its best score per benchmark is used and the model version that reached it is
#   recorded (`<benchmark>|version`). With one price, a lower-effort score can never set a
#   threshold or a cheaper path point that the best one does not, so this loses nothing.
# - Variants, stored side by side: reasoning models excluded (Epoch's choice: they spend
#   many more tokens per task, so a per-token price understates their cost) or included;
#   the price is the cheapest provider's, the first party's, or the median across
#   providers (resellers such as OpenRouter left out of the median). "Excluded" drops a
#   score row when the model is flagged reasoning in the identity mapping or the row was
#   run at a reasoning effort (a hybrid model's thinking runs go, its plain runs stay).
# - Dates: a model's first observation is its release date with the price in force then;
#   when no price is known at release, the first price known is dated at the release date
#   if it was recorded within FIRST_PRICE_GRACE_DAYS (a quarterly LiteLLM release lists a
#   new model weeks after launch, at its launch price), else at the day it was recorded
#   (flagged `late_first_price`). Each later change of the variant's price is a new
#   observation on the day it took effect, as in Epoch's own files.
# --------------------------------------------------------------------------------------

HUB_BENCHMARKS = {
    "GPQA Diamond": "gpqa_diamond",
    "SWE-bench Verified": "swe_bench_verified",
    "MATH Level 5": "math_level_5",
    "ECI": "eci",
    "Artificial Analysis Coding Index": "aa_coding_index",
}
INDEX_BENCHMARKS = {"ECI", "Artificial Analysis Coding Index"}  # scores used as published, unbounded above
REASONING_CHOICES = ("excluded", "included")
PRICE_BASES = ("cheapest", "first_party", "median")
FIRST_PRICE_GRACE_DAYS = 120
# Below a cent per million tokens (blended) a chat model's list price is a unit error in the
# sources (models.dev listed grok-3 at 3e-05 USD/Mtok: a per-token price), not a price: such
# rows are left out of the trend, and counted by the caller.
PRICE_FLOOR_USD_PER_MTOK = 0.01


@dataclass(frozen=True)
class Variant:
    """One way to read "the price of capability": which models count and whose price."""

    reasoning: str  # excluded | included
    price: str  # cheapest | first_party | median

    @property
    def slug(self) -> str:
        return f"reasoning-{self.reasoning}/{self.price.replace('_', '-')}"

    @property
    def label(self) -> str:
        who = {
            "cheapest": "cheapest provider",
            "first_party": "first-party price",
            "median": "median across providers",
        }[self.price]
        return f"reasoning models {self.reasoning}, {who}"


VARIANTS = [Variant(r, p) for r in REASONING_CHOICES for p in PRICE_BASES]
HEADLINE = Variant("excluded", "cheapest")  # closest to Epoch's 2025 choice


def price_steps(intervals: pl.DataFrame, basis: str) -> pl.DataFrame:
    """One model's (or many models') price over time under a price basis, as steps.

    `intervals`: `model_key, provider_id, valid_from, valid_to (null = in force),
    blended_usd_per_mtok, blended_figure_id, is_first_party, provider_is_reseller`, and
    optionally `precedence` (view `model_price_interval`: 1 provider announcement ... 5
    LiteLLM); a provider may have several live rows (regional or dated listings of one key).
    On each day a provider's price comes only from its highest-precedence rows live that day
    (a provider's page beats models.dev and LiteLLM for the same provider; the others stay
    conflicts in `price_precedence_conflict`), then its lowest such row.
    Returns `model_key, valid_from, valid_to, price, provider, figure_ids` with one row per
    stretch of constant price (equal neighbours merged). Median: the median of the
    non-reseller providers live on each day, each provider at its lowest live price (figure
    ids of all of them).
    """
    rows: list[dict] = []
    rows_of = intervals.filter(
        pl.col("blended_usd_per_mtok").is_not_null() & (pl.col("blended_usd_per_mtok") >= PRICE_FLOOR_USD_PER_MTOK)
    )
    if basis == "first_party":
        rows_of = rows_of.filter(pl.col("is_first_party").fill_null(False))
    elif basis == "median":
        rows_of = rows_of.filter(~pl.col("provider_is_reseller").fill_null(False))
    # plain tuples grouped per model key (thousands of small groups): (valid_from, valid_to,
    # provider, precedence or 99, price, figure id); a dict per row cost more than the walk
    ordered = rows_of.sort("model_key", "valid_from")
    names = ("model_key", "valid_from", "valid_to", "provider_id", "blended_usd_per_mtok", "blended_figure_id")
    cols = [ordered[c].to_list() for c in names]
    prec = ordered["precedence"].to_list() if "precedence" in ordered.columns else [None] * ordered.height
    grouped: dict[str, list[tuple]] = {}
    for key, vf, vt, prov, price, fig, p in zip(*cols, prec):
        grouped.setdefault(key, []).append((vf, vt, prov, p or 99, price, fig))
    for key, recs in grouped.items():
        cuts = sorted({r[0] for r in recs} | {r[1] for r in recs if r[1] is not None})
        steps: list[dict] = []
        for i, day in enumerate(cuts):
            live = [r for r in recs if r[0] <= day and (r[1] is None or r[1] > day)]
            end = cuts[i + 1] if i + 1 < len(cuts) else None
            if not live:
                continue
            top: dict[str, int] = {}
            for r in live:
                top[r[2]] = min(top.get(r[2], 99), r[3])
            live = [r for r in live if r[3] == top[r[2]]]
            if basis == "median":  # each provider's lowest live price, then the median across providers
                per: dict[str, tuple] = {}
                for r in sorted(live, key=lambda r: r[4]):
                    per.setdefault(r[2], r)
                price = _median([r[4] for r in per.values()])
                # the rows nearest the median first: they are the ones that set it
                near = sorted(per.values(), key=lambda r: (abs(r[4] - price), r[2]))
                provider, figs = f"median of {len(per)} providers", list(dict.fromkeys(r[5] for r in near))
            else:
                best = min(live, key=lambda r: (r[4], r[2]))
                price, provider, figs = best[4], best[2], [best[5]]
            if steps and steps[-1]["valid_to"] == day and abs(steps[-1]["price"] - price) < 1e-12:
                steps[-1]["valid_to"] = end
                continue
            steps.append(
                dict(model_key=key, valid_from=day, valid_to=end, price=price, provider=provider, figure_ids=figs)
            )
        rows += steps
    schema: dict[str, pl.DataType] = {
        "model_key": pl.String(),
        "valid_from": pl.Date(),
        "valid_to": pl.Date(),
        "price": pl.Float64(),
        "provider": pl.String(),
        "figure_ids": pl.List(pl.String),
    }
    return rows_frame(rows, schema)


def rows_frame(rows: list[dict], schema: dict[str, pl.DataType], strict: bool = True) -> pl.DataFrame:
    """pl.DataFrame(rows, schema=schema), with its list-of-string columns built by Arrow:
    polars converts nested Python lists at ~20 us a row, which made the
    frame of price steps cost more than computing them. Same frame, value for value."""
    lists = [n for n, t in schema.items() if t == pl.List(pl.String)]
    if not rows or not lists:
        return pl.DataFrame(rows, schema=schema, strict=strict) if rows else pl.DataFrame(schema=schema)
    plain = {n: t for n, t in schema.items() if n not in lists}
    frame = pl.DataFrame([{n: r.get(n) for n in plain} for r in rows], schema=plain, strict=strict)
    columns = [
        pl.Series(name, pa.array([r.get(name) for r in rows], type=pa.list_(pa.string())), dtype=pl.List(pl.String))
        for name in lists
    ]
    return frame.with_columns(columns).select(list(schema))


def _median(values: list[float]) -> float:
    """The median as np.median computes it (the middle value, or the mean of the middle two
    as (a + b) / 2), bit for bit, without numpy's per-call overhead: price_steps takes
    thousands of medians of two to five prices."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def best_scores(scores: pl.DataFrame, variant: Variant) -> pl.DataFrame:
    """Per (model_base, benchmark): the best score usable under the variant, on the method's scale.

    `scores`: `model_base, model_version, model_key, benchmark, score, score_fraction,
    reasoning_effort, release_date, score_figure_id, is_reasoning`. Percentages for the
    Hub's percentage benchmarks, the index value for the ECI.
    """
    s = scores.filter(
        pl.col("benchmark").is_in(list(HUB_BENCHMARKS))
        & pl.col("model_key").is_not_null()
        & pl.col("release_date").is_not_null()
    )
    if variant.reasoning == "excluded":
        s = s.filter(~pl.col("is_reasoning").fill_null(False) & pl.col("reasoning_effort").is_null())
    s = s.with_columns(
        pl.when(pl.col("benchmark").is_in(list(INDEX_BENCHMARKS)))
        .then(pl.col("score"))
        .otherwise(pl.col("score_fraction") * 100)
        .alias("value")
    ).filter(pl.col("value").is_not_null())
    return s.sort(["model_base", "benchmark", "value", "model_version"], descending=[False, False, True, False]).unique(
        ["model_base", "benchmark"], keep="first", maintain_order=True
    )


def hub_observations(
    scores: pl.DataFrame,
    intervals: pl.DataFrame,
    variant: Variant,
    as_of: dt.date | None = None,
    steps: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Observations in the method's shape for one variant (rules in the section comment).

    Columns: `obs_id, model, model_key, release_date` (the observation's date),
    `model_release_date, price_usd_per_mtok, provider, price_figure_ids, date_note`, and per
    benchmark `<name>` (score), `<name>|figure`, `<name>|version`. Sorted in walk order.
    `steps`: `price_steps(intervals, variant.price)` when the caller already has it.
    """
    best = best_scores(scores, variant)
    steps = price_steps(intervals, variant.price) if steps is None else steps
    if as_of is not None:
        steps = steps.filter(pl.col("valid_from") <= as_of)
    # plain dicts grouped in Python (first-seen order, as group_by(maintain_order=True)):
    # thousands of small groups, where a polars frame per group costs more than the work
    by_key: dict[str, list[dict]] = {}
    for r in steps.to_dicts():
        by_key.setdefault(r["model_key"], []).append(r)
    groups: dict[str, list[dict]] = {}
    for b in best.select(
        "model_base", "model_key", "release_date", "benchmark", "value", "score_figure_id", "model_version"
    ).to_dicts():
        groups.setdefault(b["model_base"], []).append(b)
    rows: list[dict] = []
    for base, g in groups.items():
        base = str(base)
        key, release = g[0]["model_key"], min(b["release_date"] for b in g)
        extra: dict = {}
        for b in g:
            extra[b["benchmark"]] = b["value"]
            extra[f"{b['benchmark']}|figure"] = b["score_figure_id"]
            extra[f"{b['benchmark']}|version"] = b["model_version"]
        last_price = None
        for step in by_key.get(key, []):
            if step["valid_to"] is not None and step["valid_to"] <= release:
                continue  # before the model existed
            if last_price is None:
                if step["valid_from"] <= release:
                    day, note = release, None
                elif (step["valid_from"] - release).days <= FIRST_PRICE_GRACE_DAYS:
                    day, note = release, f"first price recorded {step['valid_from']}, dated at release"
                else:
                    day, note = step["valid_from"], "late_first_price"
            else:
                if abs(step["price"] - last_price) < 1e-12:
                    continue
                day, note = step["valid_from"], "price change"
            last_price = step["price"]
            rows.append(
                dict(
                    obs_id=f"{base}@{str(day)}",  # day is a date; polars types .min() loosely
                    model=base,
                    model_key=key,
                    release_date=day,
                    model_release_date=release,
                    price_usd_per_mtok=step["price"],
                    provider=step["provider"],
                    price_figure_ids=step["figure_ids"],
                    date_note=note,
                    **extra,
                )
            )
    schema: dict[str, pl.DataType] = {
        "obs_id": pl.String(),
        "model": pl.String(),
        "model_key": pl.String(),
        "release_date": pl.Date(),
        "model_release_date": pl.Date(),
        "price_usd_per_mtok": pl.Float64(),
        "provider": pl.String(),
        "price_figure_ids": pl.List(pl.String),
        "date_note": pl.String(),
    }
    for name in HUB_BENCHMARKS:
        schema |= {name: pl.Float64(), f"{name}|figure": pl.String(), f"{name}|version": pl.String()}
    frame = rows_frame(rows, schema, strict=False)
    return frame.sort(
        ["release_date", "price_usd_per_mtok", "model"], descending=[False, True, False], maintain_order=True
    )


@dataclass
class HubPath:
    """One variant x benchmark x threshold: its cheapest-so-far path and, with >= 4 points, its fit.

    `path`: the kept observations as rows (dicts of `hub_observations`' columns for this
    benchmark), in walk order. Rows, not a frame: the hundreds of paths were each gathered
    into a polars frame and read back into rows, which cost more than the walk; a row is
    shared by every path that keeps it, so callers read it and never change it."""

    variant: Variant
    threshold: Threshold
    path: list[dict]
    fit: CapabilityFit | None


def hub_paths(
    obs: pl.DataFrame, variant: Variant, benchmarks: list[str] | None = None, level: float = LEVEL
) -> list[HubPath]:
    """Every threshold's path (fits where >= 4 points were kept), benchmark then threshold order."""
    out = []
    for bench in benchmarks or list(HUB_BENCHMARKS):
        if bench not in obs.columns:
            continue
        # only this benchmark's columns: the walk copies rows, the other benchmarks are dead weight
        sub = obs.select(
            [c for c in obs.columns if c not in HUB_BENCHMARKS and "|" not in c]
            + [bench, f"{bench}|figure", f"{bench}|version"]
        ).filter(pl.col(bench).is_not_null())
        columns = _walk_columns(sub, bench)  # every row of sub has a score: cheapest_path's own filter
        rows = sub.to_dicts()
        obs_ids = sub["obs_id"].to_list()
        for th in thresholds(sub, bench):
            kept = _kept_positions(columns, th)
            fit = _fit_kept(
                [columns[2][i] for i in kept], [columns[1][i] for i in kept], [obs_ids[i] for i in kept], th, level
            )
            out.append(HubPath(variant, th, [rows[i] for i in kept], fit))
    return out


@dataclass
class WindowMeasure:
    """The price of one capability level at a window's start and end (the running minimum),
    and, with >= 4 points, the decline over the window from Epoch's OLS with its interval."""

    start: dt.date
    end: dt.date
    start_price: float
    end_price: float
    start_obs_id: str
    end_obs_id: str
    start_model: str
    end_model: str
    observed_multiple: float  # x cheaper: start_price / end_price
    n: int  # points in the window fit (start point included)
    fit_multiple: float | None
    fit_low: float | None
    fit_high: float | None
    level: float


@functools.cache
def _t_quantile(q: float, df: int) -> float:
    """stats.t.ppf, remembered: the same few (level, n) pairs come back for every window."""
    from scipy import stats  # here, not at import: see analysis/trend.py's docstring

    return stats.t.ppf(q, df)


def window_measure(path: pl.DataFrame, start: dt.date, end: dt.date, level: float = LEVEL) -> WindowMeasure | str:
    """The decline of the cheapest-so-far price between two dates, or why it cannot be measured.

    The price in force at `start` is the last kept observation on or before it (the
    running minimum); it enters the window fit dated `start` (what a buyer could pay that
    day), followed by the kept observations after `start` up to `end`. The fit is Epoch's
    (OLS of log10 price on day, t interval with n-2 df); its multiple over the window is
    10^(-slope x days)."""
    return window_measure_rows(path.sort("release_date", maintain_order=True).to_dicts(), start, end, level)


def window_measure_rows(rows: list[dict], start: dt.date, end: dt.date, level: float = LEVEL) -> WindowMeasure | str:
    """`window_measure` of a path given as plain rows (`obs_id, model, release_date,
    price_usd_per_mtok`) already in release-date order: the claim checks measure over a
    thousand paths, and a polars frame per path cost more than the measure."""
    before = [r for r in rows if r["release_date"] <= start]
    if not before:
        return "no priced model met the threshold by the window's start"
    inside = [r for r in rows if start < r["release_date"] <= end]
    first, last = before[-1], (inside[-1] if inside else before[-1])
    days = np.array(
        [(start - dt.date(1970, 1, 1)).days] + [(r["release_date"] - dt.date(1970, 1, 1)).days for r in inside], float
    )
    prices = np.array([first["price_usd_per_mtok"]] + [r["price_usd_per_mtok"] for r in inside], float)
    fit_m = fit_lo = fit_hi = None
    if days.size >= MIN_KEPT:
        from scipy import stats  # here, not at import: see analysis/trend.py's docstring

        res = stats.linregress(days, np.log10(prices))
        tq = _t_quantile(1 - (1 - level) / 2, days.size - 2)
        width = (end - start).days
        fit_m = 10 ** (-res.slope * width)
        ends = [10 ** (-(res.slope - tq * res.stderr) * width), 10 ** (-(res.slope + tq * res.stderr) * width)]
        fit_lo, fit_hi = min(ends), max(ends)
    return WindowMeasure(
        start=start,
        end=end,
        start_price=first["price_usd_per_mtok"],
        end_price=last["price_usd_per_mtok"],
        start_obs_id=first["obs_id"],
        end_obs_id=last["obs_id"],
        start_model=first["model"],
        end_model=last["model"],
        observed_multiple=capability_window_decline(first["price_usd_per_mtok"], last["price_usd_per_mtok"]),
        n=int(days.size),
        fit_multiple=fit_m,
        fit_low=fit_lo,
        fit_high=fit_hi,
        level=level,
    )
