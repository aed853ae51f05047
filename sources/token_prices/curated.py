"""The cited price history: `sources/data/token_prices/cited_token_prices.csv`.

45 launch and price-cut rows, each with its source URL, verbatim quote and source class
(primary: the provider's own page; copy: an archive or faithful copy of it; secondary: someone
else citing it). The file was typed in from public pages; what it decides:
- An empty `effective_date` stays empty (`date_basis = unknown`): the price is kept and
  auditable, but `price_on` cannot place it in time.
- `date_basis = as_of` marks a page-snapshot date ("DATE IS AS-OF" in the notes): the price
  held on that day, it started earlier. It still opens the row (the earliest provable date).
- `model_ids` is the API id the row prices (`|` when one quote prices several, like DeepSeek's
  unified `deepseek-chat|deepseek-reasoner` price): one price row per id, same figures' quote.
- Rows of one (provider, model id, condition) form a chain: each ends where the next dated
  one starts (`end_basis = next_price`). `effective_to` in the file is an end the sources state
  (`end_basis = source`, the reason in `effective_to_note`), e.g. DeepSeek's night discount.
- DeepSeek input prices are cache-miss prices; cache-read/-write prices are filled only when
  the quote itself states them.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl

from sources import cells
from sources.token_prices import history, models
from warehouse.vocabulary import SOURCE_CLASSES

SOURCE_FILE = "cited_token_prices.csv"
DATE_BASES = {"effective", "as_of", "unknown"}


def data_file() -> Path:
    """The bundled file (read through the package, never relative to the working directory)."""
    from sources.paths import data_path

    return data_path("token_prices", SOURCE_FILE)


def _read(data: bytes | str | Path) -> tuple[pl.DataFrame, str]:
    if isinstance(data, bytes):
        return pl.read_csv(io.BytesIO(data), infer_schema=False), SOURCE_FILE
    path = Path(data)
    return pl.read_csv(path, infer_schema=False), path.name


def _price(value: str | None, name: str, errors: list[str], required: bool) -> float | None:
    """A price in USD per million tokens: a finite number >= 0."""
    return cells.number(value, name, errors, required=required, minimum="non_negative")


def parse(data: bytes | str | Path | None = None) -> pl.DataFrame:
    """Parse the cited price file into price observations (one per model id), chains resolved."""
    frame, name = _read(data if data is not None else data_file())
    rows: list[dict] = []
    for index, rec in enumerate(frame.iter_rows(named=True)):
        line = index + 2
        errors: list[str] = []
        rec = {k: (v if v is None or str(v).strip() else None) for k, v in rec.items()}
        start = cells.date(rec.get("effective_date"), "effective_date", errors)
        end = cells.date(rec.get("effective_to"), "effective_to", errors)
        basis = rec.get("date_basis") or ("effective" if start else "unknown")
        if basis not in DATE_BASES:
            errors.append(f"date_basis_known: date_basis {basis!r} not in {sorted(DATE_BASES)}")
        if basis == "unknown" and start is not None:
            errors.append("date_basis_consistent: a row with a date cannot have date_basis unknown")
        if basis != "unknown" and start is None:
            errors.append(f"date_basis_consistent: date_basis {basis} needs an effective_date")
        if start and end and end <= start:
            errors.append(f"effective_to_after_from: effective_to {end} is not after {start}")
        cells.url(rec.get("source_url"), "source_url", errors, required=True, schemes=("https",))
        cells.present(rec.get("quote"), "quote", errors, what="a cited price needs its verbatim quote")
        if rec.get("source_class") not in SOURCE_CLASSES:
            errors.append(
                f"source_class_known: source_class {rec.get('source_class')!r} not in {sorted(SOURCE_CLASSES)}"
            )
        prices = {
            "input_usd_per_mtok": _price(rec.get("input_usd_per_mtok"), "input_usd_per_mtok", errors, True),
            "output_usd_per_mtok": _price(rec.get("output_usd_per_mtok"), "output_usd_per_mtok", errors, True),
            "cache_read_usd_per_mtok": _price(
                rec.get("cache_read_usd_per_mtok"), "cache_read_usd_per_mtok", errors, False
            ),
            "cache_write_usd_per_mtok": _price(
                rec.get("cache_write_usd_per_mtok"), "cache_write_usd_per_mtok", errors, False
            ),
        }
        ids = [m.strip() for m in (rec.get("model_ids") or "").split("|") if m.strip()]
        if not ids:
            cells.present(None, "model_ids", errors, what="no model id between the | separators")
            ids = [rec.get("model") or ""]
        raw = json.dumps(rec, ensure_ascii=False)
        for model_id in ids:
            alias = models.resolve(model_id)
            rows.append(
                {
                    "source_id": rec.get("source_id"),
                    "provider": rec.get("provider"),
                    "provider_id": models.canonical_provider(rec.get("provider")),
                    "model": rec.get("model"),
                    "model_id": model_id,
                    "model_key": alias.model_key,
                    "alias_rule": alias.rule,
                    "condition": rec.get("condition") or "",
                    "is_standard": not (rec.get("condition") or "").startswith("off-peak"),
                    "source_start": start,
                    "date_basis": basis,
                    "source_end": end,
                    "end_basis": "source" if end else None,
                    **prices,
                    "source_url": rec.get("source_url"),
                    "quote": rec.get("quote"),
                    "qualifier": "; ".join(x for x in (rec.get("qualifier"), rec.get("effective_to_note")) if x)
                    or None,
                    "source_class": rec.get("source_class"),
                    "_locator": f"{name}:{line}" + (f"#{model_id}" if len(ids) > 1 else ""),
                    "_errors": list(errors),
                    "_raw": raw,
                }
            )
    out = history.conform(pl.DataFrame(rows, infer_schema_length=None)) if rows else history.empty_observations()
    return _chain(out)


def _chain(frame: pl.DataFrame) -> pl.DataFrame:
    """End each dated row where the next dated row of its (provider, model id, condition) starts."""
    nxt = (
        frame.filter(pl.col("source_start").is_not_null() & (pl.col("_errors").list.len() == 0))
        .sort("source_start")
        .with_columns(pl.col("source_start").shift(-1).over(["provider_id", "model_id", "condition"]).alias("_next"))
        .select("_locator", "_next")
    )
    frame = frame.join(nxt, on="_locator", how="left")
    return frame.with_columns(
        pl.when(pl.col("source_end").is_null() & pl.col("_next").is_not_null())
        .then(pl.col("_next"))
        .otherwise(pl.col("source_end"))
        .alias("source_end"),
        pl.when(pl.col("source_end").is_null() & pl.col("_next").is_not_null())
        .then(pl.lit("next_price"))
        .otherwise(pl.col("end_basis"))
        .alias("end_basis"),
    ).drop("_next")
