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
from collections.abc import Sequence
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
_SEP = "\x1f"  # unit separator: joins a row's rule messages while the frame is built
_ABOVE = re.compile(
    r"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d+)k_tokens$"
)


def fetch(url: str = URL, **options: Any) -> http.Fetched:
    """GET the JSON file (https only; see `fetch.http_get` for timeouts, size cap, retries)."""
    return http.http_get(url, **options)


@guard_parse("LiteLLM")
def parse(data: bytes, source_url: str = URL) -> pl.DataFrame:
    """Parse the LiteLLM price file into price observations (one per model and prompt band)."""
    return parse_many([data], [source_url]).drop("_payload")


@guard_parse("LiteLLM")
def parse_many(payloads: Sequence[bytes], source_urls: Sequence[str]) -> pl.DataFrame:
    """Several LiteLLM price files (e.g. package releases) stacked in order, with `_payload`
    (the index of the file each row came from): each file parsed as `parse` parses it.

    Decisions: an entry listed the same in several files (most entries of consecutive
    releases) is parsed once. Identity is exact: the model name and the `repr` of its spec
    as decoded (key order, types and every Decimal's digits and exponent), so two entries
    share their rows only when they are the same JSON value, and the rows are the rows each
    would get on its own (their `_raw` too). `repr` is about a third of the cost of the
    `json.dumps` that `_raw` needs, so a repeated entry costs neither that nor the rules."""
    rows: list[dict] = []
    index: dict[str, list[int]] = {"_payload": [], "_entry": []}
    memo: dict[tuple[str, str], int] = {}
    for position, data in enumerate(payloads):
        doc = json.loads(data, parse_float=Decimal)
        if not isinstance(doc, dict) or not doc:
            raise ValueError("LiteLLM payload: expected a non-empty object of model specs")
        for name, spec in doc.items():
            if name == "sample_spec":
                continue
            key = (name, repr(spec))
            entry = memo.get(key)
            if entry is None:
                entry = memo[key] = len(memo)
                rows.extend({**r, "_entry": entry, "_band": band} for band, r in enumerate(spec_rows(name, spec)))
            index["_payload"].append(position)
            index["_entry"].append(entry)
    if not rows:
        return history.empty_observations().with_columns(pl.lit(None, pl.Int64).alias("_payload"))
    # by column with the declared types: the same frame as from the dicts, without the
    # per-dict key matching of `pl.DataFrame(rows)` (a third of the parse)
    schema = {**history.OBSERVATION_SCHEMA, **history.BOOKKEEPING_SCHEMA, "_entry": pl.Int64, "_band": pl.Int64}
    del schema["source_url"]  # the file's, joined below
    # (`_errors` travels as one text per row: a list column built from Python lists is a
    # Series per row; no rule's message holds the separator)
    columns = {c: [r.get(c) for r in rows] for c in schema if c != "_errors"}
    columns["_errors"] = [_SEP.join(r["_errors"]) for r in rows]
    entries = pl.DataFrame(columns, schema={**schema, "_errors": pl.String}).with_columns(
        pl.when(pl.col("_errors") == "")
        .then(pl.lit([], pl.List(pl.String)))
        .otherwise(pl.col("_errors").str.split(_SEP))
        .alias("_errors")
    )
    listed = pl.DataFrame(index, schema={"_payload": pl.Int64, "_entry": pl.Int64}).with_row_index("_order")
    urls = pl.DataFrame({"_payload": range(len(source_urls)), "source_url": list(source_urls)}).cast(
        {"_payload": pl.Int64}
    )
    frame = (
        listed.join(entries, on="_entry", how="left")
        .sort(["_order", "_band"])
        .join(urls, on="_payload", how="left", maintain_order="left")
    )
    return history.conform(frame).with_columns(frame["_payload"])


def spec_rows(name: str, spec: Any) -> list[dict]:
    """The observation rows of one entry of the price file (all but `source_url`)."""
    raw = json.dumps(spec, default=str, sort_keys=True)
    base = {
        "source_id": SOURCE_ID,
        "model": name,
        "model_id": name,
        "source_class": "secondary",
        "_raw": raw,
    }
    if not isinstance(spec, dict):
        return [
            {
                **base,
                "provider_id": "unknown",
                "condition": "",
                "_locator": name,
                "_errors": ["spec_object: entry is not an object"],
            }
        ]
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
    prices = {  # an absent field is no price and breaks no rule: per_million(None) is None, silently
        f"{col}_usd_per_mtok": None if (value := spec.get(key)) is None else per_million(value, key, errors, False)
        for key, col in BASE_FIELDS.items()
    }
    above: dict[int, dict[str, float | None]] = {}
    for key, value in spec.items():
        m = _ABOVE.match(key) if "_above_" in key else None  # the test first: most keys are not bands
        if m:
            above.setdefault(int(m[2]) * 1000, {})[f"{BASE_FIELDS[m[1]]}_usd_per_mtok"] = per_million(
                value, key, errors, False
            )
    if all(v is None for v in prices.values()) and not any(e.startswith("price_") for e in errors):
        errors.append("token_price_present: no per-token price in this spec")
    thresholds = sorted(above)
    base_cond = f"prompt <= {thresholds[0]} tokens" if thresholds else ""
    rows = [{**base, "condition": base_cond, "is_standard": True, **prices, "_locator": name, "_errors": errors}]
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
    return rows
