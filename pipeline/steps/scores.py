"""Write step of the scores family (no Dagster here, so tests and the CLI can call it).

Decisions:
- One write window stores the mapping (`model_identity`) and the scores (`model_score`), so a
  score's `model_key` always comes from the mapping of the same refresh.
- Every score and stderr is a figure (`benchmark_score` / `benchmark_score_stderr`), bulk-stored
  in one call; the row keeps the figure ids. Bad rows go to quarantine with their rule.
"""

from __future__ import annotations

import duckdb
import polars as pl

from sources.scores import epoch, identity
from warehouse.contracts_scores import ModelIdentity, ModelScore
from warehouse.figures import store_figures
from warehouse.store import IngestRun, StoreResult, store
from warehouse.tables import FIGURE


def score_figures(scores: pl.DataFrame) -> pl.DataFrame:
    """The score and stderr figures of valid score rows."""
    entity = pl.format("{} @ {}", pl.col("model_version"), pl.col("benchmark"))
    qualifier = pl.format(
        "{}; origin {}{}",
        pl.col("benchmark_file"),
        pl.col("origin"),
        pl.when(pl.col("reasoning_effort").is_not_null())
        .then(pl.lit("; effort ") + pl.col("reasoning_effort"))
        .otherwise(pl.lit("")),
    )
    notes = (
        pl.when(pl.col("secondary_source").is_not_null())
        .then(
            pl.format(
                "third-party leaderboard copied by Epoch: {} {}",
                pl.col("secondary_source"),
                pl.col("secondary_source_url").fill_null(""),
            )
        )
        .otherwise(pl.lit(None, pl.String))
    )
    common = [
        pl.col("source_id"),
        pl.col("snapshot_sha256"),
        pl.lit("model_benchmark").alias("entity_kind"),
        entity.alias("entity"),
        pl.col("score_unit").alias("unit"),
        pl.lit("=").alias("bound"),
        pl.coalesce("run_date", "release_date").alias("as_of"),
        pl.col("locator"),
        qualifier.alias("qualifier"),
        pl.lit("observed").alias("kind"),
        pl.lit("verified").alias("verification"),
        notes.alias("notes"),
    ]
    parts = [
        scores.select(
            pl.col("score_figure_id").alias("figure_id"),
            pl.lit("benchmark_score").alias("metric"),
            pl.col("score").alias("value"),
            *common,
        ),
        scores.filter(pl.col("stderr_figure_id").is_not_null()).select(
            pl.col("stderr_figure_id").alias("figure_id"),
            pl.lit("benchmark_score_stderr").alias("metric"),
            pl.col("stderr").alias("value"),
            *common,
        ),
    ]
    return pl.concat([FIGURE.conform(p) for p in parts], how="vertical")


def ingest_scores(con: duckdb.DuckDBPyConnection, run: IngestRun) -> tuple[StoreResult, StoreResult, int]:
    """Mapping file + every score file -> model_identity, model_score, figure."""
    ident = identity.parse()
    con.execute("DELETE FROM model_identity")
    ident_result = store(
        con,
        run,
        "model_identity",
        ident.with_columns(pl.lit(run.run_id).alias("ingest_run_id")),
        ModelIdentity,
        key=["model_base"],
    )
    good_ident = ident.filter(pl.col("_errors").list.len() == 0).select("model_base", "model_key")
    scores = epoch.parse_all()
    scores = scores.join(good_ident, on="model_base", how="left").with_columns(
        pl.concat_list(["score_figure_id", "stderr_figure_id"]).list.drop_nulls().alias("figure_ids"),
        pl.lit(run.run_id).alias("ingest_run_id"),
    )
    con.execute("DELETE FROM model_score")
    score_result = store(con, run, "model_score", scores, ModelScore, key=["score_id"])
    stored = scores.filter(pl.col("_errors").list.len() == 0)
    accepted_ids = {r[0] for r in con.execute("SELECT score_id FROM model_score").fetchall()}
    stored = stored.filter(pl.col("score_id").is_in(list(accepted_ids)))
    figures = score_figures(stored)
    store_figures(
        con,
        run,
        figures.with_columns(
            pl.struct("figure_id", "value", "locator").struct.json_encode().alias("_raw"),
            pl.col("figure_id").alias("_locator"),
        ),
    )
    run.messages.append(
        f"scores: {scores.height} rows in, {score_result.accepted} stored, {score_result.quarantined} quarantined; "
        f"{figures.height} figures; mapping {ident_result.accepted} names"
    )
    return ident_result, score_result, figures.height
