"""The source registry: one YAML file per family in `sources/registry/`, one record per source.

Modelled on OWID's snapshot metadata ("origin" records): who produced it, the full
citation, where it lives, when it was published and read, its license, and for a stored
snapshot the file and its sha256. `source_class` says how close the page is to the
original: primary (the publisher's own page), copy (a faithful copy or archive of it),
secondary (someone else citing it).
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import yaml

from sources import cells
from sources.paths import package_path, sha256_file
from warehouse.tables import SNAPSHOT, SOURCE

if TYPE_CHECKING:
    from warehouse.integrity import BundledFiles

# A record's fields are the `source` table's columns (`warehouse.tables.SOURCE`), declared once.
FIELDS = SOURCE.names
DATE_FIELDS = tuple(SOURCE.columns_of_type("DATE"))


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's: the same safe types, ~10x faster


def registry_files() -> list[Path]:
    return sorted(package_path("registry").glob("*.yaml"))


@functools.lru_cache(maxsize=32)
def _parsed(text: str) -> list:
    """The records of one registry file's text. A pure function of the text, cached: a refresh
    reads the registry ten times (the source asset, the figures' snapshots, the integrity
    fingerprint, asset and checks), and each still reads the files and hashes the snapshots
    they name afresh. Read the records, never change them (they are shared)."""
    return yaml.load(text, Loader=_SAFE_LOADER) or []


def load_registry(files: list[Path] | None = None) -> pl.DataFrame:
    """All source records as one frame, with `_locator` and `_errors` for the warehouse."""
    rows = []
    for path in files or registry_files():
        records = _parsed(path.read_text(encoding="utf-8"))
        for i, record in enumerate(records, start=1):
            errors = [f"unknown_field: {k!r} is not a registry field" for k in record if k not in FIELDS]
            row = {k: record.get(k) for k in FIELDS}
            for field in DATE_FIELDS:
                row[field] = cells.date(row[field], field, errors)
            errors.extend(_snapshot_errors(row))
            row["_locator"] = f"sources/registry/{path.name}:{i}"
            row["_errors"] = errors
            rows.append(row)
    schema = SOURCE.polars_schema() | {"_locator": pl.String, "_errors": pl.List(pl.String)}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _snapshot_errors(row: dict) -> list[str]:
    """A stored snapshot must exist and match its recorded sha256."""
    if not row["snapshot_path"]:
        return []
    path = package_path(row["snapshot_path"])
    if not path.exists():
        return [f"snapshot_exists: {row['snapshot_path']} is not in the package"]
    digest = sha256_file(path)
    if digest != row["snapshot_sha256"]:
        return [f"snapshot_sha256: file hashes to {digest}, registry says {row['snapshot_sha256']}"]
    return []


def snapshot_records(sources: pl.DataFrame) -> pl.DataFrame:
    """One `snapshot` row per bundled snapshot file named by a source record, only when
    the file still hashes to the recorded sha256: a tampered file is not a snapshot of the
    source (its record is quarantined with `snapshot_sha256`, and the integrity check
    fails the step), so no row may vouch for its bytes."""
    rows = []
    for row in sources.filter(pl.col("snapshot_path").is_not_null()).iter_rows(named=True):
        path = package_path(row["snapshot_path"])
        if path.exists() and sha256_file(path) == row["snapshot_sha256"]:
            rows.append(
                {
                    "sha256": sha256_file(path),
                    "source_id": row["source_id"],
                    "url": row["url"],
                    "retrieved_at": row["date_accessed"],
                    "media_type": mimetypes.guess_type(path.name)[0] or "text/plain",
                    "bytes": path.stat().st_size,
                    "path": "sources/" + row["snapshot_path"],
                }
            )
    return SNAPSHOT.frame(rows)


def snapshot_texts(sources: pl.DataFrame) -> dict[str, str]:
    """source_id -> text of its bundled snapshot (for checking quotes against it). Compressed
    snapshots (`.gz`: the LiteLLM release files) are data, not quotable text, and are skipped."""
    return {
        row["source_id"]: package_path(row["snapshot_path"]).read_text(encoding="utf-8")
        for row in sources.filter(pl.col("snapshot_path").is_not_null()).iter_rows(named=True)
        if package_path(row["snapshot_path"]).exists() and not row["snapshot_path"].endswith(".gz")
    }


def bundled_files() -> BundledFiles:
    """The package's own files for the integrity re-hash (`warehouse.integrity`), read
    fresh from the registry files themselves: a tampered record is quarantined in the
    `source` table, so the table would hide it."""
    from warehouse.integrity import BundledFiles

    return BundledFiles(root=package_path(), registry=load_registry())
