"""Epoch's chip_dataset.csv: BOM, multi-line fields, base units, drifting columns."""

from pathlib import Path

import polars as pl
import pytest

from sources.hardware import epoch_chips

DATA = Path(__file__).resolve().parents[1] / "sources" / "data" / "epoch_hardware" / "chip_dataset.csv"


@pytest.fixture(scope="module")
def spec():
    return epoch_chips.parse(DATA.read_bytes())


def _value(spec, name, attribute):
    row = spec.filter((pl.col("hardware_name") == name) & (pl.col("attribute") == attribute))
    assert row.height == 1, (name, attribute, row)
    return row.row(0, named=True)


def test_h100_sxm_converted_from_base_units(spec):
    assert _value(spec, "NVIDIA H100 SXM5 80GB", "memory_gb")["value"] == 80.0
    assert _value(spec, "NVIDIA H100 SXM5 80GB", "mem_bandwidth_tbps")["value"] == pytest.approx(3.35)
    bf16 = _value(spec, "NVIDIA H100 SXM5 80GB", "bf16_dense_tflops")
    assert bf16["value"] == pytest.approx(989.4)
    assert (bf16["precision"], bf16["sparsity"], bf16["compute_unit"]) == ("bf16", "dense", "tensor")
    assert _value(spec, "NVIDIA H100 SXM5 80GB", "tdp_w")["value"] == 700.0
    assert str(_value(spec, "NVIDIA H100 SXM5 80GB", "release_date")["value_date"]) == "2022-09-20"
    assert _value(spec, "NVIDIA H100 SXM5 80GB", "release_price_usd")["value"] == 44489.88


def test_bom_does_not_hide_the_name_column(spec):
    assert spec.filter(pl.col("sku") == "h100-sxm").height > 0
    assert not spec["hardware_name"].str.starts_with("\ufeff").any()


def test_locator_is_the_line_a_multiline_row_starts_on(spec):
    text = DATA.read_bytes().decode("utf-8-sig").splitlines()
    row = _value(spec, "NVIDIA H200 SXM", "tdp_w")
    line = int(row["_locator"].rsplit(":", 1)[1])
    assert text[line - 1].startswith("NVIDIA H200 SXM,")


def test_v100_tensor_fp16_is_not_filed_as_bf16(spec):
    v100 = spec.filter(pl.col("hardware_name") == "NVIDIA Tesla V100 SXM2 16 GB")
    assert "bf16_dense_tflops" not in v100["attribute"].to_list()
    assert _value(spec, "NVIDIA Tesla V100 PCIe 16 GB", "fp16_tensor_dense_tflops")["value"] == 112.0


def test_scope_is_ml_accelerators_and_the_rest_is_counted(spec):
    counts = epoch_chips.scope_counts(DATA.read_bytes())
    assert counts["rows"] == counts["cpus"] + counts["other_chips_out_of_scope"] + counts["ml_accelerators"]
    assert counts["cpus"] > 2000 and counts["ml_accelerators"] == 199
    # one in-scope row ("NVIDIA L40S") has only a non-tensor FP16 figure, which is not parsed
    assert spec["page"].n_unique() == 198


def test_bad_rows_are_kept_with_a_reason():
    everything = epoch_chips.parse(DATA.read_bytes(), all_accelerators=True)
    bad = everything.filter(pl.col("_errors").list.len() > 0)
    assert bad.height > 0
    assert all(e.startswith("value_present: Hardware name") for errs in bad["_errors"] for e in errs)


def test_missing_required_column_names_file_and_column():
    data = "\ufeffHardware name,Memory size per board (Byte),TDP (W)\nX,1,2\n".encode()
    with pytest.raises(ValueError, match=r"chip_dataset.csv: required column\(s\) missing: Memory bandwidth"):
        epoch_chips.parse(data)


def test_renamed_optional_column_just_drops_that_attribute():
    data = (
        "\ufeffHardware name,Type,Memory size per board (Byte),Memory bandwidth (byte/s),TDP (W),FP8 (renamed)\n"
        'NVIDIA H100 SXM5 80GB,GPU,80000000000,3350000000000,700.0,"1\n2"\n'
    ).encode()
    spec = epoch_chips.parse(data)
    assert sorted(spec["attribute"].to_list()) == ["mem_bandwidth_tbps", "memory_gb", "tdp_w"]


def test_non_numeric_value_is_marked_not_dropped():
    data = (
        b"Hardware name,Type,Memory size per board (Byte),Memory bandwidth (byte/s),TDP (W)\n"
        b"NVIDIA L4,GPU,lots,300000000000,72\n"
    )
    spec = epoch_chips.parse(data)
    mem = spec.filter(pl.col("attribute") == "memory_gb").row(0, named=True)
    assert mem["value"] is None and mem["_errors"][0].startswith("number_parses: memory_gb")
    assert mem["_locator"].endswith("chip_dataset.csv:2")


def test_figure_ids_are_unique_and_stable(spec):
    assert not spec["figure_id"].is_duplicated().any()
    assert "epoch-ml-hardware/nvidia-h100-sxm5-80gb/bf16_dense_tflops" in spec["figure_id"].to_list()
