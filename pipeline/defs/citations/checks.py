"""Checks on what the citation assets stored: contracts hold, nothing is orphaned."""

import dagster as dg

from analysis.corroboration import check_agreement
from pipeline.defs import keys
from pipeline.defs.contract_checks import stored_rows_meet_contract
from pipeline.defs.metadata import json_value
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.step_checks import step_check
from warehouse import query_frame
from warehouse.contracts import Figure


@step_check(asset=keys.CITED_FIGURE, blocking=True)
def every_figure_has_a_source(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """No stored figure names a source missing from the registry."""
    with warehouse.reader() as con:
        orphans = [r[0] for r in con.execute("SELECT figure_id FROM orphan_figure").fetchall()]
    return dg.AssetCheckResult(
        passed=not orphans, metadata={"orphans": len(orphans), "examples": json_value(orphans[:5])}
    )


@step_check(asset=keys.CITED_FIGURE, name="rows_meet_contract", blocking=True)
def stored_figures_meet_contract(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    """Every figure this run's `clean/citations/figure` stored passes the figure contract as
    stored (pandera, collected frame). Every figure of every family was validated by
    `store` on the way in; re-validating the whole table made each refresh grow with the
    warehouse (issue 12: +18 s at 1 GB), so this checks what the run wrote."""
    return stored_rows_meet_contract(
        warehouse,
        "SELECT * FROM figure WHERE ingest_run_id IN "
        "(SELECT run_id FROM ingest_run WHERE step = 'clean/citations/figure' AND dagster_run_id = ?)",
        Figure,
        params=[context.run.run_id],
        count_key="figures",
    )


@step_check(asset=keys.RECOMPUTED_CLAIMS, name="agree_with_stated_figures", blocking=False)
def recomputed_claims_agree(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Recomputed changes agree with the stated ones within rounding (a mismatch is a finding, shown as a warning)."""
    with warehouse.reader() as con:
        rows = con.execute(
            "SELECT figure_id, notes FROM figure WHERE kind = 'derived' AND verification = 'value_mismatch'"
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not rows, severity=dg.AssetCheckSeverity.WARN, metadata={"mismatches": json_value(rows)}
    )


@step_check(asset=keys.FIGURE_LINK, blocking=True)
def link_agreement_matches_stored_figures(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """Each stored link's agreement result is what the check finds on the figures as stored now
    (a figure re-typed after its links were checked would fail this until links re-run)."""
    with warehouse.reader() as con:
        links = query_frame(con, "SELECT * FROM figure_link").to_dicts()
        figures = {
            r["figure_id"]: r
            for r in query_frame(
                con,
                "SELECT * FROM figure WHERE figure_id IN "
                "(SELECT figure_id FROM figure_link UNION SELECT other_figure_id FROM figure_link)",
            ).to_dicts()
        }
    stale = [
        f"{lk['figure_id']} vs {lk['other_figure_id']}: stored {lk['check_detail']!r}, now {now!r}"
        for lk in links
        if (now := check_agreement(figures[lk["figure_id"]], figures[lk["other_figure_id"]]).summary())
        != lk["check_detail"]
    ]
    return dg.AssetCheckResult(passed=not stale, metadata={"links": len(links), "stale": json_value(stale[:5])})
