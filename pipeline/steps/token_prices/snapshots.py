"""Write steps for the snapshot-history sources (LiteLLM releases, models.dev's change log).

Decisions:
- Unlike the live feeds, these sources are whole histories in the repository: each refresh
  rebuilds their price rows from the vendored files in one vectorised pass and replaces the
  source's rows (same files -> same ids -> same rows), instead of folding snapshots one by one
  through `history.apply_snapshot` (a Python loop per row, too slow for 22,000 observations).
- One bulk `store` per table: price rows (plus the refused observations, which land in
  quarantine with their rule), figures, lineage, aliases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from analysis.formulas import DERIVED_SOURCE_ID
from analysis.formulas.prices import token_price_blend_3to1
from pipeline.steps.token_prices import load
from sources.token_prices import history, litellm_snapshots, models_dev
from sources.token_prices.history import PRICE_COLUMNS
from warehouse.contracts import Figure
from warehouse.contracts_token_prices import TokenPrice
from warehouse.figures import store_figures, store_lineage
from warehouse.store import IngestRun, StoreResult, store, validate
from warehouse.tables import FIGURE, TABLES

UNCHANGED_SQL = (Path(__file__).parent / "sql" / "unchanged_rows.sql").read_text(encoding="utf-8")


@dataclass
class _Split:
    """A frame for `store` (numbered by `_row`) and which of its rows are stored exactly so already."""

    frame: pl.DataFrame
    is_same: pl.Expr

    @property
    def write(self) -> pl.DataFrame:
        return self.frame.filter(~self.is_same).drop("_row")

    @property
    def same(self) -> pl.DataFrame:
        return self.frame.filter(self.is_same).drop("_row")


def _unchanged(
    con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, stored: str, params: list, *, any_stored: bool
) -> _Split:
    """Split `frame` into the rows to write and those already stored exactly so (every column
    of the table but `ingest_run_id`) among the stored rows that the SQL condition `stored`
    selects. Rows the parser refused (`_errors`) are always written: they go to quarantine.
    A frame whose keys repeat (among the rows not refused) is written whole (`store` refuses
    it as it always did), and so is every frame of a source with no stored history
    (`any_stored` false: a first refresh has nothing to compare with)."""
    declared = TABLES[table]
    key = list(declared.key)
    frame = frame.with_row_index("_row")
    refused = pl.col("_errors").list.len() > 0 if "_errors" in frame.columns else pl.lit(False)
    candidates = frame.filter(~refused)
    if not any_stored or candidates.height == 0 or candidates.select(key).is_duplicated().any():
        return _Split(frame, pl.lit(False))
    compared = [c for c in declared.names if c != "ingest_run_id"]
    incoming = candidates.select(
        "_row",
        *[pl.col(c) if c in frame.columns else pl.lit(None, declared.column(c).dtype).alias(c) for c in compared],
    )
    con.register("_incoming", incoming.to_arrow())
    try:
        sql = UNCHANGED_SQL.format(
            columns=", ".join(f'"{c}"' for c in compared),
            table=table,
            stored=stored,
            key_match=" AND ".join(f'i."{k}" = t."{k}"' for k in key),
            same_values=" AND ".join(f'i."{c}" IS NOT DISTINCT FROM t."{c}"' for c in compared if c not in key)
            or "TRUE",
        )
        same_rows = pl.Series("_row", [r[0] for r in con.execute(sql, params).fetchall()], pl.UInt32)
    finally:
        con.unregister("_incoming")
    return _Split(frame, pl.col("_row").is_in(same_rows.implode()))


def _sources(frame: pl.DataFrame, run: IngestRun) -> list[str]:
    """The sources whose quarantine rows a `store` of `frame` replaces (as `store` reckons them)."""
    found = set(frame["source_id"].drop_nulls().to_list()) if "source_id" in frame.columns else set()
    return sorted(found | {run.source_id or "(none)"})


def _store_changed(
    con: duckdb.DuckDBPyConnection,
    run: IngestRun,
    table: str,
    split: _Split,
    write: Callable[[pl.DataFrame], StoreResult],
    *,
    clean: Callable[[pl.DataFrame], bool],
    sources: list[str],
) -> tuple[StoreResult, int]:
    """`write` the changed rows of `split` (a `store` call), and count the unchanged ones as
    accepted without rewriting them. `clean(same)` says whether `store` would accept every
    unchanged row today (contract, registered source, lineage resolves); when it would not,
    the whole frame is written and `store` quarantines them, exactly as before.

    Decisions (issue 12, target 5): a refresh rebuilt both snapshot histories from the
    vendored files and rewrote all of their rows (56,000 figures, 14,000 prices), and each
    `store` upsert joins its rows against the whole table, so the step grew with the
    warehouse (the live feeds' history) even when nothing of its own changed. Now it reads
    this source's stored rows only, writes what differs, and an unchanged history writes
    nothing (its rows keep the `ingest_run_id` of the run that wrote them: that run's
    values are the values stored). Every row still passes its contract: the unchanged
    ones are validated here, the others by `store`. Returns the result over all rows, and
    how many were kept as stored."""
    same = split.same
    if same.height and not clean(same):  # the whole frame, in its order
        split, same = _Split(split.frame, pl.lit(False)), same.clear()
    # `store` replaces the quarantine rows of the sources in what it is given: the rows left
    # out must not keep stale quarantine rows of theirs
    con.execute("DELETE FROM quarantine WHERE target_table = ? AND list_contains(?, source_id)", [table, sources])
    changed = split.write
    result = write(changed) if changed.height else StoreResult(table, 0, 0, 0, [])
    kept = same.height
    run.rows_in += kept
    run.rows_accepted += kept
    return StoreResult(table, result.rows_in + kept, result.accepted + kept, result.quarantined, result.reasons), kept


def _meets(contract: type | None, source_column: str | None = "source_id"):
    """`clean` for `_store_changed`: no rule of `store` refuses any of the rows."""

    def clean(con: duckdb.DuckDBPyConnection, same: pl.DataFrame) -> bool:
        if contract is not None and validate(same, contract).height:
            return False
        if source_column is None:
            return True
        known = {r[0] for r in con.execute("SELECT source_id FROM source").fetchall()}
        return set(same[source_column].to_list()) <= known

    return clean


def _store_history(
    con: duckdb.DuckDBPyConnection,
    run: IngestRun,
    source_id: str,
    observations: pl.DataFrame,
    rows: pl.DataFrame,
    figures: pl.DataFrame,
    lineage: pl.DataFrame,
    figure_sources: str,
    figure_params: list,
) -> load.Applied:
    """Store a rebuilt history: price rows (and the refused observations, to quarantine),
    figures, lineage, aliases; only what differs from what is stored (`_store_changed`).
    `figure_sources`/`figure_params`: the SQL condition selecting this source's stored figures."""
    bad = observations.filter(pl.col("_errors").list.len() > 0)
    keep = [c for c in TokenPrice.to_schema().columns] + list(rows.columns)
    to_store = pl.concat(
        [
            rows.with_columns(
                pl.col("price_id").alias("_locator"),
                pl.lit([], pl.List(pl.String)).alias("_errors"),
                pl.struct("price_id", "model_id", *PRICE_COLUMNS).struct.json_encode().alias("_raw"),
            ),
            bad.select([c for c in bad.columns if c in set(keep) | {"_locator", "_errors", "_raw"}]),
        ],
        how="diagonal_relaxed",
    )
    any_stored = con.execute("SELECT count(*) FROM token_price WHERE source_id = ?", [source_id]).fetchall()[0][0] > 0
    prices = _unchanged(con, "token_price", to_store, "source_id = ?", [source_id], any_stored=any_stored)
    # the source's rows that this build no longer has (or has otherwise) go; identical ones stay
    con.register("_kept_prices", prices.same.select("price_id").to_arrow())
    try:
        con.execute(
            "DELETE FROM token_price WHERE source_id = ? AND price_id NOT IN (SELECT price_id FROM _kept_prices)",
            [source_id],
        )
    finally:
        con.unregister("_kept_prices")
    result, kept_prices = _store_changed(
        con,
        run,
        "token_price",
        prices,
        lambda f: store(con, run, "token_price", f, TokenPrice, key=["price_id"]),
        clean=lambda same: _meets(TokenPrice)(con, same),
        sources=_sources(to_store, run),
    )
    figures = figures.with_columns(
        pl.struct("figure_id", "value", "locator").struct.json_encode().alias("_raw"),
        pl.col("figure_id").alias("_locator"),
    )
    stamped = FIGURE.conform(figures.with_columns(pl.lit(run.run_id).alias("ingest_run_id")), keep_extra=True)
    figure_result, _ = _store_changed(
        con,
        run,
        "figure",
        _unchanged(con, "figure", figures, figure_sources, figure_params, any_stored=any_stored),
        lambda f: store_figures(con, run, f),
        clean=lambda same: _meets(Figure)(
            con, FIGURE.conform(same.with_columns(pl.lit(run.run_id).alias("ingest_run_id")), keep_extra=True)
        ),
        sources=_sources(stamped, run),
    )
    lineage = lineage.with_columns(pl.struct(pl.all()).struct.json_encode().alias("_raw"))
    stored_figures = figures["figure_id"].implode()
    _store_changed(
        con,
        run,
        "figure_input",
        _unchanged(
            con,
            "figure_input",
            lineage,
            "starts_with(figure_id, ?)",
            [f"{history.DERIVED_PREFIX}{source_id}/"],
            any_stored=any_stored,
        ),
        lambda f: store_lineage(con, run, f),
        # store_lineage accepts a row whose two figures are stored: those of this write, all stored
        clean=lambda same: (
            figure_result.quarantined == 0
            and same.select(
                (pl.col("figure_id").is_in(stored_figures) & pl.col("input_figure_id").is_in(stored_figures)).all()
            ).item()
        ),
        sources=[run.source_id or "(none)"],
    )
    aliases = load._aliases(observations.filter(pl.col("_errors").list.len() == 0))
    aliases = aliases.with_columns(pl.struct(pl.all()).struct.json_encode().alias("_raw"))
    _store_changed(
        con,
        run,
        "model_alias",
        _unchanged(con, "model_alias", aliases, "source_id = ?", [source_id], any_stored=any_stored),
        lambda f: store(con, run, "model_alias", f, None, key=["source_id", "provider_id", "model"]),
        clean=lambda same: _meets(None)(con, same),
        sources=_sources(aliases, run),
    )
    message = (
        f"{observations.height} observations: {observations.height - bad.height} accepted into "
        f"{result.accepted} price rows, {bad.height} quarantined; {figures.height} figures"
    )
    if kept_prices:
        message += f" ({kept_prices} price rows unchanged, kept as stored)"
    run.messages.append(f"{source_id}: {message}")
    return load.Applied(
        source_id,
        None,
        "partial" if bad.height else "ok",
        observations.height,
        result.accepted,
        bad.height,
        message=message,
    )


def ingest_litellm_releases(con: duckdb.DuckDBPyConnection, run: IngestRun) -> load.Applied:
    """All vendored LiteLLM releases -> one effective-dated history (date basis release_listed)."""
    observations, releases = litellm_snapshots.parse_all()
    good = observations.filter(pl.col("_errors").list.len() == 0)
    rows, figures, lineage = litellm_snapshots.build_history(good, releases, run.run_id, token_price_blend_3to1.key)
    release_ids = [r.source_id for r in releases]
    return _store_history(
        con,
        run,
        litellm_snapshots.FAMILY_SOURCE_ID,
        observations,
        rows,
        figures,
        lineage,
        *_figures_of(release_ids, litellm_snapshots.FAMILY_SOURCE_ID),
    )


def ingest_models_dev(con: duckdb.DuckDBPyConnection, run: IngestRun) -> load.Applied:
    """models.dev's change log -> price rows dated when models.dev recorded them (date basis recorded)."""
    observations = models_dev.parse_cost_history()
    good = observations.filter(pl.col("_errors").list.len() == 0)
    rows, figures, lineage = models_dev.build_history(good, run.run_id, token_price_blend_3to1.key)
    return _store_history(
        con,
        run,
        models_dev.SOURCE_ID,
        observations,
        rows,
        figures,
        lineage,
        *_figures_of([models_dev.SOURCE_ID], models_dev.SOURCE_ID),
    )


def _figures_of(source_ids: list[str], price_source: str) -> tuple[str, list]:
    """The SQL condition (and parameters) selecting a history's stored figures: those of its
    sources, and the derived blends of its price rows (`infernomics-derived`, ids under the
    price source), so the comparison reads this history's figures, not the table."""
    return (
        "list_contains(?, source_id) OR (source_id = ? AND starts_with(figure_id, ?))",
        [source_ids, DERIVED_SOURCE_ID, f"{history.DERIVED_PREFIX}{price_source}/"],
    )
