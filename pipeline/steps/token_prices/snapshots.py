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

from analysis.formulas.prices import token_price_blend_3to1
from pipeline.steps.token_prices import load
from sources.token_prices import litellm_snapshots, models_dev
from sources.token_prices.history import PRICE_COLUMNS
from warehouse.contracts_token_prices import TokenPrice
from warehouse.figures import store_figures, store_lineage
from warehouse.store import IngestRun, store


def _store_history(
    con: duckdb.DuckDBPyConnection,
    run: IngestRun,
    source_id: str,
    observations: pl.DataFrame,
    rows: pl.DataFrame,
    figures: pl.DataFrame,
    lineage: pl.DataFrame,
) -> load.Applied:
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
    con.execute("DELETE FROM token_price WHERE source_id = ?", [source_id])
    result = store(con, run, "token_price", to_store, TokenPrice, key=["price_id"])
    store_figures(
        con,
        run,
        figures.with_columns(
            pl.struct("figure_id", "value", "locator").struct.json_encode().alias("_raw"),
            pl.col("figure_id").alias("_locator"),
        ),
    )
    store_lineage(con, run, lineage.with_columns(pl.struct(pl.all()).struct.json_encode().alias("_raw")))
    aliases = load._aliases(observations.filter(pl.col("_errors").list.len() == 0))
    store(
        con,
        run,
        "model_alias",
        aliases.with_columns(pl.struct(pl.all()).struct.json_encode().alias("_raw")),
        None,
        key=["source_id", "provider_id", "model"],
    )
    message = (
        f"{observations.height} observations: {observations.height - bad.height} accepted into "
        f"{result.accepted} price rows, {bad.height} quarantined; {figures.height} figures"
    )
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
    return _store_history(con, run, litellm_snapshots.FAMILY_SOURCE_ID, observations, rows, figures, lineage)


def ingest_models_dev(con: duckdb.DuckDBPyConnection, run: IngestRun) -> load.Applied:
    """models.dev's change log -> price rows dated when models.dev recorded them (date basis recorded)."""
    observations = models_dev.parse_cost_history()
    good = observations.filter(pl.col("_errors").list.len() == 0)
    rows, figures, lineage = models_dev.build_history(good, run.run_id, token_price_blend_3to1.key)
    return _store_history(con, run, models_dev.SOURCE_ID, observations, rows, figures, lineage)
