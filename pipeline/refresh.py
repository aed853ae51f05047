"""Run the full-refresh job in-process (no Dagster server) with concise progress lines."""

from __future__ import annotations

import fnmatch
import logging
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from warehouse.connection import ENV_VAR

JOB_NAME = "full_refresh"
SELECTION_JOB = "cli_selection"


class _ProgressHandler(logging.Handler):
    """Print one line per finished step (asset or check) to stderr: `[N/M]`, the step, its
    time and the time since the run began (a line per step also reads well in a log file)."""

    def __init__(self, stream, total: int = 0):
        super().__init__()
        self.stream = stream
        self.total = total
        self.finished = 0
        self.t0 = time.monotonic()
        self.started: dict[str, float] = {}
        self.warned: dict[str, str] = {}  # check step -> why it did not pass

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
            why = self.warned.get(step)
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
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if not data.passed:
                self.warned[step] = f"check {data.check_name} did not pass: {_why(data)}"


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


def asset_keys(defs: dg.Definitions) -> list[str]:
    return sorted(k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys())


def run_refresh(
    warehouse_path: Path, select: list[str] | None = None, stream=sys.stderr, wait: bool = False
) -> RefreshOutcome:
    """Materialize every asset (or those matching `select` globs / `group:NAME`) in-process.

    The refresh holds `<warehouse>.refresh.lock` throughout (a second one is refused with
    who holds it, or queues with `wait=True`) and is recorded as one `refresh_run` row,
    `running` until it finishes (warehouse/refresh_record.py)."""
    from warehouse import Warehouse
    from warehouse.refresh_record import begin_refresh, finish_refresh, refresh_lock

    if select:
        from pipeline.definitions import defs

        _select(defs, select)  # an unknown pattern is refused before anything is recorded
    warehouse = Warehouse(warehouse_path)
    with refresh_lock(warehouse, wait=wait):
        record = begin_refresh(warehouse, select)  # published on its own: readers see `running`
        status = "interrupted"
        outcome = None
        # every step's write window and the final record share one building copy of the
        # file, published once at the end (warehouse.connection: one build, many windows)
        with warehouse.build():
            try:
                outcome = _execute(warehouse.path, select, stream)
                status = "ok" if outcome.success else "failed"
            finally:
                finish_refresh(
                    warehouse,
                    record,
                    status,
                    len(outcome.failures) if outcome else 0,
                    "\n".join(outcome.failures) if outcome and outcome.failures else None,
                )
    return outcome


def _execute(warehouse_path: Path, select: list[str] | None, stream) -> RefreshOutcome:
    warnings.filterwarnings("ignore", category=UserWarning, module="dagster")
    warnings.filterwarnings("ignore", category=dg.BetaWarning) if hasattr(dg, "BetaWarning") else None
    from pipeline.definitions import defs

    handler = _ProgressHandler(stream)  # its total is set once the job is resolved

    @dg.logger
    def progress(_):
        logger = logging.Logger("infernomics.refresh", level=logging.DEBUG)
        logger.addHandler(handler)
        return logger

    jobs = [dg.define_asset_job(SELECTION_JOB, selection=_select(defs, select))] if select else []
    merged = dg.Definitions.merge(defs, dg.Definitions(loggers={"progress": progress}, jobs=jobs))
    job = merged.resolve_job_def(SELECTION_JOB if select else JOB_NAME)
    handler.total = len(job.graph.node_dict)  # one step per op: assets, multi-assets, checks
    started = time.monotonic()
    # The warehouse resource reads its path from the environment at run time, so the
    # same Definitions serve `dagster dev`, the schedule and this command.
    saved = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = str(warehouse_path)
    try:
        result = job.execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            run_config={"loggers": {"progress": {}}},
            raise_on_error=False,
        )
    finally:
        if saved is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = saved
    failures = [
        f"{_readable(e.step_key)}: {e.event_specific_data.error.message.strip().splitlines()[-1]}"
        for e in result.all_events
        if e.event_type_value == "STEP_FAILURE"
    ]
    warned = [f"{_readable(step)}: {why}" for step, why in handler.warned.items()]
    return RefreshOutcome(result.success, time.monotonic() - started, failures, warned)


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
