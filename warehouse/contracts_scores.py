"""pandera contracts for the scores family: a stored `model_score` row and a `model_identity`
mapping row. Rule names are what `quarantine.rule` records."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from warehouse.tables import MODEL_IDENTITY, MODEL_SCORE
from warehouse.vocabulary import SCORE_ORIGINS as ORIGINS  # noqa: F401 (re-exported)
from warehouse.vocabulary import SCORE_UNITS as UNITS  # noqa: F401 (re-exported)


class ModelScore(MODEL_SCORE.model()):  # type: ignore[misc]
    """A score row: columns and their checks are `warehouse.tables.MODEL_SCORE`."""

    @pa.dataframe_check(name="score_range")
    def score_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        unit, score = pl.col("score_unit"), pl.col("score")
        return data.lazyframe.select(
            (score >= 0) & ~((unit == "fraction") & (score > 1)) & ~(unit.is_in(["percent", "index"]) & (score > 100))
        )


class ModelIdentity(MODEL_IDENTITY.model()):  # type: ignore[misc]
    """A mapping row: columns and their checks are `warehouse.tables.MODEL_IDENTITY`."""
