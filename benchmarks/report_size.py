"""Size and load time of the report, measured in chromium as a reader gets it.

Builds the report from a refreshed warehouse (or refreshes one into a temp folder), serves
it on 127.0.0.1 and loads the landing page N times at desktop and phone widths in Debian's
chromium (playwright). Prints: landing page HTML bytes; bytes the browser fetched for the
first screen (lazy images below it are not fetched); total bytes of the folder (HTML,
SVG, CSV); chart (SVG) bytes; and the median load time (navigation start to the load event)
per width. The old single-page report loaded every chart at once: `all chart bytes` is
what that page would fetch.

usage: python benchmarks/report_size.py [--warehouse data/warehouse.duckdb] [--runs 5]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import os
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("INFERNOMICS_OFFLINE", "1")

VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", help="a refreshed warehouse (default: refresh one into a temp folder)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from pipeline.report import publish_report
    from warehouse import Warehouse

    tmp = Path(tempfile.mkdtemp(prefix="report-size-"))
    path = Path(args.warehouse) if args.warehouse else tmp / "warehouse.duckdb"
    if not args.warehouse:
        from pipeline.refresh import run_refresh

        assert run_refresh(path, stream=io.StringIO()).success
    out = tmp / "site"
    with Warehouse(path).reader() as con:
        written = publish_report(con, out, source=str(path))
    chromium = os.environ.get("INFERNOMICS_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        sys.exit("needs chromium (apt-get install -y chromium)")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/index.html"
    from playwright.sync_api import sync_playwright

    print(f"report: {len(written.pages)} pages, {len(written.charts)} charts")
    print(f"landing page HTML: {written.bytes('index.html'):,} bytes")
    print(
        f"all chart bytes (SVG): {written.bytes('charts/*.svg'):,}; total folder: {written.bytes():,} bytes "
        f"(CSV {written.bytes('charts/*.csv'):,})"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for label, (width, height) in VIEWPORTS.items():
            times, fetched = [], []
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                page.goto(url, wait_until="load")
                page.wait_for_timeout(500)  # lazy images in view start once layout is known
                times.append(
                    page.evaluate(
                        "() => { const t = performance.getEntriesByType('navigation')[0]; "
                        "return t.loadEventEnd - t.startTime; }"
                    )
                )
                fetched.append(
                    page.evaluate(
                        "() => performance.getEntriesByType('navigation')"
                        ".concat(performance.getEntriesByType('resource'))"
                        ".reduce((n, e) => n + e.encodedBodySize, 0)"
                    )
                )
                context.close()
            print(
                f"{label} {width}x{height}: first screen fetched {statistics.median(fetched):,.0f} bytes; "
                f"load {statistics.median(times):.0f} ms median of {args.runs} "
                f"({min(times):.0f} to {max(times):.0f} ms)"
            )
        browser.close()
    server.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
