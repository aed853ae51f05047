"""Where the live price feeds are and how carefully to fetch them."""

import dagster as dg

from sources.token_prices import fetch, litellm, openrouter


class TokenPriceFeeds(dg.ConfigurableResource):
    """Live feed URLs (https only) and fetch limits; tests point the URLs at 127.0.0.1."""

    openrouter_url: str = openrouter.URL
    litellm_url: str = litellm.URL
    timeout_s: float = fetch.DEFAULT_TIMEOUT_S
    max_bytes: int = fetch.DEFAULT_MAX_BYTES
    retries: int = 3
    backoff_s: float = 1.0
    allow_http_localhost: bool = False  # tests only: production refuses plain http
    max_age_hours: float = 36.0  # a live feed older than this is stale

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
