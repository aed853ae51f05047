"""vLLM serving benchmarks: `benchmark_serving.py` / `vllm bench serve --save-result`
JSON, and the run table (`benchmark_results.json`) vLLM's perf scripts render from them.

Decisions:
* `request_rate` may be the string "inf" (all prompts sent at once): load mode `burst`,
  no target rate; the raw "inf" stays in `benchmark_run_stat`.
* `max_concurrency` set and rate "inf": load mode `concurrency`.
* Older vLLM (~0.6 to 0.8) writes the goodput key as ``"request_goodput:"`` (with the
  colon); both spellings map to `goodput`.
* `median_*` is the p50. Latencies are already in ms; per-request `ttfts`/`itls` are in s.
* `failed` is absent in older files: it is counted from the per-request `errors` list
  (non-empty strings) when present, else `num_prompts - completed`.
* An all-failed run writes every latency as 0.0: the run is kept with
  `all_requests_failed` in `_errors` (quarantined), never averaged in.
* `date` is the local time the result was written, format ``%Y%m%d-%H%M%S``, no zone:
  stored as given (naive) in `started_at`; `context_sources` says so.
* Per-request rows: `e2el = ttft + sum(itls)` and `tpot = sum(itls) / (output_len - 1)`,
  as vLLM computes them; a failed request (non-empty error) keeps null latencies.
* The run table's "Test name" (``tp8_pp1_qps_04``) names tensor x pipeline parallelism
  and the target rate; "GPU" is a cloud instance type, kept in `unmapped` (the sidecar
  maps it to a GPU SKU).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sources import cells
from sources.benchmarks.common import (
    Frames,
    ParseContext,
    ParseError,
    RunBuilder,
    bench_serving_requests,
    check_all_failed,
    finish,
)

FORMAT = "vllm"
_LAT = re.compile(r"^(mean|median|std|p\d+(?:\.\d+)?)_(ttft|tpot|itl|e2el)_ms$")
_SCALARS = {
    "duration": ("duration", "s"),
    "completed": ("completed", "requests"),
    "failed": ("failed", "requests"),
    "total_input_tokens": ("input_tokens_total", "tokens"),
    "total_output_tokens": ("output_tokens_total", "tokens"),
    "request_throughput": ("request_throughput", "req/s"),
    "request_goodput": ("goodput", "req/s"),
    "request_goodput:": ("goodput", "req/s"),
    "output_throughput": ("output_throughput", "tok/s"),
    "total_token_throughput": ("total_throughput", "tok/s"),
    "max_output_tokens_per_s": ("peak_output_throughput", "tok/s"),
    "max_concurrent_requests": ("peak_inflight", "requests"),
}
# Per-request parallel arrays (one entry per request). `latencies` and `queue_times` are
# newer vLLM's (vllm/benchmarks/serve.py); they are per-request too, never run fields.
PER_REQUEST = {
    "input_lens",
    "output_lens",
    "ttfts",
    "itls",
    "errors",
    "generated_texts",
    "start_times",
    "e2els",
    "latencies",
    "queue_times",
}
_HEADER = {
    "date",
    "backend",
    "endpoint_type",
    "label",
    "model_id",
    "tokenizer_id",
    "num_prompts",
    "request_rate",
    "max_concurrency",
    "burstiness",
}


def _stat_name(word: str) -> str:
    if word == "median":
        return "p50"
    if word.startswith("p"):
        number = word[1:]
        return "p" + (number[:-2] if number.endswith(".0") else number).replace(".", "_")
    return word


def parse(data: bytes, ctx: ParseContext) -> Frames:
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ParseError(f"not JSON ({err})") from None
    if isinstance(doc, list) and doc and all(isinstance(r, dict) and "Test name" in r for r in doc):
        return _parse_table(doc, ctx)
    if not isinstance(doc, dict) or "completed" not in doc:
        raise ParseError("not a vLLM serving result (no 'completed' key) nor a run table")
    return parse_result(doc, ctx)


def _load(b: RunBuilder, rate: Any, max_conc: Any) -> None:
    b.stat("target_rate", "value", rate, "request_rate", "req/s")
    if max_conc is not None:
        b.set("max_concurrency", int(max_conc), "file:max_concurrency")
    rate_text = str(rate).strip().lower()
    unbounded = rate is None or rate_text in {"inf", "infinity"} or (isinstance(rate, float) and rate == float("inf"))
    if unbounded:
        b.set("load_mode", "concurrency" if max_conc is not None else "burst", "file:request_rate")
    else:
        b.set("load_mode", "rate", "file:request_rate")
        b.set("target_rate_rps", float(rate), "file:request_rate")


@dataclass(frozen=True)
class RequestCounts:
    """What the run needs from the per-request rows when they are read apart from the
    document (the streamed import, `sources.benchmarks.streamed`): how many rows, how
    many failed (non-empty `errors` entry)."""

    rows: int
    failed: int


def parse_result(doc: dict, ctx: ParseContext, counts: RequestCounts | None = None) -> Frames:
    """One `--save-result` document. With `counts`, `doc` is the document without its
    per-request arrays (they were read in SQL) and the run takes its row counts from
    `counts`; the run, its stats and their ids are the same either way."""
    b = RunBuilder(ctx, "run")
    b.set("format", FORMAT)
    b.set("format_variant", "vllm-bench-serve-json")
    if doc.get("date"):
        started = cells.timestamp(doc["date"], "date", b.errors, formats=("%Y%m%d-%H%M%S",), iso=False)
        b.set("started_at", started, "file:date (local time, zone unknown)")
    backend = doc.get("backend") or doc.get("endpoint_type")
    if backend:
        b.set("engine", "vllm" if backend.startswith(("vllm", "openai")) else backend, "file:backend")
    b.set("model", doc.get("model_id"), "file:model_id")
    _load(b, doc.get("request_rate"), doc.get("max_concurrency"))
    b.stat("requests_sent", "value", doc.get("num_prompts"), "num_prompts", "requests")
    for key, value in doc.items():
        m = _LAT.match(key)
        if m:
            b.latency(m.group(2), _stat_name(m.group(1)), value, key, "ms")
        elif key in _SCALARS:
            metric, unit = _SCALARS[key]
            b.stat(metric, "value", value, key, unit)
        elif key not in PER_REQUEST and key not in _HEADER:
            b.unmapped[key] = value
        elif key in {"burstiness", "tokenizer_id", "label", "endpoint_type"}:
            b.unmapped[key] = value
    requests = None
    if counts is None and isinstance(doc.get("ttfts"), list):
        requests = bench_serving_requests(doc, b.run_id)
        counts = RequestCounts(requests.height, int((~requests["success"]).sum()))
    if counts is not None:
        b.set("n_request_rows", counts.rows)
        if "failed" not in doc:
            b.stat("failed", "value", counts.failed, "count(errors != '')", "requests")
    elif "failed" not in doc and doc.get("num_prompts") is not None and doc.get("completed") is not None:
        b.stat("failed", "value", doc["num_prompts"] - doc["completed"], "num_prompts - completed", "requests")
    check_all_failed(b)
    return finish(ctx, [b], requests, FORMAT)


_TABLE_LAT = re.compile(r"^(Mean|Median|P\d+) (TTFT|TPOT|ITL|E2EL) \(ms\)$")
_TABLE_SCALARS = {
    "# of req.": ("requests_sent", "requests"),
    "Tput (req/s)": ("request_throughput", "req/s"),
    "Output Tput (tok/s)": ("output_throughput", "tok/s"),
    "Total Tput (tok/s)": ("total_throughput", "tok/s"),
}
_TEST_NAME = re.compile(r"tp(\d+)_pp(\d+)_qps_(inf|\d+(?:\.\d+)?)")


def _parse_table(rows: list[dict], ctx: ParseContext) -> Frames:
    builders = []
    for i, row in enumerate(rows):
        b = RunBuilder(ctx, f"row{i}")
        b.set("format", FORMAT)
        b.set("format_variant", "vllm-run-table")
        name = str(row.get("Test name", ""))
        m = _TEST_NAME.search(name)
        if m:
            b.set("gpus_per_node", int(m.group(1)) * int(m.group(2)), "file:Test name (tp x pp)")
            _load(b, "inf" if m.group(3) == "inf" else float(m.group(3)), None)
            for field_name in ("load_mode", "target_rate_rps"):
                if field_name in b.fields:
                    b.origins[field_name] = "file:Test name"
        for key, value in row.items():
            lm = _TABLE_LAT.match(key)
            if lm:
                b.latency(
                    lm.group(2).lower(), "p50" if lm.group(1) == "Median" else lm.group(1).lower(), value, key, "ms"
                )
            elif key in _TABLE_SCALARS:
                metric, unit = _TABLE_SCALARS[key]
                b.stat(metric, "value", value, key, unit)
            elif key != "Test name":
                b.unmapped[key] = value
        b.unmapped["Test name"] = name
        builders.append(b)
    return finish(ctx, builders, None, FORMAT)
