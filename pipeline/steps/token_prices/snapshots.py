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

import duckdb
import polars as pl

from analysis.formulas import DERIVED_SOURCE_ID
from analysis.formulas.prices import token_price_blend_3to1
from pipeline.steps.token_prices import load, unchanged
from sources.token_prices import history, litellm_snapshots, models_dev
from sources.token_prices.history import PRICE_COLUMNS
from warehouse.contracts_token_prices import TokenPrice
from warehouse.store import IngestRun, store


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
    figures, lineage, aliases; only what differs from what is stored (`unchanged.store_changed`).
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
    prices = unchanged.split(con, "token_price", to_store, "source_id = ?", [source_id], any_stored=any_stored)
    # the source's rows that this build no longer has (or has otherwise) go; identical ones stay
    con.register("_kept_prices", prices.same.select("price_id").to_arrow())
    try:
        con.execute(
            "DELETE FROM token_price WHERE source_id = ? AND price_id NOT IN (SELECT price_id FROM _kept_prices)",
            [source_id],
        )
    finally:
        con.unregister("_kept_prices")
    result, kept_prices = unchanged.store_changed(
        con,
        run,
        "token_price",
        prices,
        lambda f: store(con, run, "token_price", f, TokenPrice, key=["price_id"]),
        clean=lambda same: unchanged.meets(TokenPrice)(con, same),
        sources=unchanged.sources_of(to_store, run),
    )
    figures = figures.with_columns(
        pl.struct("figure_id", "value", "locator").struct.json_encode().alias("_raw"),
        pl.col("figure_id").alias("_locator"),
    )
    unchanged.store_figures_and_lineage(
        con,
        run,
        figures,
        lineage.with_columns(pl.struct(pl.all()).struct.json_encode().alias("_raw")),
        figures_where=(figure_sources, figure_params),
        lineage_where=("starts_with(figure_id, ?)", [f"{history.DERIVED_PREFIX}{source_id}/"]),
        any_stored=any_stored,
    )
    aliases = load._aliases(observations.filter(pl.col("_errors").list.len() == 0))
    aliases = aliases.with_columns(pl.struct(pl.all()).struct.json_encode().alias("_raw"))
    unchanged.store_changed(
        con,
        run,
        "model_alias",
        unchanged.split(con, "model_alias", aliases, "source_id = ?", [source_id], any_stored=any_stored),
        lambda f: store(con, run, "model_alias", f, None, key=["source_id", "provider_id", "model"]),
        clean=lambda same: unchanged.meets(None)(con, same),
        sources=unchanged.sources_of(aliases, run),
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
