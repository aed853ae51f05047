"""Trends: Epoch's LLM prices, demand series and the OpenRouter scrape in; fits and claim checks out."""

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

import dagster as dg
import polars as pl

from analysis import trend
from analysis.formulas import all_formulas
from analysis.formulas.trends import capability_price_decline
from analysis.trends import capability_2026, claim_checks, demand_curve_series, market_series
from analysis.trends.elasticity import elasticities
from analysis.trends.records import epoch_rate, merge, records
from pipeline.defs import keys
from pipeline.defs.metadata import DAILY_FEED, json_value, table_metadata
from pipeline.defs.resources import WRITER_POOL, WarehouseResource, ingest_metadata
from pipeline.defs.skip import fingerprinted
from pipeline.defs.step_checks import checked_asset
from pipeline.fingerprint import Bundled, Today
from pipeline.steps.trends import series
from pipeline.steps.trends.fitting import fit_each, fit_series, store_fits, store_refusals
from sources import demand, epoch_llm_prices
from sources.paths import data_path
from sources.token_prices.models import canonical_model_key
from warehouse import query_frame
from warehouse.contracts_trends import (
    CapabilityPath,
    ClaimCheck,
    ClaimMeasure,
    DemandCurve,
    DemandObservation,
    LlmPriceObservation,
    OpenRouterAuthorWeek,
    OpenRouterWeek,
)
from warehouse.figures import figure_frame, store_figures, store_formulas, store_lineage, store_sources
from warehouse.store import store

GROUP = "trends"
SOURCES = keys.SOURCE
CITED = keys.CITED_FIGURE
LLM_PRICES = keys.LLM_PRICE_OBSERVATION
DEMAND = keys.DEMAND_OBSERVATION
OPENROUTER = keys.OPENROUTER_WEEK
CAPABILITY = keys.TREND_CAPABILITY_PRICE
TOKEN_PRICES = [keys.TOKEN_PRICE_TABLES[name] for name in ("cited", "genai_prices", "openrouter", "litellm")]
TOKEN_TRENDS = keys.TREND_TOKEN_PRICE
GPU_SPEC = keys.GPU_SPEC
GPU_RENTAL = keys.GPU_RENTAL_PRICE
GPU_TRENDS = keys.TREND_GPU
BENCH_COSTS = keys.BENCH_COST_PER_MTOK
BENCH_TRENDS = keys.TREND_BENCHMARK
SQL_DIR = Path(__file__).parent / "sql"
DEMAND_FITS = keys.TREND_DEMAND
CAPABILITY_2026 = keys.TREND_CAPABILITY_PRICE_2026
DEMAND_CURVE = keys.TREND_DEMAND_CURVE
HUB_SCORES = [keys.MODEL_SCORE]  # writes model_identity too
PRICE_HISTORY = [keys.TOKEN_PRICE_TABLES[name] for name in ("litellm_releases", "models_dev")]


@checked_asset(key=LLM_PRICES.path, deps=[SOURCES], group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted(Bundled("data/epoch_llm_prices"))
def llm_price_observation(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Epoch AI's two LLM price files: one row per price observation, each price and score a figure."""
    obs = epoch_llm_prices.parse_all(data_path("epoch_llm_prices"))
    with warehouse.ingest(context, source_id="epoch-llm-prices-aa") as (con, run):
        figures = store_figures(con, run, figure_frame(epoch_llm_prices.figures(obs).to_dicts()))
        table = store(
            con,
            run,
            "llm_price_observation",
            stamp(epoch_llm_prices.table(obs), run),
            LlmPriceObservation,
            key=["obs_id"],
        )
        shape = table_metadata(con, "llm_price_observation")
    return dg.MaterializeResult(
        metadata=ingest_metadata(run, observations=table.accepted, figures=figures.accepted) | shape
    )


@dg.asset(key=DEMAND.path, deps=[SOURCES], group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted(Bundled(f"data/demand/{demand.SERIES_FILE}"))
def demand_observation(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Cited demand figures (tokens, users, messages), one source per page quoted."""
    frame = demand.parse_series(data_path("demand", demand.SERIES_FILE))
    with warehouse.ingest(context, source_id="infernomics-demand-series") as (con, run):
        store_sources(con, run, demand.series_sources(frame))
        store_figures(con, run, figure_frame(demand.series_figures(frame).to_dicts()))
        table = store(
            con, run, "demand_observation", stamp(demand.series_table(frame), run), DemandObservation, key=["figure_id"]
        )
        shape = table_metadata(con, "demand_observation")
    return dg.MaterializeResult(metadata=ingest_metadata(run, figures=table.accepted) | shape)


@checked_asset(key=OPENROUTER.path, deps=[SOURCES], group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted(Bundled(f"data/demand/{demand.SCRAPE_FILE}"))
def openrouter_week(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The OpenRouter weekly scrape: author rows as figures, weekly totals flagged (partial, overlapping)."""
    rows = demand.parse_openrouter(data_path("demand", demand.SCRAPE_FILE))
    weeks = demand.openrouter_weeks(rows)
    week_figs, week_lineage = series.openrouter_week_figures(rows, weeks)
    with warehouse.ingest(context, source_id=demand.SCRAPE_SOURCE_ID) as (con, run):
        store_figures(con, run, figure_frame(demand.openrouter_author_figures(rows).to_dicts()))
        store(
            con,
            run,
            "openrouter_author_week",
            stamp(demand.author_table(rows), run),
            OpenRouterAuthorWeek,
            key=["figure_id"],
        )
        store_formulas(con, all_formulas())
        store_figures(con, run, figure_frame(week_figs.to_dicts()))
        store_lineage(con, run, week_lineage)
        table = store(
            con, run, "openrouter_week", stamp(demand.week_table(weeks), run), OpenRouterWeek, key=["week_label"]
        )
        shape = table_metadata(con, "openrouter_week")
    return dg.MaterializeResult(
        metadata=ingest_metadata(run, weeks=table.accepted, fit_worthy_weeks=int(weeks["fit_ok"].sum())) | shape
    )


@checked_asset(key=CAPABILITY.path, deps=[LLM_PRICES], group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted()
def capability_price(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Capability-adjusted LLM price (Epoch AI's method): one fit per benchmark threshold with >= 4 points."""
    with warehouse.ingest(context) as (con, run):
        table = query_frame(con, "SELECT * FROM llm_price_observation ORDER BY obs_id")
        batches = []
        for spec, pts, cfit, params in series.capability_series(table):
            line = trend.fit_exponential([p.date for p in pts], [p.value for p in pts], method="ols", level=cfit.level)
            line.flags = list(cfit.flags)
            batches.append(records(spec, epoch_rate(line, cfit), pts, formula=capability_price_decline, params=params))
        counts = store_fits(con, run, merge(batches))
        shape = table_metadata(con, "fit", where="family = ?", params=["capability_price"])
    return dg.MaterializeResult(
        metadata=ingest_metadata(run, fits=len(batches), **{f"stored_{k}": v for k, v in counts.items()}) | shape
    )


@checked_asset(
    key=CAPABILITY_2026.path,
    deps=[*HUB_SCORES, *TOKEN_PRICES, *PRICE_HISTORY],
    group_name=GROUP,
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
@fingerprinted(Today())  # prices dated after today are left out
def capability_price_2026(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Capability-adjusted LLM price through 2026 (Epoch's method on Benchmarking Hub scores and the
    price history), six variants side by side; every threshold's path stored, fits where >= 4 points."""
    with warehouse.ingest(context) as (con, run):
        scores = query_frame(con, (SQL_DIR / "hub_scores.sql").read_text(encoding="utf-8"))
        intervals = query_frame(con, (SQL_DIR / "price_intervals.sql").read_text(encoding="utf-8"))
        batches, path_rows, refused = capability_2026.build(scores, intervals, as_of=dt.date.today())
        counts = store_fits(con, run, merge(batches))
        con.execute("DELETE FROM capability_path")
        paths = (
            store(
                con,
                run,
                "capability_path",
                stamp(pl.DataFrame(path_rows, infer_schema_length=None), run),
                CapabilityPath,
                key=["series", "obs_id"],
                source_id_column=None,
            )
            if path_rows
            else None
        )
        store_refusals(con, run, capability_2026.FAMILY, refused)
        shape = table_metadata(con, "fit", where="family = ?", params=[capability_2026.FAMILY])
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run,
            fits=len(batches),
            path_points=paths.accepted if paths else 0,
            scores_read=scores.height,
            price_intervals_read=intervals.height,
            refused=len(refused),
            **{f"stored_{k}": v for k, v in counts.items()},
        )
        | shape
    )


@checked_asset(
    key=DEMAND_CURVE.path,
    deps=[DEMAND, OPENROUTER, CAPABILITY_2026],
    group_name=GROUP,
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
@fingerprinted()
def demand_curves(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Token volumes against the capability-adjusted price index at matching dates (log-log, pairs
    bootstrap): an association with an interval, never a causal elasticity; refusals with the reason."""
    with warehouse.ingest(context) as (con, run):
        quantities = demand_curve_series.quantity_series(
            query_frame(con, "SELECT * FROM openrouter_week"), query_frame(con, "SELECT * FROM demand_observation")
        )
        out = demand_curve_series.build(
            quantities, query_frame(con, "SELECT * FROM capability_path ORDER BY series, obs_date")
        )
        con.execute("DELETE FROM demand_curve_point")
        con.execute("DELETE FROM demand_curve")
        if out["figure"]:
            store_formulas(con, all_formulas())
            con.execute(
                "DELETE FROM figure_input WHERE list_contains(?, figure_id)", [[f["figure_id"] for f in out["figure"]]]
            )
            store_figures(con, run, figure_frame(out["figure"]))
            store_lineage(con, run, pl.DataFrame(out["figure_input"]))
        curves = (
            store(
                con,
                run,
                "demand_curve",
                stamp(pl.DataFrame(out["demand_curve"], infer_schema_length=None), run),
                DemandCurve,
                key=["curve_id"],
            )
            if out["demand_curve"]
            else None
        )
        if out["demand_curve_point"]:
            store(
                con,
                run,
                "demand_curve_point",
                pl.DataFrame(out["demand_curve_point"], infer_schema_length=None),
                None,
                key=["curve_id", "quantity_figure_id"],
                source_id_column=None,
            )
        shape = table_metadata(con, "demand_curve")
    fitted = [c for c in out["demand_curve"] if c["slope"] is not None]
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run,
            curves=curves.accepted if curves else 0,
            fitted=len(fitted),
            selected=dg.MetadataValue.md(
                "\n".join(
                    f"- {c['curve_id']}: slope {c['slope']:.2f} [{c['slope_low']:.2f}, {c['slope_high']:.2f}], n={c['n']}"
                    for c in fitted
                    if c["selected"]
                )
                or "none"
            ),
        )
        | shape
    )


@checked_asset(key=DEMAND_FITS.path, deps=[DEMAND, OPENROUTER], group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted()
def demand_trends(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Each demand series fitted only with itself (OLS, bootstrap, Theil-Sen; exponential vs logistic by AICc)."""
    with warehouse.ingest(context) as (con, run):
        obs = query_frame(con, "SELECT * FROM demand_observation")
        weeks = query_frame(con, "SELECT * FROM openrouter_week")
        batches, refused = [], []
        for spec, pts in series.demand_series(obs) + [series.openrouter_series(weeks)]:
            batch, why = fit_series(spec, pts, extra_flags=series.lower_bound_flag(pts))
            if why:
                refused.append((spec.series, why, sum(p.used for p in pts)))
            else:
                batches.append(batch)
        counts = store_fits(con, run, merge(batches))
        store_refusals(con, run, "demand", refused)
        shape = table_metadata(con, "fit", where="family = ?", params=["demand"])
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run,
            fitted_series=len(batches),
            refused=_refused_md(refused),
            **{f"stored_{k}": v for k, v in counts.items()},
        )
        | shape
    )


@dg.asset(
    key=TOKEN_TRENDS.path,
    deps=[LLM_PRICES, OPENROUTER, *TOKEN_PRICES],
    group_name=GROUP,
    pool=WRITER_POOL,
    kinds={"duckdb"},
    freshness_policy=DAILY_FEED,
)
@fingerprinted(Today())  # prices dated after today are left out
def token_price_trends(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Fixed-model list-price histories and the cheapest price per MMLU tier over time, fitted; elasticity of OpenRouter demand on tier prices."""
    with warehouse.ingest(context) as (con, run):
        today = dt.date.today()
        prices = query_frame(
            con, (SQL_DIR / "dated_standard_prices.sql").read_text(encoding="utf-8"), [list(market_series.DATED), today]
        )
        tiers = market_series.tier_map(
            query_frame(con, "SELECT model, mmlu FROM llm_price_observation"), canonical_model_key
        )
        fixed, fewer = market_series.fixed_model_series(prices, as_of=today)
        tier_series = market_series.cheapest_tier_series(prices, tiers, as_of=today)
        batches, refused = fit_each(fixed + tier_series)
        weeks = series.openrouter_series(query_frame(con, "SELECT * FROM openrouter_week"))[1]
        extra = elasticities(weeks, tier_series, refused)
        counts = store_fits(con, run, merge(batches))
        if extra["figure"]:
            con.execute(
                "DELETE FROM figure_input WHERE list_contains(?, figure_id)",
                [[f["figure_id"] for f in extra["figure"]]],
            )
            store_figures(con, run, figure_frame(extra["figure"]))
            store_lineage(con, run, pl.DataFrame(extra["figure_input"]))
        store_refusals(con, run, "token_price", refused)
        shape = table_metadata(con, "fit", where="family = ?", params=["token_price"])
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run,
            fitted_series=len(batches),
            models_with_fewer_than_4_prices=fewer,
            elasticities=len(extra["figure"]),
            refused=_refused_md(refused),
            **{f"stored_{k}": v for k, v in counts.items()},
        )
        | shape
    )


class _StoredFigures(Mapping):
    """`figure_id -> {figure_id, value, unit}` of the stored non-fit figures, read per id when
    asked: loading every figure into a dict made the claim checks grow with the warehouse."""

    def __init__(self, con, ids: list[str] = ()):
        """`ids`: the figures the caller will ask for, read in one query instead of one each."""
        self.con, self.seen = con, {}
        if ids:
            rows = query_frame(
                con,
                "SELECT figure_id, value, unit FROM figure WHERE kind <> 'fit' AND list_contains(?, figure_id)",
                [sorted(set(ids))],
            ).to_dicts()
            found = {r["figure_id"]: r for r in rows}
            self.seen = {i: found.get(i) for i in ids}

    def __getitem__(self, figure_id: str) -> dict:
        if figure_id not in self.seen:
            rows = query_frame(
                self.con, "SELECT figure_id, value, unit FROM figure WHERE kind <> 'fit' AND figure_id = ?", [figure_id]
            ).to_dicts()
            self.seen[figure_id] = rows[0] if rows else None
        if self.seen[figure_id] is None:
            raise KeyError(figure_id)
        return self.seen[figure_id]

    def __iter__(self):
        return iter(query_frame(self.con, "SELECT figure_id FROM figure WHERE kind <> 'fit'")["figure_id"].to_list())

    def __len__(self) -> int:
        return self.con.execute("SELECT count(*) FROM figure WHERE kind <> 'fit'").fetchall()[0][0]


@checked_asset(
    key=keys.TREND_CLAIM_CHECKS.path,
    deps=[CITED, CAPABILITY, CAPABILITY_2026, DEMAND_FITS, TOKEN_TRENDS, GPU_TRENDS, BENCH_TRENDS],
    group_name=GROUP,
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
@fingerprinted()
def trend_claim_checks(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Each cited change-over-a-period claim beside what the stored fits say, with a verdict and lineage."""
    with warehouse.ingest(context) as (con, run):
        fits = _fits_by_id(query_frame(con, "SELECT * FROM latest_fits"))
        # looked up by id: the specs name a few dozen of them, read together
        named = [f for s in claim_checks.SPECS for f in [*s.claim_figure_ids, *(s.figure_pair or ())]]
        figures = _StoredFigures(con, named)
        paths = query_frame(con, "SELECT * FROM capability_path ORDER BY series, obs_date, obs_id")
        batch = merge([r for r in (claim_checks.evaluate(s, fits, figures, paths) for s in claim_checks.SPECS) if r])
        if batch.get("figure"):
            con.execute(
                "DELETE FROM figure_input WHERE list_contains(?, figure_id)",
                [[f["figure_id"] for f in batch["figure"]]],
            )
            store_formulas(con, all_formulas())
            store_figures(con, run, figure_frame(batch["figure"]))
            store_lineage(con, run, pl.DataFrame(batch["figure_input"]))
        rows = pl.DataFrame(batch.get("claim_check", []), infer_schema_length=None)
        table = store(con, run, "claim_check", stamp(rows, run), ClaimCheck, key=["check_id"])
        con.execute("DELETE FROM claim_measure")
        if batch.get("claim_measure"):
            store(
                con,
                run,
                "claim_measure",
                stamp(pl.DataFrame(batch["claim_measure"], infer_schema_length=None), run),
                ClaimMeasure,
                key=["measure_id"],
            )
        shape = table_metadata(con, "claim_check")
    verdicts = rows["verdict"].value_counts().to_dicts() if rows.height else []
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run, checks=table.accepted, verdicts=json_value({v["verdict"]: v["count"] for v in verdicts})
        )
        | shape
    )


def _refused_md(refused: list[tuple[str, str, int]]) -> dg.MetadataValue:
    """The series a fitting asset refused, one markdown bullet each."""
    return dg.MetadataValue.md("\n".join(f"- {s}: {why}" for s, why, _ in refused) or "none")


def stamp(frame: pl.DataFrame, run) -> pl.DataFrame:
    """The rows with the ingest run that writes them."""
    return frame.with_columns(pl.lit(run.run_id).alias("ingest_run_id"))


def _fits_by_id(frame: pl.DataFrame) -> dict[str, dict]:
    out = {}
    for r in frame.iter_rows(named=True):
        r["claim_defined"] = bool(json.loads(r["params"] or "{}").get("claim_defined"))
        out[r["fit_id"]] = r
    return out


@dg.asset(key=GPU_TRENDS.path, deps=[GPU_SPEC, GPU_RENTAL], group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted()
def gpu_trends(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """GPU cost over time: $/GPU-hour per sku and pricing kind, and dense BF16 TFLOP/s per dollar across GPUs."""
    with warehouse.ingest(context) as (con, run):
        rental = query_frame(con, "SELECT * FROM gpu_rental_price")
        figures, lineage, flops_pts = market_series.flops_per_dollar(
            query_frame(con, "SELECT * FROM gpu_spec_preferred"), query_frame(con, "SELECT sku, label FROM gpu_sku")
        )
        if figures:
            store_formulas(con, all_formulas())
            con.execute(
                "DELETE FROM figure_input WHERE list_contains(?, figure_id)", [[f["figure_id"] for f in figures]]
            )
            store_figures(con, run, figure_frame(figures))
            store_lineage(con, run, pl.DataFrame(lineage))
        batches, refused = fit_each(market_series.gpu_rental_series(rental) + [(market_series.FLOPS_SPEC, flops_pts)])
        counts = store_fits(con, run, merge(batches))
        store_refusals(con, run, "gpu", refused)
        shape = table_metadata(con, "fit", where="family = ?", params=["gpu"])
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run,
            fitted_series=len(batches),
            flops_per_dollar_points=len(flops_pts),
            refused=_refused_md(refused),
            **{f"stored_{k}": v for k, v in counts.items()},
        )
        | shape
    )


@dg.asset(key=BENCH_TRENDS.path, deps=[BENCH_COSTS], group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted()
def benchmark_cost_trends(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Cost per million output tokens from measured benchmarks over run dates, per model and GPU, where the data allow."""
    with warehouse.ingest(context) as (con, run):
        costs = query_frame(con, (SQL_DIR / "benchmark_costs.sql").read_text(encoding="utf-8"))
        batches, refused = fit_each(market_series.benchmark_cost_series(costs))
        counts = store_fits(con, run, merge(batches))
        store_refusals(con, run, "benchmark", refused)
        shape = table_metadata(con, "fit", where="family = ?", params=["benchmark"])
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run,
            costed_runs=costs.height,
            fitted_series=len(batches),
            refused=_refused_md(refused),
            **{f"stored_{k}": v for k, v in counts.items()},
        )
        | shape
    )
