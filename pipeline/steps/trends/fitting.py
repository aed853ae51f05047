"""Fit a series with every method and store the results (fits, points, bands, figures, lineage)."""

from __future__ import annotations

import dataclasses

import duckdb
import polars as pl

from analysis import trend
from analysis.formulas import all_formulas
from analysis.formulas.trends import EXPONENTIAL
from analysis.trends.records import Point, SeriesSpec, merge, records
from warehouse.contracts_trends import Fit, FitBand, FitPoint
from warehouse.figures import figure_frame, store_figures, store_formulas, store_lineage
from warehouse.store import IngestRun, store


def fit_series(
    spec: SeriesSpec,
    points: list[Point],
    *,
    methods=trend.METHODS,
    extra_flags=(),
    params: dict | None = None,
    level: float = 0.9,
    seed: int = 0,
) -> tuple[dict, str | None]:
    """Rows for every method, or (empty, reason) when the series cannot be fitted. Each
    method's rate is computed by its formula (analysis.formulas.trends.EXPONENTIAL)."""
    used = [p for p in points if p.used]
    dates = [p.date for p in used]
    values = [p.value for p in used]
    out = []
    try:
        for method in methods:
            formula = EXPONENTIAL[method]
            rate = formula(list(zip(dates, values)), expect=spec.expect, level=level, seed=seed)
            rate = dataclasses.replace(
                rate, fit=dataclasses.replace(rate.fit, flags=rate.fit.flags + list(extra_flags))
            )
            p = dict(params or {})
            if method == "ols" and spec.family == "demand":
                p["curve_choice"] = dataclasses.asdict(trend.choose_curve(dates, values))
            out.append(records(spec, rate, points, formula=formula, params=p))
    except trend.FitRefused as refused:
        return {}, str(refused)
    return merge(out), None


def fit_each(pairs: list[tuple[SeriesSpec, list[Point]]]) -> tuple[list[dict], list[tuple[str, str, int]]]:
    """Fit every (spec, points) pair: the fitted batches, and the refused series as
    (series, reason, number of points) for `store_refusals`."""
    batches, refused = [], []
    for spec, pts in pairs:
        batch, why = fit_series(spec, pts)
        if why:
            refused.append((spec.series, why, len(pts)))
        else:
            batches.append(batch)
    return batches, refused


def store_fits(con: duckdb.DuckDBPyConnection, run: IngestRun, batch: dict) -> dict:
    """Replace the stored rows of these fits (points, bands, lineage) and upsert the rest."""
    if not batch:
        return {}
    store_formulas(con, all_formulas())
    fit_ids = [r["fit_id"] for r in batch["fit"]]
    rate_ids = [r["rate_figure_id"] for r in batch["fit"]]
    con.execute("DELETE FROM fit_point WHERE list_contains(?, fit_id)", [fit_ids])
    con.execute("DELETE FROM fit_band WHERE list_contains(?, fit_id)", [fit_ids])
    con.execute("DELETE FROM figure_input WHERE list_contains(?, figure_id)", [rate_ids])
    results = {
        "figure": store_figures(con, run, figure_frame(batch["figure"])),
        "figure_input": store_lineage(con, run, pl.DataFrame(batch["figure_input"])),
        "fit": store(con, run, "fit", _frame(batch["fit"], run), Fit, key=["fit_id"]),
        "fit_point": store(
            con,
            run,
            "fit_point",
            pl.DataFrame(batch["fit_point"], infer_schema_length=None),
            FitPoint,
            key=["fit_id", "input_figure_id"],
            source_id_column=None,
        ),
        "fit_band": store(
            con,
            run,
            "fit_band",
            pl.DataFrame(batch["fit_band"], infer_schema_length=None),
            FitBand,
            key=["fit_id", "band_date"],
            source_id_column=None,
        ),
    }
    return {k: v.accepted for k, v in results.items()}


def store_refusals(
    con: duckdb.DuckDBPyConnection, run: IngestRun, family: str, refusals: list[tuple[str, str, int]]
) -> None:
    """Record the series of `family` that were not fitted (replacing the family's earlier list)."""
    con.execute("DELETE FROM fit_refusal WHERE family = ?", [family])
    if refusals:
        # one insert of a frame: executemany runs one statement per row (~0.4 ms each)
        rows = pl.DataFrame(
            {
                "series": [s for s, _, _ in refusals],
                "family": [family] * len(refusals),
                "reason": [why for _, why, _ in refusals],
                "n_points": [n for _, _, n in refusals],
                "ingest_run_id": [run.run_id] * len(refusals),
            },
            schema={
                "series": pl.String,
                "family": pl.String,
                "reason": pl.String,
                "n_points": pl.Int64,
                "ingest_run_id": pl.String,
            },
        )
        con.register("_refusals", rows.to_arrow())
        try:
            con.execute("INSERT INTO fit_refusal BY NAME SELECT * FROM _refusals")
        finally:
            con.unregister("_refusals")


def _frame(rows: list[dict], run: IngestRun) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        infer_schema_length=None,
        schema_overrides={
            "seed": pl.Int64,
            "n_resamples": pl.Int64,
            "halving_or_doubling_years": pl.Float64,
            "halving_or_doubling_low": pl.Float64,
            "halving_or_doubling_high": pl.Float64,
            "r2": pl.Float64,
            "resid_sd": pl.Float64,
            "flags": pl.List(pl.String),
        },
    ).with_columns(pl.lit(run.run_id).alias("ingest_run_id"))
