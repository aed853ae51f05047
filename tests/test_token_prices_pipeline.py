"""The token-price family end to end: the real Definitions materialized in-process against a
DuckDB file in tmp_path, live feeds served by a real HTTP server on 127.0.0.1."""

import datetime as dt
import http.server
import shutil
import threading
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.definitions import defs
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.token_prices.resources import TokenPriceFeeds
from pipeline.steps.token_prices import load

FIXTURES = Path(__file__).parent / "fixtures" / "token_prices"
BASE = [
    "clean/citations/source",
    "clean/citations/figure",
    "clean/token_prices/cited",
    "clean/token_prices/genai_prices",
]
LIVE = [
    "raw/token_prices/openrouter_feed",
    "clean/token_prices/openrouter",
    "raw/token_prices/litellm_feed",
    "clean/token_prices/litellm",
]


class Feed(http.server.BaseHTTPRequestHandler):
    payloads: dict[str, bytes] = {}

    def do_GET(self):  # noqa: N802
        body = self.payloads.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def feeds_may_be_fetched(monkeypatch):
    """These tests point the feeds at 127.0.0.1 or at `.invalid` hosts, so fetching is safe."""
    monkeypatch.delenv(load.OFFLINE_ENV, raising=False)


@pytest.fixture()
def feed_server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    Feed.payloads = {"/litellm.json": (FIXTURES / "litellm_model_prices.json").read_bytes()}
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def serve(name: str) -> None:
    Feed.payloads["/api/v1/models"] = (FIXTURES / name).read_bytes()


def materialize(path: Path, keys: list[str], feeds: TokenPriceFeeds | None = None) -> dg.ExecuteInProcessResult:
    job = dg.Definitions.merge(
        defs,
        dg.Definitions(
            jobs=[
                dg.define_asset_job(
                    "tp_test", selection=dg.AssetSelection.assets(*[dg.AssetKey(k.split("/")) for k in keys])
                )
            ]
        ),
    ).resolve_job_def("tp_test")
    return job.execute_in_process(
        resources={"warehouse": WarehouseResource(path=str(path)), "token_price_feeds": feeds or TokenPriceFeeds()},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def local_feeds(server: str, **extra) -> TokenPriceFeeds:
    return TokenPriceFeeds(
        openrouter_url=f"{server}/api/v1/models",
        litellm_url=f"{server}/litellm.json",
        allow_http_localhost=True,
        retries=0,
        **extra,
    )


def offline_feeds(**extra) -> TokenPriceFeeds:
    # `.invalid` never resolves (RFC 2606): the fetch fails as it does with no network
    return TokenPriceFeeds(
        openrouter_url="https://openrouter.invalid/api/v1/models",
        litellm_url="https://litellm.invalid/prices.json",
        retries=0,
        **extra,
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tp") / "warehouse.duckdb"
    result = materialize(path, BASE)
    assert result.success
    return path


@pytest.fixture()
def warehouse(base, tmp_path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(base, path)
    return path


def q(path: Path, sql: str, params=None):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_base_holds_the_cited_history_and_every_genai_prices_model(base):
    from genai_prices.data import providers

    assert q(base, "SELECT count(*) FROM token_price WHERE source_id NOT IN ('genai-prices')")[0][0] == 47
    got = {(r[0], r[1]) for r in q(base, "SELECT provider_id, model FROM model_alias WHERE source_id = 'genai-prices'")}
    assert len(got) == sum(len(p.models) for p in providers)
    # every model: loaded as a price row, or quarantined with its reason
    loaded = q(
        base, "SELECT count(DISTINCT provider_id || '/' || model_id) FROM token_price WHERE source_id = 'genai-prices'"
    )[0][0]
    rejected = q(
        base, "SELECT count(*) FROM quarantine WHERE target_table = 'token_price' AND source_id = 'genai-prices'"
    )[0][0]
    assert loaded + rejected == len(got)


def test_price_on_a_date_with_figure_ids_that_audit(base):
    rows = q(
        base,
        "SELECT model, input_usd_per_mtok, output_usd_per_mtok, figure_ids FROM price_on('2024-06-01') "
        "WHERE model_key = 'gpt-4o' AND is_standard",
    )
    assert [(r[1], r[2]) for r in rows] == [(5.0, 15.0)]
    ids = rows[0][3]
    quote = q(base, "SELECT quote, url, source_class FROM figure_provenance WHERE figure_id = ?", [ids[0]])[0]
    assert (
        "Input: $5 | Output: $15" in quote[0] and quote[1] == "https://platform.openai.com/docs" and quote[2] == "copy"
    )
    blended = q(base, "SELECT value, formula FROM figure WHERE figure_id = ?", [ids[-1]])[0]
    assert blended == (7.5, "token_price_blend_3to1@1")
    assert len(q(base, "SELECT * FROM figure_input WHERE figure_id = ?", [ids[-1]])) == 2


def test_genai_prices_rows_cite_the_package_version_and_pricing_url(base):
    url, snap = q(
        base,
        "SELECT source_url, first_seen_sha256 FROM token_price WHERE source_id = 'genai-prices' "
        "AND provider_id = 'openai' AND model_id = 'o3' AND condition = '' AND effective_from = DATE '2025-06-10'",
    )[0]
    assert url == "https://developers.openai.com/api/docs/pricing"
    from genai_prices import __version__

    assert q(base, "SELECT url FROM snapshot WHERE sha256 = ?", [snap])[0][0] == f"package:genai-prices=={__version__}"


def test_offline_refresh_succeeds_and_reports_stale_sources(warehouse):
    before = q(warehouse, "SELECT count(*), sum(input_usd_per_mtok) FROM token_price")
    result = materialize(warehouse, LIVE, offline_feeds())
    assert result.success
    assert q(warehouse, "SELECT count(*), sum(input_usd_per_mtok) FROM token_price") == before
    checks = {(e.asset_key.to_user_string(), e.check_name): e for e in result.get_asset_check_evaluations()}
    fresh = checks[("clean/token_prices/openrouter", "feed_is_fresh")]
    assert not fresh.passed and fresh.metadata["freshness"].value == "never refreshed"
    assert "offline" in fresh.metadata["last_message"].value


def test_two_snapshots_make_history_and_an_outage_keeps_it(warehouse, feed_server):
    serve("openrouter_models_day1.json")
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    serve("openrouter_models_day2.json")
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    rows = q(
        warehouse,
        "SELECT input_usd_per_mtok, effective_to IS NULL, end_basis FROM token_price "
        "WHERE source_id = 'openrouter-models' AND model_id = 'deepseek/deepseek-chat' ORDER BY effective_to NULLS LAST",
    )
    assert rows == [(0.27, False, "changed"), (0.14, True, None)]
    assert q(warehouse, "SELECT count(*) FROM snapshot WHERE source_id = 'openrouter-models'")[0][0] == 2
    # the feed goes away: nothing stored is lost, the check says since when it is stale
    before = q(warehouse, "SELECT * FROM token_price ORDER BY price_id")
    result = materialize(warehouse, LIVE, offline_feeds(max_age_hours=0.0))
    assert result.success and q(warehouse, "SELECT * FROM token_price ORDER BY price_id") == before
    fresh = {(e.asset_key.to_user_string(), e.check_name): e for e in result.get_asset_check_evaluations()}[
        ("clean/token_prices/openrouter", "feed_is_fresh")
    ]
    assert fresh.metadata["freshness"].value.startswith(f"stale since {dt.date.today().isoformat()}"[:16])


def test_malformed_feed_quarantines_rows_and_loses_nothing(warehouse, feed_server):
    serve("openrouter_models_day1.json")
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    open_before = q(
        warehouse, "SELECT count(*) FROM token_price WHERE source_id = 'openrouter-models' AND effective_to IS NULL"
    )[0][0]
    serve("openrouter_models_malformed_rows.json")
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    rules = {r[0] for r in q(warehouse, "SELECT rule FROM quarantine WHERE source_id = 'openrouter-models'")}
    assert {"number_parses", "pricing_present", "number_non_negative", "model_object"} <= rules
    assert (
        q(warehouse, "SELECT count(*) FROM token_price WHERE source_id = 'openrouter-models' AND effective_to IS NULL")[
            0
        ][0]
        == open_before
    )
    run = q(
        warehouse,
        "SELECT rows_in, rows_accepted, rows_quarantined FROM ingest_run WHERE step = 'clean/token_prices/openrouter' "
        "ORDER BY started_at DESC LIMIT 1",
    )[0]
    assert run[0] == run[1] + run[2] and run[2] == 4


def test_garbage_or_shrunken_feed_changes_nothing(warehouse, feed_server):
    serve("openrouter_models_day1.json")
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    before = q(warehouse, "SELECT * FROM token_price ORDER BY price_id")
    serve("openrouter_models_garbage.json")
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    assert q(warehouse, "SELECT * FROM token_price ORDER BY price_id") == before
    state = q(
        warehouse, "SELECT last_status, last_message FROM token_price_feed_state WHERE source_id = 'openrouter-models'"
    )[0]
    assert state[0] == "parse_failed" and "did not parse" in state[1]
    garbage = q(warehouse, "SELECT path FROM snapshot WHERE source_id = 'openrouter-models' AND bytes < 100")[0][0]
    assert Path(garbage).read_bytes().startswith(b"<html>")  # the raw payload is kept for inspection
    serve("openrouter_models_truncated.json")
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    assert (
        q(warehouse, "SELECT count(*) FROM token_price WHERE source_id = 'openrouter-models' AND effective_to IS NULL")[
            0
        ][0]
        == 4
    )


def test_conflict_between_openrouter_feed_and_genai_prices(warehouse, feed_server):
    serve("openrouter_models_day1.json")
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    genai_input = q(
        warehouse,
        "SELECT input_usd_per_mtok FROM token_price WHERE source_id = 'genai-prices' AND provider_id = 'openrouter' "
        "AND model_id = 'deepseek/deepseek-chat' AND effective_to IS NULL",
    )[0][0]
    assert genai_input != 0.27
    row = q(
        warehouse,
        "SELECT input_a, input_b, input_rel_diff FROM price_conflict WHERE provider_id = 'openrouter' "
        "AND model_variant = 'deepseek-chat' AND source_a = 'genai-prices' AND source_b = 'openrouter-models'",
    )
    assert row == [(genai_input, 0.27, pytest.approx(abs(0.27 - genai_input) / min(0.27, genai_input)))]


def test_litellm_feed_loads_with_tiers_and_rejections(warehouse, feed_server):
    serve("openrouter_models_day1.json")
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    rows = q(
        warehouse,
        "SELECT condition, output_usd_per_mtok FROM token_price WHERE source_id = 'litellm-model-prices' "
        "AND model_id = 'gemini/gemini-2.5-pro' ORDER BY condition",
    )
    assert rows == [("prompt <= 200000 tokens", 10.0), ("prompt > 200000 tokens", 15.0)]
    assert (
        q(warehouse, "SELECT count(DISTINCT row_locator) FROM quarantine WHERE source_id = 'litellm-model-prices'")[0][
            0
        ]
        == 2
    )


def test_token_price_definitions_exist():
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {*BASE[2:], *LIVE} <= keys
    assert defs.resolve_schedule_def("token_prices_daily_live_feeds").cron_schedule == "30 5 * * *"
    checks = {c.to_user_string() for c in graph.asset_check_keys}
    assert {
        "clean/token_prices/openrouter:feed_is_fresh",
        "clean/token_prices/litellm:feed_is_fresh",
        "clean/token_prices/cited:rows_meet_contract",
    } <= checks


def test_a_feed_payload_that_crashes_its_parser_is_that_feeds_recorded_failure(warehouse, feed_server):
    """Nesting 50,000 brackets deep raised RecursionError, which the step did not catch:
    now the snapshot is quarantined, the feed marked parse_failed and no price changes."""
    serve("openrouter_models_day1.json")
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    before = q(warehouse, "SELECT * FROM token_price ORDER BY price_id")
    Feed.payloads["/api/v1/models"] = b"[" * 50000 + b"]" * 50000
    assert materialize(warehouse, LIVE, local_feeds(feed_server)).success
    assert q(warehouse, "SELECT * FROM token_price ORDER BY price_id") == before
    state = q(
        warehouse, "SELECT last_status, last_message FROM token_price_feed_state WHERE source_id = 'openrouter-models'"
    )[0]
    assert state[0] == "parse_failed" and "nested too deep" in state[1]
    rule, reason = q(
        warehouse,
        "SELECT rule, reason FROM quarantine WHERE target_table = 'token_price_snapshot' "
        "AND source_id = 'openrouter-models'",
    )[0]
    assert rule == "feed_parse" and "FeedParseError" in reason
