"""`infernomics prices` on a warehouse refreshed by the real Definitions (the session fixture)."""

import csv
import io


def rows(out: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(out)))


def test_prices_on_a_date_shows_the_cited_price_and_its_figures(refreshed_warehouse, cli):
    code, out, _ = cli(
        "prices",
        "on",
        "--date",
        "2024-06-01",
        "--model-key",
        "gpt-4o",
        "--format",
        "csv",
        "--warehouse",
        refreshed_warehouse,
    )
    assert code == 0
    [row] = rows(out)
    assert (row["input"], row["output"], row["blended_3to1"], row["blended_1to1"]) == ("5", "15", "7.5", "10")
    assert "platform-openai-docs/openai/gpt-4o-2024-05-13/2024-05-13/input" in row["figure_ids"]


def test_audit_walks_a_price_to_its_quote(refreshed_warehouse, cli):
    code, out, _ = cli(
        "audit", "platform-openai-docs/openai/gpt-4o-2024-05-13/2024-05-13/input", "--warehouse", refreshed_warehouse
    )
    assert code == 0 and "https://platform.openai.com/docs" in out and "Input: $5" in out


def test_cheapest_by_provider(refreshed_warehouse, cli):
    code, out, _ = cli(
        "prices", "cheapest", "--date", "2025-01-15", "--format", "csv", "--warehouse", refreshed_warehouse
    )
    cheapest = {r["provider_id"]: (r["model_key"], r["blended_3to1"]) for r in rows(out)}
    assert code == 0
    assert cheapest["openai"] == ("gpt-4o-mini", "0.2625")  # (3 * 0.15 + 0.6) / 4
    assert cheapest["anthropic"] == ("claude-3-haiku", "0.5")  # (3 * 0.25 + 1.25) / 4


def test_history_shows_the_price_cut(refreshed_warehouse, cli):
    code, out, _ = cli("prices", "history", "--model-key", "o3", "--format", "csv", "--warehouse", refreshed_warehouse)
    snapshot_sources = {"genai-prices", "litellm-releases", "models-dev-cost-history"}
    cited = [r for r in rows(out) if r["source_id"] not in snapshot_sources]
    assert code == 0 and [(r["effective_from"], r["effective_to"], r["input"]) for r in cited] == [
        ("2025-04-16", "2025-06-10", "10"),
        ("2025-06-10", "", "2"),
    ]
    # the snapshot sources saw the cut later, each on its own date basis
    first_party = {
        (r["source_id"], r["model"]): (r["effective_from"], r["date_basis"], r["input"])
        for r in rows(out)
        if r["provider_id"] == "openai"
    }
    assert first_party[("models-dev-cost-history", "o3")] == ("2025-06-11", "recorded", "2")
    assert first_party[("litellm-releases", "o3")] == ("2025-07-05", "release_listed", "2")


def test_stale_lists_every_source(refreshed_warehouse, cli):
    code, out, _ = cli("prices", "stale", "--format", "csv", "--warehouse", refreshed_warehouse)
    state = {r["source_id"]: r["freshness"] for r in rows(out)}
    assert code == 0 and state["token-prices-cited"] == "fresh" and state["genai-prices"] == "fresh"
    assert set(state) == {"token-prices-cited", "genai-prices", "openrouter-models", "litellm-model-prices"}


def test_bad_input_is_one_line(refreshed_warehouse, cli):
    code, _, err = cli("prices", "on", "--date", "June", "--warehouse", refreshed_warehouse)
    assert code == 1 and "not a date" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli("prices", "history", "--warehouse", refreshed_warehouse)
    assert code == 1 and "--model-key" in err


def test_cheapest_by_tier_without_capability_scores_says_so(tmp_path, cli):
    from pipeline.refresh import run_refresh

    path = tmp_path / "no_scores.duckdb"
    assert run_refresh(path, select=["clean/citations/source"], stream=io.StringIO()).success
    code, out, err = cli("prices", "cheapest", "--date", "2025-01-15", "--by", "tier", "--warehouse", path)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "tiering needs capability scores" in err and "llm_price_observation" in err and "--by provider" in err


def test_cheapest_by_tier_with_scores_lists_tiers(refreshed_warehouse, cli):
    code, out, err = cli(
        "prices",
        "cheapest",
        "--date",
        "2025-01-15",
        "--by",
        "tier",
        "--format",
        "csv",
        "--warehouse",
        refreshed_warehouse,
    )
    assert code == 0, err
    assert {r["tier"][0] for r in rows(out)} <= {"A", "B", "C", "D"} and rows(out)


def test_unknown_model_key_is_refused_with_a_suggestion(refreshed_warehouse, cli):
    code, out, err = cli(
        "prices", "on", "--date", "2024-06-01", "--model-key", "no-such-model", "--warehouse", refreshed_warehouse
    )
    assert code == 1 and out == "" and "no stored price has --model-key 'no-such-model'" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = cli("prices", "history", "--model-key", "gpt4o", "--warehouse", refreshed_warehouse)
    assert code == 1 and "did you mean gpt-4o" in err
    code, _, err = cli(
        "prices", "on", "--date", "2024-06-01", "--provider", "opneai", "--warehouse", refreshed_warehouse
    )
    assert code == 1 and "--provider 'opneai'" in err and "did you mean openai" in err
