"""`infernomics report`: the static website of every fit, chart and claim check.

The building lives in `pipeline.report` (no Dagster; the asset `report/site` calls the
same `publish_report`): this module only parses the command line and prints a summary.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.common import Progress, UserError, add_command, warehouse_from

#: the families a reader can ask for (pipeline.report.FAMILY_TITLES; a test keeps them equal)
FAMILIES = ("capability_price", "token_price", "gpu", "benchmark", "demand")


def register(subparsers) -> None:
    p = add_command(subparsers, "report", report)
    p.add_argument("--out", default="report", help="output folder (default: ./report)")
    p.add_argument(
        "--family",
        nargs="+",
        choices=FAMILIES,
        help="only these families' pages (default: all); the claims page is always included",
    )


def report(args: argparse.Namespace) -> int:
    """Write the report: a small static website (index.html, one page per family, charts).

    The landing page has one headline chart per family with a one-line takeaway computed
    from the stored fits; each family page has its contents, fit table and a section per
    series (chart with confidence and prediction bands, observations and their sources).
    Beside every chart under charts/: the SVG (shown on the page) and a CSV of the plotted
    points with their figure ids. It needs no network (no scripts, no web fonts) and reads
    the warehouse only; run `infernomics refresh` first. Progress (chart N of M) is shown
    on a terminal.

    example:
      infernomics report --out report/
      open report/index.html
      infernomics report --out /tmp/r --family demand
    """
    from pipeline.report import ReportError, publish_report

    out = Path(args.out)
    wh = warehouse_from(args)
    try:
        with wh.reader() as con:
            written = publish_report(
                con, out, args.family, source=str(wh.path), progress=lambda n: Progress(n, "report")
            )
    except ReportError as err:
        raise UserError(str(err)) from None
    print(
        f"wrote {out / 'index.html'}: {len(written.pages)} pages, {written.fits} fits of {written.series} series, "
        f"{written.claims} claim checks, {len(written.charts)} charts (SVG and CSV) in {out / 'charts'}; "
        f"landing page {written.bytes('index.html') / 1024:.0f} KiB, everything {written.bytes() / 2**20:.1f} MiB"
    )
    return 0
