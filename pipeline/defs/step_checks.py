"""Asset checks that run inside their asset's own step, after its body.

A family declares a check in its `checks.py` as before, with `@step_check` in place of
`@dg.asset_check` (same asset, name, `blocking` and description):

    @step_check(asset=keys.GPU_SPEC, name="rows_meet_contract", blocking=True)
    def gpu_spec_meets_contract(warehouse: WarehouseResource) -> dg.AssetCheckResult: ...

and the asset that owns the key is declared with `checked_asset` / `checked_multi_asset`
(`dg.asset` / `dg.multi_asset` with the same arguments). That gives the asset the
`check_specs` of every check declared on its keys, in any `checks.py` (the integrity checks
sit on other families' assets), and its step evaluates the selected ones after the body and
yields their `AssetCheckResult`s, also when the body skipped because its inputs were
unchanged (pipeline/defs/skip.py): a skipped asset still reports its checks, as before.

A check takes the asset's `context` and any resource by parameter name; a resource a check
needs must be a parameter of its asset (refused when the asset is declared, not at run time).

Decisions:
- In the asset's step, not a step per check: each Dagster step costs its start/success
  events, event-log writes and logging (~15-25 ms) on top of its body, and ~40 check steps
  were more than half of a refresh's 72 steps (issue 12: "checks declared on their assets,
  fewer steps"). The AssetCheckKeys (`clean/hardware/gpu_spec:rows_meet_contract`), the UI's
  check history and `blocking` stay: Dagster (1.13, `execute_step.py`) records every
  evaluation the step yields, then fails the step when an ERROR-severity blocking check did
  not pass, so nothing downstream of that asset runs; a WARN check is reported and blocks
  nothing. The materialization is recorded either way, as it was when checks ran after it.
- The check functions stay in `checks.py` and plain (callable on a warehouse in a test);
  `checks.py` modules are imported here, when the first checked asset is declared, so they
  must not import an assets module (the asset's declaration needs their specs). They are
  not imports of the asset module: a check's code is not part of its asset's code version,
  so changing a check re-runs the check (it runs even when the body skips), not the body.
- `checked_asset` builds a one-asset `dg.multi_asset` with `can_subset=True` and the op name
  `dg.asset` would give (same step keys, specs, descriptions): `dg.asset` cannot subset its
  checks, and a check must stay runnable alone ("Execute" on a check in the UI, a job of
  checks only), which then runs the step without the body.
- A check raising is a failed step, like a body raising: it is a bug, not a finding.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from pipeline.defs import skip


@dataclass(frozen=True)
class StepCheck:
    spec: dg.AssetCheckSpec
    fn: Callable[..., dg.AssetCheckResult]

    @property
    def params(self) -> list[str]:
        return list(inspect.signature(self.fn).parameters)


_CHECKS: dict[dg.AssetCheckKey, StepCheck] = {}  # in declaration order


def step_check(
    *, asset: dg.AssetKey, name: str | None = None, blocking: bool = False, description: str | None = None
) -> Callable[[Callable[..., dg.AssetCheckResult]], Callable[..., dg.AssetCheckResult]]:
    """Declare `fn` a check of `asset`, run in that asset's step (arguments as `@dg.asset_check`'s;
    the name defaults to the function's, the description to its docstring)."""

    def register(fn: Callable[..., dg.AssetCheckResult]) -> Callable[..., dg.AssetCheckResult]:
        doc = inspect.cleandoc(fn.__doc__) if fn.__doc__ else None
        spec = dg.AssetCheckSpec(name or fn.__name__, asset=asset, blocking=blocking, description=description or doc)
        if spec.key in _CHECKS:
            raise ValueError(f"asset check {spec.key.to_user_string()} is declared twice")
        _CHECKS[spec.key] = StepCheck(spec, fn)
        return fn

    return register


def declared_checks() -> dict[dg.AssetCheckKey, StepCheck]:
    """Every check declared in a `checks.py` under pipeline/defs (imported on first use)."""
    _import_check_modules()
    return dict(_CHECKS)


@functools.cache
def _import_check_modules() -> None:
    defs = Path(__file__).parent
    for path in sorted(defs.rglob("checks.py")):
        importlib.import_module(".".join(("pipeline", "defs", *path.relative_to(defs).with_suffix("").parts)))


# what `checked_asset` passes to the asset's AssetSpec; the rest (pool, ...) goes to the op
_SPEC_FIELDS = {"deps", "description", "metadata", "group_name", "code_version", "owners", "tags", "kinds"}
_SPEC_FIELDS |= {"freshness_policy", "automation_condition", "partitions_def"}


def checked_asset(*, key: Any, **asset_args: Any) -> Callable[[Callable], dg.AssetsDefinition]:
    """`dg.asset(key=key, **asset_args)` whose step also runs the checks declared on its key.

    Built as a one-asset `dg.multi_asset` with `can_subset=True` (the op keeps the name
    `dg.asset` gives it, `clean__hardware__gpu_spec`), so a check can also run alone ("Execute"
    on a check in the UI, a job selecting only checks): the body then does not run."""
    key = key if isinstance(key, dg.AssetKey) else dg.AssetKey(key)
    spec_args = {k: v for k, v in asset_args.items() if k in _SPEC_FIELDS}
    op_args = {k: v for k, v in asset_args.items() if k not in _SPEC_FIELDS}

    def decorate(fn: Callable) -> dg.AssetsDefinition:
        description = spec_args.pop("description", None) or (inspect.cleandoc(fn.__doc__) if fn.__doc__ else None)
        spec = dg.AssetSpec(key, description=description, **spec_args)
        return _checked(
            dg.multi_asset, {"name": key.to_python_identifier(), "specs": [spec], "can_subset": True, **op_args}, [key]
        )(fn)

    return decorate


def checked_multi_asset(**asset_args: Any) -> Callable[[Callable], dg.AssetsDefinition]:
    """`dg.multi_asset(**asset_args)` whose step also runs the checks declared on its keys
    (each selected key's; with `can_subset=True`, only the checks of the keys selected)."""
    return _checked(dg.multi_asset, asset_args, [spec.key for spec in asset_args["specs"]])


def _checked(decorator: Callable, asset_args: dict[str, Any], keys: list[dg.AssetKey]) -> Callable:
    checks = [c for c in declared_checks().values() if c.spec.asset_key in keys]

    def decorate(fn: Callable) -> dg.AssetsDefinition:
        params = set(inspect.signature(fn).parameters)
        for check in checks:
            missing = [p for p in check.params if p not in params]
            if missing:
                raise TypeError(
                    f"check {check.spec.key.to_user_string()} takes {', '.join(missing)}, which its asset "
                    f"{fn.__name__} does not: add {'it' if len(missing) == 1 else 'them'} to the asset's parameters"
                )
        return decorator(**asset_args, check_specs=[c.spec for c in checks])(_runs_checks_after(fn, checks))

    return decorate


def _runs_checks_after(fn: Callable, checks: list[StepCheck]) -> Callable:
    """The body, then each selected check's result (named, so one step can carry several)."""

    @functools.wraps(fn)
    def step(*args: Any, **kwargs: Any) -> Iterator[Any]:
        context = _context(args, kwargs)
        if context.selected_asset_keys:  # none: only checks were selected, they read what is stored
            result = fn(*args, **kwargs)
            yield from result if inspect.isgenerator(result) else [result]
        yield from _evaluate(checks, context, kwargs)

    if fn in skip.SPECS:  # the fingerprint the refresh plans with is the body's
        skip.SPECS[step] = skip.SPECS[fn]
    return step


def _evaluate(
    checks: Iterable[StepCheck], context: dg.AssetExecutionContext, resources: dict[str, Any]
) -> Iterator[dg.AssetCheckResult]:
    selected = context.selected_asset_check_keys
    for check in checks:
        if check.spec.key not in selected:
            continue
        result = check.fn(**{p: context if p == "context" else resources[p] for p in check.params})
        yield result._replace(asset_key=check.spec.asset_key, check_name=check.spec.name)


def _context(args: tuple, kwargs: dict[str, Any]) -> dg.AssetExecutionContext:
    for value in [*args, *kwargs.values()]:
        if isinstance(value, dg.AssetExecutionContext):
            return value
    raise TypeError("a checked asset takes its context as a parameter")
