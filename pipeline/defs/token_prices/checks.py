"""Checks on what the token-price assets stored: contract, figures resolve, one open row per
price identity, and freshness of the live feeds (a warning naming the stale source and since when)."""

import datetime as dt

import dagster as dg
import polars as pl

from pipeline.defs import keys
from pipeline.defs.contract_checks import frame_meets_contract
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.step_checks import step_check
from pipeline.defs.token_prices.resources import TokenPriceFeeds
from pipeline.steps.token_prices import load
from warehouse import query_frame
from warehouse.contracts_token_prices import TokenPrice

CLEAN = keys.TOKEN_PRICE_TABLES
SOURCE_OF = {
    "cited": None,
    "genai_prices": "genai-prices",
    "openrouter": "openrouter-models",
    "litellm": "litellm-model-prices",
    "litellm_releases": "litellm-releases",
    "models_dev": "models-dev-cost-history",
}


def _slice(name: str) -> tuple[str, list]:
    """The WHERE clause (and its parameter) of the price rows an asset owns."""
    source = SOURCE_OF[name]
    if source is None:  # cited rows carry one source per URL: they are the rows of no feed
        return "NOT list_contains(?, source_id)", [[s for s in SOURCE_OF.values() if s]]
    return "source_id = ?", [source]


def _rows(con, name: str, also: str = "TRUE", params: list | None = None):
    where, slice_params = _slice(name)
    return query_frame(con, f"SELECT * FROM token_price WHERE {where} AND {also}", slice_params + (params or []))


WRITTEN_IN_RUN = "ingest_run_id IN (SELECT run_id FROM ingest_run WHERE step = ? AND dagster_run_id = ?)"


def _contract_check(name: str):
    @step_check(
        asset=CLEAN[name],
        name="rows_meet_contract",
        blocking=True,
        description=f"Every {name} price row this run stored passes the TokenPrice contract and names only "
        "stored figures (rows were validated on the way in; history left alone is not re-read).",
    )
    def check(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        # what this run's asset wrote, not every row of the source: re-reading a feed's whole
        # history on every refresh made the check grow with the warehouse (issue 12)
        written = [CLEAN[name].to_user_string(), context.run.run_id]
        with warehouse.reader() as con:
            rows = _rows(con, name, WRITTEN_IN_RUN, written)
            where, params = _slice(name)
            missing = con.execute(
                "SELECT count(*) FROM (SELECT unnest(figure_ids) AS f FROM token_price"
                f" WHERE {where} AND {WRITTEN_IN_RUN}) t ANTI JOIN figure ON figure.figure_id = t.f",
                params + written,
            ).fetchall()[0][0]
        return frame_meets_contract(
            rows, TokenPrice, passed=missing == 0, rows=rows.height, unresolved_figure_ids=missing
        )

    return check


def _one_open_row_check(name: str):
    @step_check(
        asset=CLEAN[name],
        name="one_open_price_per_identity",
        blocking=True,
        description="At most one current (open) price per source, provider, model, condition and stated start.",
    )
    def check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.reader() as con:
            rows = _rows(con, name, also="effective_to IS NULL")  # closed history cannot break it
        dups = (
            rows.filter(rows["effective_to"].is_null())
            .group_by(["source_id", "provider_id", "model_id", "condition", "source_start"])
            .len()
            .filter(pl.col("len") > 1)
            if rows.height
            else rows
        )
        return dg.AssetCheckResult(passed=dups.height == 0, metadata={"duplicated_identities": dups.height})

    return check


def _freshness_check(name: str):
    @step_check(
        asset=CLEAN[name],
        name="feed_is_fresh",
        blocking=False,
        description=f"The {name} feed was applied within the feeds' max age; otherwise warns which source is stale and since when.",
    )
    def check(warehouse: WarehouseResource, token_price_feeds: TokenPriceFeeds) -> dg.AssetCheckResult:
        with warehouse.reader() as con:
            state = load.freshness(con, token_price_feeds.max_age_hours).filter(pl.col("source_id") == SOURCE_OF[name])
        row = state.row(0, named=True)
        return dg.AssetCheckResult(
            passed=not row["stale"],
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "source_id": row["source_id"],
                "freshness": row["freshness"],
                "last_success_at": _timestamp_or_never(row["last_success_at"]),
                "last_status": row["last_status"] or "none",
                "last_message": row["last_message"] or "none",
            },
        )

    return check


def _timestamp_or_never(at) -> dg.MetadataValue:
    """A stored naive-UTC time as a Dagster timestamp (the UI shows it in the viewer's zone), or "never"."""
    return dg.MetadataValue.timestamp(at.replace(tzinfo=dt.UTC)) if at else dg.MetadataValue.text("never")


contract_checks = [_contract_check(n) for n in CLEAN]
open_row_checks = [_one_open_row_check(n) for n in CLEAN]
freshness_checks = [_freshness_check(n) for n in ("openrouter", "litellm")]
