"""The fetch half of the live feeds: careful HTTP GET, and a content-addressed snapshot store.

Why so strict: a feed is a stranger's server. We refuse anything but https (tests pass
`allow_http_localhost=True` to reach their own 127.0.0.1 server; production code never does),
stop reading past `max_bytes` (a runaway response must not fill the disk), time out, and retry
transient failures (refused or reset connections, timeouts, 429, 5xx) with exponential backoff. A non-retryable
answer (404, a redirect to http, a host name that does not resolve: offline) fails at once.

The raw bytes are written to `<snapshots dir>/<sha256[:2]>/<sha256>` *before* anything parses
them, so a payload that later proves to be garbage is still there to inspect, and a re-fetch
of identical bytes is a no-op (same name).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}
USER_AGENT = "infernomics-token-prices/0.1 (+https://github.com/; price history research)"


class FetchError(Exception):
    """The feed could not be fetched (after retries); the message says why."""


@dataclass(frozen=True)
class Fetched:
    """Raw bytes with their provenance."""

    url: str
    body: bytes
    sha256: str
    retrieved_at: dt.datetime
    media_type: str | None
    path: Path | None = None


class _NoHttpRedirect(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_http_localhost: bool):
        self.allow_http_localhost = allow_http_localhost

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl, self.allow_http_localhost)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def check_url(url: str, allow_http_localhost: bool = False) -> None:
    """Refuse non-https URLs; plain http only to 127.0.0.1 and only when explicitly allowed."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if allow_http_localhost and parts.scheme == "http" and parts.hostname == "127.0.0.1":
        return
    raise FetchError(f"refusing {url!r}: only https URLs are fetched")


def http_get(
    url: str,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    retries: int = 3,
    backoff_s: float = 1.0,
    allow_http_localhost: bool = False,
) -> Fetched:
    """GET `url` with a timeout, a size cap and retries with exponential backoff."""
    check_url(url, allow_http_localhost)
    opener = urllib.request.build_opener(_NoHttpRedirect(allow_http_localhost))
    last: str = "no attempt"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        try:
            with opener.open(request, timeout=timeout_s) as response:
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"{url}: Content-Length {declared} exceeds the {max_bytes}-byte cap")
                body = response.read(max_bytes + 1)
                if len(body) > max_bytes:
                    raise FetchError(f"{url}: response exceeds the {max_bytes}-byte cap")
                media = response.headers.get_content_type()
                return Fetched(
                    url, body, hashlib.sha256(body).hexdigest(), dt.datetime.now(dt.UTC).replace(tzinfo=None), media
                )
        except urllib.error.HTTPError as err:
            last = f"HTTP {err.code}"
            if err.code not in RETRY_STATUSES:
                raise FetchError(f"{url}: {last}") from None
        except FetchError:
            raise
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as err:
            reason = getattr(err, "reason", err)
            last = f"{type(err).__name__}: {reason}"
            if isinstance(reason, socket.gaierror):  # no DNS: offline, retrying will not help
                raise FetchError(f"{url}: offline ({last})") from None
    raise FetchError(f"{url}: failed after {retries + 1} attempts ({last})")


def store_snapshot(fetched: Fetched, folder: Path) -> Fetched:
    """Write the bytes to `folder/<sha[:2]>/<sha>` (idempotent) and return them with the path."""
    path = Path(folder) / fetched.sha256[:2] / fetched.sha256
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(fetched.body)
        tmp.replace(path)
    return Fetched(fetched.url, fetched.body, fetched.sha256, fetched.retrieved_at, fetched.media_type, path)


def from_bytes(
    url: str, body: bytes, media_type: str | None = "application/json", retrieved_at: dt.datetime | None = None
) -> Fetched:
    """Wrap bytes that did not come over HTTP (package data, a bundled file) as a snapshot."""
    return Fetched(
        url,
        body,
        hashlib.sha256(body).hexdigest(),
        retrieved_at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
        media_type,
    )
