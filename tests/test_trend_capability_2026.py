"""The capability-adjusted method on Benchmarking Hub-shaped scores and a price history:
a known decline is recovered within its interval; variants read the prices they name."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from analysis import capability_price as cp

D = dt.date


def score_rows(models):
    """model_score-shaped rows: (base, key, benchmark, fraction, release, effort, reasoning)."""
    return pl.DataFrame(
        [
            dict(
                model_base=b,
                model_version=b + (f"_{e}" if e else ""),
                model_key=k,
                benchmark=bench,
                score=s,
                score_fraction=s,
                reasoning_effort=e,
                release_date=r,
                score_figure_id=f"hub/{b}/{bench}/{e}",
                is_reasoning=reas,
            )
            for b, k, bench, s, r, e, reas in models
        ],
        schema_overrides={"reasoning_effort": pl.String},
    )


def price_rows(rows):
    """model_price_interval-shaped rows: (key, provider, from, to, blended, first party, reseller)."""
    return pl.DataFrame(
        [
            dict(
                model_key=k,
                provider_id=p,
                valid_from=a,
                valid_to=b,
                blended_usd_per_mtok=v,
                blended_figure_id=f"price/{p}/{k}/{a}",
                is_first_party=fp,
                provider_is_reseller=rs,
            )
            for k, p, a, b, v, fp, rs in rows
        ],
        schema_overrides={"valid_to": pl.Date},
    )


def synthetic_market(decline_per_year=10.0, months=36, noise_log10=0.08, seed=1):
    """One model a month: GPQA rises ~15 points a year, price falls `decline_per_year` with log noise."""
    rng = np.random.default_rng(seed)
    scores, prices = [], []
    for m in range(months):
        release = D(2023 + m // 12, m % 12 + 1, 1)
        years = m / 12
        gpqa = min(0.30 + 0.15 * years + rng.normal(0, 0.04), 0.99)
        price = 60 * decline_per_year ** (-years) * 10 ** rng.normal(0, noise_log10)
        base = f"model-{m:02d}"
        scores.append((base, base, "GPQA Diamond", gpqa, release, None, False))
        prices.append((base, "vendor", release, None, price, True, False))
    return score_rows(scores), price_rows(prices)


def test_a_known_tenfold_yearly_decline_is_recovered_within_its_interval():
    scores, prices = synthetic_market()
    obs = cp.hub_observations(scores, prices, cp.HEADLINE)
    paths = [p for p in cp.hub_paths(obs, cp.HEADLINE, ["GPQA Diamond"]) if p.fit is not None]
    longest = max(paths, key=lambda p: p.fit.n)
    assert longest.fit.n >= 8
    assert longest.fit.factor_low <= 10.0 <= longest.fit.factor_high
    assert longest.fit.factor_per_year == pytest.approx(10.0, rel=0.5)


def test_a_flat_market_is_not_read_as_a_decline():
    scores, prices = synthetic_market(decline_per_year=1.0, noise_log10=0.0)
    obs = cp.hub_observations(scores, prices, cp.HEADLINE)
    # every model costs the same: each of the 18 paths (one per threshold, as in the falling
    # market) keeps only its first model, so nothing is fitted
    paths = cp.hub_paths(obs, cp.HEADLINE, ["GPQA Diamond"])
    assert len(paths) == 18
    assert [(p.fit, len(p.path)) for p in paths] == [(None, 1)] * 18


def test_reasoning_excluded_drops_reasoning_models_and_thinking_runs():
    scores = score_rows(
        [
            ("plain", "plain", "GPQA Diamond", 0.5, D(2025, 1, 1), None, False),
            ("hybrid", "hybrid", "GPQA Diamond", 0.6, D(2025, 2, 1), None, False),
            ("hybrid", "hybrid", "GPQA Diamond", 0.8, D(2025, 2, 1), "32K", False),
            ("thinker", "thinker", "GPQA Diamond", 0.9, D(2025, 3, 1), "high", True),
        ]
    )
    excluded = cp.best_scores(scores, cp.Variant("excluded", "cheapest"))
    included = cp.best_scores(scores, cp.Variant("included", "cheapest"))
    assert sorted(zip(excluded["model_base"], excluded["value"])) == [("hybrid", 60.0), ("plain", 50.0)]
    assert sorted(zip(included["model_base"], included["model_version"])) == [
        ("hybrid", "hybrid_32K"),
        ("plain", "plain"),
        ("thinker", "thinker_high"),
    ]


def test_each_price_basis_reads_its_own_provider_rows():
    prices = price_rows(
        [
            ("m", "maker", D(2025, 1, 1), None, 10.0, True, False),
            ("m", "host-a", D(2025, 3, 1), D(2025, 6, 1), 4.0, False, False),
            ("m", "host-b", D(2025, 3, 1), None, 7.0, False, False),
            ("m", "openrouter", D(2025, 2, 1), None, 1.0, False, True),
        ]
    )
    cheapest = cp.price_steps(prices, "cheapest")
    assert cheapest["price"].to_list() == [10.0, 1.0]  # the reseller counts for "cheapest"
    first = cp.price_steps(prices, "first_party")
    assert first["price"].to_list() == [10.0] and first["valid_to"].to_list() == [None]
    median = cp.price_steps(prices, "median")  # resellers left out
    assert median["price"].to_list() == [10.0, 7.0, 8.5]
    assert median["valid_from"].to_list() == [D(2025, 1, 1), D(2025, 3, 1), D(2025, 6, 1)]


def test_a_providers_own_page_outranks_a_price_copy_for_that_provider():
    prices = price_rows(
        [
            ("m", "maker", D(2025, 1, 1), None, 10.0, True, False),
            ("m", "maker", D(2025, 3, 1), D(2025, 9, 1), 0.5, True, False),  # a copy's misread listing
        ]
    ).with_columns(pl.Series("precedence", [2, 5]))
    assert cp.price_steps(prices, "cheapest")["price"].to_list() == [10.0]
    alone = prices.filter(pl.col("precedence") == 5)  # nothing better known: the copy counts
    assert cp.price_steps(alone, "cheapest")["price"].to_list() == [0.5]


def test_a_late_first_price_is_dated_when_it_was_recorded():
    scores = score_rows(
        [("a", "a", "ECI", 120.0, D(2025, 1, 10), None, False), ("b", "b", "ECI", 110.0, D(2025, 1, 10), None, False)]
    )
    scores = scores.with_columns(pl.lit(None, pl.Float64).alias("score_fraction"))
    prices = price_rows(
        [
            ("a", "x", D(2025, 3, 1), None, 5.0, True, False),  # 50 days late: launch price
            ("b", "x", D(2025, 9, 1), None, 5.0, True, False),
        ]
    )  # 234 days: dated when seen
    obs = cp.hub_observations(scores, prices, cp.HEADLINE)
    got = {r["model"]: (r["release_date"], r["date_note"]) for r in obs.iter_rows(named=True)}
    assert got["a"][0] == D(2025, 1, 10) and got["b"] == (D(2025, 9, 1), "late_first_price")


def test_window_measure_reads_the_running_minimum_at_both_ends():
    path = pl.DataFrame(
        dict(
            obs_id=["a", "b", "c", "d", "e"],
            model=["A", "B", "C", "D", "E"],
            release_date=[D(2024, 6, 1), D(2025, 2, 1), D(2025, 5, 1), D(2025, 9, 1), D(2026, 2, 1)],
            price_usd_per_mtok=[100.0, 30.0, 5.0, 0.5, 0.1],
        )
    )
    m = cp.window_measure(path, D(2025, 1, 1), D(2025, 12, 31))
    assert (m.start_model, m.end_model, m.observed_multiple) == ("A", "D", 200.0)
    assert m.n == 4 and m.fit_low <= m.fit_multiple <= m.fit_high
    assert (
        cp.window_measure(path, D(2024, 1, 1), D(2024, 12, 31))
        == "no priced model met the threshold by the window's start"
    )


def test_one_measure_above_99_percent_makes_a_claim_consistent_by_some_measures():
    from analysis.recomputed_claims import by_some_measures, measure_supports

    measures = []
    for label, observed in [("GPQA >= 50, cheapest", 140.0), ("ECI >= 120, first-party", 12.0)]:
        ok, _ = measure_supports(">", 100.0, observed)
        measures.append(dict(label=label, supports=ok))
    verdict, summary = by_some_measures(measures, "more than 99% in a year")
    assert verdict == "consistent by some measures"
    assert summary.startswith("1 of 2 measures support") and "GPQA >= 50, cheapest" in summary
    assert "ECI" not in summary


def test_no_measure_above_99_percent_makes_it_inconsistent():
    from analysis.recomputed_claims import by_some_measures, measure_supports

    measures = [
        dict(label=f"m{i}", supports=measure_supports(">", 100.0, v)[0])
        for i, v in enumerate([99.9, 3.0, 26.25 / 0.2625])
    ]
    assert by_some_measures(measures, "x") == ("inconsistent", "none of 3 measures supports x: m0; m1; m2")
    assert by_some_measures([], "x")[0] == "not testable"


def test_an_about_claim_is_judged_on_the_observed_multiple_within_its_rounding():
    from analysis.recomputed_claims import measure_supports

    assert measure_supports("=", 10.9, 11.0, claimed_low=10.5, claimed_high=11.8)[0]
    assert not measure_supports("=", 10.9, 9.0, claimed_low=10.5, claimed_high=11.8)[0]
    assert not measure_supports("~", 100.0, 26.7, claimed_low=66.7, claimed_high=200.0)[0]


def test_a_claim_check_on_measures_stores_each_measure_with_lineage_to_both_ends():
    from analysis.trends import claim_checks as claims

    spec = next(s for s in claims.SPECS if s.check_id == "ark-p20-inference-cost-decline-1y")
    rows = []
    for series, prices in [
        ("capability_price_2026/reasoning-included/cheapest/eci/ge-140", [30.0, 10.0, 0.2]),
        ("capability_price_2026/reasoning-excluded/cheapest/eci/ge-130", [2.0, 1.0, 0.5]),
    ]:
        for i, (day, price) in enumerate(zip([D(2024, 12, 1), D(2025, 5, 1), D(2025, 11, 1)], prices)):
            rows.append(
                dict(
                    series=series,
                    variant=series.split("/", 1)[1].rsplit("/", 2)[0],
                    benchmark="ECI",
                    lower=float(series[-3:]),
                    threshold_model="m0",
                    threshold_version="m0_high",
                    obs_id=f"m{i}@{day}",
                    obs_date=day,
                    model=f"m{i}",
                    model_version=f"m{i}_high",
                    price_usd_per_mtok=price,
                    price_figure_ids=[f"{series}/price/{i}"],
                    score_figure_id=f"{series}/score/{i}",
                    provider="maker",
                )
            )
    claim_id = spec.claim_figure_ids[0]
    out = claims.evaluate(spec, {}, {claim_id: dict(figure_id=claim_id, value=99.0, unit="%")}, pl.DataFrame(rows))
    check = out["claim_check"][0]
    assert check["verdict"] == "consistent by some measures"
    assert check["reason"].startswith("1 of 2 measures support more than 100x: ECI >= 140")
    assert "$30 m0_high (maker) -> $0.2 m2_high (maker)" in check["reason"]
    assert check["data_multiple"] == pytest.approx(150.0) and check["data_low"] == pytest.approx(4.0)
    measures = {m["series"].split("/")[1]: m for m in out["claim_measure"]}
    assert measures["reasoning-included"]["supports"] and not measures["reasoning-excluded"]["supports"]
    fid = measures["reasoning-included"]["measure_figure_id"]
    roles = {
        (r["role"], r["input_figure_id"].rsplit("/", 2)[-2:][1]) for r in out["figure_input"] if r["figure_id"] == fid
    }
    assert roles == {("start_price", "0"), ("end_price", "2"), ("start_score", "0"), ("end_score", "2")}
    evidence = [
        r["input_figure_id"]
        for r in out["figure_input"]
        if r["figure_id"] == check["check_figure_id"] and r["role"] == "evidence"
    ]
    assert evidence == [fid]


def test_median_price_across_providers_is_numpy_median_to_the_last_bit():
    """price_steps takes its medians without numpy (thousands of tiny ones): same numbers."""
    rng = np.random.default_rng(4)
    for _ in range(2_000):
        prices = [float(p) for p in np.exp(rng.normal(0, 3, int(rng.integers(1, 8))))]
        assert cp._median(prices) == float(np.median(prices))
