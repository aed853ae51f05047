"""Cost per million output tokens of a run: rental price as of the run's date, audited to the file."""

import json

import duckdb
import pytest


def q(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


COST = "infernomics-derived/benchmarks/4c9ece53c18d9fb0/run/usd-per-mtok-output"


def test_cost_per_mtok_joins_the_rental_price_as_of_the_run_date(refreshed_warehouse):
    value, as_of = q(refreshed_warehouse, "SELECT value, as_of FROM figure WHERE figure_id = ?", [COST])[0]
    inputs = dict(q(refreshed_warehouse, "SELECT role, input_figure_id FROM figure_input WHERE figure_id = ?", [COST]))
    price_id = inputs["usd_per_gpu_hour"]
    price, price_date, sku = q(
        refreshed_warehouse, "SELECT usd_per_gpu_hour, date, sku FROM gpu_rental_price WHERE figure_id = ?", [price_id]
    )[0]
    assert sku == "a100-sxm-40gb" and price_date <= as_of == __import__("datetime").date(2025, 4, 14)
    # 8 GPUs x price / (673.918... output tok/s x 3600 s) x 1e6
    assert value == pytest.approx(8 * price / (673.9184869835061 * 3600) * 1e6)
    assert inputs["output_tokens_per_s"] == "bench-vllm-llmk8s-llama-3-3-70b-tp8-qps-04/run/output_throughput.value"


def test_no_later_price_is_used(refreshed_warehouse):
    rows = q(
        refreshed_warehouse,
        "SELECT f.as_of, p.date FROM figure f JOIN figure_input i ON i.figure_id = f.figure_id "
        "AND i.role = 'usd_per_gpu_hour' JOIN gpu_rental_price p ON p.figure_id = i.input_figure_id "
        "WHERE f.figure_id LIKE 'infernomics-derived/benchmarks/%'",
    )
    assert rows and all(price_date <= run_date for run_date, price_date in rows)


def test_audit_of_a_run_cost_walks_to_the_rental_price_and_the_file_sha(refreshed_warehouse, cli):
    code, out, _ = cli("audit", COST, "--warehouse", refreshed_warehouse, "--format", "json")
    assert code == 0
    chain = json.loads(out)
    roles = {c["role"]: c for c in chain["inputs"]}
    assert (
        roles["output_tokens_per_s"]["snapshot_sha256"]
        == "4c9ece53c18d9fb0db0f37c5fbe5e23e301d802a568fb1ccaed5e9134b9ad19e"
    )
    assert roles["usd_per_gpu_hour"]["unit"] == "USD/GPU-hour" and roles["usd_per_gpu_hour"]["source_id"]
    assert roles["gpus"]["value"] == 8 and "bundled.yaml#vllm" in roles["gpus"]["locator"]


def test_runs_without_a_date_or_sku_get_no_cost(refreshed_warehouse):
    costed = {
        r[0]
        for r in q(
            refreshed_warehouse,
            "SELECT entity FROM figure WHERE metric = 'usd_per_mtok_output' "
            "AND figure_id LIKE 'infernomics-derived/benchmarks/%'",
        )
    }
    assert costed == {"4c9ece53c18d9fb0/run", "ca48cb6604ef05bf/run"}  # the two dated vLLM runs on a100-sxm-40gb


def test_a_stated_price_gives_a_second_cost_figure(tmp_path, cli):
    """A run with a sidecar price and no market price (genai-perf CSV, h100-sxm, no date)."""
    from pathlib import Path

    from pipeline.steps.benchmarks.cost import benchmark_costs
    from warehouse import Warehouse

    fix = Path(__file__).parent / "fixtures" / "benchmarks"
    wh = tmp_path / "w.duckdb"
    assert (
        cli("import", fix / "profile_export_genai_perf.csv", "--context", fix / "ctx_h100.yaml", "--warehouse", wh)[0]
        == 0
    )
    with Warehouse(wh).writer() as con:
        figures, lineage, missing = benchmark_costs(con)
    cost = [f for f in figures if f["metric"] == "usd_per_mtok_output"]
    assert len(cost) == 1 and cost[0]["figure_id"].endswith("usd-per-mtok-output-stated-price")
    # 8 GPUs x 2.49 USD / (45.84 tok/s x 3600) x 1e6
    assert cost[0]["value"] == pytest.approx(8 * 2.49 / (45.84 * 3600) * 1e6)
    assert {link["role"] for link in lineage} == {"gpus", "usd_per_gpu_hour", "output_tokens_per_s"}
    price = next(f for f in figures if f["figure_id"].endswith("/context.price"))
    assert price["kind"] == "assumption" and "sidecar:ctx_h100.yaml" in price["locator"]
