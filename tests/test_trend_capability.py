"""analysis.capability_price reproduces Epoch AI's published fits on Epoch's own files."""

from pathlib import Path

import polars as pl
import pytest

from analysis.capability_price import (
    EXCLUDED_MODELS,
    capability_fits,
    cheapest_path,
    prepare,
    thresholds,
)
from sources.epoch_llm_prices import parse_all

DATA = Path(__file__).resolve().parents[1] / "sources" / "data" / "epoch_llm_prices"

# Epoch AI's own results for these files: epoch-research/llm-benchmark-efficiency,
# results/default/lowest_price_models_above_previous_frontier/lowest_price_models_results.csv
# (benchmark, threshold model, n, factor per year, 90% CI low, high).
EPOCH_PUBLISHED = [
    ("MMLU", "GPT-3", 9, 11.772872667426151, 8.287354506876559, 16.724339561970456),
    ("MMLU", "GPT-3.5", 7, 15.830914761762989, 8.054664913158714, 31.114623003717604),
    ("MMLU", "GPT-3.5 Turbo", 6, 9.34724894739857, 4.800970684806941, 18.19862453256306),
    ("MMLU", "GPT-4-0314", 5, 15.85676156770196, 4.085681392676409, 61.54099237048954),
    ("MMLU", "GPT-4 Turbo", 5, 35.791221662400446, 5.026995585266262, 254.8264716686105),
    ("GPQA Diamond", "GPT-4-0314", 6, 42.0189988368494, 4.398155473320801, 401.44016598804956),
    ("GPQA Diamond", "GPT-4 Turbo", 6, 46.246021561114674, 3.7864365251220664, 564.8304140426959),
    ("GPQA Diamond", "GPT-4o-2024-05", 4, 851.1622038749446, 6.1767855524077975, 117290.31081916738),
    ("GPQA Diamond", "Claude-3.5-Sonnet-2024-06", 4, 251.15711308883266, 41.56132345563141, 1517.7547346984131),
    ("MATH-500", "GPT-3.5-Turbo-2023-06", 6, 18.02982343875724, 11.243954711671815, 28.911049676793496),
    ("MATH-500", "GPT-4 Turbo", 6, 172.26182003815543, 13.730106795262005, 2161.24572702507),
    ("MATH-500", "GPT-4o-2024-05", 4, 689.0799024380077, 0.1197002513598262, 3966834.7104518856),
    ("MATH 5", "GPT-4-0613", 5, 72.63549281313398, 6.039079050021591, 873.6290372267898),
    ("MATH 5", "GPT-4 Turbo", 6, 159.5525791437889, 12.339533392052168, 2063.046040933102),
    ("MATH 5", "GPT-4o-2024-05", 4, 689.0799024380077, 0.1197002513598262, 3966834.7104518856),
    ("HumanEval", "GPT-4-0314", 7, 36.822471772292936, 14.34122572881695, 94.5452259841922),
    ("HumanEval", "GPT-3.5-Turbo-2023-06", 6, 9.240250279099344, 4.832723864099762, 17.66751579883625),
    ("LMSys Chatbot Arena ELO", "GPT-3.5 Turbo", 7, 9.605140145319366, 5.258629304647338, 17.544251907943323),
    ("LMSys Chatbot Arena ELO", "GPT-4-0314", 6, 75.31861757587912, 7.555868410004079, 750.7931379575824),
    ("LMSys Chatbot Arena ELO", "GPT-4 Turbo", 5, 245.5140536105096, 4.233635773082607, 14237.679798414734),
    ("LMSys Chatbot Arena ELO", "GPT-4o-2024-05", 5, 176.96047076161705, 39.13465053498507, 800.1862233106846),
]


@pytest.fixture(scope="module")
def observations():
    return parse_all(DATA)


def test_every_published_epoch_fit_is_reproduced(observations):
    got = {(f.benchmark, f.threshold_model): f for f in capability_fits(observations)}
    assert set(got) == {(b, m) for b, m, *_ in EPOCH_PUBLISHED}
    for bench, model, n, factor, low, high in EPOCH_PUBLISHED:
        f = got[(bench, model)]
        assert f.n == n
        assert f.factor_per_year == pytest.approx(factor, rel=1e-9)
        assert (f.factor_low, f.factor_high) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))


def test_decline_rates_span_nine_to_nine_hundred_x_per_year(observations):
    rates = [f.factor_per_year for f in capability_fits(observations)]
    assert 9 < min(rates) < 10 and 800 < max(rates) < 900


def test_each_fit_names_the_observations_it_used(observations):
    f = next(f for f in capability_fits(observations) if (f.benchmark, f.threshold_model) == ("MMLU", "GPT-3"))
    assert len(f.kept_obs_ids) == f.n == 9
    assert f.kept_obs_ids[0] == "epoch-llm-prices-epoch/gpt-3-175b-davinci@2021-11-20"
    assert f.kept_obs_ids[-1] == "epoch-llm-prices-aa/gemini-1.5-flash-8b@2024-10-03"


def test_prepare_drops_reasoning_models_and_renames_gpt3(observations):
    obs = prepare(observations)
    assert not set(obs["model"]) & EXCLUDED_MODELS
    assert "GPT-3" in set(obs["model"]) and "GPT-3 175B (davinci)" not in set(obs["model"])


def test_multiple_choice_thresholds_under_30_are_skipped(observations):
    obs = prepare(observations)
    # Epoch's data has no GPQA frontier model under 30 (GPT-4-0314 opens at 33), so the rule
    # is exercised on a copy where that first frontier model scores 28 (near 25%, chance on
    # four options): it is not a threshold, the next frontier model (GPT-4-0613, 31) is.
    low_start = obs.with_columns(
        pl.when(pl.col("model") == "GPT-4-0314").then(28.0).otherwise(pl.col("GPQA Diamond")).alias("GPQA Diamond")
    )
    assert [(t.lower, t.model) for t in thresholds(low_start, "GPQA Diamond")] == [
        (31.0, "GPT-4-0613"),
        (50.0, "GPT-4 Turbo"),
        (53.0, "GPT-4o-2024-05"),
        (56.0, "Claude-3.5-Sonnet-2024-06"),
        (61.0, "Gemini-1.5-Pro-2024-09"),
        (62.0, "Gemini 2.0 Flash"),
    ]
    # MATH Level 5 is not multiple choice: its 23% threshold stays
    assert [(t.lower, t.model) for t in thresholds(obs, "MATH 5")][:2] == [(23.0, "GPT-4-0613"), (36.0, "GPT-4 Turbo")]


def test_cheapest_path_keeps_strictly_falling_prices_and_one_point_per_date():
    obs = pl.DataFrame(
        {
            "obs_id": list("abcdef"),
            "model": list("ABCDEF"),
            "release_date": pl.Series([f"2024-0{i}-01" for i in (1, 2, 2, 3, 4, 5)]).str.to_date(),
            "price_usd_per_mtok": [10.0, 8.0, 5.0, 6.0, 5.0, 1.0],
            "MMLU": [50.0, 60.0, 55.0, 70.0, 40.0, 99.0],
        }
    )
    th = thresholds(prepare(obs), "MMLU")[0]
    kept = cheapest_path(prepare(obs), th)["obs_id"].to_list()
    # b and c share a date: c (cheaper, walked second) replaces b; d is dearer; e below threshold
    assert kept == ["a", "c", "f"]
