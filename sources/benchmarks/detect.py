"""Which tool wrote this file? Decided from the content first, the name second.

Content wins because names are unreliable (users rename `profile_export.json`, and the
vendored copies carry `repo__` prefixes). Rules, first match wins:

* JSON object with `results_*` keys, or a list of objects with `ttft_s`: **llmperf**.
* JSON object whose keys include `mean_e2e_latency_ms`, `random_input_len` or
  `backend: "sglang"`, or a text file of several JSON lines: **sglang**. (A one-line
  SGLang JSONL file is also valid JSON, so the SGLang markers are checked before vLLM's.)
* JSON object with `completed` and vLLM-style `*_ttft_ms`/`request_throughput`, or a list
  of objects with `Test name`: **vllm**.
* JSON object with metric blocks (`time_to_first_token: {unit, avg, ...}`): **aiperf**
  when it has `aiperf_version`/`schema_version`/`input_config.endpoint`, else **genai-perf**;
  the same choice by file name for the CSV export (first cell `Metric`).
* `Organization,` CSV header, "MLPerf Results Summary" text, or an accuracy dict
  (`{'rouge1': ...}`): **mlperf**. An MLPerf system description JSON
  (`accelerator_model_name`, `system_name`) is **mlperf-system**: context, not a result.
"""

from __future__ import annotations

import json

FORMATS = ("vllm", "sglang", "llmperf", "genai-perf", "aiperf", "mlperf")


def _json_lines(text: str) -> list[dict] | None:
    """The JSON-object lines of a JSONL text, when at least half of its lines are objects
    (a truncated line among good ones is the parser's business, not a different format)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return None
    out = []
    for line in lines:
        try:
            doc = json.loads(line)
        except (json.JSONDecodeError, RecursionError):  # a bad line is the parser's business
            continue
        if isinstance(doc, dict):
            out.append(doc)
    return out if out and 2 * len(out) >= len(lines) else None


def _is_sglang(doc: dict) -> bool:
    return (doc.get("backend") == "sglang" and "model_id" not in doc) or any(
        k in doc for k in ("mean_e2e_latency_ms", "random_input_len", "sharegpt_output_len")
    )


def detect(data: bytes, file_name: str = "") -> str | None:
    """The format name (see FORMATS, or 'mlperf-system'), or None if unknown."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    head = text.lstrip()[:2000]
    if head.startswith(("Organization,", '"Organization"')) or "MLPerf Results Summary" in head:
        return "mlperf"
    if "{'" in head and ("rouge" in head or file_name.endswith("accuracy.txt")):
        return "mlperf"
    if head.startswith("Metric,") or head.startswith('"Metric"'):
        return "aiperf" if "aiperf" in file_name.lower() else "genai-perf"
    try:
        doc = json.loads(text)
    except RecursionError:
        lines = _json_lines(text)
        return "sglang" if lines and all(_is_sglang(d) or "output_throughput" in d for d in lines) else None
    except json.JSONDecodeError:
        lines = _json_lines(text)
        if lines and all(_is_sglang(d) or "output_throughput" in d for d in lines):
            return "sglang"
        return None
    if isinstance(doc, list):
        if doc and all(isinstance(r, dict) for r in doc):
            if all("ttft_s" in r for r in doc):
                return "llmperf"
            if all("Test name" in r for r in doc):
                return "vllm"
        return None
    if not isinstance(doc, dict):
        return None
    if any(k.startswith("results_") for k in doc):
        return "llmperf"
    if _is_sglang(doc):
        return "sglang"
    if "completed" in doc and ("request_throughput" in doc or any(k.endswith("_ttft_ms") for k in doc)):
        return "vllm"
    blocks = [k for k, v in doc.items() if isinstance(v, dict) and "unit" in v]
    if blocks and any(k in doc for k in ("time_to_first_token", "request_latency", "request_throughput")):
        from sources.benchmarks.genai_perf import tool_of

        return tool_of(file_name, doc)
    if "accelerator_model_name" in doc and ("system_name" in doc or "submitter" in doc):
        return "mlperf-system"
    return None
