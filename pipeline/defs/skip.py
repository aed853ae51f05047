"""Skip an asset whose inputs did not change, wherever it runs (CLI, UI, schedule, sensor).

    @dg.asset(key=[...], ...)
    @fingerprinted(Bundled("data/epoch_llm_prices"))
    def llm_price_observation(context, warehouse): ...

Before the body runs, the wrapper computes the asset's fingerprint (pipeline/fingerprint.py)
and compares it with the one recorded by its last successful run; equal (and the warehouse
resource's `skip_unchanged` on) means the body is not run: the asset reports a
materialization with `infernomics/skipped` metadata saying why, and the same data version.
Otherwise the body runs and the new fingerprint is written by `record_pending`, inside the
asset's write window (`WarehouseResource.ingest` calls it), so it is published with the rows.

Decisions:
- Our own fingerprints and a skip in the body, with Dagster's `code_version` and
  `data_version` reported beside them, rather than Dagster's staleness alone: Dagster
  keeps data versions in its instance, and `infernomics refresh` runs on an ephemeral
  instance (and a team's instance may be wiped or shared between warehouses). The
  warehouse file is what the fingerprints describe, so they live in it: a new or copied
  warehouse carries its own. The UI still shows code and data versions natively.
- A skipped asset reports a materialization (not no output): Dagster skips the downstream
  steps of an asset that yields nothing, and a downstream asset with a changed input of
  its own must still run.
- A multi-asset runs its body when any selected key changed (its body writes them in one
  window); the CLI selects only the changed keys of a subsettable one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg

from pipeline import fingerprint as fpr

SPECS: dict[Callable, fpr.Spec] = {}  # by the function @dg.asset decorates
_PENDING: dict[tuple[str, str], tuple[fpr.Spec, fpr.Fingerprint | None, fpr.InputContext, str]] = {}
SKIPPED = "infernomics/skipped"


def fingerprinted(*inputs: fpr.Input, **spec_fields: Any):
    """Declare what the asset reads (besides its upstream assets) and skip it when unchanged."""
    spec = fpr.Spec(inputs=inputs, **spec_fields)

    def decorate(fn: Callable) -> Callable:
        module = fn.__module__
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def gen_wrapper(*args, **kwargs):
                skips = _check(spec, module, _context(args, kwargs), kwargs)
                if skips is not None:
                    yield from skips
                    return
                yield from fn(*args, **kwargs)
                context = _context(args, kwargs)
                for key in context.selected_asset_keys:
                    _PENDING.pop((context.run.run_id, key.to_user_string()), None)

            SPECS[gen_wrapper] = spec
            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            context = _context(args, kwargs)
            skips = _check(spec, module, context, kwargs)
            if skips is not None:
                return skips[0]
            result = fn(*args, **kwargs)
            return _after(spec, context, result)

        SPECS[wrapper] = spec
        return wrapper

    return decorate


def spec_of(assets_def: dg.AssetsDefinition) -> tuple[fpr.Spec, str] | None:
    """(spec, module) of a fingerprinted asset, else None."""
    fn = getattr(getattr(assets_def.op, "compute_fn", None), "decorated_fn", None)
    if fn is None or fn not in SPECS:
        return None
    return SPECS[fn], fn.__module__


def input_context(warehouse_path: Path, con, resources: dict[str, Any]) -> fpr.InputContext:
    return fpr.InputContext(warehouse_path=warehouse_path, con=con, resources=resources)


def upstream_keys(assets_def: dg.AssetsDefinition, key: dg.AssetKey) -> list[str]:
    spec = assets_def.specs_by_key[key]
    return sorted(dep.asset_key.to_user_string() for dep in spec.deps)


def upstream_versions(keys: list[str], table: dict[str, fpr.Fingerprint]) -> dict[str, str]:
    return {k: (table[k].data_version if k in table else "missing") for k in keys}


def record_pending(con, context: dg.AssetExecutionContext, asset_key: dg.AssetKey | None = None) -> None:
    """Write the running asset's fingerprint in its write window (a no-op for other assets)."""
    key = (asset_key or context.asset_key).to_user_string()
    pending = _PENDING.get((context.run.run_id, key))
    if pending is None:
        return
    spec, fp, ctx, code = pending
    if fp is None or not fp.fingerprint or spec.data_version is not None:
        # volatile, or a feed: computed from what this window stored
        window = fpr.InputContext(ctx.warehouse_path, con, ctx.resources)
        fp = fpr.compute(key, spec, code, fp.upstream if fp else _upstream_now(context, key, con), window)
    fpr.record(con, fp, context.run.run_id)
    _PENDING[(context.run.run_id, key)] = (spec, fp, ctx, code)


def _upstream_now(context, key: str, con) -> dict[str, str]:
    dg_key = dg.AssetKey.from_user_string(key)
    return upstream_versions(upstream_keys(context.assets_def, dg_key), fpr.stored(con))


def _context(args, kwargs) -> dg.AssetExecutionContext:
    for value in [*args, *kwargs.values()]:
        if isinstance(value, dg.AssetExecutionContext):
            return value
    raise TypeError("a fingerprinted asset takes its context as a parameter")


def _check(spec: fpr.Spec, module: str, context: dg.AssetExecutionContext, kwargs) -> list | None:
    """Skip results for every selected key when all are unchanged, else None (after noting
    each key's fingerprint for `record_pending`)."""
    resources = {k: v for k, v in kwargs.items() if isinstance(v, (dg.ConfigurableResource, dg.Config))}
    warehouse = resources["warehouse"]
    path = warehouse.warehouse.path
    code = fpr.code_version(module)
    keys = sorted(context.selected_asset_keys, key=lambda k: k.to_user_string())
    fingerprints: dict[dg.AssetKey, fpr.Fingerprint | None] = {}
    previous: dict[dg.AssetKey, fpr.Fingerprint | None] = {}
    reasons: list[str] = []
    con_cm = warehouse.warehouse.reader() if warehouse.warehouse.exists() else None
    con = con_cm.__enter__() if con_cm else None
    try:
        ctx = input_context(path, con, resources)
        table = fpr.stored(con)
        for key in keys:
            name = key.to_user_string()
            up = upstream_versions(upstream_keys(context.assets_def, key), table)
            why = spec.volatile(ctx) if spec.volatile else None
            if why:
                fingerprints[key] = None
                _PENDING[(context.run.run_id, name)] = (
                    spec,
                    fpr.Fingerprint(name, "", "", code, {}, up),
                    input_context(path, None, resources),
                    code,
                )
                reasons.append(f"{name}: {why}")
                continue
            fp = fpr.compute(name, spec, code, up, ctx)
            fingerprints[key] = fp
            previous[key] = fpr.stored_one(spec, name, ctx, table)
            _PENDING[(context.run.run_id, name)] = (spec, fp, input_context(path, None, resources), code)
    finally:
        if con_cm:
            con_cm.__exit__(None, None, None)
    unchanged = all(
        fp is not None and previous.get(key) is not None and previous[key].fingerprint == fp.fingerprint
        for key, fp in fingerprints.items()
    )
    if not (unchanged and getattr(warehouse, "skip_unchanged", True)):
        for key, fp in fingerprints.items():
            if fp is not None:
                context.log.info(f"{key.to_user_string()} runs: {fpr.changed_reason(fp, previous.get(key))}")
        for reason in reasons:
            context.log.info(f"runs: {reason}")
        return None
    results = []
    for key, fp in fingerprints.items():
        assert fp is not None
        _PENDING.pop((context.run.run_id, key.to_user_string()), None)
        reason = fpr.unchanged_reason(fp)
        context.log.info(f"{key.to_user_string()} skipped: inputs unchanged ({reason})")
        results.append(
            dg.MaterializeResult(
                asset_key=key if len(context.assets_def.keys) > 1 else None,
                metadata={
                    SKIPPED: True,
                    "skip_reason": dg.MetadataValue.text(f"inputs unchanged: {reason}"),
                    "fingerprint": fp.fingerprint,
                    "code_version": fp.code_version,
                    "inputs": dg.MetadataValue.json(fp.inputs),
                },
                data_version=dg.DataVersion(fp.data_version),
            )
        )
    return results


def _after(spec: fpr.Spec, context: dg.AssetExecutionContext, result: Any) -> Any:
    """The body's result with the data version it was recorded under; a fingerprint kept
    beside an output folder (the report) is written now, after that output is published."""
    key = context.asset_key.to_user_string()
    pending = _PENDING.pop((context.run.run_id, key), None)
    if pending is None or not isinstance(result, dg.MaterializeResult):
        return result
    spec, fp, ctx, _code = pending
    if fp is None or not fp.fingerprint:
        return result
    if spec.stored_in is not None:
        fpr.record_file(spec.stored_in(ctx), fp)
    return dg.MaterializeResult(
        asset_key=result.asset_key,
        metadata={**(result.metadata or {}), "fingerprint": fp.fingerprint},
        check_results=result.check_results,
        data_version=dg.DataVersion(fp.data_version),
        tags=result.tags,
    )
