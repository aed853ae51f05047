"""pandera contracts for the core tables. Domain families add theirs in their own modules.

Contracts validate a *collected* polars DataFrame (a LazyFrame would check the schema
only and let bad values through). Column checks name the rule that a rejected row
broke; that name is what `quarantine.rule` records.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from warehouse.vocabulary import BOUNDS, FIGURE_KINDS, SOURCE_CLASSES, SOURCE_KINDS, VERIFICATION  # noqa: F401

_NO_SPACE = r"^\S+$"


class Source(pa.DataFrameModel):
    source_id: str = pa.Field(str_matches=_NO_SPACE, unique=True)
    kind: str = pa.Field(isin=SOURCE_KINDS)
    title: str = pa.Field(str_length={"min_value": 1})
    publisher: str = pa.Field(str_length={"min_value": 1})
    citation_full: str = pa.Field(str_length={"min_value": 1})
    url: str = pa.Field(nullable=True, str_matches=r"^(https?://|unrecorded-url$|package:|file:)")
    date_published: pl.Date = pa.Field(nullable=True)
    date_accessed: pl.Date = pa.Field(nullable=True)
    source_class: str = pa.Field(isin=SOURCE_CLASSES)

    class Config:
        strict = False


class Figure(pa.DataFrameModel):
    """Any figure: cited, derived, measured or fitted."""

    figure_id: str = pa.Field(str_matches=_NO_SPACE, unique=True)
    source_id: str = pa.Field(str_length={"min_value": 1})
    metric: str = pa.Field(str_length={"min_value": 1})
    entity_kind: str = pa.Field(str_length={"min_value": 1})
    entity: str = pa.Field(str_length={"min_value": 1})
    value: float = pa.Field(nullable=True)
    unit: str = pa.Field(str_length={"min_value": 1})
    bound: str = pa.Field(isin=BOUNDS)
    kind: str = pa.Field(isin=FIGURE_KINDS)
    verification: str = pa.Field(isin=VERIFICATION)
    as_of: pl.Date = pa.Field(nullable=True)
    period_start: pl.Date = pa.Field(nullable=True)
    period_end: pl.Date = pa.Field(nullable=True)

    class Config:
        strict = False

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
    def period_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
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
from analysis.corroboration import RELATIONS as LINK_RELATIONS

FIGURE_FLAGS = [
    "disagrees_value",
    "disagrees_bound",
    "disagrees_unit",
    "disagrees_period",
    "scope_differs",
    "unit_interpreted",
]


class FigureLink(pa.DataFrameModel):
    """A link from a figure to another stored figure that reports the same claim, with the
    agreement check's result (computed from the stored figures, never typed in)."""

    figure_id: str = pa.Field(str_matches=_NO_SPACE)
    other_figure_id: str = pa.Field(str_matches=_NO_SPACE)
    relation: str = pa.Field(isin=list(LINK_RELATIONS))
    asserted_by: str = pa.Field(str_length={"min_value": 1})
    declared: str = pa.Field(str_matches=r"^(agrees|differs: .+)$")
    agrees: bool = pa.Field()
    check_detail: str = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = False

    @pa.dataframe_check(name="link_not_self")
    def link_not_self(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("figure_id") != pl.col("other_figure_id"))

    @pa.dataframe_check(name="agrees_iff_no_differences")
    def agrees_iff_no_differences(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("agrees") == (pl.col("differences").list.len() == 0))


class FigureFlag(pa.DataFrameModel):
    figure_id: str = pa.Field(str_matches=_NO_SPACE)
    flag: str = pa.Field(isin=FIGURE_FLAGS)
    detail: str = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = False


class CitedStatement(pa.DataFrameModel):
    """A statement a document attributes to a source, without a number of its own."""

    statement_id: str = pa.Field(str_matches=_NO_SPACE)
    source_id: str = pa.Field(str_length={"min_value": 1})
    cited_source_id: str = pa.Field(str_length={"min_value": 1})
    quote: str = pa.Field(str_length={"min_value": 1})
    verification: str = pa.Field(isin=VERIFICATION)

    class Config:
        strict = False
