"""Asset checks run inside their asset's own step (pipeline/defs/step_checks.py), on the real
Definitions: the same check keys and `blocking`, one step per asset, a failing blocking check
still stops what is downstream, a warning still only warns, and an asset whose body skipped
(inputs unchanged) still reports its checks."""

import io
import re
import shutil

import dagster as dg
import duckdb
import pytest

from pipeline.definitions import defs
from pipeline.defs import keys
from pipeline.defs.skip import SKIPPED
from pipeline.defs.step_checks import declared_checks
from warehouse.connection import Warehouse

FRESHNESS = dg.AssetCheckKey(keys.TOKEN_PRICE_TABLES["openrouter"], "feed_is_fresh")
HAS_A_SOURCE = dg.AssetCheckKey(keys.CITED_FIGURE, "every_figure_has_a_source")


@pytest.fixture
def warehouse(refreshed_warehouse, tmp_path):
    """A copy of the refreshed warehouse (file and parts) that a test may tamper with."""
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(refreshed_warehouse, copy)
    shutil.copytree(Warehouse(refreshed_warehouse).parts_dir, Warehouse(copy).parts_dir)
    return copy


def _run(warehouse, *selection: dg.AssetKey) -> dg.ExecuteInProcessResult:
    """The `full_refresh` job on `selection`, as the UI or `dagster asset materialize` runs it."""
    return defs.resolve_job_def("full_refresh").execute_in_process(
        asset_selection=list(selection),
        run_config={"resources": {"warehouse": {"config": {"path": str(warehouse)}}}},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def _evaluations(result) -> dict[dg.AssetCheckKey, dg.AssetCheckEvaluation]:
    return {dg.AssetCheckKey(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()}


def test_every_declared_check_is_on_its_asset_and_no_step_is_a_check():
    graph = defs.resolve_asset_graph()
    declared = declared_checks()
    assert len(declared) >= 40 and set(declared) == set(graph.asset_check_keys)
    job = defs.resolve_job_def("full_refresh")
    asset_ops = {graph.assets_def_for_key(k).node_def.name for k in graph.get_all_asset_keys()}
    assert set(job.graph.node_dict) == asset_ops  # one step per asset or multi-asset, none per check
    assert graph.get(HAS_A_SOURCE).blocking and not graph.get(FRESHNESS).blocking
    assert graph.assets_def_for_key(keys.CITED_FIGURE).check_keys >= {HAS_A_SOURCE}


def test_a_failing_blocking_check_fails_its_asset_and_nothing_downstream_runs(warehouse):
    with duckdb.connect(str(warehouse)) as con:  # a figure whose source is not in the registry
        con.execute(
            "UPDATE figure SET source_id = 'no-such-source' WHERE figure_id = (SELECT min(figure_id) FROM figure)"
        )
    result = _run(warehouse, keys.CITED_FIGURE, keys.FIGURE_LINK)
    assert not result.success
    figure_step, link_step = keys.CITED_FIGURE.to_python_identifier(), keys.FIGURE_LINK.to_python_identifier()
    # its inputs are unchanged, so the body skipped; its checks ran on the stored rows anyway
    (materialization,) = result.asset_materializations_for_node(figure_step)
    assert SKIPPED in materialization.metadata
    evaluation = _evaluations(result)[HAS_A_SOURCE]
    assert not evaluation.passed and evaluation.blocking and evaluation.metadata["orphans"].value == 1
    assert _evaluations(result)[dg.AssetCheckKey(keys.CITED_FIGURE, "rows_meet_contract")].passed
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert failure.step_key == figure_step
    assert "clean/citations/figure: every_figure_has_a_source" in failure.event_specific_data.error.message
    assert link_step not in {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}


def test_a_check_runs_alone_on_what_is_stored_without_its_assets_body(warehouse):
    """ "Execute" on a check in the UI: a job selecting only the check runs its asset's step
    without the body (nothing materialized) and reports the check on the stored rows."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "UPDATE figure SET source_id = 'no-such-source' WHERE figure_id = (SELECT max(figure_id) FROM figure)"
        )
    only_check = dg.define_asset_job("only_check", selection=dg.AssetSelection.checks(HAS_A_SOURCE))
    job = dg.Definitions.merge(defs, dg.Definitions(jobs=[only_check])).resolve_job_def("only_check")
    result = job.execute_in_process(
        run_config={"resources": {"warehouse": {"config": {"path": str(warehouse)}}}},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success and result.get_asset_materialization_events() == []
    assert list(_evaluations(result)) == [HAS_A_SOURCE] and not _evaluations(result)[HAS_A_SOURCE].passed


def test_a_warning_check_reports_and_blocks_nothing(warehouse):
    result = _run(warehouse, keys.TOKEN_PRICE_TABLES["openrouter"], keys.TREND_TOKEN_PRICE)
    assert result.success
    evaluation = _evaluations(result)[FRESHNESS]  # offline: the feed was never fetched
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN and not evaluation.blocking
    assert result.is_node_success(keys.TREND_TOKEN_PRICE.to_python_identifier())  # downstream still ran


def test_a_refresh_names_the_check_that_warned_and_counts_asset_steps(warehouse):
    from pipeline.refresh import run_refresh

    log = io.StringIO()
    outcome = run_refresh(warehouse, select=["clean/token_prices/openrouter"], stream=log, force=True)
    assert outcome.success, outcome.failures
    (line,) = [ln for ln in log.getvalue().splitlines() if re.match(r"\s+\w+\s+\[", ln)]
    assert line.split()[:3] == ["warn", "[1/1]", "clean/token_prices/openrouter"]  # its 3 checks ran inside
    assert "check feed_is_fresh did not pass: freshness: never refreshed" in line
    assert [w.split(": check")[0] for w in outcome.warnings] == ["clean/token_prices/openrouter_feed_is_fresh"]
