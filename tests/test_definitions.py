"""The Dagster code location loads, and its assets follow the project's conventions and
speak Dagster's language: standard metadata, owners, tags, code versions, freshness."""

import ast
import datetime as dt
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.definitions import defs
from pipeline.defs.metadata import DAILY_FEED, FAMILY_OWNERS
from pipeline.defs.resources import WarehouseResource
from pipeline.fingerprint import (
    PROJECT_PACKAGES,
    _closure,
    _import_nodes,
    _import_statements,
    _label,
    _scan_imports,
    code_version,
    package_dir,
)

STAGES = ("raw", "clean", "derived", "trend", "report")


def test_assets_are_stage_prefixed_and_described():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert key.path[0] in STAGES, f"{key.to_user_string()} does not start with a stage"
        assert graph.get(key).description, f"{key.to_user_string()} has no description"


def test_the_citation_assets_checks_and_schedule_exist():
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"clean/citations/source", "clean/citations/figure", "derived/recomputed_claims"} <= keys
    checks = {c.to_user_string() for c in defs.resolve_asset_graph().asset_check_keys}
    assert {
        "clean/citations/figure:every_figure_has_a_source",
        "clean/citations/figure:rows_meet_contract",
        "derived/recomputed_claims:agree_with_stated_figures",
    } <= checks
    schedule = defs.resolve_schedule_def("daily_full_refresh")
    assert schedule.cron_schedule == "0 6 * * *"


def test_dg_check_defs_passes():
    beside_python = Path(sys.executable).parent / "dg"
    dg_cli = str(beside_python) if beside_python.exists() else shutil.which("dg")
    assert dg_cli, "dagster-dg-cli (the test extra) provides `dg`"
    root = Path(__file__).parent.parent
    result = subprocess.run([dg_cli, "check", "defs"], cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_node_in_the_graph_has_its_own_label():
    """The UI labels a node by the last part of its key: two nodes must never read the same."""
    labels = Counter(k.path[-1] for k in defs.resolve_asset_graph().get_all_asset_keys())
    assert [label for label, n in labels.items() if n > 1] == []


def test_check_names_do_not_repeat_their_asset():
    for check in defs.resolve_asset_graph().asset_check_keys:
        assert not check.name.startswith(check.asset_key.path[-1] + "_"), check.to_user_string()


def test_every_asset_has_owners_tags_and_a_code_version_by_family():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.owners == [FAMILY_OWNERS[node.group_name]], key.to_user_string()
        assert {"family": node.group_name, "stage": key.path[0]}.items() <= node.tags.items()
        assert node.code_version and node.code_version.count("+") == 1, key.to_user_string()  # version+source hash
    # the version hashes the code each asset runs (its module and what that imports), so the
    # families, whose modules differ, differ; a helper of one family changes only its own
    versions = {graph.get(k).group_name: graph.get(k).code_version for k in graph.get_all_asset_keys()}
    assert len(set(versions.values())) == len(versions), versions
    hardware = graph.get(dg.AssetKey(["clean", "hardware", "gpu_spec"])).code_version
    assert hardware == code_version("pipeline.defs.hardware.assets")
    assert "sources/hardware/load.py" in {_label(p) for p in _closure("pipeline.defs.hardware.assets")}
    assert "sources/hardware/load.py" not in {_label(p) for p in _closure("pipeline.defs.trends.assets")}


def test_live_feed_assets_and_what_folds_them_in_carry_a_freshness_policy():
    graph = defs.resolve_asset_graph()
    fed = {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).freshness_policy == DAILY_FEED}
    assert {
        "raw/token_prices/openrouter_feed",
        "clean/token_prices/openrouter",
        "raw/token_prices/litellm_feed",
        "clean/token_prices/litellm",
        "trend/token_price",
    } <= fed
    assert DAILY_FEED.fail_window.to_timedelta() == dt.timedelta(hours=30)


def test_schedules_start_stopped_the_sensor_running_and_all_say_what_they_do():
    for name in ("daily_full_refresh", "token_prices_daily_live_feeds"):
        schedule = defs.resolve_schedule_def(name)
        assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
        assert "UTC" in schedule.description and "schedule start" in schedule.description
    sensor = defs.resolve_sensor_def("benchmark_drop_folder")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING and "drop folder" in sensor.description


# The source registry asset writes `source` first; the demand asset then registers the pages it cites.
GROWS_LATER = {"clean/citations/source"}


@pytest.fixture(scope="module")
def full_refresh_in_process(tmp_path_factory):
    """One real full_refresh of the code location into a fresh warehouse, events kept."""
    path = tmp_path_factory.mktemp("defs") / "warehouse.duckdb"
    result = defs.resolve_job_def("full_refresh").execute_in_process(
        resources={"warehouse": WarehouseResource(path=str(path))}, instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    return path, result


def test_every_table_asset_reports_its_table_row_count_and_column_schema(full_refresh_in_process):
    """A table asset (kind `duckdb`) ends its write with `... | table_metadata(con, table)`."""
    path, result = full_refresh_in_process
    materialized = {
        e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()
    }
    graph = defs.resolve_asset_graph()
    tables = {k.to_user_string() for k in graph.get_all_asset_keys() if "duckdb" in graph.get(k).kinds}
    assert tables <= set(materialized) and len(tables) >= 24
    materialized = {asset: metadata for asset, metadata in materialized.items() if asset in tables}
    con = duckdb.connect(str(path), read_only=True)
    try:
        for asset, metadata in materialized.items():
            table = metadata["dagster/table_name"].value
            assert table.startswith("warehouse.main."), (asset, table)
            where = metadata["row_filter"].value if "row_filter" in metadata else "true"
            count = con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
            if asset in GROWS_LATER:  # another asset adds rows later in the same run
                assert 0 < metadata["dagster/row_count"].value <= count, asset
            else:
                assert metadata["dagster/row_count"].value == count, asset
            columns = [c.name for c in metadata["dagster/column_schema"].value.columns]
            described = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    [table.split(".")[-1]],
                ).fetchall()
            ]
            assert columns == described, asset
            for key, value in metadata.items():
                assert not (isinstance(value, dg.TextMetadataValue) and value.value.startswith(("{'", "[(", "['"))), (
                    f"{asset}: {key} is str() of a Python object"
                )
    finally:
        con.close()
    assert materialized["clean/hardware/gpu_spec"]["dagster/row_count"].value > 100
    assert materialized["trend/capability_price"]["row_filter"].value == "family = 'capability_price'"


def _ast_imports(text: str) -> list[str]:
    return sorted(ast.dump(n) for n in _import_statements(ast.parse(text)))


def test_the_import_scan_finds_exactly_the_imports_ast_finds_in_every_project_module():
    """Code versions hash import closures read by `_scan_imports`; it must agree with `ast`
    (the reading it replaced) on every module, without falling back to it."""
    for top in PROJECT_PACKAGES:
        for path in sorted(package_dir(top).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            scanned = _scan_imports(text)
            assert scanned is not None, f"{path}: the scan fell back to ast.parse"
            assert sorted(ast.dump(n) for n in scanned) == _ast_imports(text), path


@pytest.mark.parametrize(
    ("source", "scanned"),
    [
        ('"""Usage:\n\nfrom pipeline.defs import skip\nimport sources\n"""\nimport json\n', True),
        ("x = 'import os'  # import sys\nfrom . import (\n    a,  # (b\n    c,\n)\n", True),
        ("def f():\n    from ..steps import scores as s\n    return s\n", True),
        ("r'''\\'''' \nimport warehouse.store\n", True),
        ("if TYPE_CHECKING: import duckdb\n", False),  # not at its line's start: ast decides
        ("import json; import re\n", False),
        ("from pipeline.defs \\\n    import skip\n", False),  # continued from the line above
    ],
)
def test_the_import_scan_reads_strings_comments_and_continuations_or_leaves_them_to_ast(source, scanned):
    result = _scan_imports(source)
    assert (result is not None) is scanned
    assert sorted(ast.dump(n) for n in _import_nodes(source.encode(), "<test>")) == _ast_imports(source)


def test_the_refresh_builds_the_same_definitions_without_the_component_catalog():
    """`infernomics refresh` (no `pipeline.definitions` in its process) builds with
    `catalog=False`: every asset, check, job, schedule, sensor and resource of the code
    location, with the same code versions and metadata; only the component catalog a UI
    browses is left out."""
    from pipeline.code_location import build

    lean = build(catalog=False)
    graph, lean_graph = defs.resolve_asset_graph(), lean.resolve_asset_graph()

    def described(g):
        return {
            k.to_user_string(): (g.get(k).code_version, g.get(k).owners, g.get(k).tags, sorted(g.get(k).metadata))
            for k in g.get_all_asset_keys()
        }

    assert described(lean_graph) == described(graph)
    assert lean_graph.asset_check_keys == graph.asset_check_keys
    assert {j.name for j in lean.jobs or []} == {j.name for j in defs.jobs or []}
    assert {s.name for s in lean.schedules or []} == {s.name for s in defs.schedules or []}
    assert {s.name for s in lean.sensors or []} == {s.name for s in defs.sensors or []}
    assert set(lean.resources or {}) == set(defs.resources or {})
    assert "plugin_component_types_json" in (defs.metadata or {})
    assert "plugin_component_types_json" not in (lean.metadata or {})
