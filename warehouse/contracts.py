"""pandera contracts for the core tables. Domain families add theirs in their own modules.

Contracts validate a *collected* polars DataFrame (a LazyFrame would check the schema
only and let bad values through). Column checks name the rule that a rejected row
broke; that name is what `quarantine.rule` records.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from analysis.corroboration import RELATIONS as LINK_RELATIONS
from warehouse.tables import CITED_STATEMENT, FIGURE, FIGURE_FLAG, FIGURE_LINK, SOURCE
from warehouse.vocabulary import (  # noqa: F401 (re-exported: older callers import them from here)
    BOUNDS,
    FIGURE_FLAGS,
    FIGURE_KINDS,
    SOURCE_CLASSES,
    SOURCE_KINDS,
    VERIFICATION,
)


class Source(SOURCE.model()):  # type: ignore[misc]
    """A source record: the columns and their checks are `warehouse.tables.SOURCE`."""


class Figure(FIGURE.model()):  # type: ignore[misc]
    """Any figure: cited, derived, measured or fitted. Columns: `warehouse.tables.FIGURE`;
    the checks that span columns are here."""

    @pa.dataframe_check(name="value_present_unless_range")
    def value_present_unless_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value").is_not_null() | (pl.col("bound") == "range"))

    @pa.dataframe_check(name="value_finite")
    def value_finite(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value").is_null() | pl.col("value").is_finite())

    @pa.dataframe_check(name="range_has_low_and_high")
    def range_has_low_and_high(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("bound") != "range")
            | (
                pl.col("value_low").is_not_null()
                & pl.col("value_high").is_not_null()
                & (pl.col("value_low") <= pl.col("value_high"))
            )
        )

    @pa.dataframe_check(name="period_start_before_end")
    def period_start_before_end(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("period_start").is_null()
            | pl.col("period_end").is_null()
            | (pl.col("period_start") <= pl.col("period_end"))
        )


class CitedFigure(Figure):
    """A figure typed in from a document: magnitudes only (direction lives in the metric,
    e.g. `cost_decline_pct` = 91), so a negative value is a typing error."""

    value: float = pa.Field(nullable=True, ge=0)


# Corroboration (migration 020) and cited statements (021): the citation family's additions.


class FigureLink(FIGURE_LINK.model()):  # type: ignore[misc]
    """A link from a figure to another stored figure that reports the same claim, with the
    agreement check's result (computed from the stored figures, never typed in)."""

    relation: str = pa.Field(isin=list(LINK_RELATIONS))  # analysis/ owns the relations it checks

    @pa.dataframe_check(name="link_not_self")
    def link_not_self(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("figure_id") != pl.col("other_figure_id"))

    @pa.dataframe_check(name="agrees_iff_no_differences")
    def agrees_iff_no_differences(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("agrees") == (pl.col("differences").list.len() == 0))


class FigureFlag(FIGURE_FLAG.model()):  # type: ignore[misc]
    """A flag on a figure: columns `warehouse.tables.FIGURE_FLAG`."""


class CitedStatement(CITED_STATEMENT.model()):  # type: ignore[misc]
    """A statement a document attributes to a source, without a number of its own."""
