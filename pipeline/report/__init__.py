"""The static report: a small website of every fit, chart and claim check, built from a
read-only warehouse connection. No Dagster here: `infernomics report` and the asset
`report/site` (pipeline/defs/report/) both call `publish_report`.

Where things are:
- `sql/`: the seven queries a build makes (fits, points, bands, claims, refusals,
  demand curves, sources); `data.py` reads them into `ReportData`.
- `charts.py`: the headline charts and `EXTRA_CHARTS` (add a `Chart` there to add one);
  charts are drawn as SVG by `analysis.plots` on `analysis.svg` (no matplotlib).
- `pages.py`: `PAGES`, the takeaways computed from the data, and the HTML.
- `text.py`: numbers and names for people; `output.py`: each chart's SVG and CSV files.
- `site.py`: `build_report` (into a folder) and `publish_report` (build beside, then swap).
See docs/report.md.
"""

from pipeline.report.data import CAPABILITY_2026_BENCHMARKS, FAMILY_TITLES, ReportError
from pipeline.report.output import Written
from pipeline.report.site import MARKER, build_report, publish_report

__all__ = [
    "CAPABILITY_2026_BENCHMARKS",
    "FAMILY_TITLES",
    "MARKER",
    "ReportError",
    "Written",
    "build_report",
    "publish_report",
]
