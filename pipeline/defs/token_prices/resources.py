"""Where the live price feeds are, how carefully to fetch them, and whether to fetch at all."""

import os

import dagster as dg

from pipeline.steps.token_prices.load import OFFLINE_ENV
from sources.token_prices import fetch, litellm, openrouter


class TokenPriceFeeds(dg.ConfigurableResource):
    """Live feed URLs (https only) and fetch limits; tests point the URLs at 127.0.0.1.

    `offline` unset: $INFERNOMICS_OFFLINE (anything but empty or 0) decides, when the run
    starts; True or False here wins. A boolean flag cannot be a `dg.EnvVar` (those are strings)."""

    openrouter_url: str = openrouter.URL
    litellm_url: str = litellm.URL
    timeout_s: float = fetch.DEFAULT_TIMEOUT_S
    max_bytes: int = fetch.DEFAULT_MAX_BYTES
    retries: int = 3
    backoff_s: float = 1.0
    allow_http_localhost: bool = False  # tests only: production refuses plain http
    max_age_hours: float = 36.0  # a live feed older than this is stale
    offline: bool | None = None

    def is_offline(self) -> bool:
        if self.offline is not None:
            return self.offline
        return os.environ.get(OFFLINE_ENV, "").strip() not in ("", "0")

    def http_options(self) -> dict:
        return {
            "timeout_s": self.timeout_s,
            "max_bytes": self.max_bytes,
            "retries": self.retries,
            "backoff_s": self.backoff_s,
            "allow_http_localhost": self.allow_http_localhost,
        }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"token_price_feeds": TokenPriceFeeds()})
