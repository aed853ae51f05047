"""The catalogue of canonical GPU sku keys: data only, no naming rules.

A sku key is the part a datasheet describes: model, form factor and, where one model
ships with two memory sizes, the memory size (`a100-sxm-80gb`, `h100-sxm`, `mi300x`).

Decisions:
* The catalogue lives in the warehouse because the hardware contracts check `sku`
  columns against it (a spec names a part, never a family key); the rules that map a
  source's spelling to a key stay with the adapters (`sources/hardware/sku.py`), which
  import this catalogue, so no arrow runs from `warehouse/` into `sources/`.
* Family keys (`h100`, `a100`, `a100-pcie`, `v100`, `p100`, `family=True`) exist for
  prices quoted without a form factor or memory size: they carry no specs.
* `bf16` says whether the part has BF16 tensor cores (on V100 or T4 Epoch's
  "Tensor-FP16/BF16" number is FP16, never BF16).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sku:
    sku: str
    vendor: str
    label: str
    bf16: bool
    family: bool = False  # a family key (no form factor): prices only, never specs


SKUS: dict[str, Sku] = {
    s.sku: s
    for s in [
        Sku("v100-sxm2-16gb", "NVIDIA", "Tesla V100 SXM2 16 GB", bf16=False),
        Sku("v100-sxm2-32gb", "NVIDIA", "Tesla V100 SXM2 32 GB", bf16=False),
        Sku("v100-pcie-16gb", "NVIDIA", "Tesla V100 PCIe 16 GB", bf16=False),
        Sku("v100-pcie-32gb", "NVIDIA", "Tesla V100 PCIe 32 GB", bf16=False),
        Sku("v100-16gb", "NVIDIA", "Tesla V100 16 GB (SXM2 or PCIe, not stated)", bf16=False),
        Sku("v100-dgxs-16gb", "NVIDIA", "Tesla V100 DGXS 16 GB", bf16=False),
        Sku("v100-dgxs-32gb", "NVIDIA", "Tesla V100 DGXS 32 GB", bf16=False),
        Sku("v100", "NVIDIA", "V100 (variant not stated)", bf16=False, family=True),
        Sku("k80", "NVIDIA", "Tesla K80", bf16=False),
        Sku("p4", "NVIDIA", "Tesla P4", bf16=False),
        Sku("p100-pcie-16gb", "NVIDIA", "Tesla P100 PCIe 16 GB", bf16=False),
        Sku("p100-sxm2", "NVIDIA", "Tesla P100 SXM2", bf16=False),
        Sku("p100", "NVIDIA", "P100 (variant not stated)", bf16=False, family=True),
        Sku("t4", "NVIDIA", "Tesla T4", bf16=False),
        Sku("a40", "NVIDIA", "A40 PCIe", bf16=True),
        Sku("rtx-a4000", "NVIDIA", "RTX A4000", bf16=True),
        Sku("rtx-a5000", "NVIDIA", "RTX A5000", bf16=True),
        Sku("rtx-a6000", "NVIDIA", "RTX A6000", bf16=True),
        Sku("rtx-4090", "NVIDIA", "GeForce RTX 4090", bf16=True),
        Sku("a10", "NVIDIA", "A10 PCIe", bf16=True),
        Sku("a10g", "NVIDIA", "A10G (AWS)", bf16=True),
        Sku("a100-sxm-40gb", "NVIDIA", "A100 SXM4 40 GB", bf16=True),
        Sku("a100-sxm-80gb", "NVIDIA", "A100 SXM4 80 GB", bf16=True),
        Sku("a100-pcie-40gb", "NVIDIA", "A100 PCIe 40 GB", bf16=True),
        Sku("a100-pcie-80gb", "NVIDIA", "A100 PCIe 80 GB", bf16=True),
        Sku("a100", "NVIDIA", "A100 (variant not stated)", bf16=True, family=True),
        Sku("a100-pcie", "NVIDIA", "A100 PCIe (memory size not stated)", bf16=True, family=True),
        Sku("l4", "NVIDIA", "L4", bf16=True),
        Sku("l40", "NVIDIA", "L40", bf16=True),
        Sku("l40s", "NVIDIA", "L40S", bf16=True),
        Sku("h100-sxm", "NVIDIA", "H100 SXM5 80 GB", bf16=True),
        Sku("h100-pcie", "NVIDIA", "H100 PCIe 80 GB", bf16=True),
        Sku("h100-nvl", "NVIDIA", "H100 NVL 94 GB", bf16=True),
        Sku("h100", "NVIDIA", "H100 (form factor not stated)", bf16=True, family=True),
        Sku("h200-sxm", "NVIDIA", "H200 SXM 141 GB", bf16=True),
        Sku("h200-nvl", "NVIDIA", "H200 NVL 141 GB", bf16=True),
        Sku("gh200", "NVIDIA", "GH200 Grace Hopper", bf16=True),
        Sku("b200", "NVIDIA", "B200 (HGX B200, per GPU)", bf16=True),
        Sku("b200-gb200", "NVIDIA", "B200 in GB200 NVL72 (per GPU)", bf16=True),
        Sku("mi250", "AMD", "Instinct MI250", bf16=True),
        Sku("mi250x", "AMD", "Instinct MI250X", bf16=True),
        Sku("mi300a", "AMD", "Instinct MI300A", bf16=True),
        Sku("mi300x", "AMD", "Instinct MI300X", bf16=True),
        Sku("mi325x", "AMD", "Instinct MI325X", bf16=True),
        Sku("mi355x", "AMD", "Instinct MI355X", bf16=True),
        Sku("tpu-v2", "Google", "TPU v2", bf16=True),
        Sku("tpu-v3", "Google", "TPU v3", bf16=True),
        Sku("tpu-v4", "Google", "TPU v4", bf16=True),
        Sku("tpu-v5e", "Google", "TPU v5e", bf16=True),
        Sku("tpu-v5p", "Google", "TPU v5p", bf16=True),
        Sku("tpu-v6e", "Google", "TPU v6e Trillium", bf16=True),
    ]
}
