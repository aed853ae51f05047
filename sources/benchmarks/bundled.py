"""The vendored benchmark files: where they are, which source each is, and their context.

A vendored file is mapped to its registry record (`sources/registry/benchmarks.yaml`) by
the sha256 of its bytes, so the same file imported from anywhere (the bundled asset, or
`infernomics import` of a copy) lands under the same source id and figure ids.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from sources.benchmarks.context import Context, parse_context


def data_root() -> Path:
    return Path(str(resources.files("sources") / "data" / "benchmarks"))


@lru_cache(maxsize=1)
def _bundled() -> dict:
    return yaml.safe_load((resources.files("sources.benchmarks") / "bundled.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def registry() -> list[dict]:
    """Source records for the vendored files."""
    text = (resources.files("sources") / "registry" / "benchmarks.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def source_for_sha(sha256: str) -> dict | None:
    return next((r for r in registry() if r.get("snapshot_sha256") == sha256), None)


def is_context_file(name: str) -> bool:
    """Context or provenance files that sit beside results (scripts, commands, system JSON,
    sidecars, sources.txt): never parsed as results."""
    if name in {"sources.txt", "field_map.csv", "ATTRIBUTION.md"} or name.endswith((".context.yaml", ".context.json")):
        return True
    if name in {"context.yaml", "context.json"} or name.endswith((".md", ".yaml", ".yml")):
        return True
    return any(fnmatch.fnmatch(name, pattern) for pattern in _bundled()["context_files"])


def folder_context(folder: str) -> Context:
    """The bundled context for a vendored folder (origins say `bundled:<folder>`)."""
    section = dict(_bundled()["folders"].get(folder, {}))
    return parse_context(section, f"bundled:sources/benchmarks/bundled.yaml#{folder}")


@dataclass(frozen=True)
class BundledFile:
    path: Path
    folder: str
    source_id: str


def bundled_files() -> list[BundledFile]:
    """Every vendored result file (context files excluded), in a stable order."""
    out = []
    for record in registry():
        path = data_root().parent.parent / record["snapshot_path"]
        if not is_context_file(path.name):
            out.append(BundledFile(path, path.parent.name, record["source_id"]))
    return sorted(out, key=lambda f: str(f.path))
