"""Checks on what the token-price assets stored: contract, figures resolve, one open row per
price identity, and freshness of the live feeds (a warning naming the stale source and since when)."""

import datetime as dt

import dagster as dg
import polars as pl

from pipeline.defs import keys
from pipeline.defs.contract_checks import frame_meets_contract
from pipeline.defs.resources import WarehouseResource
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


def _rows(con, name: str):
    source = SOURCE_OF[name]
    if source is None:  # cited rows carry one source per URL: they are the rows of no feed
        feeds = [s for s in SOURCE_OF.values() if s]
        return query_frame(con, "SELECT * FROM token_price WHERE NOT list_contains(?, source_id)", [feeds])
    return query_frame(con, "SELECT * FROM token_price WHERE source_id = ?", [source])


def _contract_check(name: str):
    @dg.asset_check(
        asset=CLEAN[name],
        name="rows_meet_contract",
        blocking=True,
        description=f"Every stored {name} price row passes the TokenPrice contract and names only stored figures.",
    )
    def check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.reader() as con:
            rows = _rows(con, name)
            missing = con.execute(
                "SELECT count(*) FROM (SELECT unnest(figure_ids) AS f FROM token_price) t ANTI JOIN figure ON figure.figure_id = t.f"
            ).fetchall()[0][0]
        return frame_meets_contract(
            rows, TokenPrice, passed=missing == 0, rows=rows.height, unresolved_figure_ids=missing
        )

    return check


def _one_open_row_check(name: str):
    @dg.asset_check(
        asset=CLEAN[name],
        name="one_open_price_per_identity",
        blocking=True,
        description="At most one current (open) price per source, provider, model, condition and stated start.",
    )
    def check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.reader() as con:
            rows = _rows(con, name)
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
    @dg.asset_check(
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
