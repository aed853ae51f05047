"""LiteLLM's `model_prices_and_context_window.json`: many providers' current prices, community-kept.

Documented shape: one object, model name -> spec, e.g. `"gpt-4o": {"litellm_provider": "openai",
"mode": "chat", "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
"cache_read_input_token_cost": 1.25e-06, "cache_creation_input_token_cost": ...,
"deprecation_date": "2026-03-31", ...}` plus a `sample_spec` entry that documents the fields.
Decisions:
- USD per token -> per million via Decimal of the JSON number's text (1e-05 -> exactly 10).
- The provider is `litellm_provider` (`openai`, `azure`, `bedrock`, `vertex_ai-...`): LiteLLM's
  key names a route, so `azure/gpt-4o` and `gpt-4o` are different rows of different providers.
- Long-prompt surcharges (`input_cost_per_token_above_200k_tokens`) become a second row with
  condition `prompt > 200000 tokens`; the base row gets `prompt <= 200000 tokens` and stays standard.
- A spec without any per-token price (image, audio, per-second models) is a rejected row
  (`token_price_present`), so counts in = accepted + rejected.
- `deprecation_date` is kept as announced; it does not end a price row (the feed does, when the
  model leaves it).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import polars as pl

from sources import cells
from sources.token_prices import fetch as http
from sources.token_prices import history, models
from sources.token_prices.feed_errors import guard_parse
from sources.token_prices.openrouter import per_million

SOURCE_ID = "litellm-model-prices"
URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
BASE_FIELDS = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "cache_creation_input_token_cost": "cache_write",
}
_ABOVE = re.compile(
    r"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d+)k_tokens$"
)


def fetch(url: str = URL, **options: Any) -> http.Fetched:
    """GET the JSON file (https only; see `fetch.http_get` for timeouts, size cap, retries)."""
    return http.http_get(url, **options)


@guard_parse("LiteLLM")
def parse(data: bytes, source_url: str = URL) -> pl.DataFrame:
    """Parse the LiteLLM price file into price observations (one per model and prompt band)."""
    doc = json.loads(data, parse_float=Decimal)
    if not isinstance(doc, dict) or not doc:
        raise ValueError("LiteLLM payload: expected a non-empty object of model specs")
    rows: list[dict] = []
    for name, spec in doc.items():
        if name == "sample_spec":
            continue
        raw = json.dumps(spec, default=str, sort_keys=True)
        base = {
            "source_id": SOURCE_ID,
            "model": name,
            "model_id": name,
            "source_url": source_url,
            "source_class": "secondary",
            "_raw": raw,
        }
        if not isinstance(spec, dict):
            rows.append(
                {
                    **base,
                    "provider_id": "unknown",
                    "condition": "",
                    "_locator": name,
                    "_errors": ["spec_object: entry is not an object"],
                }
            )
            continue
        errors: list[str] = []
        provider = spec.get("litellm_provider")
        provider = cells.present(provider if isinstance(provider, str) else None, "litellm_provider", errors)
        deprecation = cells.date(spec.get("deprecation_date") or None, "deprecation_date", errors)
        alias = models.resolve(name)
        base.update(
            provider=provider,
            provider_id=models.canonical_provider(provider) or "unknown",
            model_key=alias.model_key,
            alias_rule=alias.rule,
            deprecation_date=deprecation,
            qualifier=f"mode={spec['mode']}" if isinstance(spec.get("mode"), str) and spec["mode"] else None,
        )
        prices = {
            f"{col}_usd_per_mtok": per_million(spec.get(key), key, errors, False) for key, col in BASE_FIELDS.items()
        }
        above: dict[int, dict[str, float | None]] = {}
        for key, value in spec.items():
            m = _ABOVE.match(key)
            if m:
                above.setdefault(int(m[2]) * 1000, {})[f"{BASE_FIELDS[m[1]]}_usd_per_mtok"] = per_million(
                    value, key, errors, False
                )
        if all(v is None for v in prices.values()) and not any(e.startswith("price_") for e in errors):
            errors.append("token_price_present: no per-token price in this spec")
        thresholds = sorted(above)
        base_cond = f"prompt <= {thresholds[0]} tokens" if thresholds else ""
        rows.append(
            {**base, "condition": base_cond, "is_standard": True, **prices, "_locator": name, "_errors": errors}
        )
        for t in thresholds:
            band = {**prices, **above[t]}
            rows.append(
                {
                    **base,
                    "condition": f"prompt > {t} tokens",
                    "is_standard": False,
                    **band,
                    "_locator": f"{name} (above {t} tokens)",
                    "_errors": list(errors),
                }
            )
    return history.conform(pl.DataFrame(rows, infer_schema_length=None)) if rows else history.empty_observations()
