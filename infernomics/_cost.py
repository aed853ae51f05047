"""Cost per million tokens of a GPU deployment: the part `infernomics cost` and the API share.

Decisions:
- The price is either chosen from the stored rental prices (lower median of the latest
  prices for the GPU and pricing kind on or before a date, optionally of providers whose
  name contains a text) or pinned to one stored price figure, or brought by the user
  (`price_usd_per_gpu_hour`). A brought price is an `assumption` figure like the GPU
  count and the throughput, so the stored result still audits down to every number it
  used, and says which ones a person typed.
- Ids are content hashes of the inputs (`tag`), so the same scenario stored twice is one
  figure, and two scenarios never collide.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

import duckdb

from analysis import cost as cost_model
from analysis.formulas import DERIVED_SOURCE_ID
from infernomics._names import match_names
from infernomics.errors import Error
from warehouse import query_frame

THROUGHPUT_UNIT = re.compile(r"^tok(en)?s?/s$", re.IGNORECASE)
PROVENANCE = (
    "SELECT figure_id, metric, value, unit, bound, kind, source_id, source_title, source_class, url, page, "
    "locator, quote, as_of FROM figure_provenance WHERE figure_id = ?"
)
PRICE_UNIT = "USD/GPU-hour"
#: the CLI's decode-floor defaults (params, bytes/weight, batch, context, KV bytes): the
#: same scenario gets the same id from `infernomics cost` and from `infernomics.cost`
NO_FLOOR = (None, 2.0, 1.0, 0.0, 0.0)


@dataclass
class Scenario:
    """A computed $/Mtok: the derived figure, its lineage, the inputs and how the price was chosen."""

    sku: str
    basis: str
    figure: dict
    lineage: list[dict]
    price: dict
    throughput: dict
    gpus: dict
    assumptions: list[dict]
    price_choice: str
    tag: str
    providers_matched: list[str] = field(default_factory=list)

    @property
    def usd_per_mtok(self) -> float:
        return float(self.figure["value"])


def resolve_sku(text: str) -> str:
    from sources.hardware.sku import resolve_user_sku

    try:
        return resolve_user_sku(text)
    except KeyError as err:
        raise Error(str(err).strip("'\"")) from None


def end_of(text: str, flag: str = "--price-date") -> dt.date:
    """YYYY-MM (the last day of that month) or YYYY-MM-DD."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}", str(text)):
            year, month = map(int, str(text).split("-"))
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        if isinstance(text, dt.date):
            return text
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise Error(f"{flag} {text!r} is not YYYY-MM or YYYY-MM-DD") from None


def scenario(
    con: duckdb.DuckDBPyConnection,
    gpu: str,
    *,
    gpus: float = 1.0,
    tokens_per_s: float | None = None,
    throughput_figure: str | None = None,
    price_date=None,
    price_usd_per_gpu_hour: float | None = None,
    price_figure: str | None = None,
    pricing_kind: str = "on_demand",
    provider: str | None = None,
    basis: str = "output",
    tag_extra: tuple = NO_FLOOR,
) -> Scenario:
    """Compute one GPU scenario (nothing is written). `tag_extra`: the CLI's decode-floor
    settings, part of the id so a scenario with a floor is a different figure."""
    sku = resolve_sku(gpu)
    if basis not in cost_model.BASES:
        raise Error(f"basis must be one of {', '.join(cost_model.BASES)}, got {basis!r}")
    if (tokens_per_s is None) == (throughput_figure is None):
        raise Error("give exactly one of --tokens-per-s N or --throughput-figure ID")
    given = [
        name for name, v in (("--price", price_usd_per_gpu_hour), ("--price-figure", price_figure)) if v is not None
    ]
    if len(given) > 1:
        raise Error("give at most one of --price USD_PER_GPU_HOUR and --price-figure ID")
    if price_usd_per_gpu_hour is not None and provider:
        raise Error("--provider chooses among stored prices; it has no meaning with --price")
    matched: list[str] = []
    if price_usd_per_gpu_hour is not None:
        as_of = end_of(price_date) if price_date else dt.date.today()
        candidates = 1
    else:
        if price_date is None:
            raise Error("--price-date is required to choose a stored price (or give --price USD_PER_GPU_HOUR)")
        until = end_of(price_date)
        if provider:
            matched = match_names(con, "gpu_rental_price", "provider", provider, "--provider")
        price, candidates = (
            (_pinned_price(con, price_figure, sku, until), 1)
            if price_figure
            else _chosen_price(con, sku, until, pricing_kind, provider, matched)
        )
    throughput = _throughput(con, throughput_figure) if throughput_figure else None
    price_key = f"user:{price_usd_per_gpu_hour!r}" if price_usd_per_gpu_hour is not None else price["figure_id"]
    tag = hashlib.sha256(
        "|".join(str(x) for x in (sku, price_key, basis, gpus, tokens_per_s, throughput_figure, *tag_extra)).encode()
    ).hexdigest()[:12]
    assumptions = [assumption(tag, "gpus", gpus, "GPUs", sku, "number of GPUs in the deployment", flag="--gpus")]
    gpus_fig = assumptions[0]
    if price_usd_per_gpu_hour is not None:
        price = assumption(
            tag,
            "usd_per_gpu_hour",
            price_usd_per_gpu_hour,
            PRICE_UNIT,
            sku,
            "rental price per GPU-hour the user pays",
            flag="--price",
        ) | {"as_of": as_of}
        assumptions.append(price)
    if throughput is None:
        throughput = assumption(
            tag,
            f"{basis}_tokens_per_s",
            tokens_per_s,
            "tokens/s",
            sku,
            f"{basis} tokens per second of the whole deployment",
            flag="--tokens-per-s",
        )
        assumptions.append(throughput)
    if price_usd_per_gpu_hour is not None:
        choice = f"user-supplied price {price_usd_per_gpu_hour:g} {PRICE_UNIT}"
    elif price_figure:
        choice = f"pinned price figure ({price.get('pricing_kind')}, {price['as_of']})"
    else:
        who = f" of providers matching {provider!r} ({', '.join(matched)})" if provider else ""
        choice = f"lower median of {candidates} {pricing_kind} price(s){who} on {price['as_of']}"
    figure, lineage = cost_model.derive_cost_per_mtok(
        f"{DERIVED_SOURCE_ID}/cost/{sku}/{basis}/{tag}",
        basis,
        gpus=gpus_fig,
        price=price,
        throughput=throughput,
        entity=f"{sku} x{gpus:g}",
        as_of=price["as_of"],
        notes=f"{basis} tokens; price {price['figure_id']} ({choice})",
    )
    return Scenario(sku, basis, figure, lineage, price, throughput, gpus_fig, assumptions, choice, tag, matched)


def _chosen_price(
    con, sku: str, until: dt.date, kind: str, provider: str | None, matched: list[str]
) -> tuple[dict, int]:
    if provider:
        rows = query_frame(
            con,
            "SELECT figure_id, candidates FROM (SELECT p.*, row_number() OVER (ORDER BY "
            "usd_per_gpu_hour, figure_id) AS price_rank, count(*) OVER () AS candidates FROM "
            "gpu_rental_price p WHERE sku = ? AND pricing_kind = ? AND list_contains(?, provider) "
            "AND date = (SELECT max(date) FROM gpu_rental_price WHERE sku = ? AND pricing_kind = ? "
            "AND list_contains(?, provider) AND date <= ?)) WHERE price_rank = (candidates + 1) // 2",
            [sku, kind, matched, sku, kind, matched, until],
        )
    else:
        rows = query_frame(
            con,
            "SELECT figure_id, candidates FROM gpu_rental_price_asof(?, ?, ?, NULL) WHERE chosen",
            [sku, until, kind],
        )
    if rows.is_empty():
        who = f" from {', '.join(matched)}" if provider else ""
        raise Error(
            f"no {kind} rental price for {sku}{who} dated on or before {until}; "
            f"try another --pricing-kind or --price-date, bring your own with --price USD_PER_GPU_HOUR, "
            f'or list them with: infernomics sql "SELECT date, provider, pricing_kind, usd_per_gpu_hour '
            f"FROM gpu_rental_price WHERE sku = '{sku}'\""
        )
    figure_id, candidates = rows.row(0)
    return query_frame(con, PROVENANCE, [figure_id]).row(0, named=True), int(candidates)


def _pinned_price(con, price_figure: str, sku: str, until: dt.date) -> dict:
    """A pinned rental price: must be a price of the sku (a date after `until` is allowed, and noted)."""
    rows = query_frame(con, "SELECT sku, pricing_kind, date FROM gpu_rental_price WHERE figure_id = ?", [price_figure])
    if rows.is_empty():
        what = (
            "a figure but not a GPU rental price"
            if not query_frame(con, "SELECT 1 FROM figure WHERE figure_id = ?", [price_figure]).is_empty()
            else "not a stored figure"
        )
        raise Error(
            f"--price-figure {price_figure!r} is {what}; pick one from: infernomics sql "
            f"\"SELECT figure_id, date, provider, pricing_kind, usd_per_gpu_hour FROM gpu_rental_price WHERE sku = '{sku}'\""
        )
    pinned_sku, kind, date = rows.row(0)
    if pinned_sku != sku:
        raise Error(
            f"--price-figure {price_figure} is a {pinned_sku or 'unmapped-GPU'} price, not {sku} (--gpu); "
            f"pick a {sku} price or change --gpu"
        )
    price = query_frame(con, PROVENANCE, [price_figure]).row(0, named=True)
    price["pricing_kind"] = kind
    price["after_price_date"] = date > until
    return price


def _throughput(con, figure_id: str) -> dict:
    rows = query_frame(con, PROVENANCE, [figure_id])
    if rows.is_empty():
        raise Error(f"no figure with id {figure_id!r} for --throughput-figure")
    row = rows.row(0, named=True)
    if not THROUGHPUT_UNIT.match(row["unit"] or ""):
        raise Error(f"--throughput-figure {figure_id} is in {row['unit']!r}, not tokens/s")
    return row


def assumption(
    tag: str,
    role: str,
    value: float,
    unit: str,
    entity: str,
    what: str,
    allow_zero: bool = False,
    flag: str | None = None,
) -> dict:
    """A number a person typed, as a figure of kind `assumption` (so `audit` shows it as such)."""
    if value is None or not (value > 0 or (allow_zero and value == 0)):
        need = "zero or a positive number" if allow_zero else "a positive number"
        raise Error(f"{flag or '--' + role.replace('_', '-')} must be {need} (got {value!r})")
    return {
        "figure_id": f"{DERIVED_SOURCE_ID}/assumption/cost/{tag}/{role}",
        "source_id": DERIVED_SOURCE_ID,
        "metric": role,
        "entity_kind": "gpu_deployment",
        "entity": entity,
        "value": float(value),
        "unit": unit,
        "bound": "=",
        "kind": "assumption",
        "verification": "unverified",
        "notes": f"user-supplied via `infernomics cost`: {what}",
        "source_title": "user-supplied assumption",
    }
