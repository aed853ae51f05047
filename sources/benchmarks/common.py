"""The canonical shape every benchmark parser returns, and the small helpers they share.

A parser turns one result file into three frames:

* ``runs``: one row per load point (``RUN_SCHEMA``). Identity is
  ``run_id = <file sha256[:16]>/<locator>`` where ``locator`` says where in the file the
  load point sits (``run``, ``L3`` for line 3 of a JSONL, ``row5`` for a CSV row), so the
  same bytes always give the same ids and a re-import is a no-op.
* ``stats``: the lossless long form (``STAT_SCHEMA``): every number the file states, with
  its canonical value and unit *and* the raw key, raw text and raw unit it came from.
  Summary columns of ``runs`` are a projection of these rows, never computed apart.
* ``requests``: one row per request when the file has them (``REQUEST_SCHEMA``).

Canonical units: milliseconds for latencies, seconds for durations, requests/s and
tokens/s for throughputs, plain counts, ratios in [0, 1]. Bad rows are kept and carry
``"rule: reason"`` strings in ``_errors``; ``warehouse.store`` quarantines them.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from warehouse.rules import NUMBER_FINITE, NUMBER_NON_NEGATIVE, NUMBER_PARSES

PARSER_VERSION = 1

# Summary latency columns of benchmark_run: metric -> stats kept as columns.
LATENCY_COLUMNS = {
    "ttft": ("mean", "p50", "p90", "p95", "p99"),
    "tpot": ("mean", "p50", "p90", "p95", "p99"),
    "itl": ("mean", "p50", "p90", "p95", "p99"),
    "e2el": ("mean", "p50", "p90", "p95", "p99"),
}

# Scalar metrics of a run (stat = "value") that become columns of benchmark_run.
SCALAR_COLUMNS = {
    "duration": "duration_s",
    "requests_sent": "requests_sent",
    "completed": "completed",
    "failed": "failed",
    "rejected": "rejected",
    "request_throughput": "request_throughput_rps",
    "output_throughput": "output_tok_s",
    "total_throughput": "total_tok_s",
    "input_tokens_total": "input_tokens_total",
    "output_tokens_total": "output_tokens_total",
    "goodput": "goodput_rps",
    "prefix_cache_hit_rate": "prefix_cache_hit_rate",
    "mean_inflight": "mean_inflight",
}

RUN_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String,
    "source_id": pl.String,
    "file_sha256": pl.String,
    "file_name": pl.String,
    "locator": pl.String,
    "format": pl.String,
    "format_variant": pl.String,
    "format_version": pl.String,
    "parser_version": pl.Int32,
    "repo": pl.String,
    "commit": pl.String,
    "started_at": pl.Datetime("us"),
    "run_date": pl.Date,
    "engine": pl.String,
    "engine_version": pl.String,
    "model": pl.String,
    "quantization": pl.String,
    "gpu_sku": pl.String,
    "gpus_per_node": pl.Int32,
    "nodes": pl.Int32,
    "dataset": pl.String,
    "input_len": pl.Int64,
    "output_len": pl.Int64,
    "price_usd_per_gpu_hour": pl.Float64,
    "context_sources": pl.String,
    "load_mode": pl.String,
    "target_rate_rps": pl.Float64,
    "max_concurrency": pl.Int64,
    "valid": pl.Boolean,
    "validity_note": pl.String,
    "error_rate": pl.Float64,
    "goodput_slo": pl.String,
    **{
        col: (
            pl.Int64
            if col in {"requests_sent", "completed", "failed", "rejected", "input_tokens_total", "output_tokens_total"}
            else pl.Float64
        )
        for col in SCALAR_COLUMNS.values()
    },
    **{f"{m}_{s}_ms": pl.Float64 for m, stats in LATENCY_COLUMNS.items() for s in stats},
    "n_request_rows": pl.Int64,
    "duplicate_of": pl.String,
    "unmapped": pl.String,
}

STAT_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String,
    "metric": pl.String,
    "stat": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "raw_key": pl.String,
    "raw_value": pl.String,
    "raw_unit": pl.String,
}

REQUEST_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String,
    "request_index": pl.Int64,
    "success": pl.Boolean,
    "error": pl.String,
    "input_tokens": pl.Int64,
    "output_tokens": pl.Int64,
    "ttft_ms": pl.Float64,
    "tpot_ms": pl.Float64,
    "itl_mean_ms": pl.Float64,
    "e2el_ms": pl.Float64,
}

# Metrics whose raw value may be infinite on purpose: vLLM/SGLang write request_rate "inf"
# (all prompts at once, load mode burst); the raw text stays in benchmark_run_stat.
UNBOUNDED_OK = {"target_rate"}
# Counts above 2**53 cannot have come from a real run (and lose integer precision as floats).
MAX_COUNT = 2**53
_INT_RANGE = {pl.Int32: 2**31 - 1, pl.Int64: MAX_COUNT}

UNIT_TO_MS = {"ms": 1.0, "s": 1000.0, "sec": 1000.0, "us": 1e-3, "ns": 1e-6}

CANONICAL_UNIT = {
    "ttft": "ms",
    "tpot": "ms",
    "itl": "ms",
    "e2el": "ms",
    "duration": "s",
    "request_throughput": "req/s",
    "output_throughput": "tok/s",
    "total_throughput": "tok/s",
    "goodput": "req/s",
    "peak_output_throughput": "tok/s",
    "per_user_output_throughput": "tok/s/user",
    "prefix_cache_hit_rate": "ratio",
    "error_rate": "ratio",
    "mean_inflight": "requests",
    "input_tokens": "tokens",
    "output_tokens": "tokens",
    "input_tokens_total": "tokens",
    "output_tokens_total": "tokens",
    "requests_sent": "requests",
    "completed": "requests",
    "failed": "requests",
    "rejected": "requests",
}


class ParseError(ValueError):
    """The file cannot be read as the format at all (not JSON, wrong shape, a value the
    parser cannot take): the whole file is quarantined with this message.

    Decisions:
    * ``rule`` names what broke (``not_the_format``, ``nesting_too_deep``,
      ``malformed_value`` ...) and ``row`` where (``line 3``, ``row5``, or ``file`` when
      the whole file is the unit), so the quarantine row names file, row and rule.
    * ``str(err)`` stays the plain message: callers that print it keep working."""

    def __init__(self, message: str, rule: str = "not_the_format", row: str = "file"):
        super().__init__(message)
        self.rule = rule
        self.row = row

    def describe(self, file_name: str) -> str:
        """One line: `file, row: rule: message`."""
        return f"{file_name}, {self.row}: {self.rule}: {self}"


@dataclass
class Frames:
    """What a parser returns: runs, stats and (possibly empty) per-request rows."""

    runs: pl.DataFrame
    stats: pl.DataFrame
    requests: pl.DataFrame
    format: str = ""
    notes: list[str] = field(default_factory=list)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def to_float(value: Any) -> float | None:
    """Numbers as files write them: ints, floats, numeric strings ("550"), "inf",
    None/""/"null"/"N/A" as missing. "NaN" is not missing: a file that states NaN for a
    figure it measured is refused by the caller, not read as "not stated". Booleans are
    not numbers."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text == "" or text.lower() in {"none", "null", "n/a"}:
            return None
        return float(text)  # raises ValueError on garbage; "NaN"/"inf" come back as such and are refused
    raise ValueError(f"not a number: {value!r}")


def parse_python_dict(text: str) -> dict:
    """llmperf writes error-code counts as ``str(dict)``, e.g. ``"{-100.0: 49}"``.
    ``ast.literal_eval`` reads literals only; never ``eval``."""
    value = ast.literal_eval(text) if isinstance(text, str) else text
    if not isinstance(value, dict):
        raise ValueError(f"expected a dict literal, got {text!r}")
    return value


class RunBuilder:
    """Collects one run's fields and stats while a parser walks the file."""

    def __init__(self, ctx: ParseContext, locator: str):
        self.ctx = ctx
        self.locator = locator
        self.run_id = f"{ctx.sha256[:16]}/{locator}"
        self.fields: dict[str, Any] = {}
        self.origins: dict[str, str] = {}
        self.stats: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.unmapped: dict[str, Any] = {}

    def set(self, name: str, value: Any, origin: str = "file") -> None:
        """A context/load field the file states (origin "file:<key>"), or that a parser
        infers from where the file sits (origin "directory", "filename")."""
        if value is None or value == "":
            return
        self.fields[name] = value
        self.origins[name] = origin

    def stat(
        self,
        metric: str,
        stat: str,
        raw_value: Any,
        raw_key: str,
        raw_unit: str,
        factor: float = 1.0,
        unit: str | None = None,
    ) -> float | None:
        """Record one number: raw as written, canonical value = raw * factor."""
        try:
            number = to_float(raw_value)
        except (ValueError, OverflowError):
            self.errors.append(f"{NUMBER_PARSES}: {raw_key} = {_short(raw_value)} is not a number")
            return None
        if number is None:
            return None
        value = number * factor
        if math.isnan(value):
            self.errors.append(f"{NUMBER_FINITE}: {raw_key} is NaN")
            return None
        if not math.isfinite(value) and (metric not in UNBOUNDED_OK or value < 0):
            # `Infinity` for a latency or a count is not a measurement; it must not become NULL quietly
            self.errors.append(f"{NUMBER_FINITE}: {raw_key} = {_short(raw_value)} is not a finite number")
            return None
        if value > MAX_COUNT and math.isfinite(value):
            self.errors.append(f"out_of_range: {raw_key} = {_short(raw_value)} is beyond 2**53, no real measure")
            return None
        if value < 0:
            self.errors.append(
                f"{NUMBER_NON_NEGATIVE}: {raw_key} = {_short(raw_value)} (latencies, durations, "
                "throughputs, token and request counts cannot be negative)"
            )
            return None
        self.stats.append(
            {
                "run_id": self.run_id,
                "metric": metric,
                "stat": stat,
                "value": value if math.isfinite(value) else None,
                "unit": unit or CANONICAL_UNIT.get(metric, raw_unit),
                "raw_key": raw_key,
                "raw_value": raw_value if isinstance(raw_value, str) else json.dumps(raw_value),
                "raw_unit": raw_unit,
            }
        )
        return value

    def latency(self, metric: str, stat: str, raw_value: Any, raw_key: str, raw_unit: str) -> float | None:
        return self.stat(metric, stat, raw_value, raw_key, raw_unit, UNIT_TO_MS[raw_unit], "ms")

    def row(self) -> dict[str, Any]:
        ctx = self.ctx
        row = {col: None for col in RUN_SCHEMA}
        row.update(
            {
                "run_id": self.run_id,
                "source_id": ctx.source_id,
                "file_sha256": ctx.sha256,
                "file_name": ctx.file_name,
                "locator": self.locator,
                "parser_version": PARSER_VERSION,
            }
        )
        row.update(ctx.apply(self.fields, self.origins))
        for s in self.stats:
            if s["stat"] == "value" and s["metric"] in SCALAR_COLUMNS:
                row[SCALAR_COLUMNS[s["metric"]]] = s["value"]
            elif s["metric"] in LATENCY_COLUMNS and s["stat"] in LATENCY_COLUMNS[s["metric"]]:
                row[f"{s['metric']}_{s['stat']}_ms"] = s["value"]
        for int_col in (
            "requests_sent",
            "completed",
            "failed",
            "rejected",
            "input_tokens_total",
            "output_tokens_total",
        ):
            if row[int_col] is not None:
                if row[int_col] > MAX_COUNT:
                    self.errors.append(f"count_out_of_range: {int_col} = {row[int_col]:g} is beyond any real run")
                    row[int_col] = None
                else:
                    row[int_col] = int(round(row[int_col]))
        self._check_types(row)
        if row["error_rate"] is None and row["requests_sent"]:
            row["error_rate"] = (row["failed"] or 0) / row["requests_sent"]
        if row["valid"] is None:
            row["valid"] = not self.errors
        row["unmapped"] = json.dumps(self.unmapped, sort_keys=True, default=str) if self.unmapped else None
        row["_errors"] = list(self.errors)
        row["_locator"] = f"{ctx.file_name}:{self.locator}"
        return row

    def _check_types(self, row: dict[str, Any]) -> None:
        """Every cell fits its column, or the run carries the reason: polars would turn a
        dict in `model`, 1e12 in `gpus_per_node` or inf in a float column into NULL
        without a word (strict=False), and a wrong NULL is a row stored wrongly."""
        for col, dtype in RUN_SCHEMA.items():
            value = row.get(col)
            if value is None:
                continue
            problem = None
            if dtype in _INT_RANGE:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    problem = f"wrong_type: {col} = {_short(value)} is not a whole number"
                elif isinstance(value, float) and (not math.isfinite(value) or value != int(value)):
                    problem = f"wrong_type: {col} = {_short(value)} is not a whole number"
                elif abs(value) > _INT_RANGE[dtype]:
                    problem = f"count_out_of_range: {col} = {_short(value)} is beyond any real run"
                elif value < 0:
                    problem = f"{NUMBER_NON_NEGATIVE}: {col} = {_short(value)} cannot be negative"
            elif dtype == pl.Float64:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    problem = f"wrong_type: {col} = {_short(value)} is not a number"
                elif not math.isfinite(value):
                    problem = f"{NUMBER_FINITE}: {col} = {_short(value)} is not a finite number"
            elif dtype == pl.String and not isinstance(value, str):
                problem = f"wrong_type: {col} = {_short(value)} is not text"
            elif dtype == pl.Boolean and not isinstance(value, bool):
                problem = f"wrong_type: {col} = {_short(value)} is not true/false"
            elif isinstance(dtype, pl.Datetime) and not isinstance(value, dt.datetime):
                problem = f"wrong_type: {col} = {_short(value)} is not a timestamp"
            elif dtype == pl.Date and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
                problem = f"wrong_type: {col} = {_short(value)} is not a date"
            if problem:
                self.errors.append(problem)
                row[col] = None


def _short(value: Any, limit: int = 60) -> str:
    """A value as it appears in an error message, cut so a 1 MB string never lands in one."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


@dataclass
class ParseContext:
    """What a parser knows besides the bytes: file name/sha, source id, sidecar context.

    ``context`` is a ``sources.benchmarks.context.Context``; fields the file itself states
    win over it unless the context field is marked as an override.
    """

    file_name: str
    sha256: str
    source_id: str
    context: Any = None
    directory_parts: tuple[str, ...] = ()

    def apply(self, fields: dict[str, Any], origins: dict[str, str]) -> dict[str, Any]:
        from sources.benchmarks.context import merge_context

        return merge_context(fields, origins, self.context, self.file_name)


def finish(
    ctx: ParseContext,
    builders: list[RunBuilder],
    requests: pl.DataFrame | None = None,
    fmt: str = "",
    notes: list[str] | None = None,
) -> Frames:
    """Assemble builders into typed frames."""
    rows = [b.row() for b in builders]
    runs = pl.DataFrame(rows, schema={**RUN_SCHEMA, "_errors": pl.List(pl.String), "_locator": pl.String}, strict=False)
    stats = pl.DataFrame([s for b in builders for s in b.stats], schema=STAT_SCHEMA, strict=False)
    if requests is None:
        requests = pl.DataFrame(schema=REQUEST_SCHEMA)
    requests = requests.select(list(REQUEST_SCHEMA)).cast(REQUEST_SCHEMA, strict=False)
    wrong = [f"{c} is {t}" for c, t in requests.schema.items() if t != REQUEST_SCHEMA[c]]
    if wrong:  # e.g. an object where a latency belongs: polars keeps it as a struct column
        raise ParseError(
            f"per-request values of the wrong type ({', '.join(wrong)})", rule="wrong_type", row="per-request rows"
        )
    return Frames(runs=runs, stats=stats, requests=requests, format=fmt, notes=notes or [])


def check_all_failed(b: RunBuilder) -> None:
    """vLLM (and others) report every latency as 0.0 when no request succeeded: those
    zeros are placeholders, not measurements, and must never reach an average."""
    completed = next((s["value"] for s in b.stats if s["metric"] == "completed" and s["stat"] == "value"), None)
    latencies = [s for s in b.stats if s["metric"] in LATENCY_COLUMNS]
    if completed == 0:
        b.errors.append("all_requests_failed: completed = 0, so the file's latency figures are placeholders")
    elif latencies and all(s["value"] == 0.0 for s in latencies):
        b.errors.append("latency_placeholder: every latency statistic is 0.0")


#: What each per-request array of a vLLM/SGLang `bench_serving` document holds, entry by
#: entry (null always allowed), in the order they are checked: the in-memory reader here
#: and the streamed one (`streamed.py`, in SQL) refuse the same entries with the same words.
REQUEST_ARRAY_ENTRIES = {
    "ttfts": "a number",
    "input_lens": "a whole number",
    "output_lens": "a whole number",
    "itls": "a list of numbers",
    "errors": "a string",
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_ENTRY_OK = {
    "a number": _is_number,
    "a whole number": lambda v: isinstance(v, int) and not isinstance(v, bool) and -(2**63) <= v < 2**63,
    # (all floats, as the tools write inter-token latencies, is the quick yes; else each entry)
    "a list of numbers": lambda v: (
        isinstance(v, list) and (all(type(x) is float for x in v) or all(x is None or _is_number(x) for x in v))
    ),
    "a string": lambda v: isinstance(v, str),
}


def entry_ok(expected: str, value: Any) -> bool:
    """`value` (from json.loads, not None) is `expected`: 'a number', 'a whole number'
    (within 64 bits), 'a list of numbers' or 'a string'. true/false is none of them."""
    return _ENTRY_OK[expected](value)


def wrong_entry(key: str, index: int) -> ParseError:
    """The refusal of a file whose per-request array `key` holds something else than
    `REQUEST_ARRAY_ENTRIES[key]` at `index` (a number as a string, a fraction for a token
    count, true for a latency): the file is refused whole, never cast into shape."""
    expected = REQUEST_ARRAY_ENTRIES[key]
    return ParseError(
        f"per-request entry {key}[{index}] is not {expected} (nothing is cast into shape)",
        rule="wrong_type",
        row=f"{key}[{index}]",
    )


def check_request_arrays(doc: dict) -> None:
    """Refuse (`wrong_entry`) the first entry of a per-request array that is not what the
    array holds: JSON's own types, as the tool wrote them; null is a missing value."""
    for key, expected in REQUEST_ARRAY_ENTRIES.items():
        ok, values = _ENTRY_OK[expected], doc.get(key)
        if not isinstance(values, list):
            continue  # absent, or not an array at all: the caller's shape checks say so
        for i, value in enumerate(values):
            if value is not None and not ok(value):
                raise wrong_entry(key, i)


def bench_serving_requests(doc: dict, run_id: str) -> pl.DataFrame:
    """Per-request rows from the parallel arrays (`ttfts`, `itls`, `input_lens`,
    `output_lens`, `errors`) that vLLM's `benchmark_serving.py` writes and SGLang's
    `bench_serving` (a fork of it) writes the same way. Latencies there are seconds: ms here.
    `e2el = ttft + sum(itls)` and `tpot = sum(itls) / (output_len - 1)`, as vLLM computes
    them; a failed request (non-empty error) keeps null latencies. Arrays of different
    lengths cannot be lined up, so they are refused (ParseError), never truncated."""
    n = len(doc["ttfts"])
    for key in ("input_lens", "output_lens", "itls", "errors"):
        if doc.get(key) and len(doc[key]) != n:
            raise ParseError(f"per-request arrays differ in length: ttfts has {n}, {key} has {len(doc[key])}")
    check_request_arrays(doc)
    errors = doc.get("errors") or [""] * n
    frame = pl.DataFrame(
        {
            "request_index": pl.int_range(0, n, eager=True),
            "error": pl.Series(errors, dtype=pl.String),
            "input_tokens": pl.Series(doc.get("input_lens") or [None] * n, dtype=pl.Int64),
            "output_tokens": pl.Series(doc.get("output_lens") or [None] * n, dtype=pl.Int64),
            "ttft_s": pl.Series(doc["ttfts"], dtype=pl.Float64),
            "itls": pl.Series(doc.get("itls") or [[]] * n, dtype=pl.List(pl.Float64)),
        }
    )
    ok = pl.col("error").fill_null("") == ""
    itl_sum = pl.col("itls").list.sum()
    return frame.select(
        pl.lit(run_id).alias("run_id"),
        "request_index",
        ok.alias("success"),
        pl.when(ok).then(None).otherwise(pl.col("error")).alias("error"),
        "input_tokens",
        "output_tokens",
        pl.when(ok).then(pl.col("ttft_s") * 1000).alias("ttft_ms"),
        pl.when(ok & (pl.col("output_tokens") > 1))
        .then(itl_sum * 1000 / (pl.col("output_tokens") - 1))
        .alias("tpot_ms"),
        pl.when(ok & (pl.col("itls").list.len() > 0)).then(pl.col("itls").list.mean() * 1000).alias("itl_mean_ms"),
        pl.when(ok).then((pl.col("ttft_s") + itl_sum) * 1000).alias("e2el_ms"),
    )
