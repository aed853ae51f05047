"""NVIDIA genai-perf (`profile_export_genai_perf.json` / `.csv`) and its successor AIPerf
(`profile_export_aiperf.json` / `.csv`). One file = one load point.

Decisions:
* Every metric block carries its own `unit`; the unit is authoritative (AIPerf's schema
  page says so), so conversion goes by it (`ms`, `ns`, `s`/`sec`), never by the tag.
* `inter_token_latency` is genai-perf's per-request (latency - ttft) / (osl - 1), which is
  what vLLM calls TPOT: it is stored as `itl` under the tool's own name, and the docs say
  so; no silent relabelling.
* `request_count` counts successful requests; `error_request_count` the failed ones;
  `requests_sent` is their sum. Errors with HTTP 429/503 in `error_summary` are rejected.
* `was_cancelled: true` marks the run invalid (kept, with the note).
* CSV exports are sectioned (a distribution table, a blank line, a `Metric,Value` table,
  optionally GPU telemetry) with CRLF line ends; metric names carry the unit in
  parentheses ("Time To First Token (ms)").
* The CSV has no model or configuration: those come from the sidecar.
"""

from __future__ import annotations

import csv
import io
import json
import re

from sources import cells
from sources.benchmarks.common import (
    UNIT_TO_MS,
    Frames,
    ParseContext,
    ParseError,
    RunBuilder,
    check_all_failed,
    finish,
)

REJECT_CODES = {429, 503}
_TAGS = {
    "time_to_first_token": "ttft",
    "time_to_second_token": "ttst",
    "inter_token_latency": "itl",
    "request_latency": "e2el",
    "inter_chunk_latency": "icl",
    "output_sequence_length": "output_tokens",
    "input_sequence_length": "input_tokens",
    "output_token_throughput": "output_throughput",
    "request_throughput": "request_throughput",
    "output_token_throughput_per_user": "per_user_output_throughput",
    "output_token_throughput_per_request": "per_user_output_throughput",
    "total_token_throughput": "total_throughput",
    "request_goodput": "goodput",
    "request_count": "completed",
    "error_request_count": "failed",
    "benchmark_duration": "duration",
    "total_isl": "input_tokens_total",
    "total_osl": "output_tokens_total",
}
_LATENCY_METRICS = {"ttft", "ttst", "itl", "e2el", "icl"}
_SCALAR_METRICS = {
    "output_throughput",
    "request_throughput",
    "total_throughput",
    "goodput",
    "completed",
    "failed",
    "duration",
    "input_tokens_total",
    "output_tokens_total",
}
_STATS = ("avg", "min", "max", "std", "count", "sum") + tuple(f"p{q}" for q in (1, 5, 10, 25, 50, 75, 90, 95, 99))


def tool_of(file_name: str, doc: dict | None = None) -> str:
    """'aiperf' or 'genai-perf': by the JSON's own fields, else by the file name."""
    if doc is not None:
        if "aiperf_version" in doc or "schema_version" in doc:
            return "aiperf"
        cfg = doc.get("input_config") or {}
        if isinstance(cfg, dict) and isinstance(cfg.get("endpoint"), dict):
            return "aiperf"
        if isinstance(cfg, dict) and cfg:
            return "genai-perf"
    return "aiperf" if "aiperf" in file_name.lower() else "genai-perf"


def parse(data: bytes, ctx: ParseContext) -> Frames:
    text = data.decode("utf-8-sig", errors="strict") if data else ""
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as err:
            raise ParseError(f"not JSON ({err})") from None
        return _parse_json(doc, ctx)
    return _parse_csv(text, ctx)


def _metric_stat(b: RunBuilder, metric: str, stat: str, value, raw_key: str, unit: str) -> None:
    stat = "mean" if stat == "avg" else stat
    unit_key = unit.strip().lower()
    if metric in _LATENCY_METRICS and unit_key in UNIT_TO_MS:
        b.latency(metric, stat, value, raw_key, unit_key)
    elif metric in _LATENCY_METRICS:
        b.errors.append(f"unit_unknown: {raw_key} has unit {unit!r}, expected ms/ns/s")
    elif metric == "duration" and unit_key in {"ms", "ns", "us"}:
        b.stat(metric, "value", value, raw_key, unit_key, factor=UNIT_TO_MS[unit_key] / 1000, unit="s")
    else:
        b.stat(metric, "value" if metric in _SCALAR_METRICS and stat == "mean" else stat, value, raw_key, unit)


def _parse_json(doc: dict, ctx: ParseContext) -> Frames:
    if not isinstance(doc, dict):
        raise ParseError("not a genai-perf/AIPerf profile export (top level is not an object)")
    tool = tool_of(ctx.file_name, doc)
    b = RunBuilder(ctx, "run")
    b.set("format", tool)
    b.set("format_variant", f"{tool}-profile-export-json")
    b.set(
        "format_version",
        doc.get("aiperf_version") or doc.get("schema_version"),
        "file:aiperf_version" if doc.get("aiperf_version") else "file:schema_version",
    )
    known = 0
    for tag, block in doc.items():
        if tag in _TAGS and isinstance(block, dict):
            known += 1
            unit = str(block.get("unit", ""))
            for stat in _STATS:
                if stat in block and block[stat] is not None:
                    if tag in {"request_count", "error_request_count"} and stat != "avg":
                        continue
                    _metric_stat(b, _TAGS[tag], stat, block[stat], f"{tag}.{stat}", unit)
    if not known:
        raise ParseError("no genai-perf/AIPerf metric blocks (time_to_first_token, request_latency, ...)")
    _config(b, doc.get("input_config") or {})
    if doc.get("start_time"):
        b.set("started_at", cells.timestamp(doc["start_time"], "start_time", b.errors), "file:start_time")
    rejected = 0
    for entry in doc.get("error_summary") or []:
        details = entry.get("error_details") or {}
        code = details.get("code")
        b.stat("error_code_count", f"code_{code}", entry.get("count"), f"error_summary[code={code}].count", "requests")
        if code in REJECT_CODES:
            rejected += int(entry.get("count") or 0)
    if doc.get("error_summary") is not None:
        b.stat("rejected", "value", rejected, "error_summary (codes 429, 503)", "requests")
    if doc.get("was_cancelled"):
        b.set("valid", False, "file:was_cancelled")
        b.set("validity_note", "was_cancelled: the run was stopped before completion", "file:was_cancelled")
    _sent(b)
    for key in ("goodput", "good_request_count", "runtime_submission_invalid_reasons", "benchmark_id", "end_time"):
        if doc.get(key) not in (None, [], {}):
            b.unmapped[key] = doc[key]
    check_all_failed(b)
    return finish(ctx, [b], None, tool)


def _sent(b: RunBuilder) -> None:
    """requests_sent = completed + failed (+ rejected, which AIPerf counts among errors)."""
    values = {s["metric"]: s["value"] for s in b.stats if s["stat"] == "value"}
    if "completed" not in values:
        return
    errors = values.get("failed") or 0.0
    rejected = values.get("rejected") or 0.0
    if rejected:
        b.stats = [s for s in b.stats if not (s["metric"] == "failed" and s["stat"] == "value")]
        b.stat("failed", "value", errors - rejected, "error_request_count.avg - rejected", "requests")
    elif "failed" not in values:
        b.stat("failed", "value", 0, "error_request_count absent (no errors)", "requests")
    b.stat("requests_sent", "value", values["completed"] + errors, "request_count + error_request_count", "requests")


def _config(b: RunBuilder, cfg: dict) -> None:
    if not isinstance(cfg, dict):
        return
    endpoint = cfg.get("endpoint") if isinstance(cfg.get("endpoint"), dict) else {}
    models = endpoint.get("model_names") or cfg.get("model") or cfg.get("model_names")
    if isinstance(models, list) and models:
        b.set("model", models[0], "file:input_config.model")
    elif isinstance(models, str):
        b.set("model", models, "file:input_config.model")
    b.set("engine", cfg.get("backend") or cfg.get("service_kind"), "file:input_config.backend")
    loadgen = cfg.get("loadgen") if isinstance(cfg.get("loadgen"), dict) else cfg
    conc, rate = loadgen.get("concurrency"), loadgen.get("request_rate")
    if rate is not None:
        b.set("load_mode", "rate", "file:input_config.request_rate")
        b.set("target_rate_rps", float(rate), "file:input_config.request_rate")
        if conc is not None:
            b.set("max_concurrency", int(conc), "file:input_config.concurrency")
    elif conc is not None:
        b.set("load_mode", "concurrency", "file:input_config.concurrency")
        b.set("max_concurrency", int(conc), "file:input_config.concurrency")
    b.unmapped["input_config"] = cfg


_NAME = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<unit>[^)]*)\))?$")
_CSV_UNITS = {
    "per sec": "tok/s",
    "tokens/sec": "tok/s",
    "requests/sec": "req/s",
    "sec": "s",
    "tokens": "tokens",
    "count": "requests",
    "": "",
}


def _csv_metric(label: str) -> tuple[str | None, str]:
    m = _NAME.match(label.strip())
    name = (m.group("name") if m else label).strip().lower().replace(" ", "_")
    unit = (m.group("unit") or "").strip().lower() if m else ""
    if name == "request_throughput" and unit == "per sec":
        unit = "requests/sec"
    return _TAGS.get(name), unit


def _parse_csv(text: str, ctx: ParseContext) -> Frames:
    tool = tool_of(ctx.file_name)
    b = RunBuilder(ctx, "run")
    b.set("format", tool)
    b.set("format_variant", f"{tool}-profile-export-csv")
    sections: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text, newline="")):
        if not row or all(not c.strip() for c in row):
            if sections[-1]:
                sections.append([])
            continue
        sections[-1].append(row)
    sections = [s for s in sections if s]
    if not sections or sections[0][0][0].strip() != "Metric":
        raise ParseError("not a genai-perf/AIPerf CSV export (first cell is not 'Metric')")
    known = 0
    for section in sections:
        header = [h.strip() for h in section[0]]
        if header[0] == "Metric":
            for row in section[1:]:
                metric, unit = _csv_metric(row[0])
                if metric is None:
                    b.unmapped[row[0]] = dict(zip(header[1:], row[1:]))
                    continue
                known += 1
                for stat, value in zip(header[1:], row[1:]):
                    if value.strip().upper() in {"", "N/A"}:
                        continue
                    stat = "avg" if stat.lower() == "value" else stat.lower()
                    _metric_stat(b, metric, stat, value, f"{row[0]}[{stat}]", _CSV_UNITS.get(unit, unit))
        elif "GPU_Index" in header:
            b.unmapped.setdefault("gpu_telemetry", []).extend(dict(zip(header, r)) for r in section[1:])
        else:
            b.unmapped.setdefault("other_sections", []).append(section)
    if not known:
        raise ParseError("no known metric rows in the CSV export")
    _sent(b)
    check_all_failed(b)
    return finish(ctx, [b], None, tool)
