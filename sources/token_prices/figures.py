"""The `figure` table's columns and types, for the vectorised builders of the snapshot sources
(kept here so `sources/` needs no import of `warehouse/` to shape a frame)."""

import polars as pl

FIGURE_COLUMNS: dict[str, pl.DataType] = {
    "figure_id": pl.String,
    "source_id": pl.String,
    "snapshot_sha256": pl.String,
    "metric": pl.String,
    "entity_kind": pl.String,
    "entity": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "bound": pl.String,
    "value_low": pl.Float64,
    "value_high": pl.Float64,
    "as_of": pl.Date,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "page": pl.String,
    "locator": pl.String,
    "quote": pl.String,
    "qualifier": pl.String,
    "kind": pl.String,
    "verification": pl.String,
    "formula": pl.String,
    "notes": pl.String,
}
