"""Cited claims about a change over a period, beside what the stored data says.

Every claim is turned into a multiple: "x cheaper" for a cost decline, "x more" for
demand (a 99% decline is 100x cheaper; $3.50 -> $0.32 is 10.9x cheaper). The data's
multiple comes from a stored fit over the claim's own window and series definition, with
the fit's 90% interval, or from stored values directly where the claim is about two
observed points.

Verdicts:
- consistent: the claim's value (or, for "more than", the region above it; for a range,
  each end) lies inside the data's interval;
- inconsistent: it does not;
- not testable: the stored data do not cover the claim's window (each end within
  max(31 days, 5% of the window); a "since December 2024" claim needs data from
  December 2024) or its series definition. The reason then gives the nearest thing the
  data can say, marked extrapolated where it is, and `testable_with` names the data
  that would settle it.
A stated percentage ("99% cheaper") is read to its rounding (98.5-99.5%): the multiples
it covers are stored as `claimed_low`/`claimed_high` (for "up to N%", only
`claimed_high`), as for a claimed range of rates.
Claims whose window is "the past year" of a report are given the calendar year before
publication (stated in `series_definition`), an assumption the report does not make
explicit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from analysis import capability_price as cp
from analysis.formulas.arithmetic import rounding_tolerance
from analysis.formulas.claims import (
    Claimed,
    claim_check_by_measures,
    claim_check_fit_multiple,
    claim_check_observed_ratio,
    claim_check_rate_range,
)
from analysis.formulas.trends import capability_window_decline
from analysis.recomputed_claims import by_some_measures, measure_supports
from analysis.trend import fmt_multiple as fm
from analysis.trends.records import DERIVED

CAPABILITY_DEF = (
    "capability-adjusted LLM price: cheapest model (blended 3:1 USD/Mtok) scoring at least the "
    "threshold, Epoch AI's method on Epoch AI's data"
)


@dataclass
class ClaimSpec:
    check_id: str
    claim_figure_ids: list[str]  # the first one stored is used
    claim: str
    kind: str  # rate_per_year, multiple_over_window, rate_range, observed_ratio
    direction: str  # decline or growth
    claimed: float | None
    bound: str  # =, ~, >, range
    series_definition: str
    testable_with: str
    window: tuple[dt.date, dt.date] | None = None
    claimed_range: tuple[float, float] | None = None
    fit_ids: list[str] = field(default_factory=list)  # evidence fits, first stored wins
    figure_pair: tuple[str, str] | None = None  # observed_ratio: (before, after) figure ids
    stated_pct: float | None = None  # observed_ratio: a stated % change, checked to its rounding
    benchmarks: tuple[str, ...] | None = None  # capability_measures: which benchmarks count (None: all)
    per_year: bool = False  # capability_measures: judge multiples per year
    claimed_band: tuple[float, float] | None = None  # capability_measures: the multiples the claim's rounding covers
    price_levels: tuple[float, float] | None = None  # capability_measures: claimed USD/Mtok at start and end


MEASURES_DEF = (
    "capability-adjusted LLM price, data through 2026: the cheapest-so-far price (blended 3:1 USD/Mtok) "
    "at every Benchmarking Hub threshold (GPQA Diamond, SWE-bench Verified, MATH Level 5, ECI) set by a "
    "past frontier model, in six variants (reasoning models excluded or included; cheapest provider, "
    "first-party or median price), Epoch AI's method; one measure per threshold and variant"
)
GENERAL_BENCHMARKS = ("GPQA Diamond", "SWE-bench Verified", "MATH Level 5", "ECI")
MEASURES_NEED = (
    "priced models scoring at least a threshold by the window's start (Benchmarking Hub scores joined "
    "with the token_price history)"
)

D = dt.date
SPECS = [
    ClaimSpec(
        "ark-p20-inference-cost-decline-1y",
        [
            "ark-big-ideas-2026/p20/inference-cost-decline-1y",
            "wealthdfm-ark-europe-big-ideas-2026/p20/inference-cost-decline-1y",
        ],
        "ARK Big Ideas 2026 p20: inference costs fell more than 99% in a year (by some measures)",
        "capability_measures",
        "decline",
        100.0,
        ">",
        MEASURES_DEF + "; window calendar 2025 (the year before the report)",
        MEASURES_NEED,
        window=(D(2025, 1, 1), D(2025, 12, 31)),
        benchmarks=GENERAL_BENCHMARKS,
    ),
    ClaimSpec(
        "ark-p20-inference-cost-decline-12m-to-report",
        [
            "ark-big-ideas-2026/p20/inference-cost-decline-1y",
            "wealthdfm-ark-europe-big-ideas-2026/p20/inference-cost-decline-1y",
        ],
        "ARK Big Ideas 2026 p20: inference costs fell more than 99% in a year (by some measures), read as the "
        "12 months before the report",
        "capability_measures",
        "decline",
        100.0,
        ">",
        MEASURES_DEF + "; window 2025-02-01 to 2026-01-31, the 12 months to the report's assumed publication at the "
        "end of January 2026 (the report is undated in the store; its p34 data run to December 2025)",
        MEASURES_NEED,
        window=(D(2025, 2, 1), D(2026, 1, 31)),
        benchmarks=GENERAL_BENCHMARKS,
    ),
    ClaimSpec(
        "ark-downing-fixed-intelligence-decline-1y",
        ["nuggets-ark-big-ideas-2026-ai-infrastructure-video/downing-cost-fixed-intelligence-decline-1y"],
        "ARK (F. Downing): cost to reach a given benchmark level fell 99% over the last year",
        "capability_measures",
        "decline",
        100.0,
        "~",
        MEASURES_DEF + "; window assumed June 2025 to May 2026 (the year before the May 2026 video)",
        MEASURES_NEED,
        window=(D(2025, 6, 1), D(2026, 5, 26)),
        claimed_band=(1 / 0.015, 1 / 0.005),
        benchmarks=GENERAL_BENCHMARKS,
    ),
    ClaimSpec(
        "ark-p34-sw-dev-cost-apr-dec-2025",
        ["ark-big-ideas-2026/p34/sw-dev-cost-decline-apr-dec-2025"],
        "ARK Big Ideas 2026 p34: cost of AI models for software development fell from $3.50 to $0.32 "
        "per million tokens, April to December 2025 (-91%)",
        "capability_measures",
        "decline",
        3.50 / 0.32,
        "=",
        MEASURES_DEF.replace(
            "every Benchmarking Hub threshold (GPQA Diamond, SWE-bench Verified, MATH Level 5, ECI)",
            "every SWE-bench Verified threshold (the coding benchmark Epoch runs) and every Artificial Analysis "
            "Coding Index threshold (models.dev's benchmark tables)",
        )
        + '; window 2025-04-01 to 2025-12-31; ARK\'s own basket ("based on the Artificial Analysis Coding Index") '
        "is not published; the Coding Index scores are the ones models.dev lists, not AA's full table",
        "ARK's basket of software-development models (the chart's data), or SWE-bench Verified scores for models "
        "priced in April and December 2025",
        window=(D(2025, 4, 1), D(2025, 12, 31)),
        benchmarks=("SWE-bench Verified", "Artificial Analysis Coding Index"),
        claimed_band=(1 / (1 - 0.905), 1 / (1 - 0.915)),
        price_levels=(3.50, 0.32),
    ),
    ClaimSpec(
        "ark-p20-openrouter-demand-25x-since-dec-2024",
        ["ark-big-ideas-2026/p20/openrouter-demand-growth-since-dec-2024"],
        "ARK Big Ideas 2026 p20: OpenRouter compute demand up 25x since December 2024",
        "multiple_over_window",
        "growth",
        25.0,
        "=",
        "OpenRouter tokens per week (third-party scrape of the public rankings); window December 2024 "
        "to December 2025 (assumed end: the report's data cut-off)",
        "OpenRouter weekly token totals from December 2024 to December 2025 from one consistent series: the only "
        "weekly series stored (a third-party scrape of OpenRouter's public rankings) starts in April 2025, no public "
        "weekly series before April 2025 is known, and a16z's 100-trillion-token study gives only annualised totals; "
        "the fit is not extrapolated into a verdict",
        window=(D(2024, 12, 1), D(2025, 12, 31)),
        fit_ids=["trend/demand/openrouter_weekly_scrape/bootstrap", "trend/demand/openrouter_weekly_scrape/ols"],
    ),
    ClaimSpec(
        "a16z-llmflation-10x-per-year",
        ["a16z-llmflation-2024/cost-decline-10x-per-year"],
        "a16z LLMflation (Nov 2024): for an LLM of equivalent performance, cost falls 10x every year",
        "rate_per_year",
        "decline",
        10.0,
        "~",
        CAPABILITY_DEF + "; threshold MMLU >= 42 (a16z's own example), November 2021 to late 2024",
        "",
        window=(D(2021, 11, 1), D(2024, 11, 12)),
        fit_ids=["trend/capability_price/mmlu/ge-42/epoch-ols"],
    ),
    ClaimSpec(
        "a16z-llmflation-1000x-3y",
        ["a16z-llmflation-2024/cost-decline-1000x-3y"],
        "a16z LLMflation: cost to reach MMLU 42 fell 1,000x in 3 years ($60 GPT-3, Nov 2021 -> $0.06)",
        "multiple_over_window",
        "decline",
        1000.0,
        "~",
        CAPABILITY_DEF + "; threshold MMLU >= 42, 2021-11-20 to 2024-11-12",
        "",
        window=(D(2021, 11, 20), D(2024, 11, 12)),
        fit_ids=["trend/capability_price/mmlu/ge-42/epoch-ols"],
    ),
    ClaimSpec(
        "a16z-llmflation-mmlu83-62x",
        ["a16z-llmflation-2024/mmlu-83-price-decline-since-gpt-4"],
        "a16z LLMflation: price of models at MMLU 83 fell about 62x since GPT-4 (March 2023)",
        "multiple_over_window",
        "decline",
        62.0,
        "~",
        CAPABILITY_DEF + "; threshold MMLU >= 83, 2023-03-14 to 2024-11-12",
        "",
        window=(D(2023, 3, 14), D(2024, 11, 12)),
        fit_ids=["trend/capability_price/mmlu/ge-83/epoch-ols"],
    ),
    ClaimSpec(
        "epoch-9-to-900x-per-year",
        ["epoch-llm-inference-price-trends-2025/decline-range-per-year"],
        "Epoch AI (2025): the price to reach a benchmark milestone fell 9x to 900x per year",
        "rate_range",
        "decline",
        None,
        "range",
        CAPABILITY_DEF + "; every Epoch threshold with >= 4 points",
        "",
        claimed_range=(9.0, 900.0),
        fit_ids=["@capability_epoch_all"],
    ),
    ClaimSpec(
        "epoch-gpqa-gpt4-40x-per-year",
        ["epoch-llm-inference-price-trends-2025/gpqa-gpt-4-level-decline-per-year"],
        "Epoch AI (2025): the price to reach GPT-4's GPQA Diamond score fell 40x per year",
        "rate_per_year",
        "decline",
        40.0,
        "~",
        CAPABILITY_DEF + "; threshold GPQA Diamond >= 33 (GPT-4-0314)",
        "",
        fit_ids=["trend/capability_price/gpqa_diamond/ge-33/epoch-ols"],
    ),
    ClaimSpec(
        "ai-index-gpt35-level-280x",
        ["sipoch-stanford-ai-index-2025/gpt-3.5-level-cost-decline"],
        "Stanford AI Index 2025: GPT-3.5-level inference fell from $20 to $0.07 per Mtok, Nov 2022 to Oct 2024 (280x)",
        "multiple_over_window",
        "decline",
        280.0,
        "~",
        CAPABILITY_DEF + "; threshold MMLU >= 64.8 (GPT-3.5), 2022-11-30 to 2024-10-31",
        "",
        window=(D(2022, 11, 30), D(2024, 10, 31)),
        fit_ids=["trend/capability_price/mmlu/ge-64.8/epoch-ols"],
    ),
    ClaimSpec(
        "ark-inference-capable-models-95pct-per-year",
        ["bitcoinfoundation-ark-ai-infrastructure-report/inference-cost-annual-decline"],
        "ARK AI infrastructure report (March 2026): inference costs for capable models fall about 95% a year",
        "capability_measures",
        "decline",
        20.0,
        "~",
        MEASURES_DEF + "; window assumed March 2025 to March 2026 (the year before the report); multiples per year",
        MEASURES_NEED,
        window=(D(2025, 3, 1), D(2026, 3, 25)),
        per_year=True,
        benchmarks=GENERAL_BENCHMARKS,
        claimed_band=(1 / (1 - 0.945), 1 / (1 - 0.955)),
    ),
    ClaimSpec(
        "openai-chatgpt-cost-90pct-since-dec-2022",
        ["openai-chatgpt-whisper-apis-2023-copy/chatgpt-cost-reduction-since-dec-2022"],
        "OpenAI (March 2023): 90% cost reduction for ChatGPT since December 2022 through system-wide optimizations",
        "multiple_over_window",
        "decline",
        10.0,
        "=",
        "OpenAI's own serving cost per ChatGPT request, December 2022 to March 2023",
        "OpenAI's serving cost per request or per token over time (not published; list prices measure price, not cost)",
        window=(D(2022, 12, 1), D(2023, 3, 1)),
        fit_ids=[],
    ),
    ClaimSpec(
        "openai-gpt-4o-mini-99pct-vs-davinci-003",
        ["openai-gpt-4o-mini-2024/cost-per-token-drop-vs-davinci-003"],
        "OpenAI (July 2024): the cost per token of GPT-4o mini has dropped by 99% since text-davinci-003 (2022)",
        "observed_ratio",
        "decline",
        100.0,
        "~",
        "OpenAI list price per input token: Davinci (text-davinci-003 era, $20/Mtok from 2022-09-01) vs "
        "GPT-4o mini ($0.15/Mtok, 2024-07-18), from the token_price table",
        "",
        window=(D(2022, 9, 1), D(2024, 7, 18)),
        stated_pct=99.0,
        figure_pair=(
            "hf-prasant-openai-dataset-9f1bc7a/openai/davinci/2022-09-01/input",
            "openai-gpt-4o-mini-advancing-cost-efficient-intelligence/openai/gpt-4o-mini/2024-07-18/input",
        ),
    ),
    ClaimSpec(
        "compux-aws-h100-44pct-cut-jun-2025",
        ["compux-gpu-pricing-trends-2026/aws-h100-price-cut-jun-2025"],
        "CompuX (2026): AWS cut H100 pricing by 44% in June 2025",
        "observed_ratio",
        "decline",
        1 / 0.56,
        "~",
        "AWS on-demand price per H100 GPU-hour (p5.48xlarge / 8): $12.29 on 2025-03-17 (Epoch AI hardware prices) vs "
        "$6.88 on 2026-04-22 (page describing the price after the June 2025 cut), from gpu_rental_price",
        "",
        window=(D(2025, 3, 17), D(2026, 4, 22)),
        stated_pct=44.0,
        figure_pair=(
            "epoch-hardware-prices/hardware_prices.csv:593/on_demand",
            "codesota-h100-2026-04-22/r2-aws-h100-p5-after-june-2025-price-cut/usd_per_gpu_hour",
        ),
    ),
    ClaimSpec(
        "usage-ai-aws-p5-up-to-45pct-cut-jun-2025",
        ["usage-ai-llm-cost-aws-2026/aws-p5-on-demand-price-cut-jun-2025"],
        "Usage.ai (2026): P5 (H100) on-demand pricing dropped by up to 45% (June 2025)",
        "observed_ratio",
        "decline",
        1 / 0.55,
        "<",
        "AWS on-demand price per H100 GPU-hour (p5.48xlarge / 8): $12.29 on 2025-03-17 (Epoch AI hardware prices) vs "
        "$6.88 on 2026-04-22 (page describing the price after the June 2025 cut), from gpu_rental_price",
        "",
        window=(D(2025, 3, 17), D(2026, 4, 22)),
        stated_pct=45.0,
        figure_pair=(
            "epoch-hardware-prices/hardware_prices.csv:593/on_demand",
            "codesota-h100-2026-04-22/r2-aws-h100-p5-after-june-2025-price-cut/usd_per_gpu_hour",
        ),
    ),
    ClaimSpec(
        "business-insider-openrouter-6.4t-to-13t",
        ["business-insider-ai-surge-2026-copy/openrouter-tokens-week-ending-2026-02-09"],
        "Business Insider (Feb 2026): OpenRouter handled 13T tokens in the week ending Feb 9, up from 6.4T in the first week of January",
        "observed_ratio",
        "growth",
        13.0 / 6.4,
        "~",
        "OpenRouter weekly token totals (scrape), week labels 2026-01-05 and 2026-02-09",
        "",
        window=(D(2026, 1, 5), D(2026, 2, 9)),
        figure_pair=(
            "openrouter-rankings-scrape-kenneth-top/2026-01-05/total/tokens",
            "openrouter-rankings-scrape-kenneth-top/2026-02-09/total/tokens",
        ),
    ),
]


def as_multiple(direction: str, growth_factor: float) -> float:
    """A fit's growth factor as the claim's multiple: x cheaper (decline) or x more (growth)."""
    return 1 / growth_factor if direction == "decline" else growth_factor


def claim_rates(spec: ClaimSpec, fit: dict) -> tuple[float, float, float]:
    """A stored fit's rate per year in the claim's direction (x cheaper or x more) and its
    interval ends: the evidence `claim_check_fit_multiple` takes."""
    return (
        as_multiple(spec.direction, fit["factor_per_year"]),
        as_multiple(spec.direction, fit["factor_low"]),
        as_multiple(spec.direction, fit["factor_high"]),
    )


# The formula each kind of claim is checked with (the check figure's `formula`).
CHECK_FORMULA = {
    "rate_per_year": claim_check_fit_multiple,
    "multiple_over_window": claim_check_fit_multiple,
    "rate_range": claim_check_rate_range,
    "observed_ratio": claim_check_observed_ratio,
    "capability_measures": claim_check_by_measures,
}


def covers(window: tuple[dt.date, dt.date], start: dt.date, end: dt.date) -> bool:
    tol = max(31, 0.05 * (window[1] - window[0]).days)
    return (start - window[0]).days <= tol and (window[1] - end).days <= tol


def evaluate(
    spec: ClaimSpec, fits: dict[str, dict], figures: dict[str, dict], paths: pl.DataFrame | None = None
) -> dict | None:
    """One claim_check row plus its derived figure and lineage (and, for a claim judged on
    capability measures, its `claim_measure` rows and their figures); None when no claim
    figure is stored."""
    claim_id = next((f for f in spec.claim_figure_ids if f in figures), None)
    if claim_id is None:
        return None
    row = dict(
        check_id=spec.check_id,
        claim_figure_id=claim_id,
        claim=spec.claim,
        claimed_multiple=spec.claimed,
        claimed_low=spec.claimed_range[0] if spec.claimed_range else None,
        claimed_high=spec.claimed_range[1] if spec.claimed_range else None,
        claim_bound=spec.bound,
        window_start=spec.window[0] if spec.window else None,
        window_end=spec.window[1] if spec.window else None,
        series_definition=spec.series_definition,
        data_multiple=None,
        data_low=None,
        data_high=None,
        level=None,
        fit_id=None,
        extrapolated=False,
        verdict="not testable",
        reason="",
        testable_with=spec.testable_with or None,
        check_figure_id=None,
        source_id=DERIVED,
        n_measures=None,
    )
    capability = [f for f in fits.values() if f["family"] == "capability_price" and f["method"] == "epoch-ols"]
    extra: dict[str, list[dict]] = {}
    if spec.kind == "capability_measures":
        update, evidence, extra = _capability_measures(spec, paths)
    elif spec.kind == "observed_ratio":
        update, evidence = _observed_ratio(spec, figures)
    elif spec.kind == "rate_range":
        update, evidence = _rate_range(spec, [f for f in capability if not f.get("claim_defined")])
    else:
        update, evidence = _from_fit(spec, _pick(spec, fits, capability))
    row.update(update)
    if row["verdict"] == "not testable" or not evidence:
        return dict(claim_check=[row], figure=[], figure_input=[])
    for m in extra.get("claim_measure", []):
        m["check_id"] = spec.check_id
    fid = f"{DERIVED}/claim-check/{spec.check_id}"
    row["check_figure_id"] = fid
    figure = dict(
        figure_id=fid,
        source_id=DERIVED,
        metric=f"claim_check_{spec.direction}_multiple",
        entity_kind="claim",
        entity=claim_id,
        value=row["data_multiple"],
        unit="x",
        bound="range" if row["data_multiple"] is None else "=",
        value_low=row["data_low"],
        value_high=row["data_high"],
        period_start=spec.window[0] if spec.window else None,
        period_end=spec.window[1] if spec.window else None,
        locator=spec.check_id,
        kind="derived",
        verification="unverified",
        formula=CHECK_FORMULA[spec.kind].key,
        qualifier=f"verdict: {row['verdict']}",
        notes=row["reason"],
    )
    lineage = [dict(figure_id=fid, input_figure_id=claim_id, role="claim")]
    lineage += [dict(figure_id=fid, input_figure_id=e, role="evidence") for e in evidence]
    return dict(
        claim_check=[row],
        figure=[figure] + extra.get("figure", []),
        figure_input=lineage + extra.get("figure_input", []),
        claim_measure=extra.get("claim_measure", []),
    )


def _observed_ratio(spec: ClaimSpec, figures: dict[str, dict]) -> tuple[dict, list[str]]:
    """Two stored figures (before, after) against a stated multiple or percentage."""
    a, b = (figures.get(x) for x in spec.figure_pair)
    if a is None or b is None:
        return dict(
            reason="the stored figures for the claim's two ends are not in the warehouse",
            testable_with=spec.testable_with or f"the figures {spec.figure_pair[0]} and {spec.figure_pair[1]}",
        ), []
    check = claim_check_observed_ratio(
        _claimed(spec), (a["value"], b["value"]), direction=spec.direction, stated_pct=spec.stated_pct
    )
    ratio = check.value
    if spec.stated_pct is not None:
        pct, tol = check.pct, rounding_tolerance(spec.stated_pct)
        if spec.bound == "<":  # "up to N%"
            how = f"{pct:.2f}% lower vs stated up to {spec.stated_pct:g}% (at most {spec.stated_pct + tol:g}% counts)"
        else:
            how = (
                f"{pct:.2f}% lower vs stated {spec.stated_pct:g}% (agreement within the stated rounding, "
                f"{spec.stated_pct - tol:g}-{spec.stated_pct + tol:g}%)"
            )
    else:
        how = f"{fm(ratio)}x vs claimed {fm(spec.claimed)}x (agreement within 5% counts: both figures are rounded)"
    return dict(
        data_multiple=ratio,
        data_low=ratio,
        data_high=ratio,
        claimed_low=check.claimed_low,
        claimed_high=check.claimed_high,
        verdict=check.verdict,
        reason=(
            f"stored figures {a['value']:.4g} -> {b['value']:.4g} {b.get('unit') or ''}: {how}; "
            "observed values, no interval"
        ),
    ), [a["figure_id"], b["figure_id"]]


def _rate_range(spec: ClaimSpec, epoch_fits: list[dict]) -> tuple[dict, list[str]]:
    """A claimed range of yearly rates against the slowest and fastest stored threshold fits."""
    if len(epoch_fits) < 2:
        return dict(
            reason="fewer than two capability-adjusted fits stored",
            testable_with="Epoch AI's LLM price data loaded and fitted",
        ), []

    def dec(f):
        return as_multiple("decline", f["factor_per_year"])

    slow, fast = min(epoch_fits, key=dec), max(epoch_fits, key=dec)
    ends = tuple(
        (as_multiple("decline", f["factor_high"]), as_multiple("decline", f["factor_low"])) for f in (slow, fast)
    )
    check = claim_check_rate_range(_claimed(spec), ((dec(slow), *ends[0]), (dec(fast), *ends[1])))
    v = check.verdict
    where = (
        "each claimed end lies in its extreme fit's interval"
        if v == "consistent"
        else "a claimed end lies outside its extreme fit's interval"
    )
    return dict(
        data_low=check.low,
        data_high=check.high,
        level=slow["level"],
        fit_id=slow["fit_id"],
        verdict=v,
        reason=(
            f"{len(epoch_fits)} threshold fits fall {fm(dec(slow))}x/yr ({slow['series']}, 90% CI "
            f"{fm(ends[0][0])}-{fm(ends[0][1])}) to {fm(dec(fast))}x/yr ({fast['series']}, 90% CI "
            f"{fm(ends[1][0])}-{fm(ends[1][1])}); {where}"
        ),
    ), [slow["rate_figure_id"], fast["rate_figure_id"]]


def _from_fit(spec: ClaimSpec, fit: dict | None) -> tuple[dict, list[str]]:
    """A rate or a multiple over the claim's window from one stored fit; untestable outside its dates."""
    if fit is None:
        return dict(
            reason=(
                "no stored series matches the claim's definition"
                if not spec.fit_ids
                else "the evidence fit is not stored"
            ),
            testable_with=spec.testable_with or "the fit named in the claim's series definition",
        ), []
    years = (spec.window[1] - spec.window[0]).days / 365.25 if spec.kind == "multiple_over_window" else 1.0
    check = claim_check_fit_multiple(_claimed(spec), claim_rates(spec, fit), years=years)
    m, lo, hi = check.value, check.low, check.high
    what = (
        f"{fit['series']} ({fit['method']}, n={fit['n']}, {fit['date_start']} to {fit['date_end']}): "
        f"{fm(m)}x {'cheaper' if spec.direction == 'decline' else 'more'}"
        f"{' per year' if spec.kind == 'rate_per_year' else f' over {years:.2f} years'}, "
        f"{fit['level']:.0%} CI {fm(lo)}-{fm(hi)}"
    )
    beyond = spec.window is not None and (fit["date_start"] > spec.window[0] or fit["date_end"] < spec.window[1])
    if spec.window is not None and not covers(spec.window, fit["date_start"], fit["date_end"]):
        return dict(
            extrapolated=True,
            fit_id=fit["fit_id"],
            reason=(
                f"the stored data do not cover the claim's window {spec.window[0]} to "
                f"{spec.window[1]}; nearest evidence, EXTRAPOLATED: {what}"
            ),
        ), []
    v = check.verdict
    return dict(
        data_multiple=m,
        data_low=lo,
        data_high=hi,
        level=fit["level"],
        fit_id=fit["fit_id"],
        extrapolated=beyond,
        verdict=v,
        testable_with=spec.testable_with or None,
        reason=f"{what}; claimed {_claimed_text(spec)} is {'inside' if v == 'consistent' else 'outside'} the interval",
    ), [fit["rate_figure_id"]]


def _claimed(spec: ClaimSpec) -> Claimed:
    """The claim as its check formula reads it (role `claim`)."""
    low, high = spec.claimed_range or spec.claimed_band or (None, None)
    return Claimed(spec.claimed, spec.bound, low, high)


def _claimed_text(spec: ClaimSpec) -> str:
    sign = {">": "more than ", "~": "about ", "=": "", "<": "less than "}.get(spec.bound, "")
    unit = "x per year" if spec.kind == "rate_per_year" else "x"
    return f"{sign}{fm(spec.claimed)}{unit}"


def _pick(spec: ClaimSpec, fits: dict[str, dict], capability: list[dict]) -> dict | None:
    """The evidence fit: a named one, or for "@capability_max" the fastest-falling
    capability fit (the "by some measures" reading most favourable to the claim)."""
    for fid in spec.fit_ids:
        if fid == "@capability_max" and capability:
            return min(capability, key=lambda f: f["factor_per_year"])
        if fid in fits:
            return fits[fid]
    return None


def _capability_measures(spec: ClaimSpec, paths: pl.DataFrame | None) -> tuple[dict, list[str], dict]:
    """Every threshold x variant path measured over the claim's window (analysis.recomputed_claims rules).

    Each measure is a derived figure (formula capability_window_decline@1) with lineage to
    the prices at the window's two ends (roles start_price, end_price) and the scores that
    put those models over the threshold; the check's evidence is the measures that support
    the claim (all of them when none does)."""
    none = (
        dict(reason="no capability-adjusted paths with data through 2026 are stored", testable_with=spec.testable_with),
        [],
        {},
    )
    if paths is None or paths.is_empty():
        return none
    rows = paths if spec.benchmarks is None else paths.filter(pl.col("benchmark").is_in(list(spec.benchmarks)))
    start, end = spec.window
    years = (end - start).days / 365.25
    measures, figures, lineage, labels = [], [], [], []
    for (series,), g in rows.sort("series", "obs_date").group_by(["series"], maintain_order=True):
        path = g.select(
            pl.col("obs_id"),
            pl.col("model_version").alias("model"),
            pl.col("obs_date").alias("release_date"),
            "price_usd_per_mtok",
        )
        m = cp.window_measure(path, start, end)
        if isinstance(m, str):
            continue
        first = g.row(0, named=True)
        observed = capability_window_decline(m.start_price, m.end_price, years=years if spec.per_year else None)
        f_lo, f_hi, f_m = m.fit_low, m.fit_high, m.fit_multiple
        if spec.per_year:
            f_m, f_lo, f_hi = (None if v is None else v ** (1 / years) for v in (f_m, f_lo, f_hi))
        band = spec.claimed_band or (None, None)
        ok, how = measure_supports(spec.bound, spec.claimed, observed, claimed_low=band[0], claimed_high=band[1])
        unit = "x per year" if spec.per_year else "x"
        by_obs = {r["obs_id"]: r for r in g.iter_rows(named=True)}
        s_row, e_row = by_obs[m.start_obs_id], by_obs[m.end_obs_id]
        label = (
            f"{first['benchmark']} >= {first['lower']:.4g} ({first['threshold_version']}; {first['variant']}): "
            f"${m.start_price:.3g} {m.start_model} ({s_row['provider']}) -> ${m.end_price:.3g} {m.end_model} "
            f"({e_row['provider']}), "
            f"{fm(observed)}{unit} cheaper"
            + (f", window fit {fm(f_m)} [{fm(f_lo)}, {fm(f_hi)}]" if f_m is not None else "")
        )
        mid = f"{spec.check_id}/{series}"
        fid = f"{DERIVED}/claim-measure/{mid}"
        measures.append(
            dict(
                measure_id=mid,
                check_id=spec.check_id,
                series=series,
                variant=first["variant"],
                benchmark=first["benchmark"],
                lower=first["lower"],
                threshold_model=first["threshold_version"] or first["threshold_model"],
                window_start=start,
                window_end=end,
                start_price=m.start_price,
                end_price=m.end_price,
                start_model=m.start_model,
                end_model=m.end_model,
                start_provider=s_row["provider"],
                end_provider=e_row["provider"],
                observed_multiple=observed,
                n=m.n,
                fit_multiple=f_m,
                fit_low=f_lo,
                fit_high=f_hi,
                level=m.level,
                supports=ok,
                how=how,
                measure_figure_id=fid,
                source_id=DERIVED,
            )
        )
        figures.append(
            dict(
                figure_id=fid,
                source_id=DERIVED,
                metric="capability_price_decline_over_window",
                entity_kind="trend_series",
                entity=series,
                value=observed,
                unit=unit,
                bound="=",
                value_low=f_lo,
                value_high=f_hi,
                period_start=start,
                period_end=end,
                locator=mid,
                kind="derived",
                verification="unverified",
                formula=capability_window_decline.key,
                qualifier=label + ("; supports the claim" if ok else "; does not support the claim"),
            )
        )
        for role, r in (("start_price", s_row), ("end_price", e_row)):
            lineage += [dict(figure_id=fid, input_figure_id=f, role=role) for f in r["price_figure_ids"]]
            lineage.append(
                dict(figure_id=fid, input_figure_id=r["score_figure_id"], role=f"{role.split('_')[0]}_score")
            )
        labels.append(dict(label=label, supports=ok, fid=fid, observed=observed))
    labels.sort(key=lambda x: -x["observed"])  # largest declines named first
    verdict, summary = by_some_measures(
        labels, _claimed_text(spec) + (" per year" if spec.per_year and "per year" not in _claimed_text(spec) else "")
    )
    if verdict == "not testable":
        return dict(reason=f"{summary} (window {start} to {end})", testable_with=spec.testable_with), [], {}
    check = claim_check_by_measures(_claimed(spec), [(x["observed"], x["supports"]) for x in labels])
    if check.verdict != verdict:
        raise AssertionError(
            f"{spec.check_id}: {claim_check_by_measures.key} says {check.verdict}, the summary {verdict}"
        )
    chosen = [x for x in labels if x["supports"]] or labels
    observed_all = [x["observed"] for x in labels]
    levels = ""
    if spec.price_levels:
        near = min(labels, key=lambda x: abs(_log_gap(x, measures, spec.price_levels)))
        levels = (
            f"; claimed ${spec.price_levels[0]:.2f} -> ${spec.price_levels[1]:.2f}, the measure nearest those "
            f"price levels: {near['label']}"
        )
    spread = ""
    if spec.bound != ">" and spec.claimed_band:
        above = sum(o > spec.claimed_band[1] for o in observed_all)
        below = sum(o < spec.claimed_band[0] for o in observed_all)
        spread = (
            f"; {above} measures above the claim's range [{fm(spec.claimed_band[0])}, {fm(spec.claimed_band[1])}], "
            f"{len(observed_all) - above - below} inside, {below} below"
        )
    median = sorted(observed_all)[len(observed_all) // 2]
    reason = (
        f"{summary}; window {start} to {end}; observed multiples range {fm(min(observed_all))} to "
        f"{fm(max(observed_all))} (median {fm(median)}) across {len(labels)} measures{spread}{levels}; "
        f"prices below ${cp.PRICE_FLOOR_USD_PER_MTOK}/Mtok are left out as unit errors; every measure in claim_measure "
        f"(SELECT * FROM claim_measure WHERE check_id = '{spec.check_id}')"
    )
    return (
        dict(
            data_multiple=check.value,
            data_low=check.low,
            data_high=check.high,
            level=0.9,
            n_measures=len(labels),
            verdict=verdict,
            reason=reason,
            testable_with=spec.testable_with or None,
        ),
        [x["fid"] for x in chosen],
        dict(claim_measure=measures, figure=figures, figure_input=_unique_lineage(lineage)),
    )


def _log_gap(label: dict, measures: list[dict], levels: tuple[float, float]) -> float:
    """How far a measure's two prices are from the claimed ones (sum of |log10| gaps)."""
    import math

    m = next(x for x in measures if x["measure_figure_id"] == label["fid"])
    return abs(math.log10(m["start_price"] / levels[0])) + abs(math.log10(m["end_price"] / levels[1]))


def _unique_lineage(rows: list[dict]) -> list[dict]:
    seen, out = set(), []
    for r in rows:
        k = (r["figure_id"], r["role"], r["input_figure_id"])
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out
