"""Curated datasheet figures (`sources/data/hardware/gpu_specs.csv`) -> long `gpu_spec` rows.

The file is the project's long-form copy of a hand-curated table of 18 data-center GPUs:
one row per figure with the page it comes from (`source_id`, `source_url`), that page's
class (primary / copy / secondary), the verbatim quote and notes.

Decisions:
- NVIDIA's spec tables quote Tensor Core FLOPS *with sparsity*. Where the dense value is
  half of such a starred figure the row says `derived_from_sparse = true` (H100, H200,
  B200 and their NVL / GB200 variants); A100, A10, L4, L40S and the AMD parts state dense
  directly. `bf16_sparse_tflops` rows are the stated with-sparsity figures, except for
  MI300X and MI325X where they are twice the stated dense value (the notes say so).
- V100 and T4 have no BF16: their FP16 tensor peaks are `fp16_tensor_dense_tflops`.
- Tier: a figure read from the vendor's own page, datasheet or docs (directly or through
  a faithful copy) is `vendor_datasheet`; a figure from an article, wiki or someone
  else's document is `secondary`. Release dates here come from the notes (announcement
  events, wiki pages), never from the vendor quote, so they are `secondary` too.
- Every figure is `unverified`: the quotes were read from copies, not from a snapshot
  this project stores.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import polars as pl

from sources import cells
from sources.hardware import common
from sources.hardware.sku import spec_sku
from warehouse.vocabulary import SPEC_ATTRIBUTES

FILE_NAME = "gpu_specs.csv"
VENDOR_SOURCES = {
    "nvidia-volta-whitepaper",
    "nvidia-blog-tensor-cores-cuda9",
    "nvidia-a100-datasheet",
    "nvidia-h100-page",
    "nvidia-h200-page",
    "nvidia-blackwell-datasheet",
    "nvidia-l40s-page",
    "nvidia-l4-page",
    "nvidia-a10-page",
    "nvidia-t4-page",
    "rocm-gpu-arch-specs-e396b48",
    "rocm-docs-mi300-2025-03",
    "rocm-docs-gpu-specs-7.13",
}
REQUIRED = [
    "vendor",
    "sku_name",
    "form_factor",
    "attribute",
    "value",
    "unit",
    "precision",
    "sparsity",
    "compute_unit",
    "derived_from_sparse",
    "source_id",
    "source_url",
    "source_class",
    "quote",
    "notes",
]


def fetch(path: Path | None = None) -> tuple[bytes, dict]:
    from sources.paths import data_path

    path = path or data_path("hardware", FILE_NAME)
    data = Path(path).read_bytes()
    return data, {"sha256": hashlib.sha256(data).hexdigest(), "path": str(path)}


def parse(data: bytes | Path, file_name: str = FILE_NAME) -> pl.DataFrame:
    """Curated long rows -> gpu_spec rows, each with its own page as source."""
    if isinstance(data, Path):
        data = data.read_bytes()
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{file_name}: required column(s) missing: {', '.join(missing)}")
    out = []
    for line_no, rec in enumerate(reader, start=2):
        errors: list[str] = []
        attribute = rec["attribute"]
        name = rec["sku_name"]
        sku = spec_sku(name) or spec_sku(f"{name} {rec['form_factor']}")
        if attribute not in SPEC_ATTRIBUTES:
            errors.append(f"attribute_known: {attribute!r} is not a gpu_spec attribute")
            attribute = "memory_gb"  # placeholder so the row can be built and quarantined
        unit, precision, sparsity, compute = SPEC_ATTRIBUTES[attribute]
        stated = (rec["unit"], rec["precision"] or None, rec["sparsity"] or None, rec["compute_unit"] or None)
        if attribute != "release_date" and stated != (unit, precision, sparsity, compute) and not errors:
            errors.append(
                f"attribute_shape: {attribute} must be {(unit, precision, sparsity, compute)}, row says {stated}"
            )
        value = value_date = precision_of_date = None
        if attribute == "release_date":
            value_date, precision_of_date = cells.dated(rec["value"], "value", errors, required=True)
            value = None if value_date is None else common.decimal_year(value_date)
        else:
            value = cells.number(
                rec["value"], "value", errors, required=True, minimum="positive", thousands=True, currency=True
            )
        tier = (
            "secondary" if attribute == "release_date" or rec["source_id"] not in VENDOR_SOURCES else "vendor_datasheet"
        )
        key = sku or common.slug(name)
        out.append(
            common.spec_row(
                figure_id=f"{rec['source_id']}/{key}/{attribute}",
                source_id=rec["source_id"],
                sku=sku,
                hardware_name=f"{rec['vendor']} {name}",
                attribute=attribute,
                value=value,
                value_date=value_date,
                date_precision=precision_of_date,
                derived_from_sparse=rec["derived_from_sparse"] == "true",
                tier=tier,
                source_class=rec["source_class"],
                as_stated=rec["value"],
                quote=rec["quote"],
                page=None,
                locator=rec["source_url"],
                notes="; ".join(x for x in (rec["notes"], rec.get("curated_notes")) if x) or None,
                _locator=f"sources/data/hardware/{file_name}:{line_no}",
                _errors=errors,
            )
        )
    return common.spec_frame(out)
