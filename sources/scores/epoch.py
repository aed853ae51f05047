"""Epoch AI benchmark scores: the Benchmarking Hub's CSVs, the ECI and the benchmark-stitching runs.

Files (sources/data/scores/, CC BY 4.0 "Epoch AI"; stitching MIT): see ATTRIBUTION.md there.
Which column of each hub file is its headline score, in which unit, with which stderr and
third-party source columns, is data: `benchmark_catalog.csv` (one row per file). A hub file
that the catalog does not name is an error, not a guess.

Decisions:
- One row per file row: the same model at several reasoning efforts (`o3-2025-04-16_high`,
  `_low`) is several rows. `model_version` is kept exactly as Epoch spells it; `model_base`
  and `reasoning_effort` split off a trailing effort suffix (`_high`, `_xhigh`, `_32K`,
  `_unknown`, ...) by the one pattern `EFFORT`. Sizes such as `_8B` are not efforts.
- Scores keep their published unit (`fraction`, `percent`, `points`, `elo`, `minutes`, `eci`);
  `score_fraction` is the 0-1 value for fraction and percent scores, null otherwise.
- Bad rows are kept with `"rule: reason"` in `_errors` (store quarantines them): no model
  name (`model_named`), a score that does not parse or is missing (`number_parses`,
  `value_present`), outside its unit's range (`score_range`: a fraction above 1, a percent
  above 100, a negative score), a negative stderr (`number_non_negative`), a release date
  that does not parse (`date_parses`): the cell rules of `warehouse.rules`.
- Ids: `<source_id>/<run id>/score` where the file has a run or record id, else
  `<source_id>/<model_version>/score`; a repeated id within a file gets `@line<N>`.
  The stderr figure is `.../stderr`. Same file -> same ids.
- Everything is vectorised polars (no Python loop over rows): 5,000+ rows parse in
  milliseconds.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from sources.paths import data_path, relative_locator, sha256_file
from warehouse.rules import DATE_PARSES, NUMBER_NON_NEGATIVE, NUMBER_PARSES, VALUE_PRESENT
from warehouse.tables import MODEL_SCORE

DATA_DIR = "scores"
HUB_DIR = "epoch_hub"
CATALOG_FILE = "benchmark_catalog.csv"
ECI_LATER_FILE = "eci_later_copy.csv"
STITCHING_RUNS = ("epoch_stitching", "benchmarks_runs.csv")
STITCHING_VERSIONS = ("epoch_stitching", "model_versions.csv")
STITCHING_TASKS = "stitching_tasks.csv"  # stitching task name -> the hub's benchmark name (ours)
HUB_SOURCE_PREFIX = "epoch-hub-"
ECI_LATER_SOURCE_ID = "epoch-eci-later-copy"
STITCHING_SOURCE_ID = "epoch-stitching-runs"
#: A trailing reasoning-effort or thinking-budget suffix of an Epoch model version.
EFFORT = r"_(minimal|none|low|medium|high|xhigh|max|unknown|thinking|\d+[Kk])$"
UNIT_RANGES = {"fraction": (0.0, 1.0), "percent": (0.0, 100.0)}
NONNEGATIVE_UNITS = {"points", "minutes", "eci", "elo", "index"}

# A parsed score row: the `model_score` columns (`warehouse.tables.MODEL_SCORE`) but the ones the
# load step adds (the mapped `model_key`, the `figure_ids` list, the run), then bookkeeping.
SCORE_SCHEMA: dict[str, pl.DataType] = MODEL_SCORE.polars_schema(
    *[c for c in MODEL_SCORE.names if c not in ("model_key", "figure_ids", "ingest_run_id")]
) | {"_locator": pl.String, "_errors": pl.List(pl.String), "_raw": pl.String}


@dataclass(frozen=True)
class CatalogEntry:
    """How to read one hub file (a row of benchmark_catalog.csv)."""

    file: str
    benchmark: str
    origin: str
    score_column: str
    unit: str
    stderr_column: str | None
    source_column: str | None
    source_link_column: str | None
    id_column: str | None

    @property
    def source_id(self) -> str:
        return HUB_SOURCE_PREFIX + Path(self.file).stem.replace("_external", "").replace("_", "-")


def catalog(path: Path | None = None) -> dict[str, CatalogEntry]:
    """The benchmark catalog, by file name."""
    text = (path or data_path(DATA_DIR, CATALOG_FILE)).read_text(encoding="utf-8")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        entry = CatalogEntry(**{k: (v or None) for k, v in row.items()})
        out[entry.file] = entry
    return out


def hub_files() -> list[Path]:
    return sorted(data_path(DATA_DIR, HUB_DIR).glob("*.csv"))


def _read_strings(data: bytes | Path) -> pl.DataFrame:
    """Every cell as text, BOM stripped, with the file line number of each row."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    frame = pl.read_csv(io.BytesIO(raw), infer_schema_length=0, truncate_ragged_lines=True)
    # line numbers: csv.reader counts rows with embedded newlines correctly
    lines, line = [], 2
    reader = csv.reader(io.StringIO(raw.decode("utf-8")))
    next(reader, None)
    for _ in reader:
        lines.append(line)
        line = reader.line_num + 1
    if len(lines) != frame.height:  # a malformed file: fall back to row order
        lines = list(range(2, frame.height + 2))
    return frame.with_columns(pl.Series("_line", lines, dtype=pl.Int64))


def _col(frame: pl.DataFrame, name: str | None) -> pl.Expr:
    if name and name in frame.columns:
        return pl.col(name).str.strip_chars().replace("", None)
    return pl.lit(None, pl.String)


def _errors(checks: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
    """A list column of the messages whose condition holds."""
    return pl.concat_list(
        [pl.when(cond).then(msg).otherwise(pl.lit(None, pl.String)) for cond, msg in checks]
    ).list.drop_nulls()


def _text(value: str | pl.Expr | None) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(value, pl.String)


def _finish(
    frame: pl.DataFrame,
    source_id: str | pl.Expr,
    file_name: str | pl.Expr,
    snapshot_sha256: str | pl.Expr | None,
    unit: pl.Expr,
    id_expr: pl.Expr,
    extra_checks: list[tuple[pl.Expr, pl.Expr]] | None = None,
    file_column: str | None = None,
) -> pl.DataFrame:
    """Common tail: effort split, range checks, ids, bookkeeping columns (frame has raw text columns
    `_model`, `_score`, `_stderr`, `_date`, `_run_date`, plus `_line`).

    `source_id`, `file_name` and `snapshot_sha256` are one file's values, or expressions over
    a frame of several files (`parse_hub`); then `file_column` names the column telling the
    files apart, within which an id must be unique."""
    file_name = _text(file_name)
    source = _text(source_id)
    lo_hi = {u: r for u, r in UNIT_RANGES.items()}
    frame = frame.with_columns(
        pl.col("_score").cast(pl.Float64, strict=False).alias("score"),
        pl.col("_stderr").cast(pl.Float64, strict=False).alias("stderr"),
        pl.col("_date").str.to_date("%Y-%m-%d", strict=False).alias("release_date"),
        unit.alias("score_unit"),
    )
    too_high = pl.lit(False)
    for u, (_, hi) in {**lo_hi, "index": (0.0, 100.0)}.items():
        too_high = too_high | ((pl.col("score_unit") == u) & (pl.col("score") > hi))
    model = pl.col("_model")
    base_id = source + "/" + id_expr.str.replace_all(r"\s+", "-")
    frame = frame.with_columns(
        model.alias("model_version"),
        model.str.replace(EFFORT, "").alias("model_base"),
        model.str.extract(EFFORT, 1).alias("reasoning_effort"),
        pl.when(pl.col("score_unit").is_in(["fraction"]))
        .then(pl.col("score"))
        .when(pl.col("score_unit") == "percent")
        .then(pl.col("score") / 100)
        .otherwise(None)
        .alias("score_fraction"),
        _errors(
            [
                (
                    model.is_null(),
                    pl.format("model_named: {} row {} has no model name", file_name, pl.col("_line")),
                ),
                (
                    pl.col("_score").is_null(),
                    pl.format(VALUE_PRESENT + ": {} row {} has no score", file_name, pl.col("_line")),
                ),
                (
                    pl.col("_score").is_not_null() & pl.col("score").is_null(),
                    pl.format(
                        NUMBER_PARSES + ": {} row {}: score {} is not a number",
                        file_name,
                        pl.col("_line"),
                        pl.col("_score"),
                    ),
                ),
                (
                    too_high,
                    pl.format(
                        "score_range: {} row {}: score {} is above the top of a {} scale",
                        file_name,
                        pl.col("_line"),
                        pl.col("score"),
                        pl.col("score_unit"),
                    ),
                ),
                (
                    pl.col("score") < 0,
                    pl.format(
                        "score_range: {} row {}: score {} is negative",
                        file_name,
                        pl.col("_line"),
                        pl.col("score"),
                    ),
                ),
                (
                    pl.col("_stderr").is_not_null() & (pl.col("stderr").is_null() | (pl.col("stderr") < 0)),
                    pl.format(
                        NUMBER_NON_NEGATIVE + ": {} row {}: stderr {} is not a number >= 0",
                        file_name,
                        pl.col("_line"),
                        pl.col("_stderr"),
                    ),
                ),
                (
                    pl.col("_date").is_not_null() & pl.col("release_date").is_null(),
                    pl.format(
                        DATE_PARSES + ": {} row {}: release date {} is not YYYY-MM-DD",
                        file_name,
                        pl.col("_line"),
                        pl.col("_date"),
                    ),
                ),
                *(extra_checks or []),
            ]
        ).alias("_errors"),
        base_id.alias("_id"),
    )
    repeated = pl.col("_id").is_duplicated()
    dup = (repeated if file_column is None else repeated.over(file_column)) | pl.col("_id").is_null()
    frame = frame.with_columns(
        pl.when(dup)
        .then(pl.format("{}@line{}", pl.col("_id").fill_null(source + "/row"), pl.col("_line")))
        .otherwise(pl.col("_id"))
        .alias("_id"),
    )
    frame = frame.with_columns(
        (pl.col("_id") + "/score").alias("score_id"),
        (pl.col("_id") + "/score").alias("score_figure_id"),
        pl.when(pl.col("stderr").is_not_null())
        .then(pl.col("_id") + "/stderr")
        .otherwise(None)
        .alias("stderr_figure_id"),
        source.alias("source_id"),
        file_name.alias("benchmark_file"),
        _text(snapshot_sha256).alias("snapshot_sha256"),
        pl.format("{}:{}", file_name, pl.col("_line")).alias("_locator"),
    )
    for c, t in SCORE_SCHEMA.items():
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, t).alias(c))
    return frame.select([pl.col(c).cast(t) for c, t in SCORE_SCHEMA.items()])


def parse_hub_file(
    data: bytes | Path, entry: CatalogEntry, snapshot_sha256: str | None = None, source_id: str | None = None
) -> pl.DataFrame:
    """One Epoch hub CSV (Epoch-run, third-party or ECI) as score rows."""
    frame = _hub_cells(data, entry)
    id_expr = pl.coalesce(pl.col("run_id"), pl.col("_model"))
    return _finish(frame, source_id or entry.source_id, entry.file, snapshot_sha256, pl.lit(entry.unit), id_expr)


def _hub_cells(data: bytes | Path, entry: CatalogEntry) -> pl.DataFrame:
    """One hub CSV's rows as the text columns `_finish` reads (the catalog names its columns)."""
    frame = _read_strings(data)
    missing = [c for c in ("Model version", entry.score_column) if c not in frame.columns]
    if missing:
        raise ValueError(f"{entry.file}: missing column(s) {missing}; has {frame.columns[:8]}")
    run_id = _col(frame, entry.id_column)
    frame = frame.with_columns(
        _col(frame, "Model version").alias("_model"),
        _col(frame, entry.score_column).alias("_score"),
        _col(frame, entry.stderr_column).alias("_stderr"),
        _col(frame, "Release date").alias("_date"),
        _col(frame, "Organization").alias("organization"),
        _col(frame, "Country").alias("country"),
        run_id.alias("run_id"),
        _col(frame, "Started at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias("run_date"),
        _col(frame, entry.source_column).alias("secondary_source"),
        _col(frame, entry.source_link_column).alias("secondary_source_url"),
        pl.lit(entry.benchmark).alias("benchmark"),
        pl.lit(entry.origin).alias("origin"),
        pl.struct(pl.exclude("_line")).struct.json_encode().alias("_raw"),
    )
    return frame.with_columns(
        pl.format("{}:{}", pl.lit(entry.file), pl.col("_line")).alias("locator"),
    ).with_columns(
        pl.when(pl.col("run_id").is_not_null())
        .then(pl.col("locator") + " id=" + pl.col("run_id"))
        .otherwise(pl.col("locator"))
        .alias("locator"),
    )


def parse_hub(folder: Path | None = None, catalog_path: Path | None = None) -> pl.DataFrame:
    """Every hub file named by the catalog; a hub file the catalog does not name is an error.

    Decisions: the files' rows go through `_finish` together (the file's name, source,
    sha256 and unit as columns, ids unique within a file), not once per file: its
    expressions cost about a millisecond per call whatever the rows, and 51 files made
    400 calls. Each row is what `parse_hub_file` gives for its file alone."""
    entries = catalog(catalog_path)
    folder = folder or data_path(DATA_DIR, HUB_DIR)
    files = sorted(folder.glob("*.csv"))
    unknown = [f.name for f in files if f.name not in entries]
    if unknown:
        raise ValueError(f"hub files not in {CATALOG_FILE}: {unknown} (add a row saying which column is the score)")
    if not files:
        return pl.DataFrame(schema=SCORE_SCHEMA)
    read = {"_model", "_score", "_stderr", "_date", "_line", "run_id", *SCORE_SCHEMA}
    frames = []
    for f in files:
        entry = entries[f.name]
        cells = _hub_cells(f, entry)
        frames.append(
            cells.select([c for c in cells.columns if c in read]).with_columns(
                pl.lit(entry.file).alias("_file"),
                pl.lit(entry.source_id).alias("_source_id"),
                pl.lit(sha256_file(f), pl.String).alias("_sha256"),
                pl.lit(entry.unit).alias("_unit"),
            )
        )
    return _finish(
        pl.concat(frames, how="diagonal"),
        pl.col("_source_id"),
        pl.col("_file"),
        pl.col("_sha256"),
        pl.col("_unit"),
        pl.coalesce(pl.col("run_id"), pl.col("_model")),
        file_column="_file",
    )


def parse_eci_later(data: bytes | Path | None = None) -> pl.DataFrame:
    """The later third-party copy of the ECI file (same columns as the hub's)."""
    path = data if data is not None else data_path(DATA_DIR, ECI_LATER_FILE)
    entry = catalog()["epoch_capabilities_index.csv"]
    entry = CatalogEntry(**{**entry.__dict__, "file": ECI_LATER_FILE})
    sha = sha256_file(path) if isinstance(path, Path) else None
    return parse_hub_file(path, entry, sha, source_id=ECI_LATER_SOURCE_ID)


def _stitching_tasks() -> dict[str, str]:
    """Stitching task names as the hub names the same benchmark (unlisted tasks keep their name)."""
    rows = csv.DictReader(io.StringIO(data_path(DATA_DIR, STITCHING_TASKS).read_text(encoding="utf-8")))
    return {r["task"]: r["benchmark"] for r in rows}


def parse_stitching(runs: bytes | Path | None = None, versions: bytes | Path | None = None) -> pl.DataFrame:
    """benchmark-stitching runs: `Best score (across scorers)` per run, the stderr from `Scores`
    (`choice:0.85±0.02`, rounded as Epoch printed it), release dates from model_versions.csv.
    A run whose Status is not Success is kept and quarantined (`run_succeeded`)."""
    runs = runs if runs is not None else data_path(DATA_DIR, *STITCHING_RUNS)
    versions = versions if versions is not None else data_path(DATA_DIR, *STITCHING_VERSIONS)
    file_name = STITCHING_RUNS[1]
    frame = _read_strings(runs)
    dates = _read_strings(versions).select(pl.col("id").alias("_model"), pl.col("Version release date").alias("_date"))
    dates = dates.unique(subset=["_model"], keep="first")
    frame = frame.with_columns(
        _col(frame, "model").alias("_model"),
        _col(frame, "Best score (across scorers)").alias("_score"),
        _col(frame, "Scores").str.extract(r"±([0-9.]+)", 1).alias("_stderr"),
        _col(frame, "id").alias("run_id"),
        _col(frame, "task").replace(_stitching_tasks()).alias("benchmark"),
        _col(frame, "started_at").str.to_date("%d %B %Y %I:%M%p", strict=False).alias("run_date"),
        pl.lit("stitching").alias("origin"),
        _col(frame, "Status").alias("_status"),
        pl.struct(pl.exclude("_line")).struct.json_encode().alias("_raw"),
    ).join(dates, on="_model", how="left")
    frame = frame.with_columns(
        pl.format("{}:{} id={}", pl.lit(file_name), pl.col("_line"), pl.col("run_id").fill_null("")).alias("locator"),
    )
    failed = (pl.col("_status") != "Success") | pl.col("_status").is_null()
    return _finish(
        frame,
        STITCHING_SOURCE_ID,
        file_name,
        sha256_file(runs) if isinstance(runs, Path) else None,
        pl.lit("fraction"),
        pl.coalesce(pl.col("run_id"), pl.col("_model")),
        [
            (
                failed,
                pl.format(
                    "run_succeeded: {} row {}: run status is {}",
                    pl.lit(file_name),
                    pl.col("_line"),
                    pl.col("_status").fill_null("missing"),
                ),
            )
        ],
    )


def parse_all() -> pl.DataFrame:
    """Hub + later ECI copy + stitching runs + models.dev's benchmark tables: every score row of the family."""
    from sources.scores import models_dev_benchmarks

    return pl.concat([parse_hub(), parse_eci_later(), parse_stitching(), models_dev_benchmarks.parse()], how="vertical")


def source_locator(path: Path) -> str:
    return relative_locator(path)
