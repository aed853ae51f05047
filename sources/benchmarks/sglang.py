"""SGLang `python -m sglang.bench_serving --output-file x.jsonl`: one run per line, appended.

Decisions:
* Each line is a load point; its locator is the line number (``L1``...). Lines are
  independent: a bad line is quarantined, the others load.
* Python's `json.dumps` writes an unbounded rate as the bare token `Infinity` (not valid
  JSON for strict readers). Python's `json` module reads it as float inf: load mode `burst`.
* The file names neither the model nor the date (newer versions add `server_info`): those
  come from the context sidecar, and `context_sources` says so.
* `concurrency` (newer versions) is the *mean number of requests in flight*
  (sum of latencies / duration), not a concurrency limit: it goes to `mean_inflight`.
  The limit is `max_concurrency`.
* SGLang does not report failures in the summary: `failed` stays null unless the line
  has per-request `errors` (`--output-details`).
* `random_input_len`/`random_output_len` are the requested lengths for the `random`
  dataset only; for `sharegpt` they are defaults the tool ignored, so they are kept in
  `unmapped`, not as the run's input/output lengths.
"""

from __future__ import annotations

import json
import re

import polars as pl

from sources.benchmarks.common import (
    Frames,
    ParseContext,
    ParseError,
    RunBuilder,
    bench_serving_requests,
    check_all_failed,
    finish,
)

FORMAT = "sglang"
_LAT = re.compile(r"^(mean|median|std|p\d+)_(ttft|tpot|itl|e2e_latency)_ms$")
_SCALARS = {
    "duration": ("duration", "s"),
    "completed": ("completed", "requests"),
    "total_input_tokens": ("input_tokens_total", "tokens"),
    "total_output_tokens": ("output_tokens_total", "tokens"),
    "request_throughput": ("request_throughput", "req/s"),
    "output_throughput": ("output_throughput", "tok/s"),
    "total_throughput": ("total_throughput", "tok/s"),
    "concurrency": ("mean_inflight", "requests"),
    "max_output_tokens_per_s": ("peak_output_throughput", "tok/s"),
    "accept_length": ("spec_accept_length", "tokens"),
}
_PER_REQUEST = {"input_lens", "output_lens", "ttfts", "itls", "generated_texts", "errors"}


def parse(data: bytes, ctx: ParseContext) -> Frames:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ParseError(f"not UTF-8 text ({err})") from None
    builders, requests = [], []
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise ParseError("empty file")
    for number, line in lines:
        b = RunBuilder(ctx, f"L{number}")
        b.set("format", FORMAT)
        b.set("format_variant", "sglang-bench-serving-jsonl")
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as err:
            b.errors.append(f"json_parse: line {number} is not JSON ({err.msg})")
            builders.append(b)
            continue
        except RecursionError:  # lines are independent: one absurdly nested line does not sink the others
            b.errors.append(f"json_parse: line {number} is nested too deep to be a result")
            builders.append(b)
            continue
        if not isinstance(doc, dict):
            b.errors.append(f"json_parse: line {number} is not an object")
            builders.append(b)
            continue
        _fill(b, doc)
        if isinstance(doc.get("ttfts"), list):
            try:
                requests.append(bench_serving_requests(doc, b.run_id))
                b.set("n_request_rows", len(doc["ttfts"]))
            except ParseError as err:  # this line's arrays are unusable; the other lines still load
                b.errors.append(f"request_arrays: line {number}: {err}")
        check_all_failed(b)
        builders.append(b)
    if not any(b.stats for b in builders) and all(b.errors for b in builders):
        raise ParseError("no line is an SGLang bench_serving result")
    return finish(ctx, builders, pl.concat(requests) if requests else None, FORMAT)


def _fill(b: RunBuilder, doc: dict) -> None:
    b.set("engine", doc.get("backend"), "file:backend")
    b.set("dataset", doc.get("dataset_name"), "file:dataset_name")
    server = doc.get("server_info") or {}
    if isinstance(server, dict):
        b.set("model", server.get("model_path"), "file:server_info.model_path")
        b.set("engine_version", server.get("version"), "file:server_info.version")
    rate = doc.get("request_rate")
    b.stat("target_rate", "value", rate, "request_rate", "req/s")
    max_conc = doc.get("max_concurrency")
    if max_conc is not None:
        b.set("max_concurrency", int(max_conc), "file:max_concurrency")
    if rate is None or rate == float("inf"):
        b.set("load_mode", "concurrency" if max_conc is not None else "burst", "file:request_rate")
    else:
        b.set("load_mode", "rate", "file:request_rate")
        b.set("target_rate_rps", float(rate), "file:request_rate")
    if doc.get("dataset_name") == "random":
        b.set("input_len", doc.get("random_input_len"), "file:random_input_len")
        b.set("output_len", doc.get("random_output_len"), "file:random_output_len")
    for key, value in doc.items():
        m = _LAT.match(key)
        if m:
            metric = "e2el" if m.group(2) == "e2e_latency" else m.group(2)
            b.latency(metric, "p50" if m.group(1) == "median" else m.group(1), value, key, "ms")
        elif key in _SCALARS:
            metric, unit = _SCALARS[key]
            b.stat(metric, "value", value, key, unit)
        elif key not in _PER_REQUEST and key not in {
            "backend",
            "dataset_name",
            "request_rate",
            "max_concurrency",
            "server_info",
        }:
            b.unmapped[key] = value
    if isinstance(doc.get("errors"), list):
        failed = sum(1 for e in doc["errors"] if e)
        b.stat("failed", "value", failed, "count(errors != '')", "requests")
        b.stat("requests_sent", "value", len(doc["errors"]), "len(errors)", "requests")
