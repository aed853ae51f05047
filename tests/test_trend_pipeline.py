"""The trend assets, materialized by the real Definitions into a temporary DuckDB
(the session's `refreshed_warehouse`), and the trend CLI commands reading it."""

import json

import duckdb
import pytest

from analysis.trends.claim_checks import SPECS


@pytest.fixture(scope="module")
def con(refreshed_warehouse):
    c = duckdb.connect(str(refreshed_warehouse), read_only=True)
    yield c
    c.close()


def q(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def test_epoch_observations_and_figures_are_stored(con):
    assert q(con, "SELECT count(*) FROM llm_price_observation") == [(73,)]
    assert q(con, "SELECT count(*) FROM figure WHERE source_id LIKE 'epoch-llm-prices-%'") == [(395,)]
    row = q(
        con,
        "SELECT price_usd_per_mtok, mmlu FROM llm_price_observation "
        "WHERE obs_id = 'epoch-llm-prices-epoch/gpt-3-175b-davinci@2022-09-01'",
    )
    assert row == [(20.0, 43.9)]


def test_every_epoch_threshold_with_four_points_has_a_stored_fit(con):
    rows = q(
        con,
        "SELECT series, n, factor_per_year, params FROM latest_fits WHERE method = 'epoch-ols' AND family = 'capability_price'",
    )
    epoch = [r for r in rows if not json.loads(r[3])["claim_defined"]]
    assert len(epoch) == 21
    mmlu = {r[0]: r for r in rows}["capability_price/mmlu/ge-43.9"]
    assert mmlu[1] == 9 and 1 / mmlu[2] == pytest.approx(11.772872667426151, rel=1e-9)
    assert json.loads(mmlu[3])["threshold_model"] == "GPT-3"


def test_a_fitted_rate_is_a_figure_whose_lineage_reaches_the_epoch_files(con):
    rid = "infernomics-derived/trend/capability_price/mmlu/ge-43.9/epoch-ols/rate"
    fig = q(con, "SELECT kind, formula, value, value_low, value_high FROM figure WHERE figure_id = ?", [rid])
    assert fig[0][:2] == ("fit", "capability_price_decline@1")
    assert fig[0][3] < fig[0][2] < fig[0][4]
    inputs = q(con, "SELECT role, count(*) FROM figure_input WHERE figure_id = ? GROUP BY role ORDER BY role", [rid])
    assert inputs == [("observation", 9), ("score", 9)]
    sources = q(
        con,
        "SELECT DISTINCT f.source_id FROM figure_input i JOIN figure f ON f.figure_id = i.input_figure_id "
        "WHERE i.figure_id = ? ORDER BY 1",
        [rid],
    )
    assert sources == [("epoch-llm-prices-aa",), ("epoch-llm-prices-epoch",)]


def test_audit_walks_a_fitted_rate_to_its_sources(cli, refreshed_warehouse):
    rid = "infernomics-derived/trend/demand/google_tokens_per_month/ols/rate"
    code, out, err = cli("audit", rid, "--format", "json", "--warehouse", refreshed_warehouse)
    assert code == 0, err
    chain = json.loads(out)
    assert chain["kind"] == "fit" and chain["formula"] == "trend_exponential_ols@2"
    assert chain["formula_doc"].startswith("OLS of log(value) = a + b * years over the observations")
    urls = {i["url"] for i in chain["inputs"]}
    assert "https://tomtunguz.com/trillion-token-race" in urls and len(chain["inputs"]) == 5


def test_fit_tables_hold_points_and_nested_bands_without_quarantine(con):
    assert q(con, "SELECT count(*) FROM quarantine WHERE target_table IN ('fit', 'fit_point', 'fit_band')") == [(0,)]
    bad = q(
        con,
        "SELECT count(*) FROM fit_band WHERE NOT (pred_low <= conf_low AND conf_low <= fitted "
        "AND fitted <= conf_high AND conf_high <= pred_high)",
    )
    assert bad == [(0,)]
    weeks = q(
        con,
        "SELECT count(*) FILTER (WHERE used), count(*) FROM fit_point "
        "WHERE fit_id = 'trend/demand/openrouter_weekly_scrape/ols'",
    )
    assert weeks == [(51, 107)]


def test_demand_series_with_fewer_than_four_points_are_not_fitted(con):
    fitted = {r[0] for r in q(con, "SELECT DISTINCT series FROM latest_fits WHERE family = 'demand'")}
    assert "demand/google_tokens_per_month" in fitted
    assert "demand/openai_api_tokens_per_minute" not in fitted  # two points
    flags = q(con, "SELECT flags FROM fit WHERE fit_id = 'trend/demand/google_api_tokens_per_minute/ols'")[0][0]
    assert "span_under_one_year" in flags


def test_counts_in_equal_accepted_plus_quarantined_for_trend_steps(con):
    rows = q(
        con,
        "SELECT step, rows_in, rows_accepted, rows_quarantined FROM ingest_run "
        "WHERE step LIKE '%trends/%' OR step LIKE 'trend/%'",
    )
    assert len(rows) >= 6
    assert all(r[1] == r[2] + r[3] for r in rows)


def test_every_stored_claim_has_a_verdict_and_lineage(con):
    rows = q(con, "SELECT check_id, verdict, check_figure_id, testable_with FROM claim_check")
    assert {r[0] for r in rows} == {s.check_id for s in SPECS}
    for check_id, verdict, fid, testable_with in rows:
        if verdict == "not testable":
            assert testable_with, check_id
        else:
            roles = {r[0] for r in q(con, "SELECT role FROM figure_input WHERE figure_id = ?", [fid])}
            assert roles == {"claim", "evidence"}, check_id


def test_claim_verdicts_match_the_data(con):
    v = dict(q(con, "SELECT check_id, verdict FROM claim_check"))
    assert v["a16z-llmflation-10x-per-year"] == "consistent"
    assert v["epoch-9-to-900x-per-year"] == "consistent"
    assert v["ai-index-gpt35-level-280x"] == "consistent"
    assert v["ark-p20-openrouter-demand-25x-since-dec-2024"] == "not testable"  # scrape starts April 2025
    assert v["openai-chatgpt-cost-90pct-since-dec-2022"] == "not testable"  # serving cost never published


def test_p20_and_p34_are_judged_on_named_measures_after_a_refresh(con):
    for check_id in (
        "ark-p20-inference-cost-decline-1y",
        "ark-p20-inference-cost-decline-12m-to-report",
        "ark-p34-sw-dev-cost-apr-dec-2025",
    ):
        verdict, reason, fid = q(
            con, "SELECT verdict, reason, check_figure_id FROM claim_check WHERE check_id = ?", [check_id]
        )[0]
        assert verdict in ("consistent by some measures", "inconsistent"), (check_id, reason)
        n, supporting = q(
            con, "SELECT count(*), count(*) FILTER (supports) FROM claim_measure WHERE check_id = ?", [check_id]
        )[0]
        assert n >= 5 and (supporting > 0) == (verdict == "consistent by some measures")
        assert f"of {n} measures" in reason
        evidence = q(con, "SELECT count(*) FROM figure_input WHERE figure_id = ? AND role = 'evidence'", [fid])[0][0]
        assert evidence == (supporting or n)


def test_p20_counts_the_measures_above_99_percent(con):
    verdict, reason = q(
        con, "SELECT verdict, reason FROM claim_check WHERE check_id = 'ark-p20-inference-cost-decline-1y'"
    )[0]
    above = q(
        con,
        "SELECT count(*) FROM claim_measure WHERE check_id = 'ark-p20-inference-cost-decline-1y' "
        "AND observed_multiple > 100 * (1 + 1e-9)",
    )[0][0]
    assert (verdict == "consistent by some measures") == (above > 0)
    if above:
        assert reason.startswith(f"{above} of ")


def test_p34_names_the_models_at_both_ends_on_coding_thresholds(con):
    rows = q(
        con,
        "SELECT benchmark, window_start, window_end, start_model, end_model, start_price, end_price "
        "FROM claim_measure WHERE check_id = 'ark-p34-sw-dev-cost-apr-dec-2025'",
    )
    assert rows and {r[0] for r in rows} == {"SWE-bench Verified", "Artificial Analysis Coding Index"}
    assert all(r[1].isoformat() == "2025-04-01" and r[2].isoformat() == "2025-12-31" for r in rows)
    assert all(r[3] and r[4] and r[5] >= r[6] > 0 for r in rows)
    reason = q(con, "SELECT reason FROM claim_check WHERE check_id = 'ark-p34-sw-dev-cost-apr-dec-2025'")[0][0]
    assert "claimed $3.50 -> $0.32, the measure nearest those price levels" in reason


def test_capability_adjusted_series_reach_2026_in_every_variant(con):
    rows = q(
        con,
        "SELECT json_extract_string(params, '$.variant') v, json_extract_string(params, '$.benchmark') b, "
        "max(date_end) FROM latest_fits WHERE family = 'capability_price_2026' GROUP BY ALL",
    )
    variants = {r[0] for r in rows}
    assert variants == {
        f"reasoning-{r}/{p}" for r in ("excluded", "included") for p in ("cheapest", "first-party", "median")
    }
    headline = {r[1]: r[2] for r in rows if r[0] == "reasoning-excluded/cheapest"}
    assert max(headline.values()).year == 2026
    assert {"GPQA Diamond", "ECI"} <= set(headline)


def test_a_2026_capability_rate_walks_to_its_price_sources(con):
    rid = q(
        con, "SELECT rate_figure_id FROM latest_fits WHERE family = 'capability_price_2026' ORDER BY n DESC LIMIT 1"
    )[0][0]
    roles = {r[0] for r in q(con, "SELECT DISTINCT role FROM figure_input WHERE figure_id = ?", [rid])}
    assert {"observation", "score"} <= roles
    sources = {
        r[0]
        for r in q(
            con,
            "SELECT DISTINCT f.source_id FROM figure_input i JOIN figure f "
            "ON f.figure_id = i.input_figure_id WHERE i.figure_id = ? AND i.role = 'score'",
            [rid],
        )
    }
    assert sources and all(s.startswith("epoch-") for s in sources)


def test_a_demand_curve_is_fitted_with_an_interval_and_lineage(con):
    rows = q(
        con,
        "SELECT curve_id, n, slope, slope_low, slope_high, curve_figure_id, caveat FROM demand_curve WHERE selected",
    )
    assert rows
    for _curve_id, n, slope, low, high, fid, caveat in rows:
        assert n >= 8 and low <= slope <= high and "not a causal elasticity" in caveat
        roles = dict(q(con, "SELECT role, count(*) FROM figure_input WHERE figure_id = ? GROUP BY role", [fid]))
        assert roles["quantity"] == n and roles["price"] >= 3
    refused = q(con, "SELECT refused FROM demand_curve WHERE quantity_series = 'demand/google_tokens_per_month'")
    assert refused and all(r[0] and "at least 8" in r[0] for r in refused)


def test_trends_command_lists_every_latest_fit(cli, refreshed_warehouse, con):
    code, out, err = cli("trends", "--format", "json", "--warehouse", refreshed_warehouse)
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == q(con, "SELECT count(*) FROM latest_fits")[0][0]
    mmlu = next(r for r in rows if r["series"] == "capability_price/mmlu/ge-43.9")
    assert mmlu["rate (90% interval)"] == "falls 11.8x/yr [8.29, 16.7]"


def test_fit_command_refits_with_method_and_level(cli, refreshed_warehouse):
    code, out, err = cli(
        "fit",
        "demand/openrouter_weekly_scrape",
        "--method",
        "bootstrap",
        "--level",
        "0.95",
        "--format",
        "json",
        "--warehouse",
        refreshed_warehouse,
    )
    assert code == 0, err
    row = json.loads(out)[0]
    assert row["method"] == "bootstrap" and row["level"] == 0.95 and row["resamples"] == 10000 and row["n"] == 51
    assert row["low"] < row["grows x/yr"] < row["high"]


def test_fit_command_refuses_too_few_points_with_the_reason(cli, refreshed_warehouse):
    code, out, err = cli("fit", "demand/openai_api_tokens_per_minute", "--warehouse", refreshed_warehouse)
    assert code == 1 and "need at least 4 points" in err


def test_report_writes_html_with_charts_claims_and_source_links(cli, refreshed_warehouse, tmp_path):
    out = tmp_path / "report"
    code, stdout, err = cli("report", "--out", out, "--family", "demand", "--warehouse", refreshed_warehouse)
    assert code == 0, err
    landing, claims = (out / "index.html").read_text(), (out / "claims.html").read_text()
    assert "Claims cross-check" in landing and "not testable" in claims and "consistent" in claims
    assert (
        "https://tomtunguz.com/trillion-token-race" in (out / "demand.html").read_text()
    )  # a number linked to its page
    chart = (out / "charts" / "demand-google-tokens-per-month.svg").read_text()
    assert chart.startswith("<svg xmlns='http://www.w3.org/2000/svg'") and "class='band confidence'" in chart
    assert (out / "charts" / "claims.svg").exists() and (out / "charts" / "claims.csv").exists()


def test_fit_check_fails_when_a_band_stops_nesting(refreshed_warehouse, tmp_path):
    import shutil

    from pipeline.defs.resources import WarehouseResource
    from pipeline.defs.trends.checks import capability_fits_have_lineage

    copy = tmp_path / "w.duckdb"
    shutil.copyfile(refreshed_warehouse, copy)
    assert capability_fits_have_lineage(warehouse=WarehouseResource(path=str(copy))).passed
    c = duckdb.connect(str(copy))
    c.execute(
        "UPDATE fit_band SET pred_low = conf_low * 2 WHERE fit_id = "
        "(SELECT min(fit_id) FROM fit WHERE family = 'capability_price')"
    )
    c.close()
    assert not capability_fits_have_lineage(warehouse=WarehouseResource(path=str(copy))).passed


def test_refused_series_are_recorded_with_the_reason(con):
    rows = dict(q(con, "SELECT series, reason FROM fit_refusal"))
    assert rows["demand/openai_api_tokens_per_minute"] == "need at least 4 points for a trend with an interval, got 2"


def test_cheapest_per_tier_series_are_fitted_from_token_prices(con):
    rows = dict(q(con, "SELECT series, n FROM latest_fits WHERE family = 'token_price' AND method = 'ols'"))
    assert {"token_price/tier/mmlu-ge-65", "token_price/tier/mmlu-ge-75", "token_price/tier/mmlu-ge-85"} <= set(rows)
    srcs = q(
        con,
        "SELECT DISTINCT i.input_figure_id FROM figure_input i WHERE i.figure_id = "
        "'infernomics-derived/trend/token_price/tier/mmlu-ge-85/ols/rate' ORDER BY 1",
    )
    assert all(r[0].startswith("infernomics-derived/token_price/") for r in srcs)  # blended price figures
    assert len(srcs) == rows["token_price/tier/mmlu-ge-85"]


def test_prices_first_seen_by_a_feed_are_not_placed_in_time(con):
    bad = q(
        con,
        "SELECT count(*) FROM fit_point p JOIN fit f USING (fit_id) JOIN token_price t "
        "ON t.blended_figure_id = p.input_figure_id WHERE f.family = 'token_price' "
        "AND t.date_basis NOT IN ('effective', 'start_date', 'as_of')",
    )
    assert bad == [(0,)]


def test_gpt_4o_mini_claim_is_checked_against_stored_list_prices(con):
    row = q(
        con, "SELECT verdict, data_multiple FROM claim_check WHERE check_id = 'openai-gpt-4o-mini-99pct-vs-davinci-003'"
    )
    assert row[0][0] == "consistent" and row[0][1] == pytest.approx(20 / 0.15)


def test_gpu_rental_and_flops_per_dollar_series_are_fitted(con):
    series = {r[0] for r in q(con, "SELECT DISTINCT series FROM latest_fits WHERE family = 'gpu'")}
    assert "gpu/rental/h100-sxm/on-demand" in series and "gpu/bf16_tflops_per_usd" in series
    kinds = q(
        con,
        "SELECT DISTINCT g.pricing_kind FROM fit_point p JOIN gpu_rental_price g ON g.figure_id = p.input_figure_id "
        "WHERE p.fit_id = 'trend/gpu/rental/h100-sxm/on-demand/ols'",
    )
    assert kinds == [("on_demand",)]  # pricing kinds never mixed
    roles = q(
        con,
        "SELECT DISTINCT i.role FROM fit_point p JOIN figure_input i ON i.figure_id = p.input_figure_id "
        "WHERE p.fit_id = 'trend/gpu/bf16_tflops_per_usd/ols' ORDER BY 1",
    )
    assert roles == [("denominator",), ("numerator",)]  # each point is a derived ratio with lineage


def test_aws_h100_price_cut_claims_are_checked_against_stored_rental_prices(con):
    rows = dict(q(con, "SELECT check_id, verdict FROM claim_check WHERE check_id LIKE '%aws%'"))
    assert rows == {
        "compux-aws-h100-44pct-cut-jun-2025": "consistent",
        "usage-ai-aws-p5-up-to-45pct-cut-jun-2025": "consistent",
    }


def test_benchmark_costs_are_looked_at_and_refused_where_the_data_do_not_allow(con):
    rows = q(con, "SELECT series, reason FROM fit_refusal WHERE family = 'benchmark'")
    assert rows and all("at least 4 points" in r[1] or "one date" in r[1] for r in rows)
