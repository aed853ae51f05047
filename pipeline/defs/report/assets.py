"""`report/site`: the static report, downstream of every trend, so `full_refresh` (and its
daily schedule) rebuilds it after the fits it draws.

Decisions:
- Where it goes: $INFERNOMICS_REPORT_DIR, else a `report/` folder beside the warehouse
  file, so a refresh into a temporary warehouse (the tests, a scratch run) never
  overwrites the report of the real one.
- It only reads the warehouse (no pool, no write window) and uses the same builder as the
  command (`pipeline.report.publish_report`): one report, two ways to ask.
- Published by swapping folders, so a reader never sees half of a rebuild and charts of
  series that no longer exist do not linger.
"""

import os
from pathlib import Path

import dagster as dg

from pipeline.defs import keys
from pipeline.defs.resources import WarehouseResource
from pipeline.report import publish_report

REPORT_DIR_ENV = "INFERNOMICS_REPORT_DIR"
TRENDS = keys.TRENDS


def report_dir(warehouse_path: Path) -> Path:
    return Path(os.environ.get(REPORT_DIR_ENV) or warehouse_path.parent / "report")


@dg.asset(key=["report", "site"], deps=TRENDS, group_name="report", kinds={"html"})
def report_site(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The static report website (index.html, a page per family, charts as SVG with a CSV each)
    built from the published warehouse; see docs/report.md."""
    wh = warehouse.warehouse
    out = report_dir(wh.path)
    with wh.reader() as con:
        written = publish_report(con, out, source=str(wh.path))
    context.log.info(f"report written to {out}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(out / "index.html")),
            "pages": len(written.pages),
            "charts": len(written.charts),
            "series": written.series,
            "landing_page_bytes": written.bytes("index.html"),
            "total_bytes": written.bytes(),
        }
    )
