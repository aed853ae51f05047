"""Each token-price parser on real-shaped input: the bundled cited file, the installed
genai-prices package, and hand-written OpenRouter/LiteLLM payloads (see fixtures README)."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from sources.token_prices import curated, genai_prices, litellm, openrouter

FIXTURES = Path(__file__).parent / "fixtures" / "token_prices"


def ok(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("_errors").list.len() == 0)


def one(frame: pl.DataFrame, **match) -> dict:
    rows = frame.filter(*[pl.col(k) == v for k, v in match.items()]).to_dicts()
    assert len(rows) == 1, (match, len(rows))
    return rows[0]


# --- cited history -------------------------------------------------------------------


def test_cited_file_has_45_rows_all_accepted():
    frame = curated.parse()
    assert pl.read_csv(curated.data_file(), infer_schema=False).height == 45
    # two rows price deepseek-chat and deepseek-reasoner together: 45 rows -> 47 observations
    assert frame.height == 47 and ok(frame).height == 47
    assert frame.filter(pl.col("quote").is_null() | pl.col("source_url").is_null()).height == 0


def test_cited_values_and_dates_read_from_the_file():
    frame = curated.parse()
    gpt4o = one(frame, model_id="gpt-4o-2024-05-13")
    assert (gpt4o["input_usd_per_mtok"], gpt4o["output_usd_per_mtok"]) == (5.0, 15.0)
    assert gpt4o["source_start"] == dt.date(2024, 5, 13) and gpt4o["model_key"] == "gpt-4o"
    assert gpt4o["source_url"] == "https://platform.openai.com/docs"


def test_empty_date_stays_unknown_and_as_of_is_marked():
    frame = curated.parse()
    llama = one(frame, model_id="llama-3.1-405b-instruct")
    assert llama["source_start"] is None and llama["date_basis"] == "unknown"
    davinci = frame.filter(pl.col("model_id") == "davinci").sort("source_start")
    assert davinci["date_basis"].to_list() == ["as_of", "effective"]


def test_price_cut_ends_the_previous_price():
    o3 = curated.parse().filter(pl.col("model_id") == "o3").sort("source_start")
    assert o3["source_end"].to_list() == [dt.date(2025, 6, 10), None]
    assert o3["end_basis"].to_list() == ["next_price", None]


def test_source_stated_end_and_cache_miss_input():
    night = one(curated.parse(), model_id="deepseek-chat", condition="off-peak UTC 16:30-00:30")
    assert night["source_end"] == dt.date(2025, 9, 5) and night["end_basis"] == "source"
    assert night["is_standard"] is False and night["input_usd_per_mtok"] == 0.135


def test_bad_cited_rows_are_kept_with_their_rule(tmp_path):
    text = curated.data_file().read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    bad = dict.fromkeys(header, "")
    bad.update(
        curated_line="99",
        provider="OpenAI",
        model="x",
        model_ids="gpt-x",
        effective_date="2024-13-01",
        date_basis="effective",
        input_usd_per_mtok="abc",
        output_usd_per_mtok="-1",
        source_id="s",
        source_url="http://insecure.example",
        source_class="tertiary",
        quote="",
    )
    path = tmp_path / "cited.csv"
    pl.concat(
        [
            pl.read_csv(curated.data_file(), infer_schema=False),
            pl.DataFrame([bad], schema={c: pl.String for c in header}),
        ]
    ).write_csv(path)
    frame = curated.parse(path)
    row = frame.filter(pl.col("model_id") == "gpt-x").row(0, named=True)
    rules = {e.split(":")[0] for e in row["_errors"]}
    assert rules >= {
        "date_parses",
        "number_parses",
        "number_non_negative",
        "url_valid",
        "source_class_known",
        "value_present",
    }
    assert row["_locator"] == "cited.csv:47"


# --- genai-prices ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def genai():
    body, provenance = genai_prices.fetch()
    return genai_prices.parse(body), provenance


def test_genai_prices_every_model_is_loaded_or_rejected(genai):
    from genai_prices.data import providers

    frame, provenance = genai
    assert provenance["url"] == f"package:genai-prices=={genai_prices.package_version()}"
    expected = {(p.id, m.id) for p in providers for m in p.models}
    got = {tuple(loc.split(":", 1)[1].split("[")[0].split("/", 1)) for loc in frame["_locator"]}
    assert got == expected
    assert frame.select(pl.col("provider_id").n_unique()).item() == len({p.id for p in providers})


def test_genai_prices_start_date_history(genai):
    frame, _ = genai
    o3 = (
        ok(frame)
        .filter((pl.col("provider_id") == "openai") & (pl.col("model_id") == "o3") & (pl.col("condition") == ""))
        .sort("source_start", nulls_last=False)
    )
    assert o3["input_usd_per_mtok"].to_list() == [10.0, 2.0]
    assert o3["source_start"].to_list() == [None, dt.date(2025, 6, 10)]
    assert o3["source_end"].to_list() == [dt.date(2025, 6, 10), None]
    assert o3["source_url"][0] == "https://developers.openai.com/api/docs/pricing"


def test_genai_prices_tiers_become_bands(genai):
    frame, _ = genai
    pro = ok(frame).filter(
        (pl.col("provider_id") == "google")
        & (pl.col("model_id") == "gemini-2.5-pro")
        & pl.col("condition").str.starts_with("prompt")
    )
    bands = dict(zip(pro["condition"], pro["input_usd_per_mtok"]))
    assert bands == {"prompt < 200000 tokens": 1.25, "prompt >= 200000 tokens": 2.5}


def test_genai_prices_non_token_models_are_rejected_with_reason(genai):
    frame, _ = genai
    rejected = frame.filter(pl.col("_errors").list.len() > 0)
    assert rejected.height > 0
    assert rejected["_errors"].list.first().str.starts_with("token_price_present").all()


def test_genai_prices_parse_refuses_a_non_snapshot():
    with pytest.raises(ValueError, match="providers"):
        genai_prices.parse(b'{"data": []}')


# --- OpenRouter ------------------------------------------------------------------------


def test_openrouter_prices_per_token_to_per_million():
    frame = openrouter.parse((FIXTURES / "openrouter_models_day1.json").read_bytes())
    gpt = one(frame, model_id="openai/gpt-4o")
    assert (gpt["input_usd_per_mtok"], gpt["output_usd_per_mtok"], gpt["cache_read_usd_per_mtok"]) == (2.5, 10.0, 1.25)
    assert gpt["provider_id"] == "openrouter" and gpt["model_key"] == "gpt-4o"
    assert gpt["listed_at"] == dt.date(2024, 5, 13)  # `created`: listing date, not release date


def test_openrouter_variable_price_router_is_rejected():
    frame = openrouter.parse((FIXTURES / "openrouter_models_day1.json").read_bytes())
    auto = one(frame, model_id="openrouter/auto")
    assert any(e.startswith("price_known:") for e in auto["_errors"])


def test_openrouter_malformed_rows_are_kept_with_rules():
    frame = openrouter.parse((FIXTURES / "openrouter_models_malformed_rows.json").read_bytes())
    assert frame.height == 6 and ok(frame).height == 2
    rules = {e.split(":")[0] for errs in frame["_errors"] for e in errs}
    assert rules == {"number_parses", "pricing_present", "value_present", "number_non_negative", "model_object"}


def test_openrouter_garbage_payload_raises():
    with pytest.raises(ValueError):
        openrouter.parse((FIXTURES / "openrouter_models_garbage.json").read_bytes())


# --- LiteLLM ---------------------------------------------------------------------------


def test_litellm_fields_and_tiers():
    frame = litellm.parse((FIXTURES / "litellm_model_prices.json").read_bytes())
    assert "sample_spec" not in frame["model_id"].to_list()
    claude = one(frame, model_id="claude-3-5-sonnet-20240620")
    assert (claude["input_usd_per_mtok"], claude["cache_read_usd_per_mtok"], claude["cache_write_usd_per_mtok"]) == (
        3.0,
        0.3,
        3.75,
    )
    assert claude["deprecation_date"] == dt.date(2025, 6, 1) and claude["provider_id"] == "anthropic"
    gem = frame.filter(pl.col("model_id") == "gemini/gemini-2.5-pro").sort("condition")
    assert gem["condition"].to_list() == ["prompt <= 200000 tokens", "prompt > 200000 tokens"]
    assert gem["output_usd_per_mtok"].to_list() == [10.0, 15.0]
    assert one(frame, model_id="azure/gpt-4o")["provider_id"] == "azure"


def test_litellm_bad_specs_are_rejected_with_rules():
    frame = litellm.parse((FIXTURES / "litellm_model_prices.json").read_bytes())
    assert one(frame, model_id="dall-e-3")["_errors"] == ["token_price_present: no per-token price in this spec"]
    broken = {e.split(":")[0] for e in one(frame, model_id="broken/negative-model")["_errors"]}
    assert broken == {"date_parses", "number_non_negative"}


def test_hostile_feed_values_are_row_errors_not_crashes():
    """A huge `created`, a list for a name (OpenRouter) or a number for a provider
    (LiteLLM) once raised OverflowError / polars ComputeError / a Decimal128 overflow."""
    import json

    doc = json.loads((FIXTURES / "openrouter_models_day1.json").read_text())
    doc["data"][0]["created"] = 1e20
    doc["data"][1]["name"] = [1]
    frame = openrouter.parse(json.dumps(doc).encode())
    errors = [e for errs in frame["_errors"].to_list() for e in errs]
    assert any(e.startswith("created_timestamp:") for e in errors) and any(e.startswith("text_field:") for e in errors)
    spec = json.loads((FIXTURES / "litellm_model_prices.json").read_text())
    first = next(k for k in spec if k != "sample_spec")
    spec[first]["litellm_provider"] = 10**400
    frame = litellm.parse(json.dumps(spec).encode())
    assert "value_present: litellm_provider is empty" in one(frame, model_id=first, is_standard=True)["_errors"]


def test_deeply_nested_feed_is_a_value_error_naming_the_feed():
    with pytest.raises(ValueError, match="OpenRouter payload: nested too deep"):
        openrouter.parse(b"[" * 50000 + b"]" * 50000)
    with pytest.raises(ValueError, match="LiteLLM payload: nested too deep"):
        litellm.parse(b'{"a": ' + b"[" * 50000 + b"]" * 50000 + b"}")
