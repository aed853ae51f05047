"""The formula registry: every derived figure names one of these, never a string to eval.

A formula is a plain Python function whose positional parameter names are the *roles* of
its input figures (`before`, `after`, `observation`, ...) and whose keyword-only
parameters are settings (a window's length, a confidence level, a seed). It is registered
under a name and a version; changing what a formula computes means a new version, so
stored lineage keeps meaning what it meant. `derive()` applies a formula to input figures
and returns the derived figure and its lineage rows, ready for the warehouse.

Decisions:
- Every formula lives in this package, one module per area (:data:`CATALOGUE`), and only
  here: :func:`formula` refuses a function defined elsewhere. Before, registrations were
  import side effects of six modules in three layers, so the `formula` table held whatever
  happened to be imported.
- The registry is complete whenever it is read: :func:`all_formulas` and :func:`get` import
  the whole catalogue first (lazily, so an area module may import the analysis modules
  that import this registry).
- Code refers to a formula by its :class:`Formula` object (the decorated name, e.g.
  `arithmetic.pct_change`; `.key` is the `name@version` stored in `figure.formula`),
  never by a string literal.
- A formula is the function that computed the figure's value: the pipeline calls the
  registered object itself. A formula may return a float or a result object (a fit with
  its interval); its docstring says which field is the figure's value. `.path` (the dotted
  path of the registered object) is stored in `formula.function`, so a reader can find it.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar

DERIVED_SOURCE_ID = "infernomics-derived"
PACKAGE = __name__
# The areas, one module each. A new area module is added here, nowhere else.
CATALOGUE = ("arithmetic", "benchmarks", "claims", "cost", "demand", "prices", "trends")

P = ParamSpec("P")
R = TypeVar("R", covariant=True)


@dataclass(frozen=True)
class Formula(Generic[P, R]):
    """A registered formula; calling it calls the function."""

    name: str
    version: int
    func: Callable[P, R]
    doc: str
    roles: tuple[str, ...]  # positional parameters: the input figures' roles in figure_input
    settings: tuple[str, ...]  # keyword-only parameters: not figures

    @property
    def key(self) -> str:
        """`name@version`, the value of `figure.formula`."""
        return f"{self.name}@{self.version}"

    @property
    def path(self) -> str:
        """Dotted path of the registered object (module attribute), e.g.
        `analysis.formulas.arithmetic.pct_change`."""
        return f"{self.func.__module__}.{self.func.__qualname__}"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.func(*args, **kwargs)


_REGISTRY: dict[str, Formula[..., Any]] = {}


def formula(name: str, version: int = 1) -> Callable[[Callable[P, R]], Formula[P, R]]:
    """Register `func` as formula `name@version` and return the :class:`Formula` (which is
    what the module's name then holds). Positional parameter names are the input roles,
    keyword-only ones are settings. Only functions of this package's area modules."""

    def register(func: Callable[P, R]) -> Formula[P, R]:
        if not func.__module__.startswith(PACKAGE + "."):
            raise ValueError(f"formula {name}: define it in an area module of {PACKAGE}, not in {func.__module__}")
        params = inspect.signature(func).parameters.values()
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        f = Formula(
            name,
            version,
            func,
            inspect.getdoc(func) or name,
            tuple(p.name for p in params if p.kind in positional),
            tuple(p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY),
        )
        known = _REGISTRY.get(f.key)
        if known is not None and known.path != f.path:
            raise ValueError(f"formula {f.key} is registered twice ({known.path} and {f.path})")
        _REGISTRY[f.key] = f
        return f

    return register


def _load_catalogue() -> None:
    for area in CATALOGUE:
        importlib.import_module(f"{PACKAGE}.{area}")


def get(key: str) -> Formula[..., Any]:
    """A formula by `name@version`, or by `name` for its latest version."""
    _load_catalogue()
    if key in _REGISTRY:
        return _REGISTRY[key]
    versions = [f for f in _REGISTRY.values() if f.name == key]
    if not versions:
        raise KeyError(f"no formula named {key!r}; known: {sorted(_REGISTRY)}")
    return max(versions, key=lambda f: f.version)


def all_formulas() -> list[Formula[..., Any]]:
    """Every formula of the catalogue, by key: what the `formula` table holds."""
    _load_catalogue()
    return sorted(_REGISTRY.values(), key=lambda f: f.key)


def derive(
    figure_id: str,
    formula: Formula[..., Any] | str,
    inputs: Mapping[str, Mapping],
    *,
    metric: str,
    entity_kind: str,
    entity: str,
    unit: str,
    **fields,
) -> tuple[dict, list[dict]]:
    """Apply a float-valued formula to input figures (role -> figure row with `figure_id`
    and `value`). Returns (the derived figure row, its lineage rows)."""
    f = get(formula) if isinstance(formula, str) else formula
    missing = set(f.roles) - set(inputs)
    if missing:
        raise ValueError(f"{f.key} needs inputs {sorted(missing)}")
    value = float(f.func(**{role: float(inputs[role]["value"]) for role in f.roles}))
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
