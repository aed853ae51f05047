"""Every model of the `genai-prices` package (Pydantic's LLM price data), as price observations.

fetch() reads the installed package's pydantic data (`genai_prices.data.providers`) and writes
the price-relevant part of it as canonical JSON: these bytes are the snapshot (content-addressed
like a downloaded payload), and the package version is the snapshot's id (`snapshot.url` =
`package:genai-prices==0.2.3`). parse() is pure: JSON bytes in, observations out, so a test can
feed it a hand-written payload and an old snapshot can be re-parsed without the old package.

How the package's pricing model maps onto rows:
- `prices` is one price or a list of conditional prices. Conditions with a `start_date` (and the
  unconstrained first one) form the model's own dated history: the unconstrained price has no
  known start and ends at the first `start_date` (or is current when there is none); each dated
  price starts at its date (`date_basis = start_date`) and ends at the next.
- Time-of-day conditions (DeepSeek's discount and surcharge windows) become their own rows,
  condition `UTC 00:30-16:30`; the remaining hours are the condition `outside UTC ...`. The
  row covering more hours of the day is the standard price (`is_standard`).
- Tiered prices (Gemini's per-prompt-length cliff prices) become one row per band
  (`prompt < 200000 tokens`, `prompt >= 200000 tokens`); the lowest band is standard.
- `price_variants` (service tier, batch) become non-standard rows with the variant's own
  prices (`service_tier=priority`); an empty variant (the default tier) adds nothing.
- Only token prices (input, output, cache read, cache write per million tokens) are loaded. A
  model priced only in other units (audio hours, searches, pages) is kept as a rejected row
  with rule `token_price_present`, so counts in = accepted + quarantined stay honest.
- Each provider's first pricing URL is the row's `source_url`.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import polars as pl

from sources import cells
from sources.token_prices import history, models

SOURCE_ID = "genai-prices"
PRICE_KEYS = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cache_read",
    "cache_write_mtok": "cache_write",
}


def package_version() -> str:
    from importlib.metadata import version

    return version("genai-prices")


def _price_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "tiers"):
        return {"base": str(value.base), "tiers": [{"start": t.start, "price": str(t.price)} for t in value.tiers]}
    return value


def _prices_json(model_price: Any) -> dict:
    return {
        k: _price_json(v) for k, v in sorted(model_price.__dict__.items()) if v is not None and not k.startswith("_")
    }


def _constraint_json(constraint: Any) -> dict | None:
    if constraint is None:
        return None
    if hasattr(constraint, "start_date"):
        return {"start_date": constraint.start_date.isoformat()}
    return {"start_time": constraint.start_time.strftime("%H:%M"), "end_time": constraint.end_time.strftime("%H:%M")}


def snapshot_payload(providers: list[Any] | None = None, version: str | None = None) -> bytes:
    """The price part of the installed package as canonical JSON bytes (the snapshot)."""
    if providers is None:
        from genai_prices.data import providers as installed

        providers = installed
    out = []
    for p in providers:
        entries = []
        for m in p.models:
            conditional = m.prices if isinstance(m.prices, list) else [None]
            prices = (
                [{"constraint": None, "prices": _prices_json(m.prices)}]
                if conditional == [None]
                else [
                    {"constraint": _constraint_json(c.constraint), "prices": _prices_json(c.prices)} for c in m.prices
                ]
            )
            variants = [
                {"when": dict(v.when), "constraint": _constraint_json(v.constraint), "prices": _prices_json(v.prices)}
                for v in (m.price_variants or [])
            ]
            entries.append(
                {
                    "id": m.id,
                    "name": m.name,
                    "deprecated": bool(m.deprecated),
                    "context_window": m.context_window,
                    "prices": prices,
                    "price_variants": variants,
                }
            )
        out.append({"id": p.id, "name": p.name, "pricing_urls": list(p.pricing_urls or []), "models": entries})
    doc = {"package": "genai-prices", "version": version or package_version(), "providers": out}
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def fetch() -> tuple[bytes, dict]:
    """Snapshot bytes of the installed package, with provenance (no network)."""
    version = package_version()
    return snapshot_payload(version=version), {
        "url": f"package:genai-prices=={version}",
        "media_type": "application/json",
        "retrieved_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "version": version,
    }


def _num(value: Any) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)))


def _bands(prices: dict) -> list[tuple[str, bool, dict]]:
    """(condition, is_standard, {field: price}) per prompt-length band of one price set."""
    starts = sorted(
        {t["start"] for k, v in prices.items() if k in PRICE_KEYS and isinstance(v, dict) for t in v["tiers"]}
    )

    def at(value: Any, threshold: int | None) -> float | None:
        if not isinstance(value, dict):
            return _num(value)
        price = value["base"]
        for tier in sorted(value["tiers"], key=lambda t: t["start"]):
            if threshold is not None and tier["start"] <= threshold:
                price = tier["price"]
        return _num(price)

    bands: list[tuple[str, bool, dict]] = []
    edges: list[int | None] = [None, *starts]
    for i, edge in enumerate(edges):
        if not starts:
            cond = ""
        elif edge is None:
            cond = f"prompt < {starts[0]} tokens"
        else:
            cond = f"prompt >= {edge} tokens" + (f" and < {edges[i + 1]}" if i + 1 < len(edges) else "")
        bands.append(
            (
                cond,
                edge is None,
                {f"{PRICE_KEYS[k]}_usd_per_mtok": at(v, edge) for k, v in prices.items() if k in PRICE_KEYS},
            )
        )
    return bands


def _window_hours(c: dict) -> float:
    s = dt.datetime.strptime(c["start_time"], "%H:%M")
    e = dt.datetime.strptime(c["end_time"], "%H:%M")
    return ((e - s).total_seconds() / 3600) % 24


def _entries(model: dict) -> list[dict]:
    """Flatten one model's prices into (condition, standard, start, end, basis, prices) entries."""
    out: list[dict] = []
    dated = [p for p in model["prices"] if p["constraint"] is None or "start_date" in p["constraint"]]
    windows = [p for p in model["prices"] if p["constraint"] and "start_time" in p["constraint"]]
    window_hours = sum(_window_hours(w["constraint"]) for w in windows)
    outside = ""
    if windows:
        outside = "outside " + ", ".join(
            f"UTC {w['constraint']['start_time']}-{w['constraint']['end_time']}" for w in windows
        )
    starts = [dt.date.fromisoformat(p["constraint"]["start_date"]) if p["constraint"] else None for p in dated]
    order = sorted(range(len(dated)), key=lambda i: (starts[i] is not None, starts[i] or dt.date.min))
    for pos, i in enumerate(order):
        nxt = starts[order[pos + 1]] if pos + 1 < len(order) else None
        start = starts[i]
        out.append(
            {
                "condition": outside,
                "standard": window_hours <= 12,
                "start": start,
                "end": nxt,
                "basis": "start_date" if start else ("unknown" if nxt else None),
                "prices": dated[i]["prices"],
            }
        )
    for w in windows:
        c = w["constraint"]
        out.append(
            {
                "condition": f"UTC {c['start_time']}-{c['end_time']}",
                "standard": _window_hours(c) > 12,
                "start": None,
                "end": None,
                "basis": None,
                "prices": w["prices"],
            }
        )
    for v in model.get("price_variants") or []:
        if not any(k in PRICE_KEYS for k in v["prices"]):
            continue
        c = v["constraint"] or {}
        start = dt.date.fromisoformat(c["start_date"]) if "start_date" in c else None
        cond = ", ".join(f"{k}={val}" for k, val in sorted(v["when"].items()))
        out.append(
            {
                "condition": cond,
                "standard": False,
                "start": start,
                "end": None,
                "basis": "start_date" if start else None,
                "prices": v["prices"],
            }
        )
    return out


def parse(data: bytes) -> pl.DataFrame:
    """Parse a genai-prices snapshot (see :func:`snapshot_payload`) into price observations."""
    doc = json.loads(data)
    if not isinstance(doc, dict) or not isinstance(doc.get("providers"), list):
        raise ValueError("genai-prices snapshot: expected an object with a 'providers' list")
    rows: list[dict] = []
    for p in doc["providers"]:
        url = (p.get("pricing_urls") or [None])[0]
        provider_id = models.canonical_provider(p.get("id"))
        for m in p.get("models") or []:
            locator = f"genai-prices=={doc.get('version')}:{p.get('id')}/{m.get('id')}"
            alias = models.resolve(m.get("id"))
            base = {
                "source_id": SOURCE_ID,
                "provider": p.get("name"),
                "provider_id": provider_id,
                "model": m.get("id"),
                "model_id": m.get("id"),
                "model_key": alias.model_key,
                "alias_rule": alias.rule,
                "source_url": url,
                "qualifier": "deprecated by the provider" if m.get("deprecated") else None,
                "source_class": "secondary",
            }
            entries = _entries(m)
            token_entries = [e for e in entries if any(k in PRICE_KEYS for k in e["prices"])]
            if not token_entries:
                keys = sorted({k for e in entries for k in e["prices"]}) or ["none"]
                rows.append(
                    {
                        **base,
                        "condition": "",
                        "is_standard": True,
                        "_locator": locator,
                        "_errors": [f"token_price_present: priced only in non-token units ({', '.join(keys)})"],
                        "_raw": json.dumps(m, sort_keys=True),
                    }
                )
                continue
            for e in token_entries:
                for cond, lowest, prices in _bands(e["prices"]):
                    condition = ", ".join(x for x in (e["condition"], cond) if x)
                    errors: list[str] = []
                    for k, v in prices.items():
                        cells.number(v, k, errors, minimum="non_negative")
                    rows.append(
                        {
                            **base,
                            "condition": condition,
                            "is_standard": e["standard"] and lowest,
                            "source_start": e["start"],
                            "source_end": e["end"],
                            "date_basis": e["basis"],
                            "end_basis": "next_price" if e["end"] else None,
                            **prices,
                            "_locator": f"{locator}[{condition or 'standard'}@{e['start'] or 'base'}]",
                            "_errors": errors,
                            "_raw": json.dumps(e["prices"], sort_keys=True),
                        }
                    )
    return history.conform(pl.DataFrame(rows, infer_schema_length=None)) if rows else history.empty_observations()
