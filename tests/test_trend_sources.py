"""Parsers for the trend family's vendored files: Epoch LLM prices and demand series."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from sources import demand, epoch_llm_prices

DATA = Path(__file__).resolve().parents[1] / "sources" / "data"


def test_epoch_files_parse_into_73_clean_observations():
    obs = epoch_llm_prices.parse_all(DATA / "epoch_llm_prices")
    assert obs.height == 38 + 35
    assert obs["_errors"].list.len().sum() == 0
    assert obs["obs_id"].is_unique().all()
    gpt3 = obs.filter(pl.col("model") == "GPT-3 175B (davinci)").sort("release_date")
    assert gpt3["price_usd_per_mtok"].to_list() == [60.0, 60.0, 20.0, 20.0]


def test_epoch_figures_carry_price_and_scores_with_locators():
    obs = epoch_llm_prices.parse_all(DATA / "epoch_llm_prices")
    figs = epoch_llm_prices.figures(obs)
    price = figs.filter(pl.col("figure_id") == "epoch-llm-prices-aa/claude-3-haiku@2024-03-04/price").row(0, named=True)
    assert price["value"] == 0.5 and price["unit"] == "USD/Mtok"
    assert price["locator"] == "sources/data/epoch_llm_prices/aa_data_with_math5.csv:2"
    elo = figs.filter(pl.col("figure_id") == "epoch-llm-prices-epoch/command-r-plus@2024-09-13/score/lmsys_arena_elo")
    assert elo["value"].to_list() == [1215.0] and elo["unit"].to_list() == ["Elo"]
    assert figs["figure_id"].is_unique().all()


def test_epoch_bad_rows_are_kept_with_rule_and_locator():
    raw = (DATA / "epoch_llm_prices" / "aa_data_with_math5.csv").read_text()
    bad = raw.replace("Claude-3-Haiku,2024-03-04,0.5,71", "Claude-3-Haiku,2024-13-04,-0.5,171")
    obs = epoch_llm_prices.parse(bad.encode(), "aa_data_with_math5.csv")
    row = obs.filter(pl.col("model") == "Claude-3-Haiku").row(0, named=True)
    rules = {e.split(":")[0] for e in row["_errors"]}
    assert rules == {"date_parses", "number_positive", "score_in_range"}
    assert row["_locator"].endswith("aa_data_with_math5.csv:2")
    assert obs.height == 38


def test_demand_series_rows_become_figures_with_source_class_and_quote():
    f = demand.parse_series(DATA / "demand" / "demand_series.csv")
    assert f.height == 66 and f["_errors"].list.len().sum() == 0
    g = f.filter((pl.col("series") == "google_tokens_per_month") & (pl.col("period_end_date") == dt.date(2024, 5, 31)))
    row = g.row(0, named=True)
    assert row["value"] == 9.7e12 and row["bound"] == "=" and row["source_class"] == "secondary"
    assert row["url"].startswith("https://") and "9.7 trillion" in row["quote"]
    a16z = f.filter(pl.col("series") == "openrouter_tokens_per_day")
    assert a16z["source_class"].to_list() == ["primary"]


def test_same_datum_reported_twice_is_marked_duplicate_preferring_exact_or_about():
    f = demand.parse_series(DATA / "demand" / "demand_series.csv")
    dup = f.filter(pl.col("duplicate_of").is_not_null())
    assert dup["figure_id"].to_list() == ["tomtunguz.com-e832d7b7/google_tokens_per_month/2025-06-30"]
    assert dup["duplicate_of"].to_list() == ["bebeez.eu-dd8f89b1/google_tokens_per_month/2025-06-30"]


def test_demand_sources_one_per_page():
    f = demand.parse_series(DATA / "demand" / "demand_series.csv")
    s = demand.series_sources(f)
    assert s.height == f["url"].n_unique() and s["source_id"].is_unique().all()


def test_openrouter_scrape_flags_partial_overlapping_and_mismatched_weeks():
    rows = demand.parse_openrouter(DATA / "demand" / "openrouter_weekly_tokens_by_author.csv")
    assert rows.height == 1073 and rows["_errors"].list.len().sum() == 0
    weeks = demand.openrouter_weeks(rows)
    by = {r["week_label"].isoformat(): r for r in weeks.iter_rows(named=True)}
    assert by["2025-04-20"]["flags"][0].startswith("partial_week")
    assert by["2025-05-05"]["flags"][0].startswith("overlapping_week")
    assert any(x.startswith("partial_week") for x in by["2026-04-26"]["flags"])
    assert any(x.startswith("share_mismatch") for x in by["2026-04-19"]["flags"])
    assert by["2025-04-27"]["fit_ok"]


def test_openrouter_weekly_totals_match_the_published_weeks():
    """Business Insider: 6.4T in the first week of January 2026, 13T the week ending Feb 9."""
    weeks = demand.openrouter_weeks(demand.parse_openrouter(DATA / "demand" / "openrouter_weekly_tokens_by_author.csv"))
    by = {r["week_label"].isoformat(): r["tokens"] for r in weeks.iter_rows(named=True)}
    assert by["2026-01-05"] == pytest.approx(6.4e12, rel=0.01)
    assert by["2026-02-09"] == pytest.approx(13e12, rel=0.01)
