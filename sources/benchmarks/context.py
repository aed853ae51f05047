"""Context a result file does not carry: GPU, GPU count, engine version, price, model.

Benchmark files rarely say what hardware they ran on (SGLang's JSONL does not even name
the model). A small sidecar supplies it, and every field records where it came from, so
`benchmark_run.context_sources` can say "gpu_sku: sidecar:ctx.yaml" next to
"model: file:model_id".

Sidecar shape (YAML or JSON)::

    gpu_sku: H200-SXM-141GB
    gpus_per_node: 4
    engine: sglang
    sources:                      # optional: why each value is what it is (free text)
      gpu_sku: "script comment: Llama 3.3 70B on 4 x H200 (bf16)"
    override: [model]             # optional: these win over what the file states
    files:                        # optional: per-file values, keyed by a name glob
      "*offline*": {load_mode: offline}

Lookup order for a file ``x.json``: ``--context`` (CLI) if given, else ``x.json.context.yaml``
/ ``x.context.yaml`` / ``context.yaml`` beside it (first found). CLI flags
(``--gpu`` ...) win over the sidecar. The file itself wins over both, except for fields
listed in ``override``.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONTEXT_FIELDS: dict[str, type] = {
    "engine": str,
    "engine_version": str,
    "model": str,
    "quantization": str,
    "gpu_sku": str,
    "gpus_per_node": int,
    "nodes": int,
    "dataset": str,
    "input_len": int,
    "output_len": int,
    "price_usd_per_gpu_hour": float,
    "run_date": dt.date,
    "started_at": dt.datetime,
    "repo": str,
    "commit": str,
    "goodput_slo": str,
    "load_mode": str,
    "format_version": str,
    "format": str,
    "format_variant": str,
}

SIDECAR_NAMES = (
    "{name}.context.yaml",
    "{name}.context.json",
    "{stem}.context.yaml",
    "{stem}.context.json",
    "context.yaml",
    "context.json",
)


class ContextError(ValueError):
    """A sidecar that cannot be read or names an unknown field."""


@dataclass
class Context:
    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    override: set[str] = field(default_factory=set)
    per_file: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    origin_label: str = ""

    def for_file(self, file_name: str) -> Context:
        """This context with the per-file section matching `file_name` applied."""
        values, origins = dict(self.values), dict(self.origins)
        for pattern, section in self.per_file.items():
            if fnmatch.fnmatch(file_name, pattern):
                for key, value in _typed(section, f"{self.origin_label} files[{pattern}]").items():
                    values[key] = value
                    origins[key] = f"{self.origin_label}#files[{pattern}]"
        return Context(values, origins, set(self.override), {}, dict(self.notes), self.origin_label)

    def with_cli(self, flags: dict[str, Any]) -> Context:
        values, origins = dict(self.values), dict(self.origins)
        for key, value in _typed({k: v for k, v in flags.items() if v is not None}, "cli").items():
            values[key] = value
            origins[key] = "cli"
        return Context(values, origins, set(self.override), dict(self.per_file), dict(self.notes), self.origin_label)


def _coerce(key: str, value: Any, where: str) -> Any:
    kind = CONTEXT_FIELDS.get(key)
    if kind is None:
        raise ContextError(f"{where}: unknown context field {key!r} (known: {', '.join(sorted(CONTEXT_FIELDS))})")
    if value is None:
        return None
    try:
        if kind is dt.date:
            return (
                value
                if isinstance(value, dt.date) and not isinstance(value, dt.datetime)
                else dt.date.fromisoformat(str(value)[:10])
            )
        if kind is dt.datetime:
            return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        if kind is int:
            if isinstance(value, bool) or float(value) != int(float(value)):
                raise ValueError
            return int(float(value))
        return kind(value)
    except (TypeError, ValueError):
        raise ContextError(f"{where}: {key} = {value!r} is not a valid {kind.__name__}") from None


def _typed(section: dict[str, Any], where: str) -> dict[str, Any]:
    return {k: _coerce(k, v, where) for k, v in section.items()}


def parse_context(data: bytes | str | dict, label: str) -> Context:
    """Read a sidecar (YAML is a superset of JSON) into a Context whose origins say `label`."""
    if isinstance(data, dict):
        raw = data
    else:
        try:
            raw = yaml.safe_load(data) or {}
        except yaml.YAMLError as err:
            raise ContextError(f"{label}: not valid YAML/JSON ({err})") from None
    if not isinstance(raw, dict):
        raise ContextError(f"{label}: a context sidecar must be a mapping")
    raw = dict(raw)
    notes = raw.pop("sources", {}) or {}
    override = set(raw.pop("override", []) or [])
    per_file = raw.pop("files", {}) or {}
    values = _typed(raw, label)
    unknown = override - set(CONTEXT_FIELDS)
    if unknown:
        raise ContextError(f"{label}: override names unknown fields {sorted(unknown)}")
    origins = {k: label for k in values}
    return Context(values, origins, override, per_file, {k: str(v) for k, v in notes.items()}, label)


def find_sidecar(path: Path) -> Path | None:
    for pattern in SIDECAR_NAMES:
        candidate = path.parent / pattern.format(name=path.name, stem=path.stem)
        if candidate.exists() and candidate != path:
            return candidate
    return None


def load_context(path: Path, explicit: Path | None = None, cli: dict[str, Any] | None = None) -> Context:
    """The context for result file `path`: explicit sidecar, else one found beside it."""
    sidecar = explicit or find_sidecar(path)
    ctx = parse_context(sidecar.read_bytes(), f"sidecar:{sidecar.name}") if sidecar else Context()
    ctx = ctx.for_file(path.name)
    return ctx.with_cli(cli or {})


def merge_context(
    fields: dict[str, Any], origins: dict[str, str], context: Context | None, file_name: str
) -> dict[str, Any]:
    """File-stated fields, filled (or, for `override` fields, replaced) from the context.
    Returns the row fields plus `context_sources` (JSON: field -> origin, with notes)."""
    context = (context or Context()).for_file(file_name) if context is not None else Context()
    out = dict(fields)
    where = {k: origins.get(k, "file") for k in fields}
    for key, value in context.values.items():
        if value is None:
            continue
        if key not in out or out[key] is None or key in context.override:
            out[key] = value
            where[key] = context.origins.get(key, "context")
    if out.get("run_date") is None and isinstance(out.get("started_at"), dt.datetime):
        out["run_date"] = out["started_at"].date()
        where["run_date"] = where.get("started_at", "file") + " (date part)"
    sources = {
        k: (f"{v} ({context.notes[k]})" if k in context.notes and v == context.origins.get(k) else v)
        for k, v in sorted(where.items())
    }
    out["context_sources"] = json.dumps(sources, sort_keys=True)
    return out
