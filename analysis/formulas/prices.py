"""Token prices derived from stated ones.

Decisions: the blend is written once and applied both to one price pair (floats) and to
whole price tables (polars expressions), so the `token_price` rows' `blended_usd_per_mtok`
and the blended figures are computed by the function the figures name.
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl

from analysis.formulas import formula

Price = TypeVar("Price", float, pl.Expr)
# input tokens per output token in the blend: the convention of Artificial Analysis and
# Epoch AI, and the `blend_rule` "3:1" stored beside every blended price
INPUT_WEIGHT, OUTPUT_WEIGHT = 3, 1


@formula("token_price_blend_3to1")
def token_price_blend_3to1(input: Price, output: Price) -> Price:  # noqa: A002 (role names are the API)
    """Blended token price for 3 input tokens per output token: (3 * input + output) / 4,
    USD per 1M tokens, from the input and output price figures (roles `input`, `output`).
    Takes floats or polars expressions (a whole price table at once)."""
    return (INPUT_WEIGHT * input + OUTPUT_WEIGHT * output) / (INPUT_WEIGHT + OUTPUT_WEIGHT)
