"""The fetch half against a real HTTP server on 127.0.0.1: https-only policy, size cap,
retries with backoff, timeouts, and the content-addressed snapshot store."""

import hashlib
import http.server
import threading
import time
from pathlib import Path

import pytest

from sources.token_prices import fetch, litellm, openrouter

FIXTURES = Path(__file__).parent / "fixtures" / "token_prices"


class Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}
    failures: dict = {}
    hits: dict = {}

    def do_GET(self):  # noqa: N802 (http.server API)
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.failures.get(self.path, 0) > 0:
            self.failures[self.path] -= 1
            self.send_response(503)
            self.end_headers()
            return
        route = self.routes.get(self.path)
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        if route == "slow":
            time.sleep(1.0)
            route = b"{}"
        if route == "redirect-http":
            self.send_response(302)
            self.send_header("Location", "http://example.com/models")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(route)))
        self.end_headers()
        self.wfile.write(route)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    Handler.routes = {
        "/api/v1/models": (FIXTURES / "openrouter_models_day1.json").read_bytes(),
        "/litellm.json": (FIXTURES / "litellm_model_prices.json").read_bytes(),
        "/slow": "slow",
        "/redirect": "redirect-http",
    }
    Handler.failures, Handler.hits = {}, {}
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_fetch_and_parse_openrouter_over_http(server, tmp_path):
    got = openrouter.fetch(f"{server}/api/v1/models", allow_http_localhost=True)
    stored = fetch.store_snapshot(got, tmp_path)
    assert stored.sha256 == hashlib.sha256(stored.body).hexdigest()
    assert stored.path == tmp_path / stored.sha256[:2] / stored.sha256 and stored.path.read_bytes() == got.body
    assert openrouter.parse(got.body, got.url).height == 5


def test_fetch_litellm_over_http(server):
    got = litellm.fetch(f"{server}/litellm.json", allow_http_localhost=True)
    assert got.media_type == "application/json" and litellm.parse(got.body).height == 10


def test_plain_http_is_refused_without_the_test_flag(server):
    with pytest.raises(fetch.FetchError, match="only https"):
        openrouter.fetch(f"{server}/api/v1/models")
    with pytest.raises(fetch.FetchError, match="only https"):
        fetch.http_get("http://example.com/models", allow_http_localhost=True)


def test_redirect_to_plain_http_is_refused(server):
    with pytest.raises(fetch.FetchError, match="only https"):
        fetch.http_get(f"{server}/redirect", allow_http_localhost=True, retries=0)


def test_transient_failures_are_retried_with_backoff(server):
    Handler.failures["/api/v1/models"] = 2
    started = time.monotonic()
    got = fetch.http_get(f"{server}/api/v1/models", allow_http_localhost=True, retries=3, backoff_s=0.05)
    assert got.body and Handler.hits["/api/v1/models"] == 3
    assert time.monotonic() - started >= 0.05 + 0.1


def test_gives_up_after_retries(server):
    Handler.failures["/api/v1/models"] = 10
    with pytest.raises(fetch.FetchError, match="after 3 attempts"):
        fetch.http_get(f"{server}/api/v1/models", allow_http_localhost=True, retries=2, backoff_s=0.01)


def test_not_found_is_not_retried(server):
    with pytest.raises(fetch.FetchError, match="HTTP 404"):
        fetch.http_get(f"{server}/nope", allow_http_localhost=True, retries=3, backoff_s=0.01)
    assert Handler.hits["/nope"] == 1


def test_size_cap(server):
    with pytest.raises(fetch.FetchError, match="cap"):
        fetch.http_get(f"{server}/api/v1/models", allow_http_localhost=True, max_bytes=100)


def test_timeout(server):
    with pytest.raises(fetch.FetchError, match="attempts"):
        fetch.http_get(f"{server}/slow", allow_http_localhost=True, timeout_s=0.2, retries=0)


def test_snapshot_store_is_idempotent(tmp_path):
    a = fetch.store_snapshot(fetch.from_bytes("package:x", b"same"), tmp_path)
    b = fetch.store_snapshot(fetch.from_bytes("package:x", b"same"), tmp_path)
    assert a.path == b.path and len(list(tmp_path.rglob("*"))) == 2  # one folder, one file
