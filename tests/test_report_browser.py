"""The report in a real browser (Debian's chromium driven by playwright): every page loads
without console errors, every image and CSV link resolves, every contents link lands on
an anchor, nothing overflows a phone screen; screenshots of the landing page at desktop
and phone widths are saved as test artefacts (listed at the end of the test output)."""

import functools
import http.server
import os
import shutil
import threading
from urllib.parse import urljoin

import pytest

CHROMIUM = os.environ.get("INFERNOMICS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (`apt-get install -y chromium`; .ci/run installs it)"
)
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def site(refreshed_warehouse):
    """The report the full refresh's `report/site` asset wrote, served on 127.0.0.1."""
    root = refreshed_warehouse.parent / "report"
    assert (root / "index.html").exists(), "the full refresh builds the report asset"
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def test_every_page_loads_cleanly_and_every_link_resolves(site, browser):
    root, base = site
    pages = sorted(p.name for p in root.glob("*.html"))
    assert {"index.html", "claims.html", "capability_price.html", "demand.html", "gpu.html"} <= set(pages)
    page = browser.new_page(viewport=dict(zip(("width", "height"), VIEWPORTS["desktop"])))
    problems, ids_of = [], {}
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    links: dict[str, list[str]] = {}
    for name in pages:
        page.goto(base + name, wait_until="load")
        ids_of[name] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        links[name] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        srcs = page.eval_on_selector_all("img", "els => els.map(e => [e.getAttribute('src'), e.loading])")
        assert srcs or name in ("benchmark.html",), f"{name} has no chart"
        assert all(lazy == "lazy" for _, lazy in srcs), f"{name}: every image loads lazily"
        for src, _ in srcs:
            r = page.request.get(urljoin(base + name, src))
            assert r.ok and r.headers["content-type"] == "image/svg+xml", src
        assert page.eval_on_selector_all("script, link[rel=stylesheet]", "els => els.length") == 0  # offline, no CDN
    assert not problems, problems
    for name, hrefs in links.items():
        for href in hrefs:
            if href.startswith(("http://", "https://")):
                continue
            target, _, anchor = href.partition("#")
            target = target or name
            if target.startswith("charts/"):
                r = page.request.get(base + target)
                assert r.ok, href
                if target.endswith(".csv"):
                    header = r.text().splitlines()[0].split(",")
                    assert "figure_id" in header, f"{href}: the CSV names each point's figure"
                continue
            assert target in ids_of, f"{name} links to missing page {href}"
            if anchor:
                assert anchor in ids_of[target], f"{name}: contents link {href} has no anchor"
    page.close()


def test_landing_page_at_desktop_and_phone_widths(site, browser, artefacts_dir, record_artefact):
    _, base = site
    for label, (width, height) in VIEWPORTS.items():
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(base + "index.html", wait_until="load")
        # scroll through so every lazy image loads, then check each one really decoded
        page.evaluate(
            "async () => { for (let y = 0; y < document.body.scrollHeight; y += 400) "
            "{ window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); } }"
        )
        page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)", timeout=15000)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{label}: the page is {overflow}px wider than the screen"
        cards = page.eval_on_selector_all("section.card", "els => els.map(e => e.querySelector('.takeaway').innerText)")
        assert len(cards) >= 5 and all(len(t) > 40 for t in cards), cards
        page.evaluate("() => window.scrollTo(0, 0)")  # the sticky contents bar back at the top
        shot = artefacts_dir / f"report-landing-{label}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        record_artefact(f"report landing page, {label} {width}x{height}: {shot}")
        page.close()


def test_no_page_is_wider_than_a_phone(site, browser):
    root, base = site
    page = browser.new_page(viewport=dict(zip(("width", "height"), VIEWPORTS["phone"])))
    for name in sorted(p.name for p in root.glob("*.html")):
        page.goto(base + name, wait_until="domcontentloaded")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than a phone (tables scroll inside their box)"
    page.close()
