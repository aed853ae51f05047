"""Effective-dated (slowly-changing) token-price history: the shape every source parses into,
and the one function that turns a new snapshot into row changes without losing anything.

Decisions:
- A *price row* holds one price set (input, output, cache read, cache write, USD per million
  tokens) of one model at one provider under one condition, over [effective_from, effective_to).
  `effective_to` null means current. Dates, not timestamps: prices change by the day.
- Its identity across snapshots is (source_id, provider_id, model_id, condition, source_start):
  `source_start` is the start date the *source itself* states (a launch date, a genai-prices
  `start_date`), or null when the source only says "this is the price now".
- `effective_from` is the earliest date we can prove the price held, and `date_basis` says how:
  `effective` (the source dates the change), `as_of` (a page snapshot date: the price held then,
  its start is earlier and unknown), `start_date` (genai-prices constraint), `first_seen` (the
  first snapshot of a feed that listed it: current-price feeds have no history of their own)
  or `unknown` (no date; the row is kept, but `price_on` cannot place it).
- A price that changes between two snapshots of one source: the open row gets
  `effective_to` = the new snapshot's date (`end_basis = 'changed'`) and a new row starts there.
  A model missing from a new snapshot: its open row gets `effective_to` (`end_basis =
  'disappeared'`). Rows are never deleted or overwritten with other prices.
- A snapshot that looks broken does not close anything: rows the parser rejected count as
  still present, and when the accepted rows are fewer than `min_keep_ratio` of the open rows
  (a feed that shrank to a stub), no row is closed and the report says so.
- Figure ids: `<price_id>/input` (and output, cache_read, cache_write) for the observed numbers;
  the blend is a derived figure `infernomics-derived/token_price/<price_id>/blended-3to1`.
- Row ids are deterministic: the same snapshot gives the same ids. Feed rows carry the first
  snapshot's sha256 prefix (`...@2026-11-25.3fa9c2d1`) so two price changes seen on one day
  keep separate rows.
- Blended price: 3:1 input:output by default (Artificial Analysis and Epoch use it); the
  rule is stored with the row, and the views also expose 1:1 (a16z's "average").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import polars as pl

from analysis.formulas.prices import INPUT_WEIGHT, OUTPUT_WEIGHT, token_price_blend_3to1
from sources.token_prices import models
from warehouse.tables import TOKEN_PRICE
from warehouse.vocabulary import PRICE_DATE_BASES, PRICE_END_BASES

PRICE_FIELDS = ("input", "output", "cache_read", "cache_write")
PRICE_COLUMNS = [f"{p}_usd_per_mtok" for p in PRICE_FIELDS]
DATE_BASES = PRICE_DATE_BASES  # where a row's start comes from (warehouse.vocabulary)
END_BASES = PRICE_END_BASES
DEFAULT_BLEND = (INPUT_WEIGHT, OUTPUT_WEIGHT)  # 3:1, the blend token_price_blend_3to1 computes
#: Derived figures (the blend) live under the derived source's namespace, not the price source's.
DERIVED_PREFIX = "infernomics-derived/token_price/"

#: What every parser returns (plus `_locator`, `_errors`, `_raw`): the `token_price` columns a
#: source states (types from `warehouse.tables.TOKEN_PRICE`; their meaning is documented there).
OBSERVATION_SCHEMA: dict[str, pl.DataType] = TOKEN_PRICE.polars_schema(
    "source_id",
    "provider",
    "provider_id",
    "model",
    "model_id",
    "model_key",
    "alias_rule",
    "condition",
    "is_standard",
    "source_start",
    "date_basis",
    "source_end",
    "end_basis",
    *PRICE_COLUMNS,
    "source_url",
    "quote",
    "qualifier",
    "listed_at",
    "deprecation_date",
    "source_class",
)
BOOKKEEPING_SCHEMA: dict[str, pl.DataType] = {"_locator": pl.String, "_errors": pl.List(pl.String), "_raw": pl.String}
IDENTITY = ["source_id", "provider_id", "model_id", "condition", "source_start"]


def empty_observations() -> pl.DataFrame:
    return pl.DataFrame(schema={**OBSERVATION_SCHEMA, **BOOKKEEPING_SCHEMA})


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Add missing observation columns as nulls and order/cast them; parsers end with this."""
    missing = [
        pl.lit(None, dtype).alias(c)
        for c, dtype in {**OBSERVATION_SCHEMA, **BOOKKEEPING_SCHEMA}.items()
        if c not in frame.columns
    ]
    frame = frame.with_columns(missing) if missing else frame
    frame = frame.with_columns(pl.col("_errors").fill_null(pl.lit([], pl.List(pl.String))))
    return frame.select([pl.col(c).cast(t) for c, t in {**OBSERVATION_SCHEMA, **BOOKKEEPING_SCHEMA}.items()])


_OPERATORS = [("<=", "-le-"), (">=", "-ge-"), ("<", "-lt-"), (">", "-gt-"), ("=", "-eq-"), (",", "-and-")]


def slug(text: str | None) -> str:
    """An id segment: `/` becomes `~`, comparison operators become words (`prompt < 200000 tokens`
    -> `prompt-lt-200000-tokens`, so `<` and `>=` never collide), other runs of odd characters `-`."""
    text = (text or "").strip().replace("/", "~")
    for op, word in _OPERATORS:
        text = text.replace(op, word)
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._:+@~-]+", "-", text)).strip("-") or "none"


def price_id(
    source_id: str,
    provider_id: str,
    model_id: str,
    condition: str,
    start: dt.date | None,
    basis: str,
    snapshot_sha256: str | None,
) -> str:
    """`<source>/<provider>/<model>[/<condition>]/<start>`; feed rows add the snapshot prefix."""
    when = start.isoformat() if start else "undated"
    if basis == "first_seen" and snapshot_sha256:
        when = f"{when}.{snapshot_sha256[:8]}"
    parts = [source_id, slug(provider_id), slug(model_id)]
    if condition:
        parts.append(slug(condition))
    return "/".join([*parts, when])


def blended(
    input_price: float | None, output_price: float | None, rule: tuple[int, int] = DEFAULT_BLEND
) -> float | None:
    """Weighted mean of input and output price, `rule` = (input weight, output weight)."""
    if input_price is None or output_price is None:
        return None
    wi, wo = rule
    return (wi * input_price + wo * output_price) / (wi + wo)


def _same_prices(a: dict, b: dict) -> bool:
    for c in PRICE_COLUMNS:
        x, y = a.get(c), b.get(c)
        if x is None or y is None:
            if (x is None) != (y is None):
                return False
        elif abs(x - y) > 1e-9 * max(1.0, abs(x), abs(y)):
            return False
    return True


@dataclass
class SnapshotRef:
    """The snapshot a set of observations came from."""

    sha256: str
    retrieved_at: dt.datetime

    @property
    def day(self) -> dt.date:
        return self.retrieved_at.date()


@dataclass
class HistoryReport:
    """What one snapshot did to the stored history (kept in the ingest run's message)."""

    opened: int = 0
    unchanged: int = 0
    changed: int = 0
    disappeared: int = 0
    closings_suppressed: bool = False
    notes: list[str] = field(default_factory=list)


def _key(row: dict) -> tuple:
    return tuple(row.get(k) for k in IDENTITY)


def apply_snapshot(
    stored: pl.DataFrame,
    observed: pl.DataFrame,
    snapshot: SnapshotRef,
    rejected_identities: set[tuple] | None = None,
    min_keep_ratio: float = 0.5,
) -> tuple[pl.DataFrame, HistoryReport]:
    """Return the price rows to upsert after `snapshot` (new rows and rows whose end changed).

    `stored`: this source's rows already in `token_price` (any columns of :func:`row_columns`).
    `observed`: the accepted observations of the snapshot (no `_errors`). `rejected_identities`:
    identities of rows the parser or contract rejected; they are treated as still present.
    """
    report = HistoryReport()
    rejected_identities = rejected_identities or set()
    stored_rows = stored.to_dicts() if stored.height else []
    open_by_key: dict[tuple, dict] = {}
    by_id = {r["price_id"]: r for r in stored_rows}
    for r in stored_rows:
        if r["effective_to"] is None:
            open_by_key[_key(r)] = r
    out: dict[str, dict] = {}
    seen: set[tuple] = set()
    for obs in observed.to_dicts():
        key = _key(obs)
        seen.add(key)
        current = open_by_key.get(key)
        if current is not None and _same_prices(current, obs):
            report.unchanged += 1
            row = dict(current)
            row.update(last_seen_sha256=snapshot.sha256, last_seen_at=snapshot.retrieved_at)
            # fields a source may correct without a price change (end of an in-source row)
            if obs["source_end"] != current.get("effective_to") and obs["source_end"] is not None:
                row.update(effective_to=obs["source_end"], end_basis=obs["end_basis"])
            out[row["price_id"]] = row
            continue
        start, basis = obs["source_start"], obs["date_basis"]
        if start is None and obs["source_end"] is None and basis in (None, "first_seen"):
            start, basis = snapshot.day, "first_seen"
        if current is not None:
            closed = dict(current)
            closed.update(effective_to=snapshot.day, end_basis="changed")
            out[closed["price_id"]] = closed
            report.changed += 1
            if obs["source_start"] is None:
                start, basis = snapshot.day, "first_seen"
        pid = price_id(
            obs["source_id"], obs["provider_id"], obs["model_id"], obs["condition"], start, basis, snapshot.sha256
        )
        if pid in by_id and _same_prices(by_id[pid], obs):
            row = dict(by_id[pid])
            row.update(last_seen_sha256=snapshot.sha256, last_seen_at=snapshot.retrieved_at)
            out[pid] = row
            report.unchanged += 1
            continue
        if pid in by_id:  # the source restated a dated price with other numbers: keep both
            pid = f"{pid}.{snapshot.sha256[:8]}"
        if pid in out:
            raise ValueError(f"two price identities map to one row id {pid!r}: {key} and {_key(out[pid])}")
        row = {c: obs.get(c) for c in OBSERVATION_SCHEMA}
        row.update(
            price_id=pid,
            effective_from=start,
            date_basis=basis,
            effective_to=obs["source_end"],
            end_basis=obs["end_basis"] if obs["source_end"] else None,
            first_seen_sha256=snapshot.sha256,
            first_seen_at=snapshot.retrieved_at,
            last_seen_sha256=snapshot.sha256,
            last_seen_at=snapshot.retrieved_at,
        )
        out[pid] = row
        report.opened += 1
    missing = [r for k, r in open_by_key.items() if k not in seen and k not in rejected_identities]
    present = len(seen) + len(rejected_identities)
    if missing and present < min_keep_ratio * len(open_by_key):
        report.closings_suppressed = True
        report.notes.append(
            f"snapshot {snapshot.sha256[:12]} lists {present} rows against {len(open_by_key)} open: "
            f"looks truncated, so {len(missing)} missing rows were kept open"
        )
    else:
        for r in missing:
            closed = dict(r)
            closed.update(effective_to=snapshot.day, end_basis="disappeared")
            out[closed["price_id"]] = closed
            report.disappeared += 1
    return rows_frame(list(out.values())), report


ROW_SCHEMA: dict[str, pl.DataType] = {
    "price_id": pl.String,
    **OBSERVATION_SCHEMA,
    "effective_from": pl.Date,
    "effective_to": pl.Date,
    "first_seen_sha256": pl.String,
    "first_seen_at": pl.Datetime("us"),
    "last_seen_sha256": pl.String,
    "last_seen_at": pl.Datetime("us"),
}


def row_columns() -> list[str]:
    return list(ROW_SCHEMA)


def rows_frame(rows: list[dict]) -> pl.DataFrame:
    """Price rows with blended price and figure ids added."""
    frame = pl.DataFrame([{c: r.get(c) for c in ROW_SCHEMA} for r in rows], schema=ROW_SCHEMA)
    wi, wo = DEFAULT_BLEND
    frame = frame.with_columns(
        pl.col("model_id").map_elements(models.model_variant, return_dtype=pl.String).alias("model_variant"),
        token_price_blend_3to1(pl.col("input_usd_per_mtok"), pl.col("output_usd_per_mtok")).alias(
            "blended_usd_per_mtok"
        ),
        pl.lit(f"{wi}:{wo}").alias("blend_rule"),
        *[
            pl.when(pl.col(f"{p}_usd_per_mtok").is_not_null())
            .then(pl.col("price_id") + f"/{p}")
            .alias(f"{p}_figure_id")
            for p in PRICE_FIELDS
        ],
    )
    frame = frame.with_columns(
        pl.when(pl.col("blended_usd_per_mtok").is_not_null())
        .then(DERIVED_PREFIX + pl.col("price_id") + f"/blended-{wi}to{wo}")
        .alias("blended_figure_id"),
    )
    return frame.with_columns(
        pl.concat_list([f"{p}_figure_id" for p in (*PRICE_FIELDS, "blended")]).list.drop_nulls().alias("figure_ids")
    )
