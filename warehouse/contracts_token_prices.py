"""pandera contracts for the token-price family: a price observation from a parser, and a
stored `token_price` row. Rule names are what `quarantine.rule` records.

The columns and their checks are declared once, in `warehouse.tables.TOKEN_PRICE`; a parsed
observation is checked on the columns it shares with a stored row (`SHARED`), plus the
source's own dates, which a stored row keeps as `source_start` / `source_end`.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from warehouse.tables import TOKEN_PRICE
from warehouse.vocabulary import PRICE_DATE_BASES as DATE_BASES
from warehouse.vocabulary import PRICE_END_BASES as END_BASES  # noqa: F401 (re-exported)

PRICES = ["input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok", "cache_write_usd_per_mtok"]
SHARED = ("source_id", "provider_id", "model_id", "condition", "is_standard", *PRICES, "source_class")


def _some_token_price(data: pa.PolarsData) -> pl.LazyFrame:
    return data.lazyframe.select(pl.any_horizontal([pl.col(c).is_not_null() for c in PRICES]))


class TokenPriceObservation(TOKEN_PRICE.model(*SHARED)):  # type: ignore[misc]
    """A parsed row before history: its dates are the ones the source states (and may be
    missing, with their basis, until the history dates them)."""

    source_start: pl.Date = pa.Field(nullable=True)
    source_end: pl.Date = pa.Field(nullable=True)
    date_basis: str = pa.Field(nullable=True, isin=DATE_BASES)

    @pa.dataframe_check(name="some_token_price")
    def some_token_price(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _some_token_price(data)

    @pa.dataframe_check(name="source_end_after_start")
    def source_end_after_start(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("source_start").is_null()
            | pl.col("source_end").is_null()
            | (pl.col("source_start") < pl.col("source_end"))
        )


class TokenPrice(TOKEN_PRICE.model()):  # type: ignore[misc]
    """A stored, effective-dated price row."""

    @pa.dataframe_check(name="some_token_price")
    def some_token_price(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _some_token_price(data)

    @pa.dataframe_check(name="effective_to_not_before_from")
    def effective_to_not_before_from(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("effective_from").is_null()
            | pl.col("effective_to").is_null()
            | (pl.col("effective_from") <= pl.col("effective_to"))
        )

    @pa.dataframe_check(name="unknown_start_only_without_date")
    def unknown_start_only_without_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("date_basis") == "unknown") == pl.col("effective_from").is_null())

    @pa.dataframe_check(name="blend_matches_rule")
    def blend_matches_rule(cls, data: pa.PolarsData) -> pl.LazyFrame:
        expected = (3 * pl.col("input_usd_per_mtok") + pl.col("output_usd_per_mtok")) / 4
        return data.lazyframe.select(
            pl.col("blended_usd_per_mtok").is_null()
            | ((pl.col("blended_usd_per_mtok") - expected).abs() <= 1e-9 * (1 + expected.abs()))
        )
