"""ray-project llmperf `token_benchmark_ray.py`: `*_summary.json` and `*_individual_responses.json`.

Decisions:
* Latencies are in **seconds** (`results_ttft_s_*`): converted to ms; raw kept.
* Some numbers are strings (`"results_number_input_tokens_min": "550"`): read as numbers,
  raw text kept in `benchmark_run_stat.raw_value`.
* `results_error_code_frequency` is `str(dict)` (`"{-100.0: 49}"`): read with
  `ast.literal_eval`, never `eval`. HTTP 429 and 503 count as *rejected* (the server
  refused the request); every other code is a failure. -100 is llmperf's own
  "request raised" code, so it is a failure, not a rejection.
* `results_num_completed_requests_per_min` is requests per **minute**: divided by 60.
* `timestamp` is the epoch second the summary was written (the end of the run): kept as
  `started_at` with that caveat in `context_sources`.
* `framework` is the provider or engine the run hit (`groq`, `bedrock`): `engine`.
* The individual-responses file has no summary: its run carries counts only; latency
  percentiles come from the per-request rows (derived, with lineage) at store time.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import polars as pl

from sources.benchmarks.common import (
    Frames,
    ParseContext,
    ParseError,
    RunBuilder,
    check_all_failed,
    entry_ok,
    finish,
    parse_python_dict,
)

FORMAT = "llmperf"
REJECT_CODES = {429, 503}
_METRICS = {
    "ttft_s": ("ttft", "s"),
    "inter_token_latency_s": ("itl", "s"),
    "end_to_end_latency_s": ("e2el", "s"),
    "request_output_throughput_token_per_s": ("per_user_output_throughput", "tok/s"),
    "number_input_tokens": ("input_tokens", "tokens"),
    "number_output_tokens": ("output_tokens", "tokens"),
}
_STAT = re.compile(r"^results_(.+?)_(quantiles_p\d+|mean|min|max|stddev)$")


def parse(data: bytes, ctx: ParseContext) -> Frames:
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ParseError(f"not JSON ({err})") from None
    if isinstance(doc, dict) and any(k.startswith("results_") for k in doc):
        return _summary(doc, ctx)
    if isinstance(doc, list) and doc and all(isinstance(r, dict) and "ttft_s" in r for r in doc):
        return _individual(doc, ctx)
    raise ParseError("not an llmperf summary (no results_* keys) nor an individual-responses list")


def _summary(doc: dict, ctx: ParseContext) -> Frames:
    b = RunBuilder(ctx, "run")
    b.set("format", FORMAT)
    b.set("format_variant", "llmperf-summary")
    b.set("format_version", doc.get("version"), "file:version")
    b.set("model", doc.get("model"), "file:model")
    b.set("engine", doc.get("framework"), "file:framework")
    if doc.get("timestamp") is not None:
        b.set(
            "started_at",
            dt.datetime.fromtimestamp(float(doc["timestamp"]), dt.UTC).replace(tzinfo=None),
            "file:timestamp (epoch s, written when the run ended)",
        )
    b.set(
        "input_len",
        int(float(doc["mean_input_tokens"])) if doc.get("mean_input_tokens") is not None else None,
        "file:mean_input_tokens",
    )
    b.set(
        "output_len",
        int(float(doc["mean_output_tokens"])) if doc.get("mean_output_tokens") is not None else None,
        "file:mean_output_tokens",
    )
    if doc.get("num_concurrent_requests") is not None:
        b.set("load_mode", "concurrency", "file:num_concurrent_requests")
        b.set("max_concurrency", int(doc["num_concurrent_requests"]), "file:num_concurrent_requests")
    consumed = {
        "version",
        "model",
        "framework",
        "timestamp",
        "mean_input_tokens",
        "mean_output_tokens",
        "num_concurrent_requests",
    }
    for key, value in doc.items():
        m = _STAT.match(key)
        if m and m.group(1) in _METRICS:
            metric, unit = _METRICS[m.group(1)]
            stat = m.group(2).replace("quantiles_", "").replace("stddev", "std")
            if unit == "s":
                b.latency(metric, stat, value, key, "s")
            else:
                b.stat(metric, stat, value, key, unit)
            consumed.add(key)
    b.stat(
        "requests_sent", "value", doc.get("results_num_requests_started"), "results_num_requests_started", "requests"
    )
    b.stat(
        "completed", "value", doc.get("results_num_completed_requests"), "results_num_completed_requests", "requests"
    )
    b.stat("error_rate", "value", doc.get("results_error_rate"), "results_error_rate", "ratio")
    b.stat(
        "output_throughput",
        "value",
        doc.get("results_mean_output_throughput_token_per_s"),
        "results_mean_output_throughput_token_per_s",
        "tok/s",
    )
    b.stat(
        "request_throughput",
        "value",
        doc.get("results_num_completed_requests_per_min"),
        "results_num_completed_requests_per_min",
        "req/min",
        factor=1 / 60,
        unit="req/s",
    )
    errors = doc.get("results_number_errors")
    codes_raw = doc.get("results_error_code_frequency")
    rejected = 0
    if codes_raw is not None:
        try:
            codes = parse_python_dict(codes_raw)
            for code, count in codes.items():
                b.stat(
                    "error_code_count",
                    f"code_{int(float(code))}".replace("-", "minus"),
                    count,
                    f"results_error_code_frequency[{code!r}]",
                    "requests",
                )
                if int(float(code)) in REJECT_CODES:
                    rejected += int(count)
        except (ValueError, SyntaxError) as err:
            b.errors.append(
                f"error_codes_parse: results_error_code_frequency = {codes_raw!r} is not a dict literal ({err})"
            )
    b.stat("rejected", "value", rejected, "results_error_code_frequency (codes 429, 503)", "requests")
    if errors is not None:
        failed = float(errors) - rejected
        b.stat("failed", "value", failed, "results_number_errors - rejected", "requests")
    consumed |= {
        "results_num_requests_started",
        "results_num_completed_requests",
        "results_error_rate",
        "results_mean_output_throughput_token_per_s",
        "results_num_completed_requests_per_min",
        "results_number_errors",
        "results_error_code_frequency",
    }
    b.unmapped.update({k: v for k, v in doc.items() if k not in consumed})
    if "error_rate" in {s["metric"] for s in b.stats}:
        b.set("error_rate", next(s["value"] for s in b.stats if s["metric"] == "error_rate"), "file:results_error_rate")
    check_all_failed(b)
    return finish(ctx, [b], None, FORMAT)


#: What llmperf writes for each per-request key the rows are made of (null: missing), in
#: the order they are checked; the streamed reader (`streamed.py`, in SQL) checks the same.
RESPONSE_ENTRIES = {
    "error_code": "a number",
    "error_msg": "a string",
    "ttft_s": "a number",
    "end_to_end_latency_s": "a number",
    "inter_token_latency_s": "a number",
    "number_input_tokens": "a whole number",
    "number_output_tokens": "a whole number",
}


def wrong_value(index: int, key: str) -> ParseError:
    """The refusal of a file whose response `index` holds something else than
    `RESPONSE_ENTRIES[key]` under `key` (a latency as a string, a fraction of a token):
    refused whole, never cast into shape."""
    return ParseError(
        f"{key} is not {RESPONSE_ENTRIES[key]} (nothing is cast into shape)",
        rule="wrong_type",
        row=f"response {index}",
    )


def _check_values(rows: list[dict]) -> None:
    for i, row in enumerate(rows):
        for key, expected in RESPONSE_ENTRIES.items():
            value = row.get(key)
            if value is not None and not entry_ok(expected, value):
                raise wrong_value(i, key)


def _individual(rows: list[dict], ctx: ParseContext) -> Frames:
    _check_values(rows)
    run_id = f"{ctx.sha256[:16]}/run"
    frame = pl.DataFrame(rows, infer_schema_length=None).with_row_index("request_index")
    for col in (
        "error_code",
        "error_msg",
        "number_input_tokens",
        "number_output_tokens",
        "end_to_end_latency_s",
        "inter_token_latency_s",
    ):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(col))
    code = pl.col("error_code").cast(pl.Float64, strict=False)
    ok = code.is_null() & (pl.col("error_msg").cast(pl.String).fill_null("") == "")
    e2el = pl.col("end_to_end_latency_s").cast(pl.Float64, strict=False) * 1000
    ttft = pl.col("ttft_s").cast(pl.Float64, strict=False) * 1000
    out_tokens = pl.col("number_output_tokens").cast(pl.Int64, strict=False)
    requests = frame.select(
        pl.lit(run_id).alias("run_id"),
        pl.col("request_index").cast(pl.Int64),
        ok.alias("success"),
        pl.when(ok).then(None).otherwise(pl.format("{}: {}", pl.col("error_code"), pl.col("error_msg"))).alias("error"),
        pl.col("number_input_tokens").cast(pl.Int64, strict=False).alias("input_tokens"),
        out_tokens.alias("output_tokens"),
        pl.when(ok).then(ttft).alias("ttft_ms"),
        pl.when(ok & (out_tokens > 1)).then((e2el - ttft) / (out_tokens - 1)).alias("tpot_ms"),
        pl.when(ok).then(pl.col("inter_token_latency_s").cast(pl.Float64, strict=False) * 1000).alias("itl_mean_ms"),
        pl.when(ok).then(e2el).alias("e2el_ms"),
    )
    n_ok = int(requests["success"].sum())
    n_rejected = int(frame.select(code.is_in([float(c) for c in REJECT_CODES]).sum()).item())
    b = individual_run(ctx, requests.height, n_ok, n_rejected)
    return finish(ctx, [b], requests, FORMAT)


def individual_run(ctx: ParseContext, sent: int, completed: int, rejected: int) -> RunBuilder:
    """The run of an individual-responses file from its outcome counts: the same whether
    the rows were read here (`_individual`) or in SQL by the streamed import
    (`sources.benchmarks.streamed`)."""
    b = RunBuilder(ctx, "run")
    b.set("format", FORMAT)
    b.set("format_variant", "llmperf-individual")
    b.stat("requests_sent", "value", sent, "len(responses)", "requests")
    b.stat("completed", "value", completed, "count(error_code is null)", "requests")
    b.stat("rejected", "value", rejected, "count(error_code in (429, 503))", "requests")
    b.stat("failed", "value", sent - completed - rejected, "count(error_code not null) - rejected", "requests")
    b.set("n_request_rows", sent)
    if completed == 0:
        b.errors.append("all_requests_failed: no response in the file succeeded")
    return b
