"""The project's curated datasheet figures: dense values derived from NVIDIA's sparse ones are flagged."""

from pathlib import Path

import polars as pl
import pytest

from sources.hardware import curated_specs
from sources.hardware.sku import SKUS

DATA = Path(__file__).resolve().parents[1] / "sources" / "data" / "hardware" / "gpu_specs.csv"


@pytest.fixture(scope="module")
def spec():
    return curated_specs.parse(DATA)


def _row(spec, sku, attribute):
    rows = spec.filter((pl.col("sku") == sku) & (pl.col("attribute") == attribute))
    assert rows.height == 1
    return rows.row(0, named=True)


def test_every_row_parses_and_maps_to_a_sku(spec):
    assert spec.height == 112
    assert spec.filter(pl.col("_errors").list.len() > 0).height == 0
    assert spec["sku"].null_count() == 0
    assert set(spec["sku"]) <= set(SKUS)


def test_h100_dense_bf16_is_half_the_starred_sparse_figure(spec):
    dense = _row(spec, "h100-sxm", "bf16_dense_tflops")
    sparse = _row(spec, "h100-sxm", "bf16_sparse_tflops")
    assert dense["derived_from_sparse"] is True
    assert dense["value"] == sparse["value"] / 2 == 989.5
    assert "1,979 teraFLOPS" in dense["quote"]


def test_a100_and_amd_dense_values_are_stated_not_derived(spec):
    assert _row(spec, "a100-sxm-80gb", "bf16_dense_tflops")["derived_from_sparse"] is False
    assert _row(spec, "mi300x", "bf16_dense_tflops")["derived_from_sparse"] is False


def test_v100_fp16_tensor_stays_out_of_bf16(spec):
    v100 = spec.filter(pl.col("sku") == "v100-16gb")
    assert "bf16_dense_tflops" not in v100["attribute"].to_list()
    assert _row(spec, "v100-16gb", "fp16_tensor_dense_tflops")["value"] == 125.0


def test_attribute_from_another_page_names_that_page(spec):
    tdp = _row(spec, "mi300x", "tdp_w")
    assert tdp["source_id"] == "mlcommons-inference-v4.1-amd-8xmi300x"
    assert "750W" in tdp["quote"]


def test_release_dates_from_notes_rank_as_secondary(spec):
    row = _row(spec, "h200-sxm", "release_date")
    assert (row["tier"], row["date_precision"], str(row["value_date"])) == ("secondary", "day", "2023-11-13")
    assert _row(spec, "h100-sxm", "release_date")["date_precision"] == "year"


def test_done_gpus_have_the_headline_figures(spec):
    for sku in ["h100-sxm", "h200-sxm", "a100-sxm-80gb", "b200", "mi300x"]:
        attrs = set(spec.filter(pl.col("sku") == sku)["attribute"])
        assert {"memory_gb", "mem_bandwidth_tbps", "bf16_dense_tflops", "tdp_w"} <= attrs, sku
