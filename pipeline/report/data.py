"""What the report draws, read once from the warehouse (SQL in `sql/`), and the views of it
that several pages and charts share.

Decisions:
- One read per table (fits, their points and bands, claim checks, refusals, demand
  curves, sources), then everything else is computed in memory: a build makes seven
  queries, never one per chart.
- Points and bands are split by fit once (`points_of`, `band_of`): a page with 80 series
  looks each up in a dict instead of filtering the whole frame 80 times.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from warehouse import query_frame

SQL_DIR = Path(__file__).parent / "sql"


class ReportError(Exception):
    """The report cannot be built from this warehouse (one line, for the CLI and the asset's log)."""


@functools.cache
def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


CAPABILITY_2026 = "capability_price_2026"


#: the benchmarks of the 2026 capability fits (analysis.capability_price.HUB_BENCHMARKS; a test keeps them equal)
CAPABILITY_2026_BENCHMARKS = (
    "GPQA Diamond",
    "SWE-bench Verified",
    "MATH Level 5",
    "ECI",
    "Artificial Analysis Coding Index",
)


#: the quantity series a demand curve is drawn for (analysis.trends.demand_curve_series.quantity_series)
DEMAND_CURVE_QUANTITIES = ("demand/openrouter_weekly_scrape", "demand/google_tokens_per_month")


FAMILY_TITLES = {
    "capability_price": "Capability-adjusted LLM price (Epoch AI's method)",
    "token_price": "Token prices of fixed models and of the cheapest model per tier",
    "gpu": "GPU cost: $/GPU-hour and FLOP/s per dollar",
    "benchmark": "Cost per million tokens from measured benchmarks",
    "demand": "Demand",
}


@dataclass
class ReportData:
    """Everything the pages draw, read once from the warehouse."""

    fits: pl.DataFrame
    points: pl.DataFrame
    bands: pl.DataFrame
    claims: pl.DataFrame
    refusals: pl.DataFrame
    curves: pl.DataFrame
    url_of: dict
    source: str
    generated: dt.datetime
    _points_by_fit: dict = field(default_factory=dict, repr=False)
    _bands_by_fit: dict = field(default_factory=dict, repr=False)

    def points_of(self, fit_id: str) -> pl.DataFrame:
        """The stored points of one fit (used and shown-not-fitted), by date."""
        if not self._points_by_fit:
            self._points_by_fit.update(_split(self.points))
        return self._points_by_fit.get(fit_id, self.points.clear())

    def band_of(self, fit_id: str) -> pl.DataFrame:
        """The stored band rows of one fit, by date."""
        if not self._bands_by_fit:
            self._bands_by_fit.update(_split(self.bands))
        return self._bands_by_fit.get(fit_id, self.bands.clear())

    def main_fits(self, family: str) -> pl.DataFrame:
        """One row per series of `family`: the fit its charts show (see `_main_fit`)."""
        fam = self.fits.filter(pl.col("family") == family)
        rows = [_main_fit(part) for part in fam.partition_by("series", maintain_order=True)]
        return pl.DataFrame(rows, schema=fam.schema) if rows else fam


def _split(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    if frame.is_empty():
        return {}
    # keyed by each part's first fit id: partition_by(as_dict=True) runs a select per part
    # to name it (~840 polars queries per report)
    return {part["fit_id"][0]: part for part in frame.partition_by("fit_id", maintain_order=True)}


def _claims(con) -> pl.DataFrame:
    claims = query_frame(con, sql("claims"))
    ids = claims["claim_figure_id"].drop_nulls().unique().to_list()
    return claims.join(
        query_frame(con, sql("corroboration"), [ids]), on="claim_figure_id", how="left", maintain_order="left"
    )


def load(con, source: str = "") -> ReportData:
    """Read everything the report draws from a read-only connection."""
    fits = query_frame(con, sql("fits"))
    if fits.is_empty():
        raise ReportError("no fits stored: run `infernomics refresh` first")
    ids = fits["fit_id"].to_list()
    sources = query_frame(con, sql("sources"))
    return ReportData(
        fits=fits,
        points=query_frame(con, sql("points"), [ids, ids]),
        bands=query_frame(con, sql("bands"), [ids]),
        claims=_claims(con),
        refusals=query_frame(con, sql("refusals")),
        curves=query_frame(con, sql("curves")),
        url_of={r["source_id"]: r["url"] for r in sources.iter_rows(named=True)},
        source=source,
        generated=dt.datetime.now(dt.UTC),
    )


def _main_fit(rows: pl.DataFrame) -> dict:
    """The first row of the preferred method (a list lookup: a filter per method made this
    a thousand polars queries per report)."""
    methods = rows["method"].to_list()
    for method in ("epoch-ols", "ols", "bootstrap", "theil-sen"):
        if method in methods:
            return rows.row(methods.index(method), named=True)
    return rows.row(0, named=True)


def _epoch_rows(d: ReportData, family: str = "capability_price") -> list[dict]:
    """The threshold fits (method epoch-ols, not a claim's own definition) of one capability family."""
    return [
        r
        for r in d.fits.filter((pl.col("method") == "epoch-ols") & (pl.col("family") == family)).iter_rows(named=True)
        if not json.loads(r["params"] or "{}").get("claim_defined")
    ]


def _points_csv(d: ReportData, fits: list[dict], series_column: str = "series") -> pl.DataFrame:
    """The plotted points of these fits, with the figure id and source of each."""
    ids = [f["fit_id"] for f in fits]
    label = {f["fit_id"]: f[series_column] for f in fits}
    # one fit (every series chart): its points are already split out, in the same order
    rows = d.points_of(ids[0]) if len(ids) == 1 else d.points.filter(pl.col("fit_id").is_in(ids))
    return rows.with_columns(pl.col("fit_id").replace_strict(label, default=None).alias("series")).select(
        "series",
        "obs_date",
        "value",
        "unit",
        "used",
        "label",
        "note",
        pl.col("input_figure_id").alias("figure_id"),
        "source_id",
        "source_title",
        "url",
        "locator",
    )


def _line(d: ReportData, fit: dict, label: str, group: str | None = None) -> dict:
    pts = d.points_of(fit["fit_id"]).filter(pl.col("used"))
    b = d.band_of(fit["fit_id"])
    return dict(
        label=label,
        group=group,
        dates=pts["obs_date"].to_list(),
        values=pts["value"].to_list(),
        fit_dates=b["band_date"].to_list(),
        fitted=b["fitted"].to_list(),
        extrapolated=b["extrapolated"].to_list(),
    )


def _capability_paths(rows: list[dict], d: ReportData) -> list[dict]:
    """One `capability_figure` path per threshold fit: its kept points and its line."""
    paths = []
    for r in rows:
        p = json.loads(r["params"])
        pts = d.points_of(r["fit_id"]).filter(pl.col("used"))
        t0 = (r["date_start"] - dt.date(1970, 1, 1)).days
        slope_day = r["slope_per_year"] / math.log(10) / 365
        paths.append(
            dict(
                label=f">= {p['lower']:g} ({p['threshold_model']})",
                dates=pts["obs_date"].to_list(),
                prices=pts["value"].to_numpy(),
                slope_log10_per_day=slope_day,
                intercept_log10=r["intercept"] / math.log(10) - slope_day * t0,
                factor_per_year=p["epoch_factor_per_year"],
                factor_low=p["epoch_factor_low"],
                factor_high=p["epoch_factor_high"],
            )
        )
    return paths
