"""Where the `report/site` asset writes the report."""

import os
from pathlib import Path

import dagster as dg

from pipeline.defs.resources import env_setting

REPORT_DIR_ENV = "INFERNOMICS_REPORT_DIR"


class ReportSite(dg.ConfigurableResource):
    """`folder` empty: $INFERNOMICS_REPORT_DIR, else `report/` beside the warehouse file (so a
    refresh into a scratch warehouse never overwrites the real one's report)."""

    folder: str = ""

    def out_dir(self, warehouse_path: Path) -> Path:
        return Path(self.folder or os.environ.get(REPORT_DIR_ENV) or warehouse_path.parent / "report")


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"report_site": ReportSite(folder=env_setting(REPORT_DIR_ENV, ""))})
