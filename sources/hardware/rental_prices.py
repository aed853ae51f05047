"""GPU prices: Epoch's price history (`hardware_prices.csv`) and the curated rental rows.

Both become one long shape, one row per price figure: sku, provider, date, pricing kind,
USD. Rental kinds are per GPU-hour; `purchase` rows (Epoch's "Price (hardware
purchase)") are USD per chip and go to `gpu_purchase_price`, not `gpu_rental_price`.

Decisions:
- Epoch rows are wide: one row can hold an on-demand, a 1-year and a 3-year committed
  price and a purchase price. Each present price is its own figure
  (`epoch-hardware-prices/hardware_prices.csv:<line>/<kind>`; the vendored file is pinned
  by its sha256, so line numbers are stable ids). A row with no price at all is kept as one
  row marked `price_present` and quarantined, never dropped.
- Each Epoch row cites its own page ("Price source", often an archive). That URL is the
  figure's `locator` (and `source_url` here), the file:line its `page`, so `audit` of any
  cost computed from it reaches the page the price was read from.
- Pricing kinds are normalised to: on_demand, commit_1y, commit_3y, capacity_block,
  marketplace, market, index (and purchase); the source's words stay in `pricing_detail`.
- A price without a date cannot sit in a price history: it is marked `date_present` and
  quarantined with the source's own note (the curated file has two such rows: "DATE NOT
  VERIFIED"). Month- or year-only dates keep their precision ("2024-12" is not 1 Dec).
- Curated bounds are kept: "below $2" is `<`, "as high as $8" / "around $2.95" are `~`.
- Names map to skus through `sku.py`; an unmapped name keeps `sku = null` and is listed
  by the `gpu_sku_unmapped` view, not guessed.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import polars as pl

from sources import cells
from sources.hardware import common
from sources.hardware.sku import to_sku
from warehouse.vocabulary import RENTAL_BOUNDS, RENTAL_KINDS

EPOCH_SOURCE_ID = "epoch-hardware-prices"
EPOCH_FILE = "hardware_prices.csv"
CURATED_FILE = "gpu_rental_prices.csv"

PRICE_SCHEMA: dict[str, pl.DataType] = {
    "figure_id": pl.String,
    "source_id": pl.String,
    "sku": pl.String,
    "hardware_name": pl.String,
    "provider": pl.String,
    "location": pl.String,
    "date": pl.Date,
    "date_precision": pl.String,
    "pricing_kind": pl.String,
    "pricing_detail": pl.String,
    "usd": pl.Float64,
    "unit": pl.String,
    "bound": pl.String,
    "gpus_in_offer": pl.Int64,
    "source_url": pl.String,
    "source_class": pl.String,
    "quote": pl.String,
    "notes": pl.String,
    "page": pl.String,
    "snapshot_sha256": pl.String,
    "_locator": pl.String,
    "_errors": pl.List(pl.String),
}
EPOCH_PRICE_COLUMNS = {
    "on_demand": "Price per chip-hour (on-demand)",
    "commit_1y": "Price per chip-hour (1-year CUD)",
    "commit_3y": "Price per chip-hour (3-year CUD)",
    "purchase": "Price (hardware purchase)",
}
EPOCH_REQUIRED = ["Price source", "Price date", "Hardware model", "Vendor", *EPOCH_PRICE_COLUMNS.values()]


def fetch(path: Path) -> tuple[bytes, dict]:
    data = Path(path).read_bytes()
    return data, {"sha256": hashlib.sha256(data).hexdigest(), "path": str(path)}


def epoch_path() -> Path:
    from sources.paths import data_path

    return data_path("epoch_hardware", EPOCH_FILE)


def curated_path() -> Path:
    from sources.paths import data_path

    return data_path("hardware", CURATED_FILE)


def _rows(data: bytes, file_name: str, required: list[str]) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{file_name}: required column(s) missing: {', '.join(missing)}")
    out, start = [], 2
    for rec in reader:
        out.append((start, {k: (v or "").strip() for k, v in rec.items() if k is not None}))
        start = reader.line_num + 1
    return out


def _date(text: str, column: str, errors: list[str], note: str | None = None):
    """A price's date (a day, a month or a year); a price without one is refused."""
    return cells.dated(
        text,
        column,
        errors,
        required=True,
        what="the price has no date" + (f"; source note: {note[:160]}" if note else ""),
    )


def _count(text: str, errors: list[str]) -> int | None:
    number = cells.number(text, "Number of GPUs", errors)
    return None if number is None else int(number)


def _price(raw: str, column: str, errors: list[str]) -> float | None:
    """A price as Epoch and the curated file write it (`$44,489.88`): required, above zero."""
    return cells.number(raw, column, errors, required=True, minimum="positive", thousands=True, currency=True)


def parse_epoch(data: bytes | Path, file_name: str = EPOCH_FILE) -> pl.DataFrame:
    """Epoch price rows -> one row per present price (rental per GPU-hour, purchase per chip)."""
    if isinstance(data, Path):
        data = data.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    out = []
    for line, rec in _rows(data, file_name, EPOCH_REQUIRED):
        errors: list[str] = []
        day, precision = _date(rec["Price date"], "Price date", errors)
        gpus = _count(rec.get("Number of GPUs", ""), errors)
        name = rec["Hardware model"]
        cells.present(name, "Hardware model", errors, what="the row names no hardware model")
        base = dict(
            source_id=EPOCH_SOURCE_ID,
            sku=to_sku(name),
            hardware_name=name or None,
            provider=rec["Vendor"] or None,
            location=rec.get("Location") or None,
            date=day,
            date_precision=precision,
            gpus_in_offer=gpus,
            source_url=rec["Price source"] or None,
            source_class="secondary",
            quote=None,
            notes="; ".join(x for x in (rec.get("Notes"), rec.get("Cloud GPU description")) if x) or None,
            page=f"{file_name}:{line}",
            snapshot_sha256=sha,
            _locator=f"sources/data/epoch_hardware/{file_name}:{line}",
        )
        present = [(kind, rec[col]) for kind, col in EPOCH_PRICE_COLUMNS.items() if rec[col]]
        if not present:
            out.append(
                dict(
                    base,
                    figure_id=f"{EPOCH_SOURCE_ID}/{file_name}:{line}/none",
                    pricing_kind=None,
                    pricing_detail=None,
                    usd=None,
                    unit="USD/GPU-hour",
                    bound="=",
                    _errors=errors + ["price_present: no on-demand, 1-year, 3-year or purchase price in the row"],
                )
            )
            continue
        for kind, raw in present:
            row_errors = list(errors)
            usd = _price(raw, EPOCH_PRICE_COLUMNS[kind], row_errors)
            if kind != "purchase":
                cells.present(rec["Vendor"], "Vendor", row_errors, what="a rental price names no provider")
            out.append(
                dict(
                    base,
                    figure_id=f"{EPOCH_SOURCE_ID}/{file_name}:{line}/{kind}",
                    pricing_kind=kind,
                    pricing_detail=EPOCH_PRICE_COLUMNS[kind],
                    usd=usd,
                    unit="USD" if kind == "purchase" else "USD/GPU-hour",
                    bound="=",
                    _errors=row_errors,
                )
            )
    return pl.DataFrame(out, schema=PRICE_SCHEMA, orient="row")


def parse_curated(data: bytes | Path, file_name: str = CURATED_FILE) -> pl.DataFrame:
    """Curated rental rows (each with its page, class and quote) -> price rows."""
    if isinstance(data, Path):
        data = data.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    required = [
        "row",
        "provider",
        "sku_name",
        "date",
        "usd_per_gpu_hour",
        "bound",
        "pricing_kind",
        "pricing_detail",
        "source_id",
        "source_url",
        "source_class",
        "quote",
        "notes",
    ]
    out = []
    for line, rec in _rows(data, file_name, required):
        errors: list[str] = []
        day, precision = _date(rec["date"], "date", errors, rec["notes"])
        if rec["pricing_kind"] not in RENTAL_KINDS:
            errors.append(f"pricing_kind: {rec['pricing_kind']!r} is not one of {RENTAL_KINDS}")
        if rec["bound"] not in RENTAL_BOUNDS:
            errors.append(f"bound: {rec['bound']!r} is not one of {RENTAL_BOUNDS}")
        usd = _price(rec["usd_per_gpu_hour"], "usd_per_gpu_hour", errors)
        out.append(
            dict(
                figure_id=f"{rec['source_id']}/r{rec['row']}-{common.slug(rec['provider'])}-{common.slug(rec['sku_name'])[:40]}/usd_per_gpu_hour",
                source_id=rec["source_id"],
                sku=to_sku(rec["sku_name"]),
                hardware_name=rec["sku_name"],
                provider=rec["provider"],
                location=None,
                date=day,
                date_precision=precision,
                pricing_kind=rec["pricing_kind"],
                pricing_detail=rec["pricing_detail"],
                usd=usd,
                unit="USD/GPU-hour",
                bound=rec["bound"],
                gpus_in_offer=None,
                source_url=rec["source_url"],
                source_class=rec["source_class"],
                quote=rec["quote"],
                notes=rec["notes"],
                page=None,
                snapshot_sha256=sha,
                _locator=f"sources/data/hardware/{file_name}:{line}",
                _errors=errors,
            )
        )
    return pl.DataFrame(out, schema=PRICE_SCHEMA, orient="row")


def rentals(prices: pl.DataFrame) -> pl.DataFrame:
    """Rows for `gpu_rental_price` (everything but purchases; a priceless row stays to be quarantined)."""
    return prices.filter(pl.col("pricing_kind").is_null() | (pl.col("pricing_kind") != "purchase"))


def purchases(prices: pl.DataFrame) -> pl.DataFrame:
    """Rows for `gpu_purchase_price`."""
    return prices.filter(pl.col("pricing_kind") == "purchase")


def to_figures(prices: pl.DataFrame) -> pl.DataFrame:
    """The `figure` rows behind price rows: the row's own URL is the locator."""
    return prices.select(
        "figure_id",
        "source_id",
        "snapshot_sha256",
        pl.when(pl.col("pricing_kind") == "purchase")
        .then(pl.lit("gpu_purchase_price_usd"))
        .otherwise(pl.lit("gpu_rental_usd_per_gpu_hour"))
        .alias("metric"),
        pl.lit("gpu").alias("entity_kind"),
        pl.coalesce("sku", "hardware_name", pl.lit("(unnamed)")).alias("entity"),
        pl.col("usd").alias("value"),
        "unit",
        "bound",
        pl.lit(None, pl.Float64).alias("value_low"),
        pl.lit(None, pl.Float64).alias("value_high"),
        pl.col("date").alias("as_of"),
        pl.col("date").alias("period_start"),
        pl.struct("date", "date_precision")
        .map_elements(
            lambda s: common.period_end(s["date"], s["date_precision"]) if s["date"] else None, return_dtype=pl.Date
        )
        .alias("period_end"),
        "page",
        pl.col("source_url").alias("locator"),
        "quote",
        pl.concat_str(
            [
                pl.col("provider"),
                pl.col("pricing_kind"),
                pl.col("location"),
                pl.format("{} GPUs in offer", pl.col("gpus_in_offer")),
            ],
            separator="; ",
            ignore_nulls=True,
        ).alias("qualifier"),
        pl.lit("observed").alias("kind"),
        pl.lit("unverified").alias("verification"),
        pl.lit(None, pl.String).alias("formula"),
        "notes",
        "_locator",
        "_errors",
    )
