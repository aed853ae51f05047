"""OpenRouter's model list (`GET https://openrouter.ai/api/v1/models`): today's resale prices.

Documented shape: `{"data": [{"id": "openai/gpt-4o", "name": ..., "created": 1715558400,
"context_length": ..., "pricing": {"prompt": "0.0000025", "completion": "0.00001",
"input_cache_read": ..., "input_cache_write": ..., "request": "0", ...}}, ...]}`.
Decisions:
- Prices are USD *per token* as decimal strings; we multiply by 10^6 in Decimal (no float
  noise: "0.0000025" is exactly 2.5 per million).
- The provider is OpenRouter itself (it is the seller and sets the price); the author prefix
  of the id (`openai/`) only feeds the canonical model key.
- `created` is the time the model was *listed on OpenRouter*, stored as `listed_at`; it is
  not a release date and never used as one.
- A price of "-1" means "variable" (routers like `openrouter/auto`): kept as a rejected row
  (`price_known`), as is any price that is missing, not a number or negative.
- The payload must be an object with a `data` list; anything else is not a snapshot of this
  feed and raises, so nothing stored changes (the raw bytes are already kept).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl

from sources import cells
from sources.token_prices import fetch as http
from sources.token_prices import history, models
from sources.token_prices.feed_errors import guard_parse
from warehouse.rules import NUMBER_PARSES

SOURCE_ID = "openrouter-models"
URL = "https://openrouter.ai/api/v1/models"
FIELDS = {
    "prompt": "input",
    "completion": "output",
    "input_cache_read": "cache_read",
    "input_cache_write": "cache_write",
}


def fetch(url: str = URL, **options: Any) -> http.Fetched:
    """GET the model list (https only; see `fetch.http_get` for timeouts, size cap, retries)."""
    return http.http_get(url, **options)


def per_million(value: Any, name: str, errors: list[str], required: bool) -> float | None:
    """USD per token (string or number) -> USD per million tokens, with rule-named errors
    (the cell rules of `sources.cells`, and `price_known` for OpenRouter's -1). Multiplied
    as a Decimal: 0.0000003 USD per token is exactly 0.3 USD per Mtok.

    A finite, non-negative Decimal (what LiteLLM's JSON numbers decode to) breaks no rule, so it
    skips the two rule checks below (the same result: they accept it and re-read its text)."""
    if type(value) is Decimal and value.is_finite() and value >= 0 and math.isfinite(float(value)):
        return float(value * 1_000_000)
    number = cells.number(value, name, errors, required=required)
    if number is None:
        return None
    if number == -1:
        errors.append(f"price_known: {name} is -1 (variable price)")
        return None
    if cells.number(value, name, errors, minimum="non_negative") is None:
        return None
    try:
        return float(Decimal(str(value).strip()) * 1_000_000)
    except InvalidOperation:  # float() read it, Decimal does not (never seen): a parse error all the same
        errors.append(f"{NUMBER_PARSES}: {name} {value!r} is not a number")
        return None


def _text(value: Any, name: str, errors: list[str]) -> str | None:
    """A text field, or None with a row error when the feed put something else there."""
    if value is None or isinstance(value, str):
        return value
    errors.append(f"text_field: {name} is {type(value).__name__}, not text")
    return None


@guard_parse("OpenRouter")
def parse(data: bytes, source_url: str = URL) -> pl.DataFrame:
    """Parse a `/api/v1/models` payload into price observations (one per listed model).
    Raises ValueError (FeedParseError for anything unexpected) when it is not this feed."""
    doc = json.loads(data)
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise ValueError("OpenRouter payload: expected an object with a 'data' list")
    rows: list[dict] = []
    for i, item in enumerate(doc["data"]):
        errors: list[str] = []
        if not isinstance(item, dict):
            rows.append(
                {
                    "source_id": SOURCE_ID,
                    "provider": "OpenRouter",
                    "provider_id": "openrouter",
                    "model": None,
                    "model_id": f"data[{i}]",
                    "condition": "",
                    "_locator": f"data[{i}]",
                    "_errors": ["model_object: entry is not an object"],
                    "_raw": json.dumps(item),
                }
            )
            continue
        model_id = item.get("id")
        if not cells.present(model_id if isinstance(model_id, str) else None, "id", errors):
            model_id = f"data[{i}]"
        pricing = item.get("pricing")
        if not isinstance(pricing, dict):
            errors.append("pricing_present: pricing object is missing")
            pricing = {}
        prices = {
            f"{col}_usd_per_mtok": per_million(
                pricing.get(key), f"pricing.{key}", errors, key in ("prompt", "completion")
            )
            for key, col in FIELDS.items()
        }
        listed = None
        created = item.get("created")
        if isinstance(created, (int, float)) and not isinstance(created, bool) and created > 0:
            try:
                listed = dt.datetime.fromtimestamp(created, dt.UTC).date()
            except (OverflowError, OSError, ValueError):
                errors.append(f"created_timestamp: created {created!r} is not a unix time")
        elif created is not None:
            errors.append(f"created_timestamp: created {created!r} is not a unix time")
        alias = models.resolve(model_id)
        rows.append(
            {
                "source_id": SOURCE_ID,
                "provider": "OpenRouter",
                "provider_id": "openrouter",
                "model": model_id,
                "model_id": model_id,
                "model_key": alias.model_key,
                "alias_rule": alias.rule,
                "condition": "",
                "is_standard": True,
                **prices,
                "source_url": source_url,
                "listed_at": listed,
                "source_class": "primary",
                "qualifier": _text(item.get("name"), "name", errors),
                "_locator": f"data[{i}] ({model_id})",
                "_errors": errors,
                "_raw": json.dumps(item, sort_keys=True, ensure_ascii=False),
            }
        )
    return history.conform(pl.DataFrame(rows, infer_schema_length=None)) if rows else history.empty_observations()
