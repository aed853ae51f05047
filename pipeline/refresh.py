"""Run the full-refresh job in-process (no Dagster server) with concise progress lines.

Decisions:
- Plan first, then run only what changed: every asset's fingerprint (code version, sha256
  of each input, upstream data versions: pipeline/fingerprint.py) is computed before any
  job starts and compared with the one its last successful run recorded in the warehouse.
  Only assets whose fingerprint changed run, with everything downstream of them (their
  bodies check again when they start, so a downstream asset whose upstream produced the
  same data version still skips). Nothing changed: no Dagster run starts at all, and the
  refresh says what it skipped and why. `force=True` runs everything.
- A live feed (online) cannot be planned: it always runs, and what depends on it runs and
  skips in its body if the payload is byte-identical to a stored one.
- The warehouse path and `force` reach the assets as resources of this run
  (`WarehouseResource(path=..., skip_unchanged=...)`), not through `os.environ`.
"""

from __future__ import annotations

import fnmatch
import functools
import logging
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

JOB_NAME = "full_refresh"
SELECTION_JOB = "cli_selection"


class _ProgressHandler(logging.Handler):
    """Print one line per finished step (an asset or multi-asset, its checks run inside it:
    pipeline/defs/step_checks.py) to stderr: `[N/M]`, the step, its time and the time since
    the run began (a line per step also reads well in a log file). A check that did not pass
    marks its asset's line `warn` and is named `<asset key>_<check name>`, the name its own
    step had (`clean/token_prices/litellm_feed_is_fresh`)."""

    def __init__(self, stream, total: int = 0):
        super().__init__()
        self.stream = stream
        self.total = total
        self.finished = 0
        self.t0 = time.monotonic()
        self.started: dict[str, float] = {}
        self.warned: dict[str, str] = {}  # check (`<asset key>_<check name>`) -> why it did not pass
        self._warned_in_step: dict[str, list[str]] = {}  # step -> why each of its checks did not pass
        self.skipped_in_body: dict[str, str] = {}  # asset key -> why its body did not run
        self._skipped_steps: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        meta = record.__dict__.get("dagster_meta")
        event = meta.get("dagster_event") if isinstance(meta, dict) else None
        if event is None:
            return
        kind, step = event.event_type_value, event.step_key
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            took = time.monotonic() - self.started.get(step, time.monotonic())
            mark = {"STEP_SUCCESS": "ok  ", "STEP_FAILURE": "FAIL", "STEP_SKIPPED": "skip"}[kind]
            if kind == "STEP_SUCCESS" and step in self._skipped_steps:
                mark = "same"  # it started, found its inputs unchanged and did not recompute
            why = "; ".join(self._warned_in_step.get(step, [])) or None
            if why is not None and kind == "STEP_SUCCESS":
                mark = "warn"
            self.finished += 1
            count = f"[{self.finished:>{len(str(self.total))}}/{self.total}] " if self.total else ""
            print(
                f"  {mark} {count}{_readable(step):<60} {took:6.2f}s  (at {time.monotonic() - self.t0:5.1f}s)"
                + (f"  {why}" if why else ""),
                file=self.stream,
                flush=True,
            )
        elif kind == "ASSET_MATERIALIZATION":
            from pipeline.defs.skip import SKIPPED

            materialization = event.event_specific_data.materialization
            metadata = materialization.metadata or {}
            if SKIPPED in metadata:
                reason = metadata.get("skip_reason")
                self.skipped_in_body[materialization.asset_key.to_user_string()] = str(getattr(reason, "value", reason))
                self._skipped_steps.add(step)
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if not data.passed:
                why = f"check {data.check_name} did not pass: {_why(data)}"
                self.warned[f"{data.asset_key.to_user_string()}_{data.check_name}"] = why
                self._warned_in_step.setdefault(step, []).append(why)


def _why(evaluation) -> str:
    """A check's short explanation: its description, else its first short text metadata."""
    if getattr(evaluation, "description", None):
        return evaluation.description
    metadata = evaluation.metadata or {}
    preferred = [k for k in ("reason", "freshness", "last_message", "message") if k in metadata]
    parts = [f"{k}: {getattr(metadata[k], 'value', metadata[k])}" for k in preferred]
    if parts:
        return "; ".join(parts)
    for key, entry in metadata.items():
        text = str(getattr(entry, "value", entry))
        if 0 < len(text) <= 120:
            return f"{key}: {text}"
    return "see the check's metadata in `dagster dev`"


def _readable(step_key: str) -> str:
    return step_key.replace("__", "/")


@dataclass
class RefreshOutcome:
    success: bool
    seconds: float
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # asset key -> why it was not recomputed
    ran: dict[str, str] = field(default_factory=dict)  # asset key -> why it ran


@dataclass
class Plan:
    run: dict[str, str]  # asset key -> why it runs
    skip: dict[str, str]  # asset key -> why it is skipped (inputs unchanged: code version, hashes)


def definitions() -> dg.Definitions:
    """The code location's definitions, built at most once per process.

    Decisions:
    - The `pipeline.definitions` module's own `defs` where this process loaded it (the
      tests, a code server, a run worker); else (`infernomics refresh`) the same definitions
      built without the component catalog a UI reads and a run does not
      (`pipeline.code_location.build(catalog=False)`, ~0.2 s less), kept for the process.
    """
    loaded = sys.modules.get("pipeline.definitions")
    if loaded is not None and isinstance(getattr(loaded, "defs", None), dg.Definitions):
        return loaded.defs
    return _run_definitions()


@functools.cache
def _run_definitions() -> dg.Definitions:
    from pipeline.code_location import build

    return build(catalog=False)


def asset_keys(defs: dg.Definitions) -> list[str]:
    return sorted(k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys())


def run_refresh(
    warehouse_path: Path,
    select: list[str] | None = None,
    stream=None,
    wait: bool = False,
    force: bool = False,
) -> RefreshOutcome:
    """Materialize every asset (or those matching `select` globs / `group:NAME`) in-process,
    skipping those whose inputs did not change since their last successful run (unless `force`).

    The refresh holds `<warehouse>.refresh.lock` throughout (a second one is refused with
    who holds it, or queues with `wait=True`; its record in the lock is the `running` marker)
    and is recorded as one `refresh_run` row published with its tables
    (warehouse/refresh_record.py)."""
    from warehouse import Warehouse
    from warehouse.refresh_record import begin_refresh, finish_refresh, refresh_lock

    stream = stream if stream is not None else sys.stderr  # looked up now: a caller may have redirected it

    if select:
        _select(definitions(), select)  # an unknown pattern is refused before anything is recorded
    warehouse = Warehouse(warehouse_path)
    with refresh_lock(warehouse, wait=wait) as lock:
        record = begin_refresh(lock, select)  # the `running` marker, in the lock file: nothing published
        status = "interrupted"
        outcome = None
        # every step's write window and the final record share one building copy of the
        # file, published once at the end (warehouse.connection: one build, many windows)
        with warehouse.build():
            try:
                outcome = _execute(warehouse.path, select, stream, force)
                status = "ok" if outcome.success else "failed"
            finally:
                finish_refresh(
                    warehouse,
                    lock,
                    record,
                    status,
                    len(outcome.failures) if outcome else 0,
                    "\n".join(outcome.failures) if outcome and outcome.failures else None,
                )
    return outcome


def plan_refresh(
    defs: dg.Definitions, warehouse_path: Path, keys: list[dg.AssetKey] | None = None, force: bool = False
) -> Plan:
    """Which assets of `keys` (default: all) must run, and why; the others are skipped with why."""
    from pipeline import fingerprint as fpr
    from pipeline.defs.skip import input_context, spec_of, upstream_keys
    from warehouse import Warehouse

    graph = defs.resolve_asset_graph()
    wanted = set(keys) if keys is not None else set(graph.get_all_asset_keys())
    resources = _resources(defs, warehouse_path, force)
    run: dict[str, str] = {}
    skip: dict[str, str] = {}
    planned: dict[str, str | None] = {}  # data version each asset will have (None: known only after it runs)
    warehouse = Warehouse(warehouse_path)
    con_cm = warehouse.reader() if warehouse.exists() else None
    con = con_cm.__enter__() if con_cm else None
    try:
        table = fpr.stored(con)
        ctx = input_context(warehouse.path, con, resources)
        for key in graph.toposorted_asset_keys:
            name = key.to_user_string()
            assets_def = graph.assets_def_for_key(key)
            found = spec_of(assets_def)
            ups = upstream_keys(assets_def, key)
            if key not in wanted:
                planned[name] = table[name].data_version if name in table else "missing"
                continue
            if found is None:
                run[name], planned[name] = "not fingerprinted", None
                continue
            spec, module = found
            unknown = [u for u in ups if planned.get(u, "known") is None]
            why = spec.volatile(ctx) if spec.volatile else None
            if why or unknown:
                run[name] = why or f"after {', '.join(unknown)} (skips if that changed nothing)"
                planned[name] = None
                continue
            upstream = {u: planned.get(u) or (table[u].data_version if u in table else "missing") for u in ups}
            fp = fpr.compute(name, spec, fpr.code_version(module), upstream, ctx)
            old = fpr.stored_one(spec, name, ctx, table)
            planned[name] = fp.data_version
            if force:
                run[name] = "--force"
            elif old is not None and old.fingerprint == fp.fingerprint:
                skip[name] = fpr.unchanged_reason(fp)
            else:
                run[name] = fpr.changed_reason(fp, old)
    finally:
        if con_cm:
            con_cm.__exit__(None, None, None)
    return Plan(run, skip)


def _resources(defs: dg.Definitions, warehouse_path: Path, force: bool) -> dict:
    """The run's resources with their EnvVars resolved as a run would, and this refresh's
    warehouse. (Not `process_config_and_initialize`: it builds a Dagster instance per
    resource, most of a no-op refresh's time.)"""
    from pipeline.defs.resources import WarehouseResource

    out = {}
    for name, resource in (defs.resources or {}).items():
        if isinstance(resource, dg.ConfigurableResource):
            fields = {k: _env_resolved(getattr(resource, k)) for k in type(resource).model_fields}
            out[name] = type(resource)(**fields)
    out["warehouse"] = WarehouseResource(path=str(warehouse_path), skip_unchanged=not force)
    return out


def _env_resolved(value):
    if isinstance(value, dg.EnvVar):
        return value.get_value()
    if hasattr(value, "get_value") and hasattr(value, "name"):  # dg.EnvVar.int(...)
        return int(value.get_value())
    return value


def _execute(warehouse_path: Path, select: list[str] | None, stream, force: bool = False) -> RefreshOutcome:
    warnings.filterwarnings("ignore", category=UserWarning, module="dagster")
    warnings.filterwarnings("ignore", category=dg.BetaWarning) if hasattr(dg, "BetaWarning") else None
    started = time.monotonic()
    defs = definitions()
    plan = plan_refresh(defs, warehouse_path, _select(defs, select) if select else None, force)
    if plan.skip:
        print(
            f"skipped {len(plan.skip)} assets: inputs unchanged (code version and sha256 of every input "
            "equal to their last successful run's; --force recomputes)",
            file=stream,
        )
        for name, why in sorted(plan.skip.items()):
            print(f"  skip {name:<44} {why}", file=stream)
    if not plan.run:
        print("nothing to run", file=stream)
        return RefreshOutcome(True, time.monotonic() - started, skipped=plan.skip)
    for name, why in sorted(plan.run.items()):
        print(f"  run  {name:<44} {why}", file=stream)
    select_keys = [dg.AssetKey.from_user_string(k) for k in plan.run]

    handler = _ProgressHandler(stream)  # its total is set once the job is resolved

    @dg.logger
    def progress(_):
        logger = logging.Logger("infernomics.refresh", level=logging.DEBUG)
        logger.addHandler(handler)
        return logger

    everything = len(plan.run) == len(defs.resolve_asset_graph().get_all_asset_keys())
    jobs = [] if everything else [dg.define_asset_job(SELECTION_JOB, selection=select_keys)]
    merged = dg.Definitions.merge(defs, dg.Definitions(loggers={"progress": progress}, jobs=jobs))
    job = merged.resolve_job_def(JOB_NAME if everything else SELECTION_JOB)
    handler.total = len(job.graph.node_dict)  # one step per op: assets and multi-assets (checks run inside)
    # This refresh's warehouse and --force are config of the run's warehouse resource: the
    # same Definitions serve `dagster dev`, the schedule and this command, and no process-wide
    # state (os.environ) changes.
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        run_config={
            "loggers": {"progress": {}},
            "resources": {"warehouse": {"config": {"path": str(warehouse_path), "skip_unchanged": not force}}},
        },
        raise_on_error=False,
    )
    failures = [
        f"{_readable(e.step_key)}: {e.event_specific_data.error.message.strip().splitlines()[-1]}"
        for e in result.all_events
        if e.event_type_value == "STEP_FAILURE"
    ]
    warned = [f"{check}: {why}" for check, why in handler.warned.items()]
    skipped = dict(plan.skip)
    for key, why in handler.skipped_in_body.items():  # ran, found its upstream's data unchanged
        skipped[key] = why
    ran = {k: v for k, v in plan.run.items() if k not in skipped}
    if handler.skipped_in_body:
        print(f"skipped {len(handler.skipped_in_body)} more when they started: inputs unchanged", file=stream)
    return RefreshOutcome(result.success, time.monotonic() - started, failures, warned, skipped, ran)


def _select(defs: dg.Definitions, patterns: list[str]) -> list[dg.AssetKey]:
    graph = defs.resolve_asset_graph()
    chosen = []
    for key in graph.get_all_asset_keys():
        name = key.to_user_string()
        group = graph.get(key).group_name
        if any(fnmatch.fnmatch(name, p) or p == f"group:{group}" for p in patterns):
            chosen.append(key)
    if not chosen:
        raise ValueError(f"--select {' '.join(patterns)} matches no asset; assets are: {', '.join(asset_keys(defs))}")
    return chosen
