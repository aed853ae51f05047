"""CPU seconds of the computing part of each trend step, on a refreshed warehouse's inputs.

    .venv/bin/python benchmarks/trend_compute.py --warehouse data/warehouse.duckdb [--runs 3] [--checkout DIR]

A trend step reads frames from the warehouse, computes (series, fits, bands, paths, claim
measures) and stores the rows. This script times only the middle part, the code in
`analysis/` and `pipeline/steps/trends/`, each step's inputs read once beforehand with the
step's own queries: that is the part the trend code decides, while reading and storing
belong to the warehouse. Times are CPU seconds (`time.process_time`), the fastest of
`--runs`, so a shared machine's load moves them much less than wall time.

To compare two checkouts, run it twice against the same warehouse file, once with
`--checkout` naming the other checkout (its code is imported instead of this one's),
alternating. The numbers must go with identical stored values:
`benchmarks/compare_warehouses.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def steps(con, today: dt.date, checkout: Path) -> dict:
    """Step name -> a function that computes what the step stores (nothing is written)."""
    from analysis import trend
    from analysis.formulas.trends import capability_price_decline
    from analysis.trends import capability_2026, claim_checks, demand_curve_series, market_series
    from analysis.trends.records import epoch_rate, merge, records
    from pipeline.steps.trends import series
    from pipeline.steps.trends.fitting import fit_each, fit_series
    from sources.token_prices.models import canonical_model_key
    from warehouse import query_frame

    sql_dir = checkout / "pipeline" / "defs" / "trends" / "sql"

    def q(sql: str):
        return query_frame(con, sql)

    llm = q("SELECT * FROM llm_price_observation ORDER BY obs_id")
    scores = q((sql_dir / "hub_scores.sql").read_text(encoding="utf-8"))
    intervals = q((sql_dir / "price_intervals.sql").read_text(encoding="utf-8"))
    demand, weeks = q("SELECT * FROM demand_observation"), q("SELECT * FROM openrouter_week")
    prices = q("SELECT * FROM token_price WHERE is_standard AND effective_from IS NOT NULL")
    mmlu = q("SELECT model, mmlu FROM llm_price_observation")
    rental, spec, sku = (
        q("SELECT * FROM gpu_rental_price"),
        q("SELECT * FROM gpu_spec_preferred"),
        q("SELECT sku, label FROM gpu_sku"),
    )
    paths = q("SELECT * FROM capability_path ORDER BY series, obs_date, obs_id")
    figures = {r["figure_id"]: r for r in q("SELECT figure_id, value, unit FROM figure WHERE kind <> 'fit'").to_dicts()}
    fits = {}
    for r in q("SELECT * FROM latest_fits").iter_rows(named=True):
        r["claim_defined"] = bool(json.loads(r["params"] or "{}").get("claim_defined"))
        fits[r["fit_id"]] = r

    def capability_price():
        out = []
        for s, pts, cfit, params in series.capability_series(llm):
            line = trend.fit_exponential([p.date for p in pts], [p.value for p in pts], method="ols", level=cfit.level)
            line.flags = list(cfit.flags)
            out.append(records(s, epoch_rate(line, cfit), pts, formula=capability_price_decline, params=params))
        return merge(out)

    def gpu():
        _, _, pts = market_series.flops_per_dollar(spec, sku)
        return fit_each(market_series.gpu_rental_series(rental) + [(market_series.FLOPS_SPEC, pts)])

    def token_price():
        tiers = market_series.tier_map(mmlu, canonical_model_key)
        fixed, _ = market_series.fixed_model_series(prices, as_of=today)
        return fit_each(fixed + market_series.cheapest_tier_series(prices, tiers, as_of=today))

    return {
        "trend/capability_price": capability_price,
        "trend/capability_price_2026": lambda: capability_2026.build(scores, intervals, as_of=today),
        "trend/demand": lambda: [
            fit_series(s, p, extra_flags=series.lower_bound_flag(p))
            for s, p in series.demand_series(demand) + [series.openrouter_series(weeks)]
        ],
        "trend/gpu": gpu,
        "trend/token_price": token_price,
        "trend/demand_curve": lambda: demand_curve_series.build(
            demand_curve_series.quantity_series(weeks, demand), paths
        ),
        "trend/claim_checks": lambda: [claim_checks.evaluate(s, fits, figures, paths) for s in claim_checks.SPECS],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", required=True, type=Path, help="a refreshed warehouse file (read only)")
    parser.add_argument("--runs", type=int, default=3, help="runs per step; the fastest is printed (default 3)")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="checkout whose code is timed (default: this one)")
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        parser.error(f"{args.warehouse}: no such warehouse file")
    if not (args.checkout / "analysis" / "trend.py").exists():
        parser.error(f"{args.checkout}: not an infernomics checkout (no analysis/trend.py)")
    sys.path.insert(0, str(args.checkout.resolve()))
    import duckdb

    con = duckdb.connect(str(args.warehouse), read_only=True)
    import analysis

    print(f"code of {Path(analysis.__file__).parent.parent}, inputs of {args.warehouse}")
    total = 0.0
    for name, compute in steps(con, dt.date.today(), args.checkout.resolve()).items():
        best = float("inf")
        for _ in range(args.runs):
            started = time.process_time()
            compute()
            best = min(best, time.process_time() - started)
        total += best
        print(f"{name:32s} {best:7.3f} s CPU")
    print(f"{'all trend compute':32s} {total:7.3f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
