"""Store benchmark result files: one call per file, inside a warehouse write window.

Used by the `import` command, the bundled-files asset and the drop-folder sensor's job, so
all three behave the same. No Dagster import here.

Per file: hash -> skip if that sha256 is already stored -> parse (a file that is not the
format at all is quarantined whole) -> source + snapshot rows -> runs (contract; bad runs
quarantined, e.g. an all-failed vLLM run) -> stats and figures of accepted runs ->
per-request rows as a content-addressed Parquet part (bulk SQL validation) -> percentiles
recomputed from the requests, checked against the file's own summary, stored as derived
figures with lineage -> one `benchmark_file` row saying what happened.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from analysis.formulas import all_formulas
from analysis.formulas.benchmarks import mean_from_requests, percentile_from_requests
from sources.benchmarks import Frames, ParseError, default_source_id, parse_bytes
from sources.benchmarks.bundled import folder_context, is_context_file, source_for_sha
from sources.benchmarks.common import PARSER_VERSION, sha256_hex
from sources.benchmarks.context import Context, ContextError, load_context, parse_context
from sources.benchmarks.mlperf import system_context
from sources.benchmarks.streamed import sniff, stream_min_bytes, stream_parse
from sources.paths import sha256_file
from warehouse.connection import fails_alone, part_path, publish_file
from warehouse.contracts_benchmarks import REQUEST_RULES, BenchmarkRun, BenchmarkRunStat
from warehouse.figures import (
    store_figures,
    store_formulas,
    store_lineage,
    store_snapshots,
    store_sources,
)
from warehouse.store import IngestRun, Rejection, record_counts, store
from warehouse.tables import FIGURE, SOURCE

SQL_DIR = Path(__file__).parent / "sql"
PARTS_SUBDIR = "benchmark_request"  # canonical parts: a Hive-partitioned dataset
NATIVE_SUBDIR = "benchmark_request_native"  # imported per-request Parquet files, kept as they came


# Relative tolerance when a percentile recomputed from per-request rows is compared with
# the file's own figure. TTFT is the same numbers through the same interpolation; TPOT
# and E2EL are rebuilt from token gaps, which the tools measure with separate clocks.
TOLERANCE = {"ttft": 1e-6, "tpot": 0.02, "e2el": 0.02, "itl": 1e-6}
# vLLM's and SGLang's ITL statistics run over all token gaps, not per-request means: not comparable.
ITL_COMPARABLE = {"llmperf"}


@dataclass
class FileOutcome:
    path: str
    sha256: str
    status: str  # stored, skipped, quarantined, context
    reason: str = ""
    format: str | None = None
    source_id: str | None = None
    runs_stored: int = 0
    runs_quarantined: int = 0
    request_rows: int = 0
    checks_failed: list[str] = field(default_factory=list)


def _sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def rule_case() -> str:
    """The bulk validation verdict as one SQL CASE: the first rule a row breaks, else NULL."""
    whens = " ".join(f"WHEN {expr} THEN '{name}'" for name, expr in REQUEST_RULES.items())
    return f"CASE {whens} ELSE NULL END"


def _quote(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def part_relation(part: Path, layout: str, run_id: str | None) -> str:
    """A SQL relation with the canonical request columns and `_rule` for one part."""
    if layout == "canonical":
        return f"read_parquet({_quote(part)}, hive_partitioning = false)"
    if layout == "llmperf":
        converted = _sql("llmperf_requests.sql").format(run_id=run_id.replace("'", "''"), path=_quote(part))
        return f"(SELECT *, {rule_case()} AS _rule FROM {converted})"
    raise ValueError(f"unknown request part layout {layout!r}")


def refresh_request_view(con: duckdb.DuckDBPyConnection, parts_dir: Path) -> None:
    """Point the `benchmark_request` view at every registered part: canonical parts in one
    read_parquet, native parts each through their conversion. Paths are relative to the
    parts folder (connections set `file_search_path` to it), so a moved or copied
    warehouse folder reads its own parts."""
    parts = con.execute("SELECT part_file, layout, run_id FROM benchmark_request_part ORDER BY part_file").fetchall()
    if not parts:
        return
    canonical = [part_path(p) for p, layout, _ in parts if layout == "canonical"]
    pieces = (
        [f"SELECT * FROM read_parquet([{', '.join(_quote(f) for f in canonical)}], hive_partitioning = false)"]
        if canonical
        else []
    )
    pieces += [
        f"SELECT * FROM {part_relation(part_path(p), layout, rid)}" for p, layout, rid in parts if layout != "canonical"
    ]
    union = " UNION ALL BY NAME ".join(pieces)
    con.execute(
        f"CREATE OR REPLACE VIEW benchmark_request AS SELECT * EXCLUDE (_rule) FROM ({union}) WHERE _rule IS NULL"
    )
    con.execute(f"CREATE OR REPLACE VIEW benchmark_request_rejected AS SELECT * FROM ({union}) WHERE _rule IS NOT NULL")


def _partition(fmt: str | None) -> str:
    """The Hive partition of a part written today: `format=<fmt>/import_date=<YYYY-MM-DD>`."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in (fmt or "unknown"))
    return f"format={safe}/import_date={dt.datetime.now(dt.UTC).date().isoformat()}"


def _registered_part(con: duckdb.DuckDBPyConnection, file_sha256: str, layout: str) -> str | None:
    rows = con.execute(
        "SELECT part_file FROM benchmark_request_part WHERE file_sha256 = ? AND layout = ? ORDER BY part_file",
        [file_sha256, layout],
    ).fetchall()
    return rows[0][0] if rows else None


def write_request_part(
    con: duckdb.DuckDBPyConnection,
    parts_dir: Path,
    run: IngestRun,
    source_sql: str,
    file_sha256: str,
    source_id: str,
    fmt: str | None = None,
) -> tuple[str, int, int]:
    """Write `source_sql` (a relation with canonical request columns) as the part for
    `file_sha256`, validate in bulk, register it. Returns (part file relative to the parts
    folder, rows, rows rejected). Parts form a Hive-partitioned dataset,
    `benchmark_request/format=<fmt>/import_date=<day>/<sha256>-p<parser>.parquet`, that
    other engines read directly; the file is fsynced before its rename."""
    name = f"{file_sha256}-p{PARSER_VERSION}.parquet"
    relative = _registered_part(con, file_sha256, "canonical")
    if relative is None or part_path(relative).rsplit("/", 1)[-1] != name:
        relative = f"{PARTS_SUBDIR}/{_partition(fmt)}/{name}"
    target = parts_dir / part_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{name}.tmp"
    con.execute(
        _sql("write_request_part.sql").format(
            source=source_sql, rule_case=rule_case(), target=str(tmp).replace("'", "''")
        )
    )
    publish_file(tmp, target)
    part = str(target).replace("'", "''")
    total, good = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE _rule IS NULL) FROM read_parquet('{part}')"
    ).fetchall()[0]
    by_rule = (
        con.execute(
            f"SELECT _rule, count(*), arg_min(run_id || '#' || request_index, request_index) FROM read_parquet('{part}') "
            "WHERE _rule IS NOT NULL GROUP BY 1 ORDER BY 1"
        ).fetchall()
        if good < total
        else []
    )
    counted = record_counts(
        con,
        run,
        "benchmark_request",
        rows_in=total,
        accepted=good,
        rejected=_rule_rejections(name, source_id, file_sha256, by_rule),
        log=False,
    )
    bad = counted.quarantined
    con.execute(
        "DELETE FROM benchmark_request_part WHERE file_sha256 = ? AND layout = 'canonical' AND part_file <> ?",
        [file_sha256, relative],
    )
    con.execute(
        "INSERT OR REPLACE INTO benchmark_request_part VALUES (?, ?, 'canonical', NULL, ?, ?, ?)",
        [relative, file_sha256, total, bad, run.run_id],
    )
    return relative, total, bad


def context_for(
    path: Path, explicit: Path | None, cli: dict | None, bundled_folder: str | None
) -> tuple[Context, str | None]:
    """Context layers, lowest first: bundled folder, MLPerf system JSON beside the file,
    sidecar (explicit or found), CLI flags."""
    layers: list[Context] = []
    if bundled_folder:
        layers.append(folder_context(bundled_folder))
    system = _mlperf_system(path)
    if system is not None:
        layers.append(parse_context(system_context(system.read_bytes()), f"mlperf-system:{system.name}"))
    sidecar_ctx = load_context(path, explicit, None)
    used = explicit if explicit else None
    if sidecar_ctx.values or sidecar_ctx.override:
        layers.append(sidecar_ctx)
        used = used or next(
            (Path(o.split(":", 1)[1]) for o in sidecar_ctx.origins.values() if o.startswith("sidecar:")), None
        )
    merged = Context()
    for layer in layers:
        layer = layer.for_file(path.name)
        merged.values.update(layer.values)
        merged.origins.update(layer.origins)
        merged.override |= layer.override
        merged.notes.update(layer.notes)
    return merged.with_cli(cli or {}), (str(used) if used else None)


def _mlperf_system(path: Path) -> Path | None:
    """The system description for an MLPerf result: `systems/<platform>.json` up the
    results tree, or a single `*__systems__*.json` beside a flat copy."""
    beside = sorted(path.parent.glob("*__systems__*.json"))
    if len(beside) == 1 and beside[0] != path:
        return beside[0]
    parts = path.resolve().parts
    if "results" in parts:
        i = len(parts) - 1 - parts[::-1].index("results")
        if i + 1 < len(parts):
            candidate = Path(*parts[:i]) / "systems" / f"{parts[i + 1]}.json"
            if candidate.exists():
                return candidate
    return None


def _already(con: duckdb.DuckDBPyConnection, sha: str) -> tuple | None:
    rows = con.execute(
        "SELECT status, format, source_id, runs_stored, request_rows FROM benchmark_file WHERE sha256 = ?", [sha]
    ).fetchall()
    return rows[0] if rows else None


def _source_record(con, sha: str, path: Path, source_id: str | None) -> tuple[str, dict | None]:
    """(source id, the source record to store, or None when that id is already registered)."""
    record = source_for_sha(sha)
    if record is not None:
        return record["source_id"], record
    sid = source_id or default_source_id(sha)
    if con.execute("SELECT 1 FROM source WHERE source_id = ?", [sid]).fetchall():
        return sid, None
    return sid, {
        "source_id": sid,
        "kind": "benchmark_file",
        "title": f"Benchmark result file {path.name}",
        "publisher": "local import",
        "citation_full": f"Benchmark result file {path.name} (sha256 {sha}), imported from {path}",
        "url": "file:" + str(path.resolve()),
        "date_accessed": dt.date.today(),
        "source_class": "primary",
        "snapshot_sha256": sha,
        "notes": "registered by `infernomics import`",
    }


def _ensure_source(con, run: IngestRun, sha: str, path: Path, source_id: str | None) -> str:
    sid, record = _source_record(con, sha, path, source_id)
    if record is not None:
        store_sources(con, run, SOURCE.frame([record]))
    return sid


def _snapshot_row(sha: str, sid: str, path: Path, size: int) -> dict:
    return {
        "sha256": sha,
        "source_id": sid,
        "url": "file:" + str(path.resolve()),
        "retrieved_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "media_type": "application/json" if path.suffix in {".json", ".jsonl"} else "text/plain",
        "bytes": size,
        "path": str(path),
    }


def _snapshot(con, run: IngestRun, sha: str, sid: str, path: Path, size: int) -> None:
    store_snapshots(con, run, pl.DataFrame([_snapshot_row(sha, sid, path, size)]))


def _stat_figures(stats: pl.DataFrame, run: IngestRun) -> pl.DataFrame:
    """One measured figure per finite stat (`stats` already joined with the run's ids and
    `_sha`, the sha256 of the file each row came from)."""
    return FIGURE.conform(
        stats.filter(pl.col("figure_id").is_not_null()).select(
            "figure_id",
            "source_id",
            pl.col("_sha").alias("snapshot_sha256"),
            pl.format("benchmark.{}.{}", "metric", "stat").alias("metric"),
            pl.lit("benchmark_run").alias("entity_kind"),
            pl.col("run_id").alias("entity"),
            "value",
            "unit",
            pl.lit("=").alias("bound"),
            pl.col("run_date").alias("as_of"),
            pl.format("{}#{}", "file_name", "raw_key").alias("locator"),
            pl.format("{}: {}", "raw_key", "raw_value").alias("quote"),
            pl.lit("measured").alias("kind"),
            pl.lit("verified").alias("verification"),
            pl.format("read from the file (sha256 recorded); raw unit {}", pl.col("raw_unit").fill_null("?")).alias(
                "notes"
            ),
            pl.lit(run.run_id).alias("ingest_run_id"),
        )
    )


def import_bytes(
    con: duckdb.DuckDBPyConnection,
    parts_dir: Path,
    run: IngestRun,
    data: bytes,
    path: Path,
    fmt: str = "auto",
    context: Context | None = None,
    context_path: str | None = None,
    source_id: str | None = None,
) -> FileOutcome:
    sha = sha256_hex(data)
    outcome = FileOutcome(str(path), sha, "stored")
    prior = _already(con, sha)
    if prior and prior[0] == "stored":
        outcome.status, outcome.format, outcome.source_id = "skipped", prior[1], prior[2]
        outcome.reason = f"same sha256 already stored ({prior[3]} runs, {prior[4]} request rows)"
        return outcome
    sid = _ensure_source(con, run, sha, path, source_id)
    outcome.source_id = sid
    _snapshot(con, run, sha, sid, path, len(data))
    try:
        frames = parse_bytes(data, str(path), fmt, context, sid, directory_parts=path.parent.parts)
    except ParseError as err:
        return _quarantine_file(
            con, run, outcome, path, sid, f"ParseError: {err.describe(path.name)}", fmt, len(data), context_path
        )
    except ContextError as err:
        return _quarantine_file(
            con, run, outcome, path, sid, f"{type(err).__name__}: {err}", fmt, len(data), context_path
        )
    outcome.format = frames.format
    _store_frames(con, parts_dir, run, frames, outcome, sha, sid)
    status = "stored" if outcome.runs_stored else "quarantined"
    outcome.status = status
    _file_row(con, run, outcome, path, sid, len(data), context_path)
    return outcome


def import_streamed(
    con: duckdb.DuckDBPyConnection,
    parts_dir: Path,
    run: IngestRun,
    path: Path,
    fmt: str = "auto",
    context_path: Path | None = None,
    cli_context: dict | None = None,
    bundled_folder: str | None = None,
    source_id: str | None = None,
) -> FileOutcome | None:
    """`_import_path` + `import_bytes` for a large vLLM detailed or llmperf
    individual-responses file, read by DuckDB and never whole into Python
    (`sources.benchmarks.streamed`): the same context layers, source, snapshot, runs,
    stats, Parquet part and percentile checks. None when the file is not one of those
    layouts after all (the caller reads it the ordinary way)."""
    sha = sha256_file(path)
    outcome = FileOutcome(str(path), sha, "stored")
    prior = _already(con, sha)
    if prior and prior[0] == "stored":
        outcome.status, outcome.format, outcome.source_id = "skipped", prior[1], prior[2]
        outcome.reason = f"same sha256 already stored ({prior[3]} runs, {prior[4]} request rows)"
        return outcome
    record = source_for_sha(sha)
    if record is not None and bundled_folder is None:
        bundled_folder = Path(record["snapshot_path"]).parent.name
    size = path.stat().st_size
    sid = _ensure_source(con, run, sha, path, source_id)  # as import_bytes: before parsing
    outcome.source_id = sid
    try:
        context, used = context_for(path, context_path, cli_context, bundled_folder)
    except ContextError as err:
        return _quarantine_file(con, run, outcome, path, sid, f"ContextError: {err}", fmt, size, None)
    _snapshot(con, run, sha, sid, path, size)
    try:
        streamed = stream_parse(path, sha, sid, fmt, context, path.parent.parts)
    except ParseError as err:
        reason = f"ParseError: {err.describe(path.name)}"
        return _quarantine_file(con, run, outcome, path, sid, reason, fmt, size, used)
    if streamed is None:
        return None
    try:
        outcome.format = streamed.frames.format
        requests_sql = streamed.requests_sql() if streamed.rows else None
        _store_frames(con, parts_dir, run, streamed.frames, outcome, sha, sid, requests_sql)
    finally:
        streamed.close()
    outcome.status = "stored" if outcome.runs_stored else "quarantined"
    _file_row(con, run, outcome, path, sid, size, used)
    return outcome


def _quarantine_file(
    con, run, outcome: FileOutcome, path: Path, sid: str, reason: str, fmt: str, size: int, context_path: str | None
) -> FileOutcome:
    outcome.status, outcome.reason = "quarantined", reason
    whole_file = Rejection(
        sid, path.name, "parse", reason, json.dumps({"path": str(path), "format": fmt}), outcome.sha256
    )
    record_counts(con, run, "benchmark_file", rows_in=1, accepted=0, rejected=[whole_file])
    _file_row(con, run, outcome, path, sid, size, context_path)
    return outcome


def _file_row(
    con,
    run,
    outcome: FileOutcome,
    path: Path,
    sid: str,
    size: int,
    context_path: str | None,
    part_name: str | None = None,
) -> None:
    con.execute(FILE_ROW_SQL, _file_values(run, outcome, path, sid, size, context_path, part_name))


FILE_ROW_SQL = "INSERT OR REPLACE INTO benchmark_file VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _file_values(
    run, outcome: FileOutcome, path: Path, sid: str, size: int, context_path: str | None, part_name: str | None = None
) -> list:
    """The `benchmark_file` row saying what happened to one file."""
    return [
        outcome.sha256,
        sid,
        path.name,
        str(path),
        size,
        outcome.format,
        outcome.status,
        outcome.reason or None,
        outcome.runs_stored,
        outcome.runs_quarantined,
        outcome.request_rows,
        part_name or (f"{outcome.sha256}-p{PARSER_VERSION}.parquet" if outcome.request_rows else None),
        context_path,
        run.run_id,
        dt.datetime.now(dt.UTC).replace(tzinfo=None),
    ]


@dataclass
class _Parsed:
    """One file's frames on their way to the store; `_store_parsed` stores many at once.
    `requests_sql`: the request rows as a SQL relation (a streamed file) instead of
    `frames.requests`."""

    frames: Frames
    outcome: FileOutcome
    sha: str
    sid: str
    requests_sql: str | None = None


def _store_frames(
    con,
    parts_dir: Path,
    run: IngestRun,
    frames: Frames,
    outcome: FileOutcome,
    sha: str,
    sid: str,
    requests_sql: str | None = None,
) -> None:
    """One file's frames: `_store_parsed` of a batch of one."""
    _store_parsed(con, parts_dir, run, [_Parsed(frames, outcome, sha, sid, requests_sql)])


def _store_parsed(con, parts_dir: Path, run: IngestRun, batch: list[_Parsed]) -> None:
    """Store the runs, stats, figures, request parts and derived percentiles of the files
    in `batch`, one validated `store` per table for all of them, and fill each file's
    outcome (runs stored/quarantined and why, request rows, failed checks) as a store of
    that file alone would.

    Decisions:
    * Every file's runs and stats carry its own ids (run ids start with the file's sha256,
      figure ids with its source id), so one frame of all files stores the same rows as
      one frame per file; only the bookkeeping has to be split back per file.
    * A file's runs stored = its runs this write accepted (stored under this ingest run);
      its quarantine reasons = the reasons of rows with its locators. The caller
      (`import_paths`) batches only files whose run locators no other file uses.
    * Request rows stay one content-addressed Parquet part per file (the part is named by
      the file's sha256); the request view is rebuilt once, after all parts."""
    stats = pl.concat(
        [
            p.frames.stats.unique(subset=["run_id", "metric", "stat"], keep="first", maintain_order=True).with_columns(
                pl.lit(p.sha).alias("_sha")
            )
            for p in batch
        ]
    )
    runs = pl.concat([p.frames.runs for p in batch])
    stats = stats.join(
        runs.select("run_id", "source_id", "locator", "file_name", "run_date"), on="run_id", how="left"
    ).with_columns(
        pl.when(pl.col("value").is_not_null())
        .then(pl.format("{}/{}/{}.{}", "source_id", "locator", "metric", "stat"))
        .alias("figure_id")
    )
    per_run = (
        stats.filter(pl.col("figure_id").is_not_null())
        .group_by("run_id")
        .agg(pl.col("figure_id").sort().alias("figure_ids"))
    )
    runs = runs.join(per_run, on="run_id", how="left").with_columns(pl.lit(run.run_id).alias("ingest_run_id"))
    result = store(con, run, "benchmark_run", runs, BenchmarkRun, key=["run_id"])
    _split_run_result(con, run, batch, result)
    shas = [p.sha for p in batch]
    accepted = [
        r[0]
        for r in con.execute("SELECT run_id FROM benchmark_run WHERE list_contains(?, file_sha256)", [shas]).fetchall()
    ]
    if not accepted:
        return
    stats = stats.filter(pl.col("run_id").is_in(accepted))
    store_figures(con, run, _stat_figures(stats, run))
    store(
        con,
        run,
        "benchmark_run_stat",
        stats.drop("_sha"),
        BenchmarkRunStat,
        key=["run_id", "metric", "stat"],
        source_id_column=None,
    )
    derive: list[tuple[_Parsed, Path, str]] = []
    for p in batch:
        requests = p.frames.requests.filter(pl.col("run_id").is_in(accepted))
        if p.requests_sql is None and not requests.height:
            continue
        if not con.execute("SELECT 1 FROM benchmark_run WHERE file_sha256 = ? LIMIT 1", [p.sha]).fetchall():
            continue  # none of this file's runs was accepted
        if p.requests_sql is not None:
            part, total, bad = write_request_part(con, parts_dir, run, p.requests_sql, p.sha, p.sid, p.frames.format)
        if requests.height:
            con.register("_requests_in", requests.to_arrow())
            part, total, bad = write_request_part(con, parts_dir, run, "_requests_in", p.sha, p.sid, p.frames.format)
            con.unregister("_requests_in")
        p.outcome.request_rows = total - bad
        derive.append((p, parts_dir / part_path(part), p.frames.format))
    if derive:
        refresh_request_view(con, parts_dir)
        failed = derive_percentiles_of(con, run, [(part, fmt) for _, part, fmt in derive])
        for (p, _, _), checks_failed in zip(derive, failed, strict=True):
            p.outcome.checks_failed = checks_failed


def _split_run_result(con, run: IngestRun, batch: list[_Parsed], result) -> None:
    """Each file's share of one `store` of the runs of `batch`: runs stored, quarantined,
    and the reasons (in the order `store` gave them)."""
    if len(batch) == 1:
        shares = [(result.accepted, result.reasons)]
    else:
        ids = [p.frames.runs["run_id"].to_list() for p in batch]
        stored = {
            r[0]
            for r in con.execute(
                "SELECT run_id FROM benchmark_run WHERE ingest_run_id = ? AND list_contains(?, run_id)",
                [run.run_id, [i for file_ids in ids for i in file_ids]],
            ).fetchall()
        }
        shares = []
        for p, file_ids in zip(batch, ids, strict=True):
            prefixes = tuple(f"{loc}: " for loc in p.frames.runs["_locator"].to_list())
            shares.append((len(stored & set(file_ids)), [r for r in result.reasons if r.startswith(prefixes)]))
    for p, (n_stored, reasons) in zip(batch, shares, strict=True):
        p.outcome.runs_stored = n_stored
        p.outcome.runs_quarantined = p.frames.runs.height - n_stored
        if p.outcome.runs_quarantined:
            p.outcome.reason = "; ".join(reasons)


def derive_percentiles(con: duckdb.DuckDBPyConnection, part: Path, run: IngestRun, fmt: str) -> list[str]:
    """Percentiles from per-request rows as derived figures with lineage, and a check of
    each against the file's own figure where the file states one. Returns failed checks."""
    return derive_percentiles_of(con, run, [(part, fmt)])[0]


@dataclass
class _Percentiles:
    """What `derive_percentiles` stores for one part."""

    figures: pl.DataFrame
    lineage: pl.DataFrame
    checks: pl.DataFrame


def derive_percentiles_of(
    con: duckdb.DuckDBPyConnection, run: IngestRun, parts: list[tuple[Path, str]]
) -> list[list[str]]:
    """`derive_percentiles` of several parts (part, format), stored in one write per table;
    the failed checks of each part, in order."""
    derived = [_percentiles(con, part, run, fmt) for part, fmt in parts]
    present = [d for d in derived if d is not None]
    if present:
        store_formulas(con, all_formulas())
        store_figures(con, run, pl.concat([d.figures for d in present]))
        store_lineage(con, run, pl.concat([d.lineage for d in present], how="vertical_relaxed"))
        checks = pl.concat([d.checks for d in present], how="vertical_relaxed")
        con.register("_checks", checks.to_arrow())
        con.execute("INSERT OR REPLACE INTO benchmark_check BY NAME SELECT * FROM _checks")
        con.unregister("_checks")
    return [
        []
        if d is None
        else [
            f"{r['run_id']} {r['metric']} {r['stat']}: file {r['from_file']:.4g} vs requests {r['from_requests']:.4g}"
            for r in d.checks.filter(pl.col("ok") == False).to_dicts()  # noqa: E712 (null = not comparable)
        ]
        for d in derived
    ]


def _percentiles(con: duckdb.DuckDBPyConnection, part: Path, run: IngestRun, fmt: str) -> _Percentiles | None:
    """The derived figures, lineage and checks of one part (None: no successful request)."""
    layout, run_id = con.execute(
        "SELECT layout, run_id FROM benchmark_request_part WHERE part_file = ? OR ends_with(part_file, '/' || ?)",
        [part.name, part.name],
    ).fetchall()[0]
    relation = part_relation(part, layout, run_id)
    wide = pl.from_arrow(con.sql(_sql("request_percentiles.sql").format(relation=relation)).to_arrow_table())
    if wide.is_empty():
        return None
    pieces = []
    for metric in ("ttft", "tpot", "itl", "e2el"):
        pieces.append(
            wide.select(
                "run_id",
                pl.lit(metric).alias("metric"),
                pl.col(f"{metric}_n").alias("n"),
                pl.col(f"{metric}_mean").alias("mean"),
                *[pl.col(f"{metric}_q").list.get(i).alias(name) for i, name in enumerate(("p50", "p90", "p95", "p99"))],
            )
        )
    computed = pl.concat(pieces).filter(pl.col("n") > 0)
    if computed.is_empty():
        return None
    long = computed.unpivot(
        index=["run_id", "metric", "n"],
        on=["mean", "p50", "p90", "p95", "p99"],
        variable_name="stat",
        value_name="from_requests",
    )
    meta = pl.from_arrow(
        con.sql(
            "SELECT run_id, source_id, locator, file_sha256, run_date FROM benchmark_run WHERE run_id IN "
            "(SELECT unnest(?))",
            params=[long["run_id"].unique().to_list()],
        ).to_arrow_table()
    )
    stated = pl.from_arrow(
        con.sql(
            "SELECT run_id, metric, stat, value AS from_file, figure_id AS file_figure_id "
            "FROM benchmark_run_stat WHERE run_id IN (SELECT unnest(?))",
            params=[long["run_id"].unique().to_list()],
        ).to_arrow_table()
    )
    long = long.join(meta, on="run_id").join(stated, on=["run_id", "metric", "stat"], how="left")
    long = (
        long.with_columns(
            pl.format("{}/{}/derived.{}.{}", "source_id", "locator", "metric", "stat").alias("figure_id"),
            pl.format("{}/{}/requests.count", "source_id", "locator").alias("count_figure_id"),
            pl.col("metric").replace_strict(TOLERANCE, default=0.02).alias("tolerance"),
        )
        .with_columns(
            ((pl.col("from_requests") - pl.col("from_file")).abs() / pl.col("from_file").abs()).alias("rel_diff"),
        )
        .with_columns(
            pl.when(pl.col("from_file").is_null() | ((pl.col("metric") == "itl") & pl.lit(fmt not in ITL_COMPARABLE)))
            .then(None)
            .otherwise(pl.col("rel_diff") <= pl.col("tolerance"))
            .alias("ok"),
        )
    )
    counts = long.unique(subset=["run_id"]).select(
        pl.col("count_figure_id").alias("figure_id"),
        "source_id",
        pl.col("file_sha256").alias("snapshot_sha256"),
        pl.lit("benchmark.request_rows.count").alias("metric"),
        pl.lit("benchmark_run").alias("entity_kind"),
        pl.col("run_id").alias("entity"),
        pl.lit(None, pl.Float64).alias("value"),
        pl.lit("requests").alias("unit"),
        pl.lit("=").alias("bound"),
        pl.col("run_date").alias("as_of"),
        pl.format("{}", pl.lit(part.name)).alias("locator"),
        pl.lit("measured").alias("kind"),
        pl.lit("verified").alias("verification"),
        pl.lit(run.run_id).alias("ingest_run_id"),
    )
    n_rows = dict(zip(wide["run_id"].to_list(), wide["n_rows"].cast(pl.Float64).to_list()))
    counts = counts.with_columns(
        pl.col("entity").replace_strict(n_rows, default=None, return_dtype=pl.Float64).alias("value")
    )
    derived = long.select(
        "figure_id",
        "source_id",
        pl.col("file_sha256").alias("snapshot_sha256"),
        pl.format("benchmark.{}.{}", "metric", "stat").alias("metric"),
        pl.lit("benchmark_run").alias("entity_kind"),
        pl.col("run_id").alias("entity"),
        pl.col("from_requests").alias("value"),
        pl.lit("ms").alias("unit"),
        pl.lit("=").alias("bound"),
        pl.col("run_date").alias("as_of"),
        pl.format("{} (successful request rows of {})", pl.col("metric"), pl.lit(part.name)).alias("locator"),
        pl.lit("derived").alias("kind"),
        pl.lit("verified").alias("verification"),
        pl.when(pl.col("stat") == "mean")
        .then(pl.lit(mean_from_requests.key))
        .otherwise(pl.lit(percentile_from_requests.key))
        .alias("formula"),
        pl.lit(run.run_id).alias("ingest_run_id"),
    )
    lineage = pl.concat(
        [
            long.select(
                "figure_id", pl.col("count_figure_id").alias("input_figure_id"), pl.lit("requests").alias("role")
            ),
            long.filter(pl.col("file_figure_id").is_not_null()).select(
                "figure_id", pl.col("file_figure_id").alias("input_figure_id"), pl.lit("checked_against").alias("role")
            ),
        ]
    )
    checks = long.select(
        "run_id", "metric", "stat", "from_file", "from_requests", "rel_diff", "tolerance", "ok", "figure_id"
    )
    return _Percentiles(pl.concat([FIGURE.conform(counts), FIGURE.conform(derived)]), lineage, checks)


LLMPERF_REQUEST_COLUMNS = {"ttft_s", "end_to_end_latency_s", "number_output_tokens", "error_code"}


def parquet_layout(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """'llmperf' when a Parquet file has llmperf's per-request columns, else None."""
    columns = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({_quote(path)})").fetchall()}
    return "llmperf" if LLMPERF_REQUEST_COLUMNS <= columns else None


def import_request_parquet(
    con: duckdb.DuckDBPyConnection,
    parts_dir: Path,
    run: IngestRun,
    path: Path,
    layout: str,
    context: Context | None = None,
    source_id: str | None = None,
    context_path: str | None = None,
    derive: bool = True,
) -> FileOutcome:
    """Per-request rows in a Parquet file (tens of millions of rows): streamed, never
    loaded into Python. The file itself becomes the content-addressed part (copied under
    its sha256); one SQL scan validates every row against the bulk rules and counts the
    outcome; the view converts to canonical columns and hides rejected rows."""
    import shutil

    from sources.benchmarks.common import ParseContext, RunBuilder, finish

    sha = sha256_file(path)
    outcome = FileOutcome(str(path), sha, "stored", format=layout)
    prior = _already(con, sha)
    if prior and prior[0] == "stored":
        outcome.status, outcome.source_id = "skipped", prior[2]
        outcome.reason = f"same sha256 already stored ({prior[3]} runs, {prior[4]} request rows)"
        return outcome
    sid = _ensure_source(con, run, sha, path, source_id)
    outcome.source_id = sid
    _snapshot(con, run, sha, sid, path, path.stat().st_size)
    relative = _registered_part(con, sha, layout) or f"{NATIVE_SUBDIR}/{_partition(layout)}/{sha}.parquet"
    part = parts_dir / part_path(relative)
    part.parent.mkdir(parents=True, exist_ok=True)
    if not part.exists():
        tmp = part.parent / f".{part.name}.tmp"
        shutil.copyfile(path, tmp)
        publish_file(tmp, part)
    run_id = f"{sha[:16]}/run"
    relation = part_relation(part, layout, run_id)
    rows = con.execute(_sql("validate_part.sql").format(relation=relation)).fetchall()
    total = sum(r[1] for r in rows)
    bad = [(rule, n, first) for rule, n, _, _, first in rows if rule is not None]
    ok = sum(r[2] for r in rows if r[0] is None)
    rejected = sum(r[3] for r in rows)
    counted = record_counts(
        con,
        run,
        "benchmark_request",
        rows_in=total,
        accepted=sum(r[1] for r in rows if r[0] is None),
        rejected=_rule_rejections(part.name, sid, sha, bad),
        log=False,
    )
    n_bad = counted.quarantined
    con.execute(
        "INSERT OR REPLACE INTO benchmark_request_part VALUES (?, ?, ?, ?, ?, ?, ?)",
        [relative, sha, layout, run_id, total, n_bad, run.run_id],
    )
    ctx = ParseContext(path.name, sha, sid, context, path.parent.parts)
    b = RunBuilder(ctx, "run")
    b.set("format", layout)
    b.set("format_variant", f"{layout}-requests-parquet")
    b.set("n_request_rows", total - n_bad)
    b.stat("requests_sent", "value", total, "count(*)", "requests")
    b.stat("completed", "value", ok, "count(success)", "requests")
    b.stat("rejected", "value", rejected, "count(error_code in (429, 503))", "requests")
    b.stat("failed", "value", total - ok - rejected, "count(*) - completed - rejected", "requests")
    if ok == 0:
        b.errors.append("all_requests_failed: no request in the file succeeded")
    frames = finish(ctx, [b], None, layout)
    _store_frames(con, parts_dir, run, frames, outcome, sha, sid)
    outcome.request_rows = total - n_bad
    outcome.status = "stored" if outcome.runs_stored else "quarantined"
    if outcome.runs_stored:
        refresh_request_view(con, parts_dir)
        if derive:
            outcome.checks_failed = derive_percentiles(con, part, run, layout)
    _file_row(con, run, outcome, path, sid, path.stat().st_size, context_path, part.name)
    return outcome


def _rule_rejections(part_name: str, sid: str, sha: str, bad: list[tuple]) -> list[Rejection]:
    """One quarantine row per broken rule (count and first row), standing for its `n` rows:
    rejected rows stay in the part, hidden by the view, listed by `benchmark_request_rejected`."""
    return [
        Rejection(
            sid,
            f"{part_name}:{first}",
            rule,
            f"{n} request rows break {rule} ({REQUEST_RULES[rule]}); first: {first}",
            json.dumps({"rule": rule, "rows": n}),
            sha,
            rows=n,
        )
        for rule, n, first in bad
    ]


MAX_BYTES_ENV = "INFERNOMICS_IMPORT_MAX_BYTES"
#: Result files are read whole into memory; the largest real one bundled is ~1 MB. Parquet
#: per-request files are streamed by DuckDB and not held to this cap.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024


class UnreadableFile(Exception):
    """Not something `import` will read (FIFO, device, too big): refused before reading."""


def max_bytes_default() -> int:
    """$INFERNOMICS_IMPORT_MAX_BYTES, else 256 MiB."""
    text = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_BYTES
    try:
        value = int(text)
    except ValueError:
        raise UnreadableFile(f"{MAX_BYTES_ENV}={text!r} is not a whole number of bytes") from None
    if value <= 0:
        raise UnreadableFile(f"{MAX_BYTES_ENV}={text!r} must be positive")
    return value


def read_regular_file(path: Path, max_bytes: int | None = None, head_only: bool = False) -> tuple[bytes, int]:
    """(bytes, size) of a regular file, refusing anything else before a byte is read.

    Decisions:
    * Opened with O_NONBLOCK and checked with fstat on the open descriptor (not a stat of
      the name, which a symlink swap could change in between): a FIFO would block
      `open()`/`read()` forever and /dev/zero (directly or through a symlink) never ends.
    * Files above `max_bytes` are refused with their size and the cap, never truncated.
    * `head_only` reads 4 bytes (the Parquet magic) without the cap: Parquet is streamed."""
    limit = max_bytes_default() if max_bytes is None else max_bytes
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise UnreadableFile(f"cannot open: {err.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            kind = (
                "FIFO"
                if stat.S_ISFIFO(info.st_mode)
                else "device"
                if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                else "socket"
                if stat.S_ISSOCK(info.st_mode)
                else "not a regular file"
            )
            raise UnreadableFile(
                f"not a regular file ({kind}{', via symlink' if path.is_symlink() else ''}); "
                "only regular files are imported"
            )
        if head_only:
            return handle.read(4), info.st_size
        if info.st_size > limit:
            raise UnreadableFile(
                f"{info.st_size} bytes is over the import cap of {limit} bytes "
                f"(raise it with --max-bytes or {MAX_BYTES_ENV})"
            )
        data = handle.read(limit + 1)
        if len(data) > limit:  # grew while we read
            raise UnreadableFile(
                f"more than {limit} bytes (the import cap; raise it with --max-bytes or {MAX_BYTES_ENV})"
            )
        return data, info.st_size


def hash_parts(con: duckdb.DuckDBPyConnection, parts_dir: Path, sha: str) -> None:
    """Record the sha256 of each part of file `sha` as written (`benchmark_part_hash`), so
    `infernomics verify` and every refresh can tell when a part was rewritten. A part
    written before this table existed is hashed the first time its file is seen again
    (trust on first use: it cannot be checked against a hash nobody kept)."""
    for (name,) in con.execute(
        "SELECT part_file FROM benchmark_request_part WHERE file_sha256 = ? AND part_file NOT IN "
        "(SELECT part_file FROM benchmark_part_hash)",
        [sha],
    ).fetchall():
        part = parts_dir / part_path(name)
        con.execute(
            "INSERT OR REPLACE INTO benchmark_part_hash VALUES (?, ?, ?, ?)",
            [name, sha256_file(part), part.stat().st_size, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
        )


def forget_file(con: duckdb.DuckDBPyConnection, parts_dir: Path, sha: str) -> None:
    """Undo whatever a failed import of one file wrote (runs, stats, figures, lineage,
    checks, its Parquet part), so a file is stored whole or not at all and no orphan
    part is left. Sources/snapshots stay: the quarantine row refers to them."""
    runs = [r[0] for r in con.execute("SELECT run_id FROM benchmark_run WHERE file_sha256 = ?", [sha]).fetchall()]
    parts = con.execute("SELECT part_file FROM benchmark_request_part WHERE file_sha256 = ?", [sha]).fetchall()
    con.execute(
        "DELETE FROM figure_input WHERE figure_id IN (SELECT figure_id FROM figure WHERE snapshot_sha256 = ? "
        "AND entity_kind = 'benchmark_run')",
        [sha],
    )
    con.execute("DELETE FROM figure WHERE snapshot_sha256 = ? AND entity_kind = 'benchmark_run'", [sha])
    con.execute("DELETE FROM benchmark_check WHERE list_contains(?, run_id)", [runs])
    con.execute("DELETE FROM benchmark_run_stat WHERE list_contains(?, run_id)", [runs])
    con.execute("DELETE FROM benchmark_run WHERE file_sha256 = ?", [sha])
    con.execute("DELETE FROM benchmark_part_hash WHERE list_contains(?, part_file)", [[p[0] for p in parts]])
    con.execute("DELETE FROM benchmark_request_part WHERE file_sha256 = ?", [sha])
    folder = parts_dir / PARTS_SUBDIR
    leftovers = {parts_dir / part_path(p[0]) for p in parts}
    if folder.exists():  # written but not yet registered when the error came (any partition)
        leftovers |= set(folder.rglob(f"{sha}*.parquet")) | set(folder.rglob(f".{sha}*.tmp"))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    if con.execute("SELECT count(*) FROM benchmark_request_part").fetchall()[0][0]:
        refresh_request_view(con, parts_dir)
    else:
        con.execute("DROP VIEW IF EXISTS benchmark_request_rejected")
        con.execute(_sql("empty_request_view.sql"))


def import_path(
    con: duckdb.DuckDBPyConnection,
    parts_dir: Path,
    run: IngestRun,
    path: Path,
    fmt: str = "auto",
    context_path: Path | None = None,
    cli_context: dict | None = None,
    bundled_folder: str | None = None,
    source_id: str | None = None,
    derive: bool = True,
    max_bytes: int | None = None,
) -> FileOutcome:
    """Import one file from disk, with its context layers. `derive=False` skips the
    percentile recomputation (run it later with `derive_percentiles`).

    Each file is its own unit: whatever goes wrong with this file (not a regular file, over
    the size cap, a corrupt Parquet, a parser or store error) quarantines this file whole
    with the reason, undoes its partial writes, and returns; the caller goes on with the
    next file and the good ones are stored."""
    try:
        with fails_alone(con):  # a database error in this file undoes this file's writes only
            outcome = _import_path(
                con, parts_dir, run, path, fmt, context_path, cli_context, bundled_folder, source_id, derive, max_bytes
            )
            if outcome.status in ("stored", "skipped"):  # skipped: parts written before hashes were kept get one now
                hash_parts(con, parts_dir, outcome.sha256)
        return outcome
    except UnreadableFile as err:
        return _refuse_file(con, run, path, str(err), fmt, source_id, "unreadable")
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as err:  # noqa: BLE001 (one bad file must never sink the batch)
        return _failed_file(con, parts_dir, run, path, err, fmt, source_id)


#: The run's message when the batch was rolled back and its files imported one by one.
BATCH_FAILED = "storing the files together failed, so each was imported alone"


@dataclass(frozen=True)
class ImportItem:
    """One file for `import_paths` (the bundled asset names each file's vendored folder)."""

    path: Path
    bundled_folder: str | None = None


@dataclass
class _Prepared:
    """A plain result file read, hashed, given its context and parsed, nothing written yet."""

    path: Path
    size: int
    source_record: dict | None
    context_path: str | None
    parsed: _Parsed


def import_paths(
    con: duckdb.DuckDBPyConnection,
    parts_dir: Path,
    run: IngestRun,
    items: list[ImportItem],
    max_bytes: int | None = None,
) -> list[FileOutcome]:
    """`import_path` of every file of `items` (format detected, no CLI context), with the
    same rows and outcomes, in order; the plain files are stored together.

    Decisions:
    * Why: a store validates with pandera and writes through a transaction; its cost is
      mostly per call, not per row. Fourteen small files stored one by one made ~100
      stores (4 s of a cold refresh); together they make one per table.
    * Only the plain case is batched: a small result file, not yet stored, that parses.
      Anything else (Parquet, a streamed large file, a file refused or quarantined, a
      context file, one already stored, a second copy of a file in the list, a file whose
      run locators another file of the batch also has) goes through `import_path` on its
      own, after the batch, so its outcome is exactly the one-file import's.
    * Each file is still its own unit when something fails: the batch is one `fails_alone`
      block; if a write of it fails, the block is rolled back, the run's counts restored,
      and every file of the batch is imported again one by one (the bad one is
      quarantined with the reason, the others stored), as `import_path` does."""
    outcomes: list[FileOutcome | None] = [None] * len(items)
    batch: list[tuple[int, _Prepared]] = []
    alone: list[int] = []
    shas: set[str] = set()
    locators: set[str] = set()
    stored = {r[0] for r in con.execute("SELECT sha256 FROM benchmark_file WHERE status = 'stored'").fetchall()}
    for i, item in enumerate(items):
        prepared = _prepare(con, item, max_bytes, stored)
        file_locators = set(prepared.parsed.frames.runs["_locator"].to_list()) if prepared else set()
        if prepared is None or prepared.parsed.sha in shas or file_locators & locators:
            alone.append(i)
            continue
        shas.add(prepared.parsed.sha)
        locators |= file_locators
        batch.append((i, prepared))
    if batch:
        counts = (run.rows_in, run.rows_accepted, run.rows_quarantined, list(run.messages))
        try:
            with fails_alone(con):
                _store_batch(con, parts_dir, run, [p for _, p in batch])
            for i, prepared in batch:
                outcomes[i] = prepared.parsed.outcome
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as err:  # noqa: BLE001 (rolled back: each file is tried alone, and fails alone)
            run.rows_in, run.rows_accepted, run.rows_quarantined, run.messages = counts
            run.messages.append(f"{BATCH_FAILED}: {type(err).__name__}: {str(err).splitlines()[0][:200]}")
            alone = sorted(alone + [i for i, _ in batch])
    for i in alone:
        item = items[i]
        outcomes[i] = import_path(
            con, parts_dir, run, item.path, bundled_folder=item.bundled_folder, max_bytes=max_bytes
        )
    return [o for o in outcomes if o is not None]


def _prepare(
    con: duckdb.DuckDBPyConnection, item: ImportItem, max_bytes: int | None, stored: set[str]
) -> _Prepared | None:
    """What `_import_path` + `import_bytes` do before their first write, for the plain
    case; None for any other (the caller hands that file to `import_path`). `stored`: the
    sha256 of every file already stored (those are skipped, by `import_path`)."""
    path, folder = item.path, item.bundled_folder
    try:
        magic, size = read_regular_file(path, max_bytes, head_only=True)
        if magic == b"PAR1" or (size >= stream_min_bytes() and sniff(path)):
            return None
        data, size = read_regular_file(path, max_bytes)
        sha = sha256_hex(data)
        record = source_for_sha(sha)
        if record is not None and folder is None:
            folder = Path(record["snapshot_path"]).parent.name
        if is_context_file(path.name):
            return None
        if sha in stored:
            return None
        ctx, used = context_for(path, None, None, folder)
        sid, source_record = _source_record(con, sha, path, None)
        frames = parse_bytes(data, str(path), "auto", ctx, sid, directory_parts=path.parent.parts)
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception:  # noqa: BLE001 (refused, quarantined or failed: `import_path` says why)
        return None
    outcome = FileOutcome(str(path), sha, "stored", format=frames.format, source_id=sid)
    return _Prepared(path, len(data), source_record, used, _Parsed(frames, outcome, sha, sid))


def _store_batch(con: duckdb.DuckDBPyConnection, parts_dir: Path, run: IngestRun, batch: list[_Prepared]) -> None:
    """Sources, snapshots, frames and `benchmark_file` rows of the prepared files, each
    table written once; then the part hashes of the stored files."""
    records = [p.source_record for p in batch if p.source_record is not None]
    if records:
        store_sources(con, run, SOURCE.frame(records))
    store_snapshots(con, run, pl.DataFrame([_snapshot_row(p.parsed.sha, p.parsed.sid, p.path, p.size) for p in batch]))
    _store_parsed(con, parts_dir, run, [p.parsed for p in batch])
    for p in batch:
        p.parsed.outcome.status = "stored" if p.parsed.outcome.runs_stored else "quarantined"
    con.executemany(
        FILE_ROW_SQL,
        [_file_values(run, p.parsed.outcome, p.path, p.parsed.sid, p.size, p.context_path) for p in batch],
    )
    for p in batch:
        if p.parsed.outcome.status == "stored":
            hash_parts(con, parts_dir, p.parsed.sha)


def _refuse_file(
    con, run: IngestRun, path: Path, reason: str, fmt: str, source_id: str | None, rule: str
) -> FileOutcome:
    """A file refused before it was read: no hash to name it by, so it is keyed by its path."""
    sid = source_id or "(refused before reading)"
    out = FileOutcome(str(path), "", "quarantined", source_id=sid)
    out.status, out.reason = "quarantined", f"{rule}: {reason}"
    refused = Rejection(
        sid,
        str(path),
        rule,
        f"{path}: {reason}",
        json.dumps({"path": str(path), "format": fmt}),
        message=f"{path}: {rule}: {reason}",
    )
    record_counts(con, run, "benchmark_file", rows_in=1, accepted=0, rejected=[refused])
    return out


def _failed_file(
    con, parts_dir: Path, run: IngestRun, path: Path, err: Exception, fmt: str, source_id: str | None
) -> FileOutcome:
    """An error no parser rule caught (corrupt Parquet, a value the store refused):
    the file's partial writes are undone and the file quarantined whole."""
    try:
        sha = sha256_file(path)
    except OSError:
        return _refuse_file(con, run, path, f"{type(err).__name__}: {err}", fmt, source_id, "unreadable")
    if con.execute("SELECT 1 FROM benchmark_file WHERE sha256 = ? AND status = 'stored'", [sha]).fetchall():
        pass  # an earlier import stored it; this attempt wrote nothing new to undo
    else:
        forget_file(con, parts_dir, sha)
    reason = f"{type(err).__name__}: {str(err).splitlines()[0][:300] if str(err) else ''}"
    sid = _ensure_source(con, run, sha, path, source_id)
    out = FileOutcome(str(path), sha, "quarantined", source_id=sid)
    size = path.stat().st_size
    return _quarantine_file(con, run, out, path, sid, f"file_failed: {reason}", fmt, size, None)


def _import_path(
    con: duckdb.DuckDBPyConnection,
    parts_dir: Path,
    run: IngestRun,
    path: Path,
    fmt: str,
    context_path: Path | None,
    cli_context: dict | None,
    bundled_folder: str | None,
    source_id: str | None,
    derive: bool,
    max_bytes: int | None,
) -> FileOutcome:
    magic, _ = read_regular_file(path, max_bytes, head_only=True)
    if magic == b"PAR1":
        layout = parquet_layout(con, path)
        if layout is None or fmt not in ("auto", layout):
            reason = f"Parquet file without llmperf per-request columns {sorted(LLMPERF_REQUEST_COLUMNS)}"
            sha = sha256_file(path)
            sid = _ensure_source(con, run, sha, path, source_id)
            out = FileOutcome(str(path), sha, "quarantined", source_id=sid)
            return _quarantine_file(con, run, out, path, sid, reason, fmt, path.stat().st_size, None)
        ctx, used = context_for(path, context_path, cli_context, bundled_folder)
        return import_request_parquet(con, parts_dir, run, path, layout, ctx, source_id, used, derive)
    if fmt in ("auto", "vllm", "llmperf") and path.stat().st_size >= stream_min_bytes() and sniff(path):
        streamed = import_streamed(con, parts_dir, run, path, fmt, context_path, cli_context, bundled_folder, source_id)
        if streamed is not None:
            return streamed
    data, _ = read_regular_file(path, max_bytes)
    record = source_for_sha(sha256_hex(data))
    if record is not None and bundled_folder is None:
        bundled_folder = Path(record["snapshot_path"]).parent.name
    if is_context_file(path.name) and fmt == "auto":
        return FileOutcome(
            str(path),
            sha256_hex(data),
            "context",
            "context/provenance file (sidecar, script, system description), not a result",
        )
    try:
        ctx, used = context_for(path, context_path, cli_context, bundled_folder)
    except ContextError as err:
        sha = sha256_hex(data)
        sid = _ensure_source(con, run, sha, path, source_id)
        out = FileOutcome(str(path), sha, "quarantined", source_id=sid)
        return _quarantine_file(con, run, out, path, sid, f"ContextError: {err}", fmt, len(data), None)
    return import_bytes(con, parts_dir, run, data, path, fmt, ctx, used, source_id)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named, and every entry under folders named that is not a folder (sorted);
    hidden files skipped. FIFOs, devices and dangling links are listed too, so the import
    refuses each with its reason instead of skipping it without a word."""
    out = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if not f.is_dir() and not f.name.startswith(".")))
        else:
            out.append(p)
    return out
