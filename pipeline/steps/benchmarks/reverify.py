"""Re-read stored benchmark figures from their hashed files, and re-check derived
percentiles against their Parquet parts (`infernomics verify --all`).

Decisions:
* A figure read from a result file is `verified` only when its value is read again, now,
  from a file that still hashes to the sha256 it was imported under, at the same locator
  (run locator + raw key): the file is parsed again and every stored `measured` figure of
  it compared. A different value is `value_mismatch`; a file that is gone or changed
  leaves nothing to re-read: `no_snapshot`.
* A percentile derived from per-request rows is re-computed from its part with the same
  SQL (request_percentiles.sql) and compared with the stored derived figure; a part
  rewritten behind the warehouse's back shows up here even if its size is the same.
* Relative tolerance 1e-9: the same bytes through the same code give the same float.
* Files imported as Parquet have no result text to re-read: their figures are counts of
  the part, re-checked with the part.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline.steps.benchmarks.ingest import _sql, part_relation
from sources.benchmarks import ParseError, parse_bytes
from sources.paths import sha256_file
from warehouse.connection import part_path

REL_TOL = 1e-9


@dataclass
class Reverified:
    figures: int = 0
    verified: int = 0
    mismatched: int = 0
    no_snapshot: int = 0
    percentiles: int = 0
    percentiles_mismatched: int = 0
    examples: list[str] | None = None


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b), 1e-300)


def _set(con: duckdb.DuckDBPyConnection, verdicts: dict[str, str]) -> None:
    if not verdicts:
        return
    frame = pl.DataFrame({"figure_id": list(verdicts), "verification": list(verdicts.values())})
    con.register("_verdicts", frame.to_arrow())
    con.execute("UPDATE figure SET verification = v.verification FROM _verdicts v WHERE figure.figure_id = v.figure_id")
    con.unregister("_verdicts")


def reread_figures(con: duckdb.DuckDBPyConnection) -> Reverified:
    """Parse each stored result file again and compare every measured figure of it."""
    out = Reverified(examples=[])
    files = con.execute(
        "SELECT sha256, source_id, path, format FROM benchmark_file WHERE status = 'stored' "
        "AND path NOT LIKE '%.parquet'"
    ).fetchall()
    verdicts: dict[str, str] = {}
    for sha, sid, path, fmt in files:
        stored = dict(
            con.execute(
                "SELECT figure_id, value FROM figure WHERE snapshot_sha256 = ? AND kind = 'measured' "
                "AND entity_kind = 'benchmark_run' AND figure_id NOT LIKE '%/requests.count'",
                [sha],
            ).fetchall()
        )  # row counts come from the part: re-checked there
        if not stored:
            continue
        file = Path(path)
        if not file.is_file() or sha256_file(file) != sha:
            verdicts.update({fid: "no_snapshot" for fid in stored})
            out.examples.append(f"{path}: gone or changed since import; {len(stored)} figures cannot be re-read")
            continue
        try:
            frames = parse_bytes(
                file.read_bytes(), str(file), fmt or "auto", None, sid, directory_parts=file.parent.parts
            )
        except ParseError as err:
            verdicts.update({fid: "value_mismatch" for fid in stored})
            out.examples.append(f"{path}: no longer parses ({err})")
            continue
        locators = dict(zip(frames.runs["run_id"], frames.runs["locator"]))
        reread = {
            f"{sid}/{locators[r['run_id']]}/{r['metric']}.{r['stat']}": r["value"]
            for r in frames.stats.unique(
                subset=["run_id", "metric", "stat"], keep="first", maintain_order=True
            ).iter_rows(named=True)
            if r["value"] is not None
        }
        for fid, value in stored.items():
            ok = fid in reread and _same(value, reread[fid])
            verdicts[fid] = "verified" if ok else "value_mismatch"
            if not ok and len(out.examples) < 10:
                out.examples.append(
                    f"{fid}: stored {value}, file now says {reread.get(fid, 'nothing at that locator')}"
                )
    _set(con, verdicts)
    out.figures = len(verdicts)
    out.verified = sum(v == "verified" for v in verdicts.values())
    out.mismatched = sum(v == "value_mismatch" for v in verdicts.values())
    out.no_snapshot = sum(v == "no_snapshot" for v in verdicts.values())
    return out


def recheck_percentiles(con: duckdb.DuckDBPyConnection, parts_dir: Path, out: Reverified) -> None:
    """Re-compute every derived percentile from its part and compare with the stored figure."""
    verdicts: dict[str, str] = {}
    for part_file, layout, run_id in con.execute(
        "SELECT part_file, layout, run_id FROM benchmark_request_part"
    ).fetchall():
        file = parts_dir / part_path(part_file)
        part = file.name  # derived figures name the part by its file name in their locator
        if not file.is_file():
            continue  # reported missing by the integrity re-hash
        try:
            wide = pl.from_arrow(
                con.sql(
                    _sql("request_percentiles.sql").format(relation=part_relation(file, layout, run_id))
                ).to_arrow_table()
            )
        except duckdb.Error as err:
            out.examples.append(f"{part}: cannot be read ({str(err).splitlines()[0]})")
            wide = pl.DataFrame()
        meta = dict(
            con.execute(
                "SELECT run_id, source_id || '/' || locator FROM benchmark_run WHERE run_id IN (SELECT unnest(?))",
                [wide["run_id"].to_list() if wide.height else []],
            ).fetchall()
        )
        recomputed = {}
        for row in wide.iter_rows(named=True):
            recomputed[f"{meta.get(row['run_id'])}/requests.count"] = float(row["n_rows"])
            for metric in ("ttft", "tpot", "itl", "e2el"):
                if not row[f"{metric}_n"]:
                    continue
                values = dict(zip(("p50", "p90", "p95", "p99"), row[f"{metric}_q"]))
                values["mean"] = row[f"{metric}_mean"]
                for stat, value in values.items():
                    recomputed[f"{meta.get(row['run_id'])}/derived.{metric}.{stat}"] = value
        stored = dict(
            con.execute(
                "SELECT figure_id, value FROM figure WHERE (kind = 'derived' AND figure_id LIKE '%/derived.%' "
                "AND locator LIKE ?) OR (figure_id LIKE '%/requests.count' AND locator = ?)",
                [f"%{part})", part],
            ).fetchall()
        )
        for fid, value in stored.items():
            ok = fid in recomputed and _same(value, recomputed[fid])
            verdicts[fid] = "verified" if ok else "value_mismatch"
            if not ok and len(out.examples) < 10:
                out.examples.append(f"{fid}: stored {value}, part {part} now gives {recomputed.get(fid)}")
    _set(con, verdicts)
    out.percentiles = len(verdicts)
    out.percentiles_mismatched = sum(v == "value_mismatch" for v in verdicts.values())
