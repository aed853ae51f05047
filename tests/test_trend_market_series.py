"""Series built from the token price and hardware tables (synthetic frames in their shapes)."""

import datetime as dt

import polars as pl
import pytest

from analysis.trends import market_series as ms

D = dt.date


def prices(rows):
    cols = [
        "price_id",
        "source_id",
        "provider_id",
        "model_key",
        "is_standard",
        "effective_from",
        "effective_to",
        "blended_usd_per_mtok",
        "blended_figure_id",
    ]
    return pl.DataFrame(
        [dict(zip(cols, r)) | {"date_basis": "effective"} for r in rows],
        schema={
            "date_basis": pl.String,
            "price_id": pl.String,
            "source_id": pl.String,
            "provider_id": pl.String,
            "model_key": pl.String,
            "is_standard": pl.Boolean,
            "effective_from": pl.Date,
            "effective_to": pl.Date,
            "blended_usd_per_mtok": pl.Float64,
            "blended_figure_id": pl.String,
        },
    )


def test_fixed_model_history_keeps_price_changes_and_counts_short_histories():
    rows = [
        (f"p{i}", "s", "openai", "gpt-x", True, D(2023, 1 + i, 1), None, v, f"f{i}")
        for i, v in enumerate([10.0, 10.0, 8.0, 5.0, 5.0, 2.0])
    ]
    rows += [("q", "s", "openai", "gpt-y", True, D(2024, 1, 1), None, 1.0, "g")]
    series, fewer = ms.fixed_model_series(prices(rows), as_of=D(2026, 1, 1))
    assert fewer == 1 and len(series) == 1
    spec, pts = series[0]
    assert spec.series == "token_price/model/openai/gpt-x" and spec.expect == "decline"
    assert [p.value for p in pts] == [10.0, 8.0, 5.0, 2.0]
    assert [p.figure_id for p in pts] == ["f0", "f2", "f3", "f5"]


def test_cheapest_per_tier_walks_price_starts_and_respects_floors():
    rows = [
        ("a", "s", "x", "big", True, D(2023, 1, 1), D(2024, 1, 1), 30.0, "fa"),
        ("b", "s", "y", "mid", True, D(2023, 6, 1), None, 3.0, "fb"),
        ("c", "s", "z", "small", True, D(2023, 9, 1), None, 0.5, "fc"),
        ("d", "s", "x", "big", True, D(2024, 1, 1), None, 20.0, "fd"),
    ]
    tiers = pl.DataFrame({"model_key": ["big", "mid", "small"], "mmlu": [88.0, 80.0, 60.0]})
    by = {s.series: p for s, p in ms.cheapest_tier_series(prices(rows), tiers, as_of=D(2026, 1, 1))}
    assert [p.value for p in by["token_price/tier/mmlu-ge-85"]] == [30.0, 20.0]
    assert [p.value for p in by["token_price/tier/mmlu-ge-75"]] == [30.0, 3.0]
    assert "token_price/tier/mmlu-ge-65" in by and all(p.value != 0.5 for p in by["token_price/tier/mmlu-ge-65"])


def test_tier_map_uses_the_canonical_key_and_best_score():
    obs = pl.DataFrame({"model": ["GPT-4o-2024-05", "GPT-4o-2024-08", "Unknown"], "mmlu": [87.0, 89.0, 50.0]})
    t = ms.tier_map(obs, lambda m: "gpt-4o" if m.startswith("GPT-4o") else None)
    assert t.to_dicts() == [{"model_key": "gpt-4o", "mmlu": 89.0}]


def test_gpu_rental_series_never_mixes_pricing_kinds():
    rows = [
        dict(
            figure_id=f"r{i}",
            sku="h100-sxm",
            pricing_kind=k,
            date=D(2023 + i % 3, 1, 1),
            usd_per_gpu_hour=v,
            provider="p",
            bound="=",
        )
        for i, (k, v) in enumerate(
            [
                ("on_demand", 4.0),
                ("on_demand", 3.0),
                ("on_demand", 2.5),
                ("on_demand", 2.0),
                ("commit_1y", 2.0),
                ("commit_1y", 1.5),
            ]
        )
    ]
    series = ms.gpu_rental_series(pl.DataFrame(rows))
    assert [s.series for s, _ in series] == ["gpu/rental/h100-sxm/on-demand"]
    assert len(series[0][1]) == 4


def test_flops_per_dollar_is_a_derived_figure_with_lineage():
    pref = pl.DataFrame(
        [
            dict(sku="a100", attribute="bf16_dense_tflops", value=312.0, value_date=None, figure_id="t1"),
            dict(sku="a100", attribute="release_price_usd", value=15000.0, value_date=None, figure_id="p1"),
            dict(sku="a100", attribute="release_date", value=2020.4, value_date=D(2020, 5, 14), figure_id="d1"),
            dict(sku="v100", attribute="bf16_dense_tflops", value=None, value_date=None, figure_id="t2"),
        ]
    )
    figures, lineage, pts = ms.flops_per_dollar(pref)
    assert len(figures) == 1 and figures[0]["value"] == pytest.approx(312 / 15000)
    assert figures[0]["formula"] == "ratio@1"
    assert {(r["input_figure_id"], r["role"]) for r in lineage} == {("t1", "numerator"), ("p1", "denominator")}
    assert pts[0].date == D(2020, 5, 14)


def test_first_seen_and_future_prices_are_not_placed_in_time():
    rows = [(f"p{i}", "s", "x", "m", True, D(2023, 1 + i, 1), None, 10.0 - i, f"f{i}") for i in range(5)]
    frame = prices(rows).with_columns(
        pl.when(pl.col("price_id") == "p0")
        .then(pl.lit("first_seen"))
        .otherwise(pl.col("date_basis"))
        .alias("date_basis")
    )
    series, _ = ms.fixed_model_series(frame, as_of=D(2023, 4, 15))
    assert series == []  # p0 is first_seen, p4 starts after as_of: 3 points left, too few
    series, _ = ms.fixed_model_series(frame, as_of=D(2024, 1, 1))
    assert [p.figure_id for p in series[0][1]] == ["f1", "f2", "f3", "f4"]


def test_benchmark_cost_series_group_by_model_and_gpu():
    costs = pl.DataFrame(
        [
            dict(figure_id=f"c{i}", value=v, as_of=D(2025, 4, 14), model="llama-70b", gpu_sku="a100", load=f"qps {i}")
            for i, v in enumerate([10.0, 3.8])
        ]
        + [dict(figure_id="d", value=2.0, as_of=D(2025, 5, 1), model="other", gpu_sku="h100", load="qps inf")]
    )
    series = {s.series: p for s, p in ms.benchmark_cost_series(costs)}
    assert set(series) == {"benchmark/usd_per_mtok_output/llama-70b/a100", "benchmark/usd_per_mtok_output/other/h100"}
    assert [p.value for p in series["benchmark/usd_per_mtok_output/llama-70b/a100"]] == [10.0, 3.8]


def test_on_one_date_an_effective_price_beats_an_as_of_one():
    rows = [
        (f"p{i}", "s", "x", "m", True, d, None, v, f"f{i}")
        for i, (d, v) in enumerate(
            [
                (D(2023, 1, 1), 2.0),
                (D(2023, 6, 1), 1.6),
                (D(2023, 6, 1), 1.2),
                (D(2024, 1, 1), 0.7),
                (D(2024, 6, 1), 0.5),
            ]
        )
    ]
    frame = prices(rows).with_columns(
        pl.when(pl.col("price_id") == "p1").then(pl.lit("as_of")).otherwise(pl.col("date_basis")).alias("date_basis")
    )
    series, _ = ms.fixed_model_series(frame, as_of=D(2025, 1, 1))
    assert [p.value for p in series[0][1]] == [2.0, 1.2, 0.7, 0.5]


def test_flops_per_dollar_fits_data_center_parts_and_shows_consumer_cards_unfitted():
    pref = pl.DataFrame(
        [
            dict(sku=sku, attribute=a, value=v, value_date=d, figure_id=f"{sku}/{a}")
            for sku, tf, price, d in [
                ("a100-sxm-40gb", 312.0, 15000.0, D(2020, 5, 14)),
                ("rtx-4090", 165.2, 1599.0, D(2022, 9, 20)),
            ]
            for a, v, d in [
                ("bf16_dense_tflops", tf, None),
                ("release_price_usd", price, None),
                ("release_date", 2020.0, d),
            ]
        ]
    )
    skus = pl.DataFrame(dict(sku=["a100-sxm-40gb", "rtx-4090"], label=["A100 SXM4 40 GB", "GeForce RTX 4090"]))
    figures, _, pts = ms.flops_per_dollar(pref, skus)
    assert len(figures) == 2  # the consumer card keeps its derived figure
    by = {p.label: p for p in pts}
    assert by["a100-sxm-40gb"].used and not by["rtx-4090"].used
    assert "consumer/workstation" in by["rtx-4090"].note
    assert ms.is_data_center("Instinct MI300X") and ms.is_data_center("L40S")
    assert not ms.is_data_center("RTX A6000") and not ms.is_data_center("GeForce RTX 4090")
