"""pandera contracts for the scores family: a stored `model_score` row and a `model_identity`
mapping row. Rule names are what `quarantine.rule` records."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

ORIGINS = ["epoch_run", "external", "eci", "stitching", "models_dev"]
UNITS = ["fraction", "percent", "points", "elo", "minutes", "eci", "index"]


class ModelScore(pa.DataFrameModel):
    score_id: str = pa.Field(str_matches=r"^\S+$", unique=True)
    source_id: str = pa.Field(str_matches=r"^\S+$")
    origin: str = pa.Field(isin=ORIGINS)
    benchmark: str = pa.Field(str_length={"min_value": 1})
    model_version: str = pa.Field(str_length={"min_value": 1})
    model_base: str = pa.Field(str_length={"min_value": 1})
    score: float = pa.Field(nullable=False)
    score_unit: str = pa.Field(isin=UNITS)
    score_fraction: float = pa.Field(nullable=True, ge=0, le=1)
    stderr: float = pa.Field(nullable=True, ge=0)
    release_date: pl.Date = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.dataframe_check(name="score_range")
    def score_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        unit, score = pl.col("score_unit"), pl.col("score")
        return data.lazyframe.select(
            (score >= 0) & ~((unit == "fraction") & (score > 1)) & ~(unit.is_in(["percent", "index"]) & (score > 100))
        )


class ModelIdentity(pa.DataFrameModel):
    model_base: str = pa.Field(str_length={"min_value": 1}, unique=True)
    model_key: str = pa.Field(nullable=True, str_matches=r"^\S+$")
    first_party_provider: str = pa.Field(nullable=True, str_matches=r"^\S+$")

    class Config:
        strict = False
