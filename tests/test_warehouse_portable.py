"""A warehouse folder works wherever it is moved or copied, and its per-request rows are a
Hive-partitioned Parquet dataset other engines read without infernomics."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse import open_current, parts_dir_for

DATA = Path(__file__).parent.parent / "sources" / "data" / "benchmarks"
COLUMNS = [
    "run_id",
    "request_index",
    "success",
    "error",
    "input_tokens",
    "output_tokens",
    "ttft_ms",
    "tpot_ms",
    "itl_mean_ms",
    "e2el_ms",
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    from pipeline.cli import main

    path = tmp_path_factory.mktemp("portable") / "original" / "w.duckdb"
    assert main(["import", str(DATA), "--warehouse", str(path)]) == 0
    return path


def _view(path: Path) -> list[tuple]:
    with open_current(path) as con:
        return con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM benchmark_request ORDER BY run_id, request_index"
        ).fetchall()


def test_a_moved_warehouse_folder_still_reads_its_parts(tmp_path, cli):
    original = tmp_path / "here" / "w.duckdb"
    code, _, err = cli("import", DATA / "vllm", "--warehouse", original)
    assert code == 0, err
    expected = _view(original)
    assert len(expected) > 0
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    shutil.move(original.parent, moved)  # nothing is left where it was
    assert not original.parent.exists()
    assert _view(moved / "w.duckdb") == expected


def test_a_copied_warehouse_reads_its_own_parts_not_the_originals(imported, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(imported.parent, copy)
    expected = _view(copy / "w.duckdb")
    # the copy's parts are the ones it reads: remove them and it says so, whatever the original holds
    shutil.rmtree(copy / "w_parts")
    with open_current(copy / "w.duckdb") as con, pytest.raises(duckdb.IOException, match="No files found"):
        con.execute("SELECT count(*) FROM benchmark_request").fetchall()
    assert _view(imported) == expected


def test_the_stored_view_names_no_absolute_path(imported):
    with open_current(imported) as con:
        sql = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'benchmark_request'").fetchone()[0]
    assert str(imported.parent) not in sql and "benchmark_request/format=" in sql


def test_the_parts_are_a_hive_dataset_polars_and_duckdb_read_as_the_view_does(imported):
    dataset = parts_dir_for(imported) / "benchmark_request"
    names = sorted(p.relative_to(dataset).as_posix() for p in dataset.rglob("*.parquet"))
    assert names and all(n.startswith("format=") and "/import_date=" in n for n in names)
    assert all(len(Path(n).name.split("-p")[0]) == 64 for n in names)  # sha256 in each part's name
    expected = _view(imported)
    by_polars = (
        pl.scan_parquet(dataset / "**" / "*.parquet", hive_partitioning=True)
        .filter(pl.col("_rule").is_null())
        .select(COLUMNS)
        .sort("run_id", "request_index")
        .collect()
    )
    assert by_polars.rows() == expected
    by_duckdb = (
        duckdb.connect()
        .execute(
            f"SELECT {', '.join(COLUMNS)}, format, import_date FROM read_parquet('{dataset}/**/*.parquet', hive_partitioning = true) "
            "WHERE _rule IS NULL ORDER BY run_id, request_index"
        )
        .fetchall()
    )
    assert [r[:-2] for r in by_duckdb] == expected
    with open_current(imported) as con:
        formats = dict(con.execute("SELECT run_id, format FROM benchmark_run").fetchall())
    assert all(formats[r[0]] == r[-2] for r in by_duckdb)  # partition = the run's format


def test_pyarrow_reads_the_dataset_with_its_hive_partitions_too(imported):
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    dataset = ds.dataset(parts_dir_for(imported) / "benchmark_request", format="parquet", partitioning="hive")
    assert {"format", "import_date"} <= set(dataset.schema.names)
    table = dataset.to_table(filter=pc.field("_rule").is_null(), columns=COLUMNS).sort_by(
        [("run_id", "ascending"), ("request_index", "ascending")]
    )
    assert [tuple(r.values()) for r in table.to_pylist()] == _view(imported)
