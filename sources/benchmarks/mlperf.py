"""MLPerf Inference results: `summary.csv` (one row per system x benchmark x scenario),
`mlperf_log_summary.txt` (one performance run), `accuracy.txt` (one accuracy run), and the
system description JSON (context only: GPU, count, software stack).

Decisions:
* Latencies are in **ns** ("Mean latency (ns)"): converted to ms, raw kept.
* For LLM benchmarks the headline is *output tokens per second*. v4.1's summary.csv labels
  llama2-70b (and mixtral-8x7b) results "Samples/s" (Offline) and "Queries/s" (Server) even
  though the value is tokens/s: the GigaComputing llama2-70b-99 Offline row says 31263.8
  "Samples/s" while its mlperf_log_summary.txt says "Samples per second: 107.181" and
  "Tokens per second: 31263.8". For those models the value is stored as output tok/s and
  the raw unit label is kept in `raw_unit`. GPT-J's label is left as written: no log here
  shows which it is.
* `-99` and `-99.9` rows of one system and scenario with the same result are the same
  run submitted under two accuracy targets: the later row gets `duplicate_of` = the first,
  so averages and ceilings count it once (`benchmark_run_unique` skips duplicates).
* The scenario comes from the directory (`.../llama2-70b-99/Server/...` or, for the
  vendored flat copies, the `__Server__` part of the name); the log's own "Scenario :"
  line must agree, else the run is quarantined (`scenario_mismatch`).
* "Result is : INVALID" keeps the run with `valid = false` and the failed constraints
  in `validity_note`.
* The model is stored without the accuracy suffix (`llama2-70b`); the full MLPerf
  benchmark name (`llama2-70b-99`) stays in `unmapped`.
"""

from __future__ import annotations

import csv
import io
import json
import re

from sources.benchmarks.common import (
    Frames,
    ParseContext,
    ParseError,
    RunBuilder,
    finish,
    parse_python_dict,
)

FORMAT = "mlperf"
SCENARIOS = {
    "offline": "offline",
    "server": "server",
    "interactive": "interactive",
    "singlestream": "single-stream",
    "multistream": "multi-stream",
}
# Benchmarks whose headline metric is tokens/s regardless of the label in summary.csv.
TOKEN_MODELS = ("llama2-70b", "mixtral-8x7b", "llama3.1-405b", "llama3.1-8b", "deepseek-r1")
_SUFFIX = re.compile(r"-(99(?:\.9)?)$")


def base_model(name: str) -> tuple[str, str | None]:
    m = _SUFFIX.search(name)
    return (name[: m.start()], m.group(1)) if m else (name, None)


def scenario_from_path(parts: tuple[str, ...], file_name: str) -> str | None:
    """The scenario a file sits under: a directory component, or a `__Scenario__` token."""
    tokens = [p.lower() for p in parts] + [t.lower() for t in file_name.split("__")]
    for token in reversed(tokens):
        if token in SCENARIOS:
            return SCENARIOS[token]
    return None


def model_from_path(parts: tuple[str, ...], file_name: str) -> str | None:
    tokens = list(parts) + file_name.split("__")
    for token in reversed(tokens):
        if any(token.startswith(m) for m in TOKEN_MODELS) or _SUFFIX.search(token):
            return token
    return None


def _split_framework(text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    first = text.split(",")[0].strip()
    m = re.match(r"^(.*?)\s+v?(\d[\w.+-]*)$", first)
    return (m.group(1), m.group(2)) if m else (first, None)


def system_context(data: bytes) -> dict:
    """Context fields from a `systems/<platform>.json` description."""
    doc = json.loads(data)
    engine, version = _split_framework(doc.get("framework"))
    return {
        k: v
        for k, v in {
            "gpu_sku": doc.get("accelerator_model_name"),
            "gpus_per_node": int(doc["accelerators_per_node"])
            if str(doc.get("accelerators_per_node", "")).isdigit()
            else None,
            "nodes": int(doc["number_of_nodes"]) if str(doc.get("number_of_nodes", "")).isdigit() else None,
            "engine": engine,
            "engine_version": version,
        }.items()
        if v is not None
    }


def parse(data: bytes, ctx: ParseContext) -> Frames:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ParseError(f"not UTF-8 text ({err})") from None
    head = text.lstrip()[:400]
    if head.startswith("Organization,") or head.startswith('"Organization"'):
        return _summary_csv(text, ctx)
    if "MLPerf Results Summary" in head:
        return _log_summary(text, ctx)
    if "{'" in head and ("rouge" in head or ctx.file_name.endswith("accuracy.txt")):
        return _accuracy(text, ctx)
    if head.startswith("{"):
        raise ParseError("an MLPerf system description is context, not a result (it is used for results beside it)")
    raise ParseError("not an MLPerf summary.csv, mlperf_log_summary.txt or accuracy.txt")


def _summary_csv(text: str, ctx: ParseContext) -> Frames:
    builders: list[RunBuilder] = []
    seen: dict[tuple, str] = {}
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        b = RunBuilder(ctx, f"row{n}")
        b.set("format", FORMAT)
        b.set("format_variant", "mlperf-summary-csv")
        b.set("format_version", row.get("version"), "file:version")
        model_full = row.get("Model") or row.get("MlperfModel") or ""
        model, target = base_model(model_full)
        b.set("model", model, "file:Model (accuracy suffix removed)")
        b.set("gpu_sku", row.get("accelerator_model_name"), "file:accelerator_model_name")
        for key, name in (("accelerators_per_node", "gpus_per_node"), ("number_of_nodes", "nodes")):
            try:
                b.set(name, int(row[key]), f"file:{key}")
            except (KeyError, TypeError, ValueError):
                pass
        engine, version = _split_framework(row.get("framework"))
        b.set("engine", engine, "file:framework")
        b.set("engine_version", version, "file:framework")
        location = (row.get("Location") or "").replace("\\", "/")
        scenario = scenario_from_path(tuple(location.split("/")), "")
        stated = SCENARIOS.get((row.get("Scenario") or "").lower())
        if scenario and stated and scenario != stated:
            b.errors.append(f"scenario_mismatch: Location says {scenario}, Scenario column says {stated}")
        b.set("load_mode", scenario or stated, "file:Location" if scenario else "file:Scenario")
        units = (row.get("Units") or "").strip()
        tokens = any(model.startswith(m) for m in TOKEN_MODELS)
        if tokens or units.lower().startswith("tokens"):
            b.stat("output_throughput", "value", row.get("Result"), "Result", units, unit="tok/s")
            if not units.lower().startswith("tokens"):
                b.unmapped["unit_relabelled"] = f"{units} -> tok/s (LLM benchmark; see module docstring)"
        else:
            b.stat("request_throughput", "value", row.get("Result"), "Result", units, unit="req/s")
        _accuracy_column(b, row.get("Accuracy"))
        b.set("valid", str(row.get("errors", "0")).strip() in {"0", "", "False"}, "file:errors")
        b.unmapped.update(
            {
                k: v
                for k, v in row.items()
                if k
                in {
                    "Organization",
                    "Availability",
                    "Division",
                    "SystemType",
                    "SystemName",
                    "Platform",
                    "MlperfModel",
                    "Location",
                    "Model",
                    "compliance",
                    "errors",
                    "inferred",
                    "has_power",
                    "notes",
                    "weight_data_types",
                    "total_accelerators",
                    "host_processor_model_name",
                }
                and v not in (None, "")
            }
        )
        key = (row.get("Platform"), model, scenario or stated, row.get("Result"))
        if key in seen:
            b.set("duplicate_of", seen[key], "file:same platform, model, scenario and result")
        else:
            seen[key] = b.run_id
        if target:
            b.unmapped["accuracy_target"] = target
        builders.append(b)
    if not builders:
        raise ParseError("summary.csv has a header but no rows")
    return finish(ctx, builders, None, FORMAT)


def _accuracy_column(b: RunBuilder, text: str | None) -> None:
    if not text:
        return
    pairs = re.findall(r"([A-Za-z_]+[0-9A-Za-z_]*):\s*([-\d.]+)", text)
    if pairs:
        for name, value in pairs:
            b.stat("accuracy", name.lower(), value, f"Accuracy[{name}]", "score")
    else:
        b.stat("accuracy", "primary", text, "Accuracy", "score")


_KV = re.compile(r"^\s*(?P<key>[^:]+?)\s*:\s*(?P<value>.*?)\s*$")
_PCT = re.compile(r"^(?P<p>\d+(?:\.\d+)?) percentile (?P<what>.+) \(ns\)$", re.I)
_MINMAXMEAN = re.compile(r"^(?P<s>Min|Max|Mean) (?P<what>.+) \(ns\)$", re.I)


def _latency_metric(what: str) -> str | None:
    what = what.lower()
    if what == "latency":
        return "e2el"
    if "first token" in what:
        return "ttft"
    if "time to output token" in what:
        return "tpot"
    return None


def _pct_name(p: str) -> str:
    number = float(p)
    return f"p{int(number)}" if number == int(number) else "p" + f"{number:g}".replace(".", "_")


def _log_summary(text: str, ctx: ParseContext) -> Frames:
    b = RunBuilder(ctx, "run")
    b.set("format", FORMAT)
    b.set("format_variant", "mlperf-log-summary")
    from_dir = scenario_from_path(ctx.directory_parts, ctx.file_name)
    full_model = model_from_path(ctx.directory_parts, ctx.file_name)
    if full_model:
        model, target = base_model(full_model)
        b.set("model", model, "directory (accuracy suffix removed)")
        b.unmapped["mlperf_model"] = full_model
    values: dict[str, str] = {}
    constraints: list[str] = []
    for line in text.splitlines():
        m = _KV.match(line)
        if not m or line.startswith("="):
            continue
        key, value = m.group("key"), m.group("value")
        values.setdefault(key, value)
        if value in {"Yes", "NO", "No"} and key not in {"Result is"}:
            constraints.append(f"{key}: {value}")
    scenario_line = SCENARIOS.get(values.get("Scenario", "").lower())
    if from_dir and scenario_line and from_dir != scenario_line:
        b.errors.append(f"scenario_mismatch: directory says {from_dir}, log says {scenario_line}")
    b.set("load_mode", from_dir or scenario_line, "directory" if from_dir else "file:Scenario")
    result = values.get("Result is", "").upper()
    b.set("valid", result == "VALID", "file:Result is")
    failed = [c for c in constraints if c.endswith(("No", "NO"))]
    if result != "VALID":
        b.set(
            "validity_note",
            f"Result is {result or 'missing'}" + (f"; {'; '.join(failed)}" if failed else ""),
            "file:Result is",
        )
    throughput = {
        "Samples per second": ("request_throughput", "samples/s"),
        "Completed samples per second": ("request_throughput", "samples/s"),
        "Tokens per second": ("output_throughput", "tok/s"),
        "Completed tokens per second": ("output_throughput", "tok/s"),
        "Scheduled samples per second": ("scheduled_rate", "samples/s"),
    }
    for key, value in values.items():
        if key in throughput:
            metric, unit = throughput[key]
            b.stat(metric, "value", value, key, unit, unit="req/s" if unit == "samples/s" else unit)
            continue
        pm, mm = _PCT.match(key), _MINMAXMEAN.match(key)
        if pm and _latency_metric(pm.group("what")):
            b.latency(_latency_metric(pm.group("what")), _pct_name(pm.group("p")), value, key, "ns")
        elif mm and _latency_metric(mm.group("what")):
            b.latency(_latency_metric(mm.group("what")), mm.group("s").lower(), value, key, "ns")
        elif key in {"ttft_latency (ns)", "tpot_latency (ns)"}:
            b.latency("slo_" + key.split("_")[0], "value", value, key, "ns")
        elif key == "target_qps":
            b.stat("target_rate", "value", value, key, "queries/s", unit="req/s")
        elif key in {
            "samples_per_query",
            "min_duration (ms)",
            "min_query_count",
            "max_async_queries",
            "performance_sample_count",
        }:
            b.stat("test_" + key.split(" ")[0], "value", value, key, "ms" if "(ms)" in key else "count")
        elif key in {"SUT name", "Mode"}:
            b.unmapped[key] = value
    if from_dir == "server" and "target_qps" in values:
        b.set("target_rate_rps", float(values["target_qps"]), "file:target_qps")
    slo = [
        f"{k.split('_')[0]} <= {float(values[k]) / 1e6:g} ms"
        for k in ("ttft_latency (ns)", "tpot_latency (ns)")
        if k in values
    ]
    if slo and from_dir in {"server", "interactive"}:
        b.set("goodput_slo", "; ".join(slo), "file:Test Parameters Used")
    if not b.stats:
        raise ParseError("MLPerf log summary without any result line")
    return finish(ctx, [b], None, FORMAT)


def _accuracy(text: str, ctx: ParseContext) -> Frames:
    b = RunBuilder(ctx, "run")
    b.set("format", FORMAT)
    b.set("format_variant", "mlperf-accuracy")
    b.set("load_mode", "accuracy", "directory")
    full_model = model_from_path(ctx.directory_parts, ctx.file_name)
    if full_model:
        b.set("model", base_model(full_model)[0], "directory (accuracy suffix removed)")
        b.unmapped["mlperf_model"] = full_model
    scenario = scenario_from_path(ctx.directory_parts, ctx.file_name)
    if scenario:
        b.unmapped["scenario"] = scenario
    literal = next((line for line in text.splitlines() if line.strip().startswith("{")), None)
    if literal is None:
        raise ParseError("accuracy.txt without a result dict")
    try:
        scores = parse_python_dict(literal.strip())
    except (ValueError, SyntaxError) as err:
        raise ParseError(f"accuracy.txt result is not a dict literal ({err})") from None
    for key, value in scores.items():
        if key == "gen_tok_len":
            b.stat("output_tokens_total", "value", value, key, "tokens")
        elif key == "gen_num":
            b.stat("completed", "value", value, key, "samples", unit="requests")
        elif key == "tokens_per_sample":
            b.stat("output_tokens", "mean", value, key, "tokens")
        elif key == "gen_len":
            # MLPerf's llama2-70b evaluate-accuracy.py sums len(pred) over decoded text: characters
            b.stat("output_characters_total", "value", value, key, "characters")
        else:
            b.stat("accuracy", key, value, key, "score" if key.startswith("rouge") else "")
    hash_line = next((line for line in text.splitlines() if line.startswith("hash=")), None)
    if hash_line:
        b.unmapped["hash"] = hash_line.split("=", 1)[1]
    return finish(ctx, [b], None, FORMAT)
