"""Many files stored together (`import_paths`: the bundled and drop-folder assets) give
the same rows, outcomes and quarantine as the same files imported one by one
(`import_path`: `infernomics import`), including when a write of the batch fails."""

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.definitions import defs
from pipeline.defs.resources import WarehouseResource
from pipeline.steps.benchmarks import ingest
from sources.benchmarks.bundled import data_root
from warehouse import Warehouse

MALFORMED = Path(__file__).parent / "fixtures" / "benchmarks" / "malformed"

FILE_ROWS = (
    "SELECT sha256, source_id, file_name, path, bytes, format, status, reason, runs_stored, runs_quarantined, "
    "request_rows, requests_part, context_path FROM benchmark_file ORDER BY path"
)
QUARANTINE = "SELECT target_table, source_id, row_locator, rule, reason, raw FROM quarantine ORDER BY ALL"
STORED = {
    "runs": "SELECT * EXCLUDE (ingest_run_id) FROM benchmark_run ORDER BY run_id",
    "stats": "SELECT * FROM benchmark_run_stat ORDER BY run_id, metric, stat",
    "figures": "SELECT * EXCLUDE (ingest_run_id) FROM figure ORDER BY figure_id",
    "lineage": "SELECT figure_id, role, input_figure_id FROM figure_input ORDER BY ALL",
    "checks": "SELECT * FROM benchmark_check ORDER BY run_id, metric, stat",
    "parts": "SELECT part_file, file_sha256, layout, run_id, rows_in, rows_quarantined FROM benchmark_request_part ORDER BY 1",
    "sources": "SELECT * FROM source WHERE source_id LIKE 'bench%' ORDER BY source_id",
}


def q(path: Path, sql: str) -> list:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def file_rows(path: Path) -> list[tuple]:
    """`benchmark_file` rows, with each reason's parts sorted: `store` lists a file's
    reasons in an arbitrary order (two one-by-one imports of the same file can differ)."""
    return [
        (*row[:7], "; ".join(sorted(row[7].split("; "))) if row[7] else None, *row[8:]) for row in q(path, FILE_ROWS)
    ]


def quarantined(path: Path) -> list[tuple]:
    """Quarantine rows; the row as read (`raw`) without the id of the run that read it."""
    rows = []
    for *where, raw in q(path, QUARANTINE):
        try:
            value = json.loads(raw)
        except (TypeError, ValueError):
            value = raw
        if isinstance(value, dict):
            value.pop("ingest_run_id", None)
        rows.append((*where, value))
    return rows


def counts(path: Path, step: str) -> tuple:
    return q(path, f"SELECT rows_in, rows_accepted, rows_quarantined FROM ingest_run WHERE step = '{step}'")[0]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The real vendored files and every malformed one, as a user would drop them."""
    root = tmp_path_factory.mktemp("batch") / "drop"
    shutil.copytree(data_root(), root / "real")
    shutil.copytree(MALFORMED, root / "malformed")
    return root


@pytest.fixture(scope="module")
def one_by_one(folder, tmp_path_factory) -> Path:
    """`infernomics import FOLDER`: each file imported on its own."""
    from pipeline.cli import main

    path = tmp_path_factory.mktemp("one") / "w.duckdb"
    assert main(["import", str(folder), "--warehouse", str(path), "--output", "json"]) == 1  # some quarantined
    return path


@pytest.fixture(scope="module")
def together(folder, tmp_path_factory) -> Path:
    """The drop-folder asset over the same folder, run by the real Definitions."""
    path = tmp_path_factory.mktemp("together") / "w.duckdb"
    monkey = pytest.MonkeyPatch()
    monkey.setenv("INFERNOMICS_BENCH_DROP", str(folder))
    try:
        result = defs.resolve_job_def("import_dropped_benchmarks").execute_in_process(
            resources={"warehouse": WarehouseResource(path=str(path))}
        )
    finally:
        monkey.undo()
    assert result.success
    return path


def test_the_drop_folder_asset_stores_what_one_by_one_imports_store(one_by_one, together):
    files = file_rows(together)
    assert files == file_rows(one_by_one)
    statuses = {row[6] for row in files}
    assert statuses == {"stored", "quarantined"} and sum(row[6] == "stored" for row in files) >= 14
    for name, sql in STORED.items():
        assert q(together, sql) == q(one_by_one, sql), name
    message = q(together, "SELECT message FROM ingest_run WHERE step = 'clean/benchmarks/dropped'")[0][0]
    assert ingest.BATCH_FAILED not in message  # stored together, not by the fallback


def test_quarantine_and_counts_are_those_of_one_by_one_imports(one_by_one, together):
    rows = quarantined(together)
    assert rows == quarantined(one_by_one) and rows
    rows_in, accepted, rejected = counts(together, "clean/benchmarks/dropped")
    assert rows_in == accepted + rejected and rejected > 0
    assert (rows_in, accepted, rejected) == counts(one_by_one, "cli/import")


def test_a_failed_write_of_the_batch_falls_back_to_one_file_at_a_time(folder, one_by_one, tmp_path, monkeypatch):
    """The disk fills up (a database error) after the batch has written: the batch is rolled
    back, the run's counts restored, and each file imported alone: the same rows result."""
    real = ingest._store_parsed
    failures = []

    def fails_when_batched(con, parts_dir, run, batch):
        real(con, parts_dir, run, batch)
        if len(batch) > 1:
            failures.append(len(batch))
            con.execute("SELECT error('injected: no space left on device')")

    monkeypatch.setattr(ingest, "_store_parsed", fails_when_batched)
    path = tmp_path / "w.duckdb"
    wh = Warehouse(path)
    with wh.ingest("cli/import") as (con, run):
        items = [ingest.ImportItem(p) for p in ingest.expand_paths([folder])]
        outcomes = ingest.import_paths(con, wh.parts_dir, run, items)
    assert failures and len(outcomes) == len(items)
    message = q(path, "SELECT message FROM ingest_run WHERE step = 'cli/import'")[0][0]
    assert f"{ingest.BATCH_FAILED}: InvalidInputException: Invalid Input Error: injected: no space left" in message
    assert file_rows(path) == file_rows(one_by_one)
    assert quarantined(path) == quarantined(one_by_one)
    assert counts(path, "cli/import") == counts(one_by_one, "cli/import")
    on_disk = {p.relative_to(wh.parts_dir).as_posix() for p in (wh.parts_dir / "benchmark_request").rglob("*.parquet")}
    assert on_disk == {r[0] for r in q(path, "SELECT part_file FROM benchmark_request_part")}
