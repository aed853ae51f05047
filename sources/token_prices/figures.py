"""Figure frames of the vectorised builders of the snapshot sources.

Decisions: the `figure` table's columns come from its one declaration, `warehouse.tables.FIGURE`
(`sources/` may import `warehouse/`; the layer rule forbids only the other direction), never a
second literal list that would drift from the table.
"""

import polars as pl

from warehouse.tables import FIGURE

__all__ = ["blended_price_figures", "blended_price_lineage", "conform_figures"]


def conform_figures(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Stack figure frames built with different subsets of the columns into the table's shape."""
    return pl.concat([FIGURE.conform(p) for p in parts], how="vertical")


def blended_price_figures(
    rows: pl.DataFrame, entity: pl.Expr, unit: str, blend_formula: str, *, keep_qualifier: bool
) -> pl.DataFrame:
    """The derived 3:1 blended-price figure of each price row that has one (`blended_figure_id`),
    with the row's `qualifier` when `keep_qualifier` (LiteLLM's mode; models.dev states none)."""
    qualifier = [pl.col("qualifier")] if keep_qualifier else []
    return rows.filter(pl.col("blended_figure_id").is_not_null()).select(
        pl.col("blended_figure_id").alias("figure_id"),
        pl.lit("infernomics-derived").alias("source_id"),
        pl.lit("token_price_blended_3to1").alias("metric"),
        pl.lit("model_price").alias("entity_kind"),
        entity.alias("entity"),
        pl.col("blended_usd_per_mtok").alias("value"),
        pl.lit(unit).alias("unit"),
        pl.lit("=").alias("bound"),
        pl.col("effective_from").alias("as_of"),
        pl.col("effective_from").alias("period_start"),
        pl.col("effective_to").alias("period_end"),
        pl.col("price_id").alias("locator"),
        *qualifier,
        pl.lit("derived").alias("kind"),
        pl.lit("unverified").alias("verification"),
        pl.lit(blend_formula).alias("formula"),
        pl.format("3:1 input:output blend of price row {}", pl.col("price_id")).alias("notes"),
    )


def blended_price_lineage(rows: pl.DataFrame) -> pl.DataFrame:
    """The `figure_input` rows of each blended figure: its price row's input and output figures."""
    return (
        rows.filter(pl.col("blended_figure_id").is_not_null())
        .select(
            pl.col("blended_figure_id").alias("figure_id"),
            pl.concat_list(
                [
                    pl.struct(pl.col("input_figure_id").alias("input_figure_id"), pl.lit("input").alias("role")),
                    pl.struct(pl.col("output_figure_id").alias("input_figure_id"), pl.lit("output").alias("role")),
                ]
            ).alias("_in"),
        )
        .explode("_in")
        .unnest("_in")
        .select("figure_id", "input_figure_id", "role")
    )
