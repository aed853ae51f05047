"""infernomics from Python: the warehouse for notebooks and scripts, without Dagster.

    >>> import infernomics
    >>> wh = infernomics.connect()                       # $INFERNOMICS_WAREHOUSE or ./data/warehouse.duckdb
    >>> wh.query("SELECT * FROM price_on(?) WHERE model_key = 'gpt-4o'", ["2024-06-01"])   # polars
    >>> wh.audit("ark-big-ideas-2026/p34/sw-dev-cost-dec-2025")["source_title"]
    >>> wh.fit("demand/google_tokens_per_month", method="bootstrap", level=0.95).bands

Every function of the `Connection` is also a module-level function that uses the
default warehouse (`infernomics.query(...)`, `infernomics.audit(...)`, ...). docs/api.md
is a session using each of them; the tests run it.

Decisions:
- Read-only, and always the current file. The pipeline publishes a new warehouse by an
  atomic rename; a DuckDB connection held open keeps reading the file it opened (and
  DuckDB caches one database per path in a process), so a notebook that opened once
  would silently read yesterday's data forever. Each call therefore opens the published
  file with `warehouse.open_current` (read-only), runs, and closes (a few milliseconds).
  `Connection.duckdb()` gives a raw read-only DuckDB connection for longer work.
- Results are polars frames (DuckDB 2.0's relation `.pl()` / `.df()` are gone or need
  pandas) or plain dicts and dataclasses; nothing here imports Dagster, and numpy/scipy
  load only when `fit` or `cost` is called.
- Errors a user can fix raise `infernomics.Error` with a one-line message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from infernomics.errors import Error
from warehouse import Warehouse, open_current, query_frame
from warehouse.version import code_version

__all__ = [
    "Connection",
    "Error",
    "Fit",
    "audit",
    "connect",
    "cost",
    "export",
    "figures",
    "fit",
    "price_on",
    "query",
    "__version__",
]
__version__ = code_version()

FIGURE_COLUMNS = (
    "figure_id, bound, value, value_low, value_high, unit, metric, entity, as_of, source_id, page, "
    "locator, kind, verification"
)
PRICE_COLUMNS = (
    "provider_id, model_key, model, condition, effective_from, effective_to, input_usd_per_mtok, "
    "output_usd_per_mtok, blended_usd_per_mtok, source_id, figure_ids"
)
POINTS_SQL = """
SELECT p.input_figure_id AS figure_id, p.obs_date, p.value
FROM fit_point p JOIN latest_fits f USING (fit_id)
WHERE f.series = ? AND p.used AND f.fit_id = (SELECT min(fit_id) FROM latest_fits WHERE series = ?)
ORDER BY p.obs_date, p.input_figure_id
"""
DEMAND_SQL = """
SELECT figure_id, period_end_date AS obs_date, value
FROM demand_observation WHERE series = ? AND duplicate_of IS NULL ORDER BY period_end_date
"""


@dataclass
class Fit:
    """An exponential fit with its interval and bands (the CLI's `fit`, as data).

    `rate` is "x per year" in the trend's direction (falls 10x/yr -> 10 with direction
    "decline"), `low`/`high` its interval at `level`; `bands` has one row per grid date:
    date, fitted, conf_low/high (the line), pred_low/high (a new point), extrapolated.
    `points` are the observations used, with their figure ids; `result` is the full
    `analysis.trend.ExpFit`."""

    series: str
    method: str
    level: float
    n: int
    date_start: dt.date
    date_end: dt.date
    direction: str
    rate: float
    low: float
    high: float
    halving_or_doubling_years: float
    r2: float
    flags: list[str]
    points: pl.DataFrame
    bands: pl.DataFrame
    result: Any

    def __repr__(self) -> str:
        verb = "falls" if self.direction == "decline" else "grows"
        return (
            f"Fit({self.series!r}: {verb} {self.rate:.3g}x/yr [{self.low:.3g}, {self.high:.3g}] "
            f"({self.level:.0%}, {self.method}, n={self.n}, {self.date_start} to {self.date_end}))"
        )


class Connection:
    """The published warehouse, read-only; each call reads the file as it is now."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.warehouse = Warehouse(path)
        if not self.warehouse.exists():
            raise Error(
                f"no warehouse at {self.warehouse.path}: run `infernomics refresh` first, "
                "or pass the path of an existing file"
            )

    def __repr__(self) -> str:
        return f"infernomics.Connection({str(self.warehouse.path)!r})"

    @property
    def path(self):
        return self.warehouse.path

    @contextlib.contextmanager
    def duckdb(self, sandbox: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A raw read-only DuckDB connection to the file published now (`warehouse.open_current`;
        `sandbox=True`: the locked-down connection `infernomics sql` uses), closed on exit."""
        con = open_current(self.warehouse.path, sandbox=sandbox)
        try:
            yield con
        finally:
            con.close()

    def query(self, sql: str, params: Sequence | dict | None = None) -> pl.DataFrame:
        """Run one read-only query; `?` placeholders take `params`. Returns a polars frame."""
        with self.duckdb() as con:
            return query_frame(con, sql, list(params) if isinstance(params, tuple) else params)

    def audit(self, figure_id: str) -> dict:
        """The provenance chain of one figure as nested dicts (what `audit --format json` prints:
        `warehouse.audit.audit_chain`): the figure and its source, `cited_in`, `also_reported_by`,
        and for a derived figure `formula_doc` and `inputs`, recursively."""
        from warehouse.audit import FigureNotFound, audit_chain

        with self.duckdb() as con:
            try:
                return audit_chain(con, figure_id)
            except FigureNotFound as missing:
                raise Error(str(missing)) from None

    def figures(
        self,
        *,
        source: str | None = None,
        kind: str | None = None,
        metric: str | None = None,
        verification: str | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> pl.DataFrame:
        """Stored figures, filtered like `infernomics figures` (`search`: case-insensitive
        text in id, entity, metric or quote)."""
        where, params = [], []
        for column, value in (
            ("source_id", source),
            ("kind", kind),
            ("metric", metric),
            ("verification", verification),
        ):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if search:
            where.append("(figure_id ILIKE ? OR entity ILIKE ? OR metric ILIKE ? OR quote ILIKE ?)")
            params += [f"%{search}%"] * 4
        sql = (
            f"SELECT {FIGURE_COLUMNS} FROM figure {'WHERE ' + ' AND '.join(where) if where else ''} "
            f"ORDER BY figure_id {'' if limit is None else f'LIMIT {int(limit)}'}"
        )
        return self.query(sql, params)

    def price_on(
        self,
        date: str | dt.date,
        *,
        model_key: str | None = None,
        provider: str | None = None,
        all_conditions: bool = False,
    ) -> pl.DataFrame:
        """Token prices (USD per million tokens) that held on `date`; `provider` is a
        case-insensitive substring of the provider id (`"open"` matches openai and openrouter)."""
        from infernomics._names import match_names

        day = _date(date)
        where, params = ["TRUE"], [day]
        if not all_conditions:
            where.append("is_standard")
        with self.duckdb() as con:
            if model_key:
                where.append("model_key = ?")
                params.append(model_key)
            if provider:
                where.append("list_contains(?, provider_id)")
                params.append(match_names(con, "token_price", "provider_id", provider, "provider"))
            return query_frame(
                con,
                f"SELECT {PRICE_COLUMNS} FROM price_on(?) WHERE {' AND '.join(where)} "
                "ORDER BY model_key, provider_id, source_id",
                params,
            )

    def fit(
        self,
        series: str | pl.DataFrame,
        method: str = "ols",
        level: float = 0.9,
        *,
        seed: int = 0,
        resamples: int = 10_000,
        grid: int = 100,
    ) -> Fit:
        """Fit an exponential trend to a stored series (a name from `infernomics trends`) or
        to a frame with `obs_date` and `value` columns; returns a `Fit` with bands."""
        import numpy as np

        from analysis import trend

        if isinstance(series, pl.DataFrame):
            missing = {"obs_date", "value"} - set(series.columns)
            if missing:
                raise Error(f"a series frame needs columns obs_date and value (missing {', '.join(sorted(missing))})")
            name, pts = "(frame)", series
        else:
            name = series
            with self.duckdb() as con:
                pts = query_frame(con, POINTS_SQL, [series, series])
                if pts.is_empty() and series.startswith("demand/"):
                    pts = query_frame(con, DEMAND_SQL, [series.removeprefix("demand/")])
            if pts.is_empty():
                known = self.query("SELECT DISTINCT series FROM latest_fits ORDER BY 1")["series"].to_list()
                import difflib

                near = difflib.get_close_matches(series, known, n=3, cutoff=0.3)
                raise Error(f"no stored series {series!r}" + (f"; did you mean {', '.join(near)}?" if near else ""))
        try:
            f = trend.fit_exponential(
                pts["obs_date"].to_list(),
                pts["value"].to_list(),
                method=method,
                level=level,
                n_resamples=resamples,
                seed=seed,
            )
        except trend.FitRefused as refused:
            raise Error(f"{name}: {refused}") from None
        days = trend.to_days(pts["obs_date"].to_list())
        b = trend.bands(f, np.linspace(days.min(), days.max(), grid))
        band = pl.DataFrame(
            {
                "date": np.asarray(b["day"]).round().astype("int64").astype("datetime64[D]"),
                **{k: b[k] for k in ("fitted", "conf_low", "conf_high", "pred_low", "pred_high", "extrapolated")},
            }
        )
        rate, lo, hi = f.decline_x_per_year if f.slope < 0 else (f.factor_per_year, f.factor_low, f.factor_high)
        return Fit(
            name,
            f.method,
            f.level,
            f.n,
            f.date_start,
            f.date_end,
            f.direction,
            rate,
            lo,
            hi,
            f.halving_or_doubling_years[0],
            f.r2,
            list(f.flags),
            pts,
            band.with_columns(pl.col("date").cast(pl.Date)),
            f,
        )

    def cost(
        self,
        gpu: str,
        *,
        tokens_per_s: float | None = None,
        throughput_figure: str | None = None,
        gpus: float = 1,
        price_date: str | dt.date | None = None,
        price_usd_per_gpu_hour: float | None = None,
        price_figure: str | None = None,
        pricing_kind: str = "on_demand",
        provider: str | None = None,
        basis: str = "output",
    ):
        """Cost per million tokens of a GPU deployment (`infernomics cost`, nothing stored).

        The price is the lower median of the latest stored `pricing_kind` prices for `gpu`
        on or before `price_date` (optionally of providers whose name contains `provider`),
        or a pinned `price_figure`, or your own `price_usd_per_gpu_hour` (an assumption).
        Returns an `infernomics._cost.Scenario`: `.usd_per_mtok`, `.figure`, `.lineage`,
        `.price`, `.throughput`, `.gpus`, `.price_choice`, `.providers_matched`."""
        from infernomics._cost import scenario

        with self.duckdb() as con:
            return scenario(
                con,
                gpu,
                gpus=gpus,
                tokens_per_s=tokens_per_s,
                throughput_figure=throughput_figure,
                price_date=price_date,
                price_usd_per_gpu_hour=price_usd_per_gpu_hour,
                price_figure=price_figure,
                pricing_kind=pricing_kind,
                provider=provider,
                basis=basis,
            )


def _export(self, what: str, out: str | os.PathLike, fmt: str = "parquet", provenance: bool = True):
    """Write a query or a table to a Parquet, CSV or JSON file with provenance columns
    (`infernomics export`; see `infernomics.export`). Returns what was written."""
    from infernomics.export import export

    con, lookup = open_current(self.warehouse.path, sandbox=True), open_current(self.warehouse.path, sandbox=True)
    try:
        return export(con, what, out, fmt, provenance=provenance, lookup=lookup)
    finally:
        con.close()
        lookup.close()


Connection.export = _export


def _date(value: str | dt.date) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise Error(f"{value!r} is not a date (YYYY-MM-DD)") from None


def connect(path: str | os.PathLike | None = None) -> Connection:
    """The warehouse at `path` (default: $INFERNOMICS_WAREHOUSE, else ./data/warehouse.duckdb)."""
    return Connection(path)


def query(sql: str, params: Sequence | dict | None = None, *, path: str | os.PathLike | None = None) -> pl.DataFrame:
    return connect(path).query(sql, params)


def audit(figure_id: str, *, path: str | os.PathLike | None = None) -> dict:
    return connect(path).audit(figure_id)


def figures(*, path: str | os.PathLike | None = None, **filters) -> pl.DataFrame:
    return connect(path).figures(**filters)


def price_on(date: str | dt.date, *, path: str | os.PathLike | None = None, **filters) -> pl.DataFrame:
    return connect(path).price_on(date, **filters)


def fit(series, method: str = "ols", level: float = 0.9, *, path: str | os.PathLike | None = None, **options) -> Fit:
    return connect(path).fit(series, method, level, **options)


def cost(gpu: str, *, path: str | os.PathLike | None = None, **scenario):
    return connect(path).cost(gpu, **scenario)


def export(
    what: str,
    out: str | os.PathLike,
    fmt: str = "parquet",
    *,
    provenance: bool = True,
    path: str | os.PathLike | None = None,
):
    return connect(path).export(what, out, fmt, provenance)


for _name in ("query", "audit", "figures", "price_on", "fit", "cost", "export"):
    globals()[_name].__doc__ = getattr(Connection, _name).__doc__ + "\n\n(Module-level: uses connect(path).)"
