"""Plain arithmetic on two stated figures, and the rounding rule checks use.

`pct_change` recomputes a stated change from its two ends (ARK p34: $3.50 -> $0.32 is
-90.857%); `ratio` is a fold change or a per-unit figure (TFLOP/s per USD). Both take the
input figures' values by role and are applied with :func:`analysis.formulas.derive`.
"""

from __future__ import annotations

from analysis.formulas import formula


@formula("pct_change")
def pct_change(before: float, after: float) -> float:
    """Percent change from `before` to `after`: (after - before) / before * 100."""
    if before == 0:
        raise ValueError("pct_change: before is 0, the change is undefined")
    return (after - before) / before * 100.0


@formula("ratio")
def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator (e.g. a fold change: 3.50 / 0.32 = 10.9x cheaper)."""
    if denominator == 0:
        raise ValueError("ratio: denominator is 0")
    return numerator / denominator


def rounding_tolerance(stated: float) -> float:
    """Half a unit in the last digit a stated figure shows: 91 -> 0.5, 90.9 -> 0.05."""
    text = repr(float(stated)).rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10 ** (-decimals)


def agrees_within_rounding(computed: float, stated: float) -> bool:
    """True when `stated` is `computed` rounded to the digits `stated` shows."""
    return abs(computed - stated) <= rounding_tolerance(stated) + 1e-12
