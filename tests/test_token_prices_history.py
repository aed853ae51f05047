"""The slowly-changing price history, pure: snapshots of a feed in, row changes out."""

import datetime as dt
from pathlib import Path

import polars as pl

from sources.token_prices import history, openrouter

FIXTURES = Path(__file__).parent / "fixtures" / "token_prices"


def snap(name: str, day: int):
    body = (FIXTURES / name).read_bytes()
    frame = openrouter.parse(body)
    good = frame.filter(pl.col("_errors").list.len() == 0).drop(["_errors", "_locator", "_raw"])
    rejected = {
        tuple(r[k] for k in history.IDENTITY) for r in frame.filter(pl.col("_errors").list.len() > 0).to_dicts()
    }
    return good, rejected, history.SnapshotRef(f"{day:064x}", dt.datetime(2026, 11, day, 6, 0))


def merge(stored: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    if stored.height == 0:
        return changes
    return pl.concat([stored.filter(~pl.col("price_id").is_in(changes["price_id"].implode())), changes])


def run(*names):
    stored = history.rows_frame([])
    reports = []
    for day, name in enumerate(names, start=1):
        good, rejected, ref = snap(name, day)
        changes, report = history.apply_snapshot(stored, good, ref, rejected)
        stored = merge(stored, changes)
        reports.append(report)
    return stored, reports


def test_first_snapshot_opens_rows_from_its_date():
    stored, [report] = run("openrouter_models_day1.json")
    assert report.opened == 4 and stored.height == 4
    assert stored["effective_from"].unique().to_list() == [dt.date(2026, 11, 1)]
    assert stored["date_basis"].unique().to_list() == ["first_seen"]
    assert stored["effective_to"].null_count() == 4


def test_price_change_between_two_snapshots_is_a_new_row_not_an_overwrite():
    stored, [_, report] = run("openrouter_models_day1.json", "openrouter_models_day2.json")
    assert (report.changed, report.opened, report.unchanged) == (1, 2, 3)
    ds = stored.filter(pl.col("model_id") == "deepseek/deepseek-chat").sort("effective_from")
    assert ds["input_usd_per_mtok"].to_list() == [0.27, 0.14]
    assert ds["effective_from"].to_list() == [dt.date(2026, 11, 1), dt.date(2026, 11, 2)]
    assert ds["effective_to"].to_list() == [dt.date(2026, 11, 2), None]
    assert ds["end_basis"].to_list() == ["changed", None]


def test_disappeared_model_gets_an_end_not_a_delete():
    stored, reports = run("openrouter_models_day1.json", "openrouter_models_day2.json", "openrouter_models_day3.json")
    llama = stored.filter(pl.col("model_id") == "meta-llama/llama-3.1-405b-instruct")
    assert llama.height == 1
    assert llama["effective_to"].item() == dt.date(2026, 11, 3) and llama["end_basis"].item() == "disappeared"
    assert reports[-1].disappeared == 1


def test_same_snapshot_twice_changes_nothing():
    once, _ = run("openrouter_models_day1.json")
    good, rejected, ref = snap("openrouter_models_day1.json", 1)
    changes, report = history.apply_snapshot(once, good, ref, rejected)
    assert report.opened == 0 and report.unchanged == 4
    assert sorted(changes["price_id"]) == sorted(once["price_id"])


def test_truncated_feed_closes_nothing():
    stored, reports = run("openrouter_models_day1.json", "openrouter_models_truncated.json")
    assert reports[-1].closings_suppressed and reports[-1].disappeared == 0
    assert stored["effective_to"].null_count() == 4


def test_rejected_rows_are_not_read_as_disappearances():
    stored, reports = run("openrouter_models_day1.json", "openrouter_models_malformed_rows.json")
    # claude and deepseek rows are malformed on day 2: still present, so not closed
    open_ids = set(stored.filter(pl.col("effective_to").is_null())["model_id"])
    assert {"anthropic/claude-3.5-sonnet", "deepseek/deepseek-chat"} <= open_ids
    assert reports[-1].disappeared == 0


def test_blended_price_and_figure_ids():
    stored, _ = run("openrouter_models_day1.json")
    gpt = stored.filter(pl.col("model_id") == "openai/gpt-4o").row(0, named=True)
    assert gpt["blended_usd_per_mtok"] == (3 * 2.5 + 10.0) / 4 and gpt["blend_rule"] == "3:1"
    assert gpt["price_id"] == f"openrouter-models/openrouter/openai~gpt-4o/2026-11-01.{1:064x}"[:-56]
    assert gpt["figure_ids"] == [gpt["price_id"] + s for s in ("/input", "/output", "/cache_read")] + [
        f"infernomics-derived/token_price/{gpt['price_id']}/blended-3to1"
    ]
    assert history.blended(2.5, 10.0, (1, 1)) == 6.25
