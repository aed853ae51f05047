"""A user's session on a refreshed warehouse: 2026 prices and scores are stored as cited figures,
an audit walks a 2026 price back to its LiteLLM release file and sha256, and the benchmark models
meet their prices through the committed mapping."""

import duckdb
import yaml

from sources.paths import package_path

NEW_SOURCES = ("litellm-1.%", "models-dev-%", "epoch-hub-%", "epoch-eci-%", "epoch-stitching-%")


def one(path, sql, params=()):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_fifty_thousand_figures_each_with_a_source_and_a_locator(refreshed_warehouse):
    assert one(refreshed_warehouse, "SELECT count(*) FROM figure")[0][0] >= 50_000
    like = " OR ".join("source_id LIKE ?" for _ in NEW_SOURCES)
    new, unlocated = one(
        refreshed_warehouse,
        f"SELECT count(*), count(*) FILTER (WHERE locator IS NULL OR locator = '') FROM figure WHERE {like}",
        NEW_SOURCES,
    )[0]
    assert new >= 40_000 and unlocated == 0  # the 2026 sources alone: ~48,000 observed figures
    assert one(refreshed_warehouse, "SELECT count(*) FROM figure f ANTI JOIN source s USING (source_id)")[0][0] == 0


def test_a_2026_price_audits_to_its_release_file_and_sha256(refreshed_warehouse, cli):
    figure_id, source_id = one(
        refreshed_warehouse,
        """
        SELECT input_figure_id, source_id FROM token_price WHERE source_id = 'litellm-releases' AND model_id = 'o3'
          AND effective_from <= DATE '2026-11-25' AND (effective_to IS NULL OR DATE '2026-11-25' < effective_to)""",
    )[0]
    release = one(refreshed_warehouse, "SELECT source_id FROM figure WHERE figure_id = ?", [figure_id])[0][0]
    record = next(
        r
        for r in yaml.safe_load(package_path("registry", "token_prices.yaml").read_text())
        if r["source_id"] == release
    )
    code, out, err = cli("--warehouse", refreshed_warehouse, "audit", figure_id)
    assert code == 0, err
    assert f'{release} ["o3"].input_cost_per_token' in out
    assert record["snapshot_sha256"] in out and record["snapshot_path"].endswith(".json.gz")


def test_counts_in_equal_accepted_plus_quarantined_and_unit_errors_are_quarantined(refreshed_warehouse):
    runs = one(
        refreshed_warehouse,
        """SELECT step, rows_in, rows_accepted, rows_quarantined FROM ingest_run
        WHERE step IN ('clean/token_prices/litellm_releases', 'clean/token_prices/models_dev', 'clean/scores/model_score')""",
    )
    assert len(runs) == 3
    assert all(r[1] == r[2] + r[3] and r[3] > 0 for r in runs)
    refused = one(
        refreshed_warehouse,
        """SELECT row_locator FROM quarantine WHERE rule = 'price_unit_plausible'
                                          AND row_locator = 'litellm-1.77.7 ["wandb/openai/gpt-oss-120b"]'""",
    )
    assert refused
    assert (
        one(
            refreshed_warehouse,
            "SELECT count(*) FROM token_price WHERE greatest(input_usd_per_mtok, output_usd_per_mtok) > 1000",
        )[0][0]
        == 0
    )


def test_most_gpqa_models_of_2024_to_2026_have_a_price(refreshed_warehouse, cli):
    code, out, err = cli(
        "--warehouse",
        refreshed_warehouse,
        "scores",
        "coverage",
        "--benchmark",
        "GPQA Diamond",
        "--since",
        "2024-01-01",
        "--until",
        "2026-12-31",
        "--format",
        "csv",
    )
    assert code == 0, err
    models, mapped, with_price, pct = out.strip().splitlines()[1].split(",")
    assert int(models) >= 100 and float(pct) >= 90.0


def test_unmapped_names_are_listed_with_the_reason(refreshed_warehouse, cli):
    code, out, _ = cli(
        "--warehouse", refreshed_warehouse, "scores", "unmapped", "--benchmark", "GPQA Diamond", "--format", "csv"
    )
    assert code == 0
    assert "gpt-5.5-pre-release,mapped to no price key" in out


def test_price_of_a_model_on_a_date_per_provider_cheapest_and_first_party(refreshed_warehouse):
    per_provider = one(
        refreshed_warehouse,
        "SELECT provider_id, precedence, input_usd_per_mtok FROM model_price_on('2026-11-25') WHERE model_key = 'o3' AND provider_id = 'openai'",
    )
    assert per_provider and per_provider[0][2] > 0
    summary = one(
        refreshed_warehouse,
        """SELECT cheapest_blended_usd_per_mtok, first_party_blended_usd_per_mtok, n_providers
                                          FROM model_price_summary_on('2026-11-25') WHERE model_key = 'o3'""",
    )[0]
    assert 0 < summary[0] <= summary[1] and summary[2] >= 2


def test_sources_lists_each_licence(refreshed_warehouse, cli):
    code, out, _ = cli("--warehouse", refreshed_warehouse, "sources", "--search", "epoch-llm-prices", "--format", "csv")
    assert code == 0 and "no LICENSE file" in out
    code, out, _ = cli("--warehouse", refreshed_warehouse, "sources", "--search", "litellm-1.83.1", "--format", "csv")
    assert ",MIT," in out
