"""pandera contracts for the hardware tables (gpu_spec, gpu_rental_price, gpu_purchase_price).

Check names are the rules `quarantine.rule` records. Units, precision and the dense/sparse
flag are checked together: a FLOPS figure must say its precision, dense or sparse, and
tensor or shader; a non-FLOPS figure must not pretend to have them.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from warehouse.skus import SKUS
from warehouse.tables import GPU_PURCHASE_PRICE, GPU_RENTAL_PRICE, GPU_SPEC
from warehouse.vocabulary import SPEC_ATTRIBUTES as ATTRIBUTES

UNITS = sorted({u for u, *_ in ATTRIBUTES.values()})


class GpuSpec(GPU_SPEC.model()):  # type: ignore[misc]
    """A spec row: columns and their checks are `warehouse.tables.GPU_SPEC`."""

    @pa.dataframe_check(name="sku_has_specs")
    def sku_has_specs(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A spec names a catalogued part, never a family key (no form factor / memory)."""
        parts = [k for k, s in SKUS.items() if not s.family]
        return data.lazyframe.select(pl.col("sku").is_null() | pl.col("sku").is_in(parts))

    @pa.dataframe_check(name="unit_matches_attribute")
    def unit_matches_attribute(cls, data: pa.PolarsData) -> pl.LazyFrame:
        expected = pl.col("attribute").replace_strict({a: u for a, (u, *_) in ATTRIBUTES.items()}, default=None)
        return data.lazyframe.select(pl.col("unit") == expected)

    @pa.dataframe_check(name="flops_flags_explicit")
    def flops_flags_explicit(cls, data: pa.PolarsData) -> pl.LazyFrame:
        flops = pl.col("unit") == "TFLOPS"
        flags = (
            pl.col("precision").is_not_null() & pl.col("sparsity").is_not_null() & pl.col("compute_unit").is_not_null()
        )
        none = pl.col("precision").is_null() & pl.col("sparsity").is_null() & pl.col("compute_unit").is_null()
        return data.lazyframe.select(pl.when(flops).then(flags).otherwise(none))

    @pa.dataframe_check(name="shader_never_sparse_or_derived")
    def shader_never_sparse_or_derived(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("compute_unit") != "shader").fill_null(True)
            | ((pl.col("sparsity") == "dense") & ~pl.col("derived_from_sparse"))
        )

    @pa.dataframe_check(name="derived_only_for_dense_tensor")
    def derived_only_for_dense_tensor(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            ~pl.col("derived_from_sparse") | ((pl.col("sparsity") == "dense") & (pl.col("compute_unit") == "tensor"))
        )

    @pa.dataframe_check(name="value_positive")
    def value_positive(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value") > 0)

    @pa.dataframe_check(name="release_date_has_date")
    def release_date_has_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        is_date = pl.col("attribute") == "release_date"
        return data.lazyframe.select(
            pl.when(is_date)
            .then(pl.col("value_date").is_not_null() & pl.col("date_precision").is_not_null())
            .otherwise(pl.col("value_date").is_null())
        )


class GpuRentalPrice(GPU_RENTAL_PRICE.model()):  # type: ignore[misc]
    """A rental price row: columns and their checks are `warehouse.tables.GPU_RENTAL_PRICE`."""

    @pa.dataframe_check(name="sku_catalogued")
    def sku_catalogued(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("sku").is_null() | pl.col("sku").is_in(list(SKUS)))


class GpuPurchasePrice(GPU_PURCHASE_PRICE.model()):  # type: ignore[misc]
    """A purchase price row: columns and their checks are `warehouse.tables.GPU_PURCHASE_PRICE`."""
