"""Epoch AI's LLM price and benchmark observations (two vendored CSV files).

Files (sources/data/epoch_llm_prices/, CC BY 4.0, credit "Epoch AI"):
- `aa_data_with_math5.csv`: one row per model, prices and scores from Artificial Analysis.
- `epoch_ai_price_data_not_in_aa_with_benchmarks.csv`: Epoch's own price observations;
  a price change is a new row with a new date (GPT-3 davinci appears four times).

Both have the same columns. Each row becomes one price observation: release (or price)
date, the blended price (USD per million tokens, 3 input : 1 output, as Epoch computed
it) and the benchmark scores. The parser keeps every row; rows whose date or numbers do
not parse, or whose scores are impossible (a percentage outside 0..100, a negative
price), carry "rule: reason" strings in `_errors` and are quarantined by `store`.
The method's own filters (no price, renamed GPT-3, excluded reasoning models) belong to
analysis.capability_price.prepare, not here: the table keeps what the files say.

Ids: an observation is `<source_id>/<model-slug>@<date>`; its figures append
`/price` or `/score/<benchmark-slug>`. Same file -> same ids.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import polars as pl

from sources import cells

FILES = {
    "aa_data_with_math5.csv": "epoch-llm-prices-aa",
    "epoch_ai_price_data_not_in_aa_with_benchmarks.csv": "epoch-llm-prices-epoch",
}
DATA_DIR = "epoch_llm_prices"
BENCHMARK_COLUMNS = {
    "MMLU": ("mmlu", "percent"),
    "GPQA Diamond": ("gpqa_diamond", "percent"),
    "HumanEval": ("humaneval", "percent"),
    "MATH-500": ("math_500", "percent"),
    "LMSys Chatbot Arena ELO": ("lmsys_arena_elo", "elo"),
    "MATH 5": ("math_5", "percent"),
}
EXTRA_COLUMNS = {
    "Tokens per Second": "tokens_per_second",
    "Prefill Latency (s)": "prefill_latency_s",
    "Prompt Length (tk)": "prompt_length_tokens",
}
REQUIRED = ["Model Name", "Release Date", "USD per 1M Tokens"]

SCHEMA = {
    "obs_id": pl.String,
    "source_id": pl.String,
    "model": pl.String,
    "release_date": pl.Date,
    "price_usd_per_mtok": pl.Float64,
    **{name: pl.Float64 for name in BENCHMARK_COLUMNS},
    **{name: pl.Float64 for name in EXTRA_COLUMNS.values()},
    "_locator": pl.String,
    "_raw": pl.String,
    "_errors": pl.List(pl.String),
}


def slug(text: str) -> str:
    """Lowercase id segment: letters, digits, dot and dash only ("+" -> "plus", so
    "Command R+" and "Command R" stay distinct)."""
    text = text.lower().replace("+", "-plus")
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9.]+", "-", text)).strip("-")


def parse(data: bytes | str | Path, file_name: str | None = None) -> pl.DataFrame:
    """Parse one Epoch price file into observations (canonical shape, see SCHEMA)."""
    if isinstance(data, Path):
        file_name = file_name or data.name
        data = data.read_bytes()
    if file_name not in FILES:
        raise ValueError(f"unknown Epoch price file {file_name!r}; expected one of {sorted(FILES)}")
    source_id = FILES[file_name]
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED + list(BENCHMARK_COLUMNS) if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{file_name}: missing columns {missing}")
    rows = []
    for line_no, rec in enumerate(reader, start=2):
        errors: list[str] = []
        model = cells.present(rec["Model Name"], "Model Name", errors) or ""
        date = cells.date(rec["Release Date"], "Release Date", errors, required=True)
        price = cells.number(rec["USD per 1M Tokens"], "USD per 1M Tokens", errors, minimum="positive")
        row = {
            "obs_id": f"{source_id}/{slug(model) or 'unnamed'}@{date or 'nodate-' + str(line_no)}",
            "source_id": source_id,
            "model": model,
            "release_date": date,
            "price_usd_per_mtok": price,
        }
        for col, (_, kind) in BENCHMARK_COLUMNS.items():
            x = cells.number(rec[col], col, errors)
            if x is not None and kind == "percent" and not 0 <= x <= 100:
                errors.append(f"score_in_range: {col} is {x}, outside 0..100")
            if x is not None and kind == "elo" and not 500 <= x <= 3000:
                errors.append(f"score_in_range: {col} is {x}, not a plausible Elo rating")
            row[col] = x
        for col, name in EXTRA_COLUMNS.items():
            row[name] = cells.number(rec.get(col), col, errors)
        row["_locator"] = f"sources/data/{DATA_DIR}/{file_name}:{line_no}"
        row["_raw"] = json.dumps(rec, ensure_ascii=False)
        row["_errors"] = errors
        rows.append(row)
    frame = pl.DataFrame(rows, schema=SCHEMA)
    dup = frame.filter(pl.col("obs_id").is_duplicated())["obs_id"].to_list()
    if dup:
        frame = frame.with_columns(
            pl.when(pl.col("obs_id").is_in(dup))
            .then(pl.col("_errors").list.concat(pl.lit(["obs_unique: same model and date twice in one file"])))
            .otherwise(pl.col("_errors"))
            .alias("_errors")
        )
    return frame


def parse_all(directory: Path) -> pl.DataFrame:
    """Both files together (the method reads them as one table)."""
    return pl.concat([parse(directory / name) for name in FILES])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def figures(obs: pl.DataFrame) -> pl.DataFrame:
    """One figure per price and per score of the valid observations (long shape).

    Columns follow the `figure` table; `ingest_run_id` and `snapshot_sha256` are added
    by the caller that stores them.
    """
    good = obs.filter(pl.col("_errors").list.len() == 0)
    out = []
    for r in good.iter_rows(named=True):
        file_name = r["_locator"].split("/")[-1].split(":")[0]
        base = dict(
            source_id=r["source_id"],
            entity_kind="llm_model",
            entity=r["model"],
            bound="=",
            as_of=r["release_date"],
            period_start=None,
            period_end=None,
            page=None,
            locator=r["_locator"],
            kind="observed",
            verification="unverified",
            formula=None,
            qualifier=f"Epoch AI {file_name}; release/price date {r['release_date']}",
        )
        if r["price_usd_per_mtok"] is not None:
            out.append(
                dict(
                    base,
                    figure_id=f"{r['obs_id']}/price",
                    metric="llm_blended_price_3to1",
                    value=r["price_usd_per_mtok"],
                    unit="USD/Mtok",
                    quote=f"{r['model']},{r['release_date']},USD per 1M Tokens={r['price_usd_per_mtok']:g}",
                )
            )
        for col, (bslug, kind) in BENCHMARK_COLUMNS.items():
            if r[col] is None:
                continue
            out.append(
                dict(
                    base,
                    figure_id=f"{r['obs_id']}/score/{bslug}",
                    metric=f"benchmark_score_{bslug}",
                    value=r[col],
                    unit="Elo" if kind == "elo" else "%",
                    quote=f"{r['model']},{r['release_date']},{col}={r[col]:g}",
                )
            )
    return pl.DataFrame(
        out,
        schema_overrides={
            "as_of": pl.Date,
            "period_start": pl.Date,
            "period_end": pl.Date,
            "page": pl.String,
            "formula": pl.String,
        },
    )


def table(obs: pl.DataFrame) -> pl.DataFrame:
    """Observations in the shape of `llm_price_observation` (benchmark columns as slugs,
    each numeric cell's figure id in `figure_ids`); bookkeeping columns kept for `store`."""
    rename = {name: slug_ for name, (slug_, _) in BENCHMARK_COLUMNS.items()}
    figure_ids = pl.concat_list(
        [pl.when(pl.col("price_usd_per_mtok").is_not_null()).then(pl.col("obs_id") + "/price")]
        + [
            pl.when(pl.col(name).is_not_null()).then(pl.col("obs_id") + f"/score/{s}")
            for name, (s, _) in BENCHMARK_COLUMNS.items()
        ]
    ).list.drop_nulls()
    return obs.with_columns(
        pl.when(pl.col("price_usd_per_mtok").is_not_null()).then(pl.col("obs_id") + "/price").alias("price_figure_id"),
        figure_ids.alias("figure_ids"),
    ).rename(rename)
