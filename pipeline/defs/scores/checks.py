"""Checks on what the scores asset stored: the contract, and every figure id resolves."""

import dagster as dg

from pipeline.defs import keys
from pipeline.defs.contract_checks import frame_meets_contract
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.step_checks import step_check
from warehouse import query_frame
from warehouse.contracts_scores import ModelScore

SCORES = keys.MODEL_SCORE


@step_check(
    asset=SCORES,
    name="rows_meet_contract",
    blocking=True,
    description="Every stored score passes the ModelScore contract and names only stored figures.",
)
def model_score_rows_meet_contract(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.reader() as con:
        rows = query_frame(con, "SELECT * FROM model_score")
        missing = con.execute(
            "SELECT count(*) FROM (SELECT unnest(figure_ids) AS f FROM model_score) t ANTI JOIN figure ON figure.figure_id = t.f"
        ).fetchall()[0][0]
    return frame_meets_contract(rows, ModelScore, passed=missing == 0, rows=rows.height, unresolved_figure_ids=missing)
