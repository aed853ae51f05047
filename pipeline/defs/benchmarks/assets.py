"""Benchmark assets: the vendored result files, and files dropped in the drop folder."""

from pathlib import Path

import dagster as dg
import polars as pl

from analysis.formulas import all_formulas
from pipeline.defs import keys
from pipeline.defs.benchmarks.resources import DROP_ENV, BenchmarkFiles, default_drop_folder
from pipeline.defs.metadata import WRITTEN_BY_STEP, table_metadata
from pipeline.defs.resources import WRITER_POOL, WarehouseResource, ingest_metadata
from pipeline.defs.skip import fingerprinted
from pipeline.defs.step_checks import checked_asset
from pipeline.fingerprint import Bundled, Computed, folder_files
from pipeline.steps.benchmarks.cost import benchmark_costs
from pipeline.steps.benchmarks.ingest import ImportItem, expand_paths, import_paths
from sources.benchmarks.bundled import bundled_files
from warehouse.figures import figure_frame, store_figures, store_formulas, store_lineage

__all__ = ["DROP_ENV", "drop_folder"]


def drop_folder(warehouse_path: Path | None = None) -> Path:
    """The default drop folder (the sensor's): $INFERNOMICS_BENCH_DROP, else `benchmark_drop/` beside the warehouse."""
    return default_drop_folder(warehouse_path)


def _report(outcomes) -> dg.MetadataValue:
    return dg.MetadataValue.md(
        "\n".join(
            f"- {Path(o.path).name}: **{o.status}** {o.runs_stored} runs, {o.request_rows} request rows"
            + (f" ({o.reason})" if o.reason else "")
            for o in outcomes
        )
        or "nothing to import"
    )


@checked_asset(
    key=keys.BENCH_BUNDLED,
    group_name="benchmarks",
    pool=WRITER_POOL,
    kinds={"duckdb"},
    deps=[keys.SOURCE],
)
@fingerprinted(
    Bundled("data/benchmarks", "benchmarks/bundled.yaml"),
    Computed("import cap", lambda ctx: {"": str(ctx.resources["benchmark_files"].byte_cap())}),
)
def bundled_benchmarks(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, benchmark_files: BenchmarkFiles
) -> dg.MaterializeResult:
    """The vendored vLLM, SGLang, llmperf and MLPerf result files (sources/data/benchmarks/),
    with their bundled context; a file already stored (same sha256) is skipped."""
    wh = warehouse.warehouse
    with warehouse.ingest(context) as (con, run):
        cap = benchmark_files.byte_cap()
        items = [ImportItem(f.path, f.folder) for f in bundled_files()]
        outcomes = import_paths(con, wh.parts_dir, run, items, max_bytes=cap)
        table = table_metadata(con, "benchmark_run", where=WRITTEN_BY_STEP, params=[run.step])
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run,
            files=len(outcomes),
            stored=sum(o.status == "stored" for o in outcomes),
            skipped=sum(o.status == "skipped" for o in outcomes),
            report=_report(outcomes),
        )
        | table
    )


class DropConfig(dg.Config):
    """Files to import; empty means every file in the drop folder (already-stored ones are skipped)."""

    paths: list[str] = []


def _dropped_paths(config: DropConfig, files: BenchmarkFiles, warehouse_path: Path) -> tuple[Path, list[Path]]:
    folder = files.folder(warehouse_path)
    paths = [Path(p) for p in config.paths] or (expand_paths([folder]) if folder.exists() else [])
    return folder, [p for p in paths if p.exists()]


def _dropped_inputs(ctx) -> dict[str, str]:
    """sha256 of each file the asset would import (named relative to the folder, so a moved
    warehouse folder recomputes nothing), and the byte cap that decides what it refuses."""
    files, config = ctx.resources["benchmark_files"], ctx.resources.get("config") or DropConfig()
    folder, paths = _dropped_paths(config, files, ctx.warehouse_path)
    return folder_files(folder, paths) | {"max_bytes": str(files.byte_cap())}


@checked_asset(key=keys.BENCH_DROPPED, group_name="benchmarks", pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted(Computed("drop folder", _dropped_inputs))
def dropped_benchmarks(
    context: dg.AssetExecutionContext, config: DropConfig, warehouse: WarehouseResource, benchmark_files: BenchmarkFiles
) -> dg.MaterializeResult:
    """Result files dropped in the drop folder (the `benchmark_files` resource: $INFERNOMICS_BENCH_DROP
    or benchmark_drop/ beside the warehouse): each stored once by content; a bad file is
    quarantined with its reason and never blocks the others."""
    wh = warehouse.warehouse
    _folder, paths = _dropped_paths(config, benchmark_files, wh.path)
    cap = benchmark_files.byte_cap()
    with warehouse.ingest(context) as (con, run):
        outcomes = import_paths(con, wh.parts_dir, run, [ImportItem(p) for p in paths], max_bytes=cap)
        table = table_metadata(con, "benchmark_run", where=WRITTEN_BY_STEP, params=[run.step])
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run,
            files=len(outcomes),
            quarantined_files=sum(o.status == "quarantined" for o in outcomes),
            report=_report(outcomes),
        )
        | table
    )


import_dropped_benchmarks = dg.define_asset_job(
    "import_dropped_benchmarks",
    selection=[keys.BENCH_DROPPED],
    description="Import benchmark files the drop-folder sensor found.",
)


@dg.asset(
    key=keys.BENCH_COST_PER_MTOK,
    group_name="benchmarks",
    pool=WRITER_POOL,
    kinds={"duckdb"},
    deps=[keys.BENCH_BUNDLED, keys.BENCH_DROPPED, keys.GPU_RENTAL_PRICE],
)
@fingerprinted()
def benchmark_cost_per_mtok(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """USD per million output tokens of each valid benchmark run: GPUs x rental price (as of
    the run's date) / output tokens per second, with lineage to the price and the file."""
    with warehouse.ingest(context) as (con, run):
        figures, lineage, missing = benchmark_costs(con)
        if figures:
            store_formulas(con, all_formulas())
            store_figures(con, run, figure_frame(figures))
            store_lineage(con, run, pl.DataFrame(lineage))
        table = table_metadata(con, "figure", where=WRITTEN_BY_STEP, params=[run.step])
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run,
            costs=sum(f["metric"] == "usd_per_mtok_output" for f in figures),
            without_cost=dg.MetadataValue.md("\n".join(f"- {m}" for m in missing[:50]) or "none"),
        )
        | table
    )
