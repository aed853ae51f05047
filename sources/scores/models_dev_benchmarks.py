"""models.dev's `[[benchmarks]]` tables (mostly coding: SWE-Bench Pro/Verified, Aider Polyglot,
Terminal-Bench, the Artificial Analysis Coding Index), as score rows.

File: `sources/data/token_prices/models_dev/models_dev_base_model_benchmarks_HEAD.csv` (MIT):
`base_model, model_name, release_date, benchmark, score, metric, dataset, source, date, repo_path`.

Decisions:
- `origin = 'models_dev'`; the row's `source` URL (where models.dev read the score) is the
  secondary source; `date` (when models.dev dated the score) is `run_date`.
- Units: `index` for the Artificial Analysis indices (metric `index`, a 0-100 composite, not a
  share of tasks); every other metric here is a percentage of tasks (`percent`).
- A release date given only as a month (`2025-04`) is kept as a month: `release_date` stays null
  and the month is in `locator`; it is not turned into a day. Other unparseable dates are refused
  (`date_parses`), like every other rule of `sources.scores.epoch`.
- `model_version` = `model_base` = models.dev's base model id (`deepseek/deepseek-r1`); the
  mapping file maps it like any Epoch name.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from sources.paths import data_path, sha256_file
from sources.scores.epoch import _col, _finish, _read_strings

SOURCE_ID = "models-dev-benchmarks"
FILE = ("token_prices", "models_dev", "models_dev_base_model_benchmarks_HEAD.csv")


def parse(data: bytes | Path | None = None) -> pl.DataFrame:
    path = data if data is not None else data_path(*FILE)
    name = FILE[-1]
    frame = _read_strings(path)
    month_only = _col(frame, "release_date").str.contains(r"^\d{4}-\d{2}$").fill_null(False)
    frame = frame.with_columns(
        _col(frame, "base_model").alias("_model"),
        _col(frame, "score").alias("_score"),
        pl.lit(None, pl.String).alias("_stderr"),
        pl.when(month_only).then(None).otherwise(_col(frame, "release_date")).alias("_date"),
        _col(frame, "date").str.to_date("%Y-%m-%d", strict=False).alias("run_date"),
        _col(frame, "benchmark").alias("benchmark"),
        pl.lit("models_dev").alias("origin"),
        pl.lit("models.dev").alias("secondary_source"),
        _col(frame, "source").alias("secondary_source_url"),
        _col(frame, "base_model").str.extract(r"^([^/]+)/", 1).alias("organization"),
        pl.when(_col(frame, "metric") == "index").then(pl.lit("index")).otherwise(pl.lit("percent")).alias("_unit"),
        pl.struct(pl.exclude("_line")).struct.json_encode().alias("_raw"),
    )
    frame = frame.with_columns(
        pl.format("{}:{} ({})", pl.lit(name), pl.col("_line"), _col(frame, "repo_path").fill_null("")).alias("locator"),
    ).with_columns(
        pl.when(month_only)
        .then(pl.col("locator") + pl.lit("; release month ") + _col(frame, "release_date"))
        .otherwise(pl.col("locator"))
        .alias("locator"),
    )
    id_expr = pl.format("{}/{}", pl.col("_model").fill_null("none"), pl.col("benchmark").fill_null("none"))
    return _finish(
        frame, SOURCE_ID, name, sha256_file(path) if isinstance(path, Path) else None, pl.col("_unit"), id_expr
    )
