"""Cost per million output tokens of each benchmark run, from the rental price of its GPU
as of the run's date (hardware family's `gpu_rental_price_asof`, lower median of the latest
prices on or before that date) through the cost model (`analysis.cost`).

Decisions:
* Pricing kinds are tried in order (on-demand first: what a run's hour costs without a
  commitment); the kind used is in the figure's qualifier.
* A run's GPU count (GPUs per node x nodes) becomes a figure of the run's source, so the
  audit shows where it came from (the file, a sidecar, a CLI flag); it is `observed` when
  the file states it and an `assumption` otherwise.
* A price the run's context states (`price_usd_per_gpu_hour`: what this run's GPUs cost,
  from a sidecar or `--price`) gives a second figure, `.../usd-per-mtok-output-stated-price`,
  beside the market one; that price is an `assumption` figure of the run's source.
* The GPU sku must be a hardware sku key (`gpu_sku: h100-sxm`) or a name the hardware
  family maps (`sources.hardware.sku.to_sku`); otherwise the run gets no cost and the
  asset's metadata lists it.
"""

import json

from analysis.cost import derive_cost_per_mtok
from pipeline.steps.benchmarks.ingest import SQL_DIR
from sources.hardware.sku import SKUS, to_sku
from warehouse import query_frame

PRICING_KINDS = ("on_demand", "capacity_block", "marketplace", "commit_1y", "commit_3y", "market", "index")


def sku_key(name: str | None) -> str | None:
    if not name:
        return None
    return name if name in SKUS else to_sku(name)


def _price(con, sku: str, run_date) -> dict | None:
    for kind in PRICING_KINDS:
        rows = query_frame(
            con, "SELECT * FROM gpu_rental_price_asof(?, ?, ?, NULL) WHERE chosen", [sku, run_date, kind]
        ).to_dicts()
        if rows:
            return rows[0]
    return None


def benchmark_costs(con) -> tuple[list[dict], list[dict], list[str]]:
    """(figures, lineage, runs without a cost and why) for every costable run."""
    runs = query_frame(con, (SQL_DIR / "cost_runs.sql").read_text(encoding="utf-8")).to_dicts()
    figures, lineage, missing = [], [], []
    for r in runs:
        origins = json.loads(r["context_sources"] or "{}")
        origin = origins.get("gpus_per_node", "?")
        gpus = {"figure_id": f"{r['source_id']}/{r['locator']}/context.gpus", "value": float(r["gpus"])}
        context_figures = [
            gpus
            | {
                "source_id": r["source_id"],
                "snapshot_sha256": r["file_sha256"],
                "metric": "benchmark.context.gpus",
                "entity_kind": "benchmark_run",
                "entity": r["run_id"],
                "unit": "GPUs",
                "bound": "=",
                "as_of": r["run_date"],
                "locator": f"context_sources.gpus_per_node = {origin}",
                "quote": f"gpus_per_node={r['gpus_per_node']}, nodes={r['nodes'] or 1}",
                "kind": "observed" if origin.startswith("file") else "assumption",
                "verification": "verified" if origin.startswith("file") else "unverified",
            }
        ]
        throughput = {"figure_id": r["throughput_figure_id"], "value": r["output_tok_s"]}
        costs = []
        if r["price_usd_per_gpu_hour"] is not None:
            stated = {
                "figure_id": f"{r['source_id']}/{r['locator']}/context.price",
                "value": r["price_usd_per_gpu_hour"],
            }
            context_figures.append(
                stated
                | {
                    "source_id": r["source_id"],
                    "snapshot_sha256": r["file_sha256"],
                    "metric": "benchmark.context.usd_per_gpu_hour",
                    "entity_kind": "benchmark_run",
                    "entity": r["run_id"],
                    "unit": "USD/GPU-hour",
                    "bound": "=",
                    "as_of": r["run_date"],
                    "locator": f"context_sources.price_usd_per_gpu_hour = {origins.get('price_usd_per_gpu_hour', '?')}",
                    "kind": "assumption",
                    "verification": "unverified",
                }
            )
            costs.append(
                derive_cost_per_mtok(
                    f"infernomics-derived/benchmarks/{r['run_id']}/usd-per-mtok-output-stated-price",
                    "output",
                    gpus=gpus,
                    price=stated,
                    throughput=throughput,
                    entity=r["run_id"],
                    as_of=r["run_date"],
                    qualifier="at the price the run's context states",
                )
            )
        sku = sku_key(r["gpu_sku"])
        price = _price(con, sku, r["run_date"]) if sku and r["run_date"] else None
        if price is not None:
            costs.append(
                derive_cost_per_mtok(
                    f"infernomics-derived/benchmarks/{r['run_id']}/usd-per-mtok-output",
                    "output",
                    gpus=gpus,
                    price={"figure_id": price["figure_id"], "value": price["usd_per_gpu_hour"]},
                    throughput=throughput,
                    entity=r["run_id"],
                    as_of=r["run_date"],
                    qualifier=f"{sku} {price['pricing_kind']} price of {price['date']} ({price['provider'] or 'n/a'}), "
                    f"as of run date {r['run_date']}; lower median of {price['candidates']}",
                )
            )
        elif sku is None and r["gpu_sku"]:
            missing.append(f"{r['run_id']}: GPU {r['gpu_sku']!r} is not a hardware sku key")
        elif r["gpu_sku"] and r["run_date"]:
            missing.append(f"{r['run_id']}: no rental price for {sku} on or before {r['run_date']}")
        if costs:
            figures.extend(context_figures)
            for figure, links in costs:
                figures.append(figure)
                lineage.extend(links)
    return figures, lineage, missing
