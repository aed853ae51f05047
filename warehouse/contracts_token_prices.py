"""pandera contracts for the token-price family: a price observation from a parser, and a
stored `token_price` row. Rule names are what `quarantine.rule` records."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from warehouse.vocabulary import SOURCE_CLASSES

DATE_BASES = ["effective", "as_of", "start_date", "first_seen", "unknown", "release_listed", "recorded"]
END_BASES = ["source", "next_price", "changed", "disappeared"]
PRICES = ["input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok", "cache_write_usd_per_mtok"]


class _Prices(pa.DataFrameModel):
    source_id: str = pa.Field(str_matches=r"^\S+$")
    provider_id: str = pa.Field(str_matches=r"^\S+$")
    model_id: str = pa.Field(str_length={"min_value": 1})
    condition: str = pa.Field(nullable=False)
    is_standard: bool = pa.Field(nullable=False)
    input_usd_per_mtok: float = pa.Field(nullable=True, ge=0, le=10_000)
    output_usd_per_mtok: float = pa.Field(nullable=True, ge=0, le=10_000)
    cache_read_usd_per_mtok: float = pa.Field(nullable=True, ge=0, le=10_000)
    cache_write_usd_per_mtok: float = pa.Field(nullable=True, ge=0, le=10_000)
    source_class: str = pa.Field(nullable=True, isin=SOURCE_CLASSES)

    class Config:
        strict = False

    @pa.dataframe_check(name="some_token_price")
    def some_token_price(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.any_horizontal([pl.col(c).is_not_null() for c in PRICES]))


class TokenPriceObservation(_Prices):
    """A parsed row before history: its dates are the ones the source states."""

    source_start: pl.Date = pa.Field(nullable=True)
    source_end: pl.Date = pa.Field(nullable=True)
    date_basis: str = pa.Field(nullable=True, isin=DATE_BASES)

    @pa.dataframe_check(name="source_end_after_start")
    def source_end_after_start(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("source_start").is_null()
            | pl.col("source_end").is_null()
            | (pl.col("source_start") < pl.col("source_end"))
        )


class TokenPrice(_Prices):
    """A stored, effective-dated price row."""

    price_id: str = pa.Field(str_matches=r"^\S+$", unique=True)
    effective_from: pl.Date = pa.Field(nullable=True)
    effective_to: pl.Date = pa.Field(nullable=True)
    date_basis: str = pa.Field(isin=DATE_BASES)
    end_basis: str = pa.Field(nullable=True, isin=END_BASES)
    blend_rule: str = pa.Field(isin=["3:1"])
    figure_ids: list[str] = pa.Field(nullable=False)

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
