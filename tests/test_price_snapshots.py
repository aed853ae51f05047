"""Price history from snapshots: LiteLLM releases as dated observations, models.dev's change log
dated when models.dev recorded it; unit errors and malformed rows refused by a named rule."""

import shutil
from pathlib import Path

import polars as pl
import pytest

from sources.token_prices import litellm_snapshots, models_dev

FIXTURES = Path(__file__).parent / "fixtures" / "token_prices"


def releases_history(folder: Path):
    observations, rel = litellm_snapshots.parse_all(folder)
    good = observations.filter(pl.col("_errors").list.len() == 0)
    rows, figures, lineage = litellm_snapshots.build_history(good, rel, "run1", "token_price_blend_3to1@1")
    return observations, rows, figures, lineage


def row(rows: pl.DataFrame, model_id: str, start: str) -> dict:
    return rows.filter((pl.col("model_id") == model_id) & (pl.col("effective_from").cast(pl.String) == start)).row(
        0, named=True
    )


def test_a_price_unchanged_across_releases_is_one_row_dated_by_the_first_upload():
    _, rows, figures, _ = releases_history(FIXTURES / "litellm_releases")
    o1 = row(rows, "o1", "2025-01-02")
    assert (o1["date_basis"], o1["effective_to"], o1["input_usd_per_mtok"], o1["output_usd_per_mtok"]) == (
        "release_listed",
        None,
        15.0,
        60.0,
    )
    assert o1["price_id"] == "litellm-releases/openai/o1/2025-01-02"
    assert set(o1["figure_ids"]) >= {"litellm-1.0.0/openai/o1/input", "litellm-1.1.0/openai/o1/input"}
    fig = figures.filter(pl.col("figure_id") == "litellm-1.1.0/openai/o1/input").row(0, named=True)
    assert fig["locator"] == 'litellm-1.1.0 ["o1"].input_cost_per_token' and fig["source_id"] == "litellm-1.1.0"
    assert str(fig["as_of"]) == "2025-04-01"


def test_a_price_cut_closes_the_row_and_a_dropped_model_disappears_at_the_next_release():
    _, rows, _, lineage = releases_history(FIXTURES / "litellm_releases")
    before = row(rows, "deepseek/deepseek-reasoner", "2025-01-02")
    after = row(rows, "deepseek/deepseek-reasoner", "2025-04-01")
    assert (str(before["effective_to"]), before["end_basis"]) == ("2025-04-01", "changed")
    assert (after["input_usd_per_mtok"], after["output_usd_per_mtok"], after["effective_to"]) == (0.28, 0.42, None)
    gone = row(rows, "old-model", "2025-01-02")
    assert (str(gone["effective_to"]), gone["end_basis"]) == ("2025-04-01", "disappeared")
    blend = lineage.filter(pl.col("figure_id") == before["blended_figure_id"]).sort("role")
    assert blend["input_figure_id"].to_list() == [
        "litellm-1.0.0/deepseek/deepseek~deepseek-reasoner/input",
        "litellm-1.0.0/deepseek/deepseek~deepseek-reasoner/output",
    ]


def test_a_unit_error_and_a_spec_without_token_price_are_refused_by_name():
    observations, rows, _, _ = releases_history(FIXTURES / "litellm_releases")
    bad = observations.filter(pl.col("_errors").list.len() > 0)
    by_key = {r["_locator"]: [e.split(":")[0] for e in r["_errors"]] for r in bad.iter_rows(named=True)}
    assert by_key['litellm-1.1.0 ["wandb/openai/gpt-oss-120b"]'] == ["price_unit_plausible"]
    assert by_key['litellm-1.0.0 ["dall-e-3"]'] == ["token_price_present"]
    assert "wandb/openai/gpt-oss-120b" not in rows["model_id"].to_list()
    assert observations.height == (observations.height - bad.height) + bad.height == 8


def test_a_release_whose_bytes_do_not_match_the_manifest_is_refused(tmp_path):
    folder = tmp_path / "releases"
    shutil.copytree(FIXTURES / "litellm_releases", folder)
    target = folder / "model_prices.litellm-1.1.0.json"
    target.write_text(target.read_text().replace("4.2e-07", "4.3e-07"))
    with pytest.raises(ValueError, match=r"model_prices.litellm-1.1.0.json: JSON hashes to .*releases.csv says"):
        litellm_snapshots.parse_all(folder)


def test_the_vendored_releases_quarantine_the_15000_dollar_gpt_oss_entry():
    observations, _ = litellm_snapshots.parse_all()
    refused = observations.filter(pl.col("_locator") == 'litellm-1.77.7 ["wandb/openai/gpt-oss-120b"]')["_errors"][0]
    assert refused[0].startswith("price_unit_plausible: litellm-1.77.7")
    assert set(observations["release"].unique()) == {r.version for r in litellm_snapshots.releases()}


def test_models_dev_events_become_rows_dated_when_recorded_and_bad_rows_are_refused():
    events = models_dev.parse_cost_history(FIXTURES / "models_dev_cost_history_sample.csv")
    found = {r["path"].split("/")[-1]: [e.split(":")[0] for e in r["_errors"]] for r in events.iter_rows(named=True)}
    assert found["negative.toml"] == ["number_non_negative"]
    assert found["no-price.toml"] == ["token_price_present"]
    assert found["bad-date.toml"] == ["date_parses"]
    assert found["too-dear.toml"] == ["price_unit_plausible"]
    good = events.filter(pl.col("_errors").list.len() == 0)
    rows, figures, _ = models_dev.build_history(good, "run1", "token_price_blend_3to1@1")
    cut = rows.filter(pl.col("model_id") == "deepseek-reasoner").sort("effective_from")
    assert [
        (str(a), str(b) if b else None, c, d)
        for a, b, c, d in cut.select("effective_from", "effective_to", "end_basis", "input_usd_per_mtok").rows()
    ] == [("2025-07-01", "2025-09-05", "changed", 0.55), ("2025-09-05", None, None, 0.28)]
    sonnet = rows.filter(pl.col("model_id") == "claude-sonnet-4-20250514").row(0, named=True)
    assert (str(sonnet["effective_to"]), sonnet["end_basis"], sonnet["date_basis"]) == (
        "2025-10-01",
        "disappeared",
        "recorded",
    )
    loc = figures.filter(
        pl.col("figure_id").str.contains("deepseek-reasoner/2025-09-05") & (pl.col("metric") == "token_price_input")
    )["locator"][0]
    assert (
        loc
        == "git show 2222222222222222222222222222222222222222:providers/deepseek/models/deepseek-reasoner.toml (input)"
    )
