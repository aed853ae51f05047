"""The Dagster code location loads, and its assets follow the project's conventions."""

import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipeline.definitions import defs

STAGES = ("raw", "clean", "derived", "trend", "report")


def test_assets_are_stage_prefixed_and_described():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert key.path[0] in STAGES, f"{key.to_user_string()} does not start with a stage"
        assert graph.get(key).description, f"{key.to_user_string()} has no description"


def test_the_citation_assets_checks_and_schedule_exist():
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"clean/citations/source", "clean/citations/figure", "derived/claim_checks"} <= keys
    checks = {c.name for c in defs.resolve_asset_graph().asset_check_keys}
    assert {"every_figure_has_a_source", "stored_figures_meet_contract"} <= checks
    schedule = defs.resolve_schedule_def("daily_full_refresh")
    assert schedule.cron_schedule == "0 6 * * *"


def test_dg_check_defs_passes():
    beside_python = Path(sys.executable).parent / "dg"
    dg_cli = str(beside_python) if beside_python.exists() else shutil.which("dg")
    assert dg_cli, "dagster-dg-cli (the test extra) provides `dg`"
    root = Path(__file__).parent.parent
    result = subprocess.run([dg_cli, "check", "defs"], cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
