"""The benchmark assets, checks and drop-folder sensor, run through the real Definitions."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.definitions import defs
from pipeline.defs.benchmarks.checks import bundled_percentiles_agree_with_files
from pipeline.defs.benchmarks.sensors import benchmark_drop_folder
from pipeline.defs.resources import WarehouseResource

FIX = Path(__file__).parent / "fixtures" / "benchmarks"


def q(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_full_refresh_stores_the_bundled_benchmarks(refreshed_warehouse):
    stored = q(refreshed_warehouse, "SELECT count(*), count(DISTINCT source_id) FROM benchmark_run")[0]
    assert stored == (58, 14)
    # the registry asset and the importer agree on the source of every vendored file
    assert q(refreshed_warehouse, "SELECT count(*) FROM benchmark_run r ANTI JOIN source s USING (source_id)") == [(0,)]
    assert q(refreshed_warehouse, "SELECT count(*) FROM orphan_figure") == [(0,)]


def test_checks_pass_on_the_refreshed_warehouse(refreshed_warehouse):
    result = bundled_percentiles_agree_with_files(WarehouseResource(path=str(refreshed_warehouse)))
    assert result.passed and result.metadata["compared"].value > 0


def test_asset_keys_checks_and_sensor_are_registered():
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"clean/benchmarks/bundled", "clean/benchmarks/dropped"} <= keys
    checks = {c.to_user_string() for c in defs.resolve_asset_graph().asset_check_keys}
    assert {
        "clean/benchmarks/bundled:runs_meet_contract",
        "clean/benchmarks/bundled:no_placeholder_latencies",
        "clean/benchmarks/bundled:percentiles_agree_with_files",
        "clean/benchmarks/dropped:runs_meet_contract",
    } <= checks
    assert defs.resolve_sensor_def("benchmark_drop_folder").job_name == "import_dropped_benchmarks"


@pytest.fixture
def drop(tmp_path, monkeypatch):
    folder = tmp_path / "drop"
    folder.mkdir()
    monkeypatch.setenv("INFERNOMICS_BENCH_DROP", str(folder))
    monkeypatch.setenv("INFERNOMICS_WAREHOUSE", str(tmp_path / "w.duckdb"))
    return folder


def _evaluate(instance, cursor=None):
    return benchmark_drop_folder(dg.build_sensor_context(instance=instance, cursor=cursor))


def _run(instance, request, warehouse):
    job = defs.resolve_job_def("import_dropped_benchmarks")
    return job.execute_in_process(
        run_config=request.run_config,
        instance=instance,
        resources={"warehouse": WarehouseResource(path=str(warehouse))},
        tags={"dagster/run_key": request.run_key},
    )


def test_drop_folder_sensor_ingests_each_file_once_and_quarantines_bad_ones(drop, tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    shutil.copy(FIX / "sglang_mixed.jsonl", drop / "a.jsonl")
    shutil.copy(FIX / "vllm_all_failed.json", drop / "b.json")
    shutil.copy(FIX / "ctx_h100.yaml", drop / "ctx.yaml")  # context, not a result: no run
    first = _evaluate(instance)
    assert len(first.run_requests) == 2
    warehouse = tmp_path / "w.duckdb"
    for request in first.run_requests:
        assert _run(instance, request, warehouse).success  # a bad file never fails the run
    statuses = dict(q(warehouse, "SELECT file_name, status FROM benchmark_file"))
    assert statuses == {"a.jsonl": "stored", "b.json": "quarantined"}
    assert {r[0] for r in q(warehouse, "SELECT rule FROM quarantine")} >= {"all_requests_failed", "json_parse"}

    again = _evaluate(instance, first.cursor)
    assert again.run_requests == []  # nothing new
    shutil.copy(drop / "a.jsonl", drop / "a_copy.jsonl")  # same bytes under a new name
    copy = _evaluate(instance, again.cursor)
    assert [r.run_key for r in copy.run_requests] == [
        r.run_key
        for r in first.run_requests
        if r.run_config["ops"]["clean__benchmarks__dropped"]["config"]["paths"][0].endswith("a.jsonl")
    ]
    _run(instance, copy.run_requests[0], warehouse)
    assert q(warehouse, "SELECT count(*) FROM benchmark_file") == [(2,)]  # skipped: same sha256
    assert q(warehouse, "SELECT count(*) FROM benchmark_run") == [(2,)]


def test_sensor_skips_when_the_folder_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("INFERNOMICS_BENCH_DROP", str(tmp_path / "absent"))
    result = _evaluate(dg.DagsterInstance.ephemeral())
    assert not result.run_requests and "does not exist" in result.skip_reason.skip_message
