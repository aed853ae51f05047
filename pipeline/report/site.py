"""Build the report into a folder, and publish it by swapping folders.

Decisions:
- The builder takes a read-only connection and an output folder and imports no Dagster,
  so the CLI (`infernomics report`) and the Dagster asset `report/site` share it.
- Published by swapping folders, so a reader never sees half of a rebuild and charts of
  series that no longer exist do not linger; only a folder this builder wrote (it has
  `MARKER` in it) is ever replaced.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipeline.report.charts import EXTRA_CHARTS, HEADLINES
from pipeline.report.data import ReportError, _epoch_rows, load
from pipeline.report.output import NoProgress, Steps, Written, save_chart
from pipeline.report.pages import PAGES, family_page, landing, write_page

#: written into every report folder: the only kind of folder `publish_report` replaces
MARKER = ".infernomics-report"


def build_report(
    con,
    out: Path,
    families: list[str] | None = None,
    source: str = "",
    progress: Callable[[int], Steps] | None = None,
) -> Written:
    """Write the site into `out` (index.html, one page per family, charts/ with SVG and CSV).

    `progress(total)`: makes the progress reporter of a build of `total` charts (none by default)."""
    data = load(con, source)
    out = Path(out)
    charts = out / "charts"
    charts.mkdir(parents=True, exist_ok=True)
    present = set(data.fits["family"]) | set(data.refusals["family"]) | {"claims"}
    pages = [p for p in PAGES if p.key in present and (not families or p.key in families or p.key == "claims")]
    keys = {p.key for p in pages}
    wanted = [c for c in HEADLINES + EXTRA_CHARTS if c.page in keys]
    n_series = sum(data.fits.filter(pl.col("family") == p.key)["series"].n_unique() for p in pages)
    n_bench = (
        len({json.loads(r["params"])["benchmark"] for r in _epoch_rows(data)}) if "capability_price" in keys else 0
    )
    steps = progress(len(wanted) + n_series + n_bench) if progress else NoProgress()
    written = Written(out)
    drawn: dict[str, str] = {}
    for chart in wanted:
        steps.step(chart.name)
        made = chart.build(data)
        if made is not None:
            drawn[chart.name] = save_chart(made[0], charts, chart.name, made[1], made[2], written, title=chart.title)
    for page in pages:
        body = family_page(page, data, drawn, charts, written, steps)
        write_page(out, f"{page.key}.html", page.title, body, pages, written, data)
    write_page(
        out,
        "index.html",
        "infernomics: the economics of AI inference",
        landing(pages, data, drawn),
        pages,
        written,
        data,
    )
    steps.close()
    (out / MARKER).write_text("a folder written by `infernomics report`; rebuilt whole on each run\n")
    written.fits = data.fits.height
    written.claims = data.claims.height
    return written


def publish_report(
    con,
    out: Path,
    families: list[str] | None = None,
    source: str = "",
    progress: Callable[[int], Steps] | None = None,
) -> Written:
    """Build into a sibling folder, then swap it in: a reader never sees half a report, and
    charts of series that no longer exist do not linger from an earlier build."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ReportError(
            f"{out} exists and is not an infernomics report (no {MARKER} in it); the report replaces "
            "its folder whole, so give a new or empty folder"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    building = out.with_name(f".{out.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    try:
        written = build_report(con, building, families, source, progress)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(building, out)
    shutil.rmtree(old, ignore_errors=True)
    written.out = out
    return written
