"""The formula registry: every derived figure names one of these, never a string to eval.

A formula is a plain Python function whose parameter names are the *roles* of its input
figures (`before`, `after`, ...). It is registered under a name and a version; changing
what a formula computes means a new version, so stored lineage keeps meaning what it
meant. `derive()` applies a formula to input figures and returns the derived figure and
its lineage rows, ready for the warehouse.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass

DERIVED_SOURCE_ID = "infernomics-derived"


@dataclass(frozen=True)
class Formula:
    name: str
    version: int
    func: Callable[..., float]
    doc: str
    roles: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


_REGISTRY: dict[str, Formula] = {}


def formula(name: str, version: int = 1) -> Callable[[Callable[..., float]], Callable[..., float]]:
    """Register `func` as formula `name@version`; its parameter names are the input roles."""

    def register(func: Callable[..., float]) -> Callable[..., float]:
        f = Formula(name, version, func, inspect.getdoc(func) or name, tuple(inspect.signature(func).parameters))
        if f.key in _REGISTRY and _REGISTRY[f.key].func is not func:
            raise ValueError(f"formula {f.key} is registered twice")
        _REGISTRY[f.key] = f
        return func

    return register


def get(key: str) -> Formula:
    """A formula by `name@version`, or by `name` for its latest version."""
    if key in _REGISTRY:
        return _REGISTRY[key]
    versions = [f for f in _REGISTRY.values() if f.name == key]
    if not versions:
        raise KeyError(f"no formula named {key!r}; known: {sorted(_REGISTRY)}")
    return max(versions, key=lambda f: f.version)


def all_formulas() -> list[Formula]:
    return sorted(_REGISTRY.values(), key=lambda f: f.key)


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


def derive(
    figure_id: str,
    formula_key: str,
    inputs: Mapping[str, Mapping],
    *,
    metric: str,
    entity_kind: str,
    entity: str,
    unit: str,
    **fields,
) -> tuple[dict, list[dict]]:
    """Apply a registered formula to input figures (role -> figure row with `figure_id`
    and `value`). Returns (the derived figure row, its lineage rows)."""
    f = get(formula_key)
    missing = set(f.roles) - set(inputs)
    if missing:
        raise ValueError(f"{f.key} needs inputs {sorted(missing)}")
    value = f.func(**{role: float(inputs[role]["value"]) for role in f.roles})
    figure = {
        "figure_id": figure_id,
        "source_id": DERIVED_SOURCE_ID,
        "metric": metric,
        "entity_kind": entity_kind,
        "entity": entity,
        "value": value,
        "unit": unit,
        "bound": "=",
        "kind": "derived",
        "verification": "unverified",
        "formula": f.key,
    } | fields
    lineage = [{"figure_id": figure_id, "input_figure_id": inputs[r]["figure_id"], "role": r} for r in f.roles]
    return figure, lineage
