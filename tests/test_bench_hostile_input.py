"""Hostile benchmark input: a bad file is refused whole with its rule (file, row, rule),
the good files of the same `import` call are stored, nothing is left behind, and only
regular files of a bounded size are read."""

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from sources.benchmarks import ParseError, parse_bytes
from sources.benchmarks.bundled import data_root
from warehouse import open_current

DATA = data_root()
MALFORMED = Path(__file__).parent / "fixtures" / "benchmarks" / "malformed"
EXPECTED = yaml.safe_load((MALFORMED / "expected.yaml").read_text())
PARTLY_GOOD = {"sglang_deep_line.jsonl": 2, "sglang_minus_infinity.jsonl": 1}  # runs stored


def q(path, sql, params=None):
    con = open_current(path)  # sets file_search_path: the view names parts relative to their folder
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def mixed_import(tmp_path_factory):
    """One `import` of the real vendored files plus every malformed file, in one folder."""
    from pipeline.cli import main

    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(DATA, root / "in" / "real")
    shutil.copytree(MALFORMED, root / "in" / "malformed")
    path = root / "w.duckdb"
    code = main(["import", str(root / "in"), "--warehouse", str(path), "--output", "json"])
    return path, code


def test_the_good_files_of_a_batch_are_stored_next_to_the_bad_ones(mixed_import):
    path, code = mixed_import
    assert code == 1  # some files were quarantined
    real = dict(q(path, "SELECT file_name, status FROM benchmark_file WHERE path LIKE '%/real/%'"))
    assert len(real) == 14 and set(real.values()) == {"stored"}
    assert q(path, "SELECT count(*) FROM benchmark_request")[0][0] > 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_malformed_file_is_refused_with_its_rule(mixed_import, name):
    path, _ = mixed_import
    status, reason = q(path, "SELECT status, reason FROM benchmark_file WHERE file_name = ?", [name])[0]
    rules = EXPECTED[name].split("|")
    assert any(rule in reason for rule in rules), reason
    assert name in reason  # the reason names the file (and the row: ':run', ':row2', ', file:' ...)
    if name in PARTLY_GOOD:  # SGLang lines are independent: the real lines beside the bad one load
        assert status == "stored"
        assert q(path, "SELECT count(*) FROM benchmark_run WHERE file_name = ?", [name])[0][0] == PARTLY_GOOD[name]
    else:
        assert status == "quarantined"
        assert q(path, "SELECT count(*) FROM benchmark_run WHERE file_name = ?", [name])[0][0] == 0


def test_counts_balance_and_no_part_is_orphaned(mixed_import):
    path, _ = mixed_import
    rows_in, accepted, quarantined = q(
        path, "SELECT rows_in, rows_accepted, rows_quarantined FROM ingest_run WHERE step = 'cli/import'"
    )[0]
    assert rows_in == accepted + quarantined and quarantined > 0
    from warehouse.connection import Warehouse, part_path

    folder = Warehouse(path).parts_dir
    on_disk = {p.relative_to(folder).as_posix() for p in (folder / "benchmark_request").rglob("*") if p.is_file()}
    registered = {part_path(r[0]) for r in q(path, "SELECT part_file FROM benchmark_request_part")}
    assert on_disk == registered and registered


def test_a_corrupt_parquet_part_does_not_sink_the_batch(tmp_path, cli):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(MALFORMED / "corrupt_requests.parquet", folder)
    shutil.copy(DATA / "llmperf" / "summary__groq_70b.json", folder)
    code, out, _ = cli("import", folder, "--warehouse", tmp_path / "w.duckdb", "--output", "json")
    statuses = {Path(r["file"]).name: r["status"] for r in json.loads(out)}
    assert code == 1 and statuses == {"corrupt_requests.parquet": "quarantined", "summary__groq_70b.json": "stored"}


def test_a_fifo_is_refused_without_blocking(tmp_path, cli):
    fifo = tmp_path / "results.json"
    os.mkfifo(fifo)
    code, out, _ = cli("import", fifo, "--warehouse", tmp_path / "w.duckdb", "--output", "json")
    row = json.loads(out)[0]
    assert code == 1 and row["status"] == "quarantined" and "FIFO" in row["reason"]


def test_dev_zero_through_a_symlink_is_refused(tmp_path, cli):
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    code, out, _ = cli("import", link, "--warehouse", tmp_path / "w.duckdb", "--output", "json")
    row = json.loads(out)[0]
    assert code == 1 and "not a regular file (device, via symlink)" in row["reason"]


def test_files_over_the_size_cap_are_refused_with_the_cap(tmp_path, cli, monkeypatch):
    real = DATA / "llmperf" / "summary__groq_70b.json"
    code, out, _ = cli("import", real, "--warehouse", tmp_path / "w.duckdb", "--output", "json", "--max-bytes", "1000")
    row = json.loads(out)[0]
    assert code == 1 and "over the import cap of 1000 bytes" in row["reason"]
    monkeypatch.setenv("INFERNOMICS_IMPORT_MAX_BYTES", "2000")
    code, out, _ = cli("import", real, "--warehouse", tmp_path / "w2.duckdb", "--output", "json")
    assert code == 1 and "cap of 2000 bytes" in json.loads(out)[0]["reason"]
    monkeypatch.setenv("INFERNOMICS_IMPORT_MAX_BYTES", "lots")
    code, _, err = cli("import", real, "--warehouse", tmp_path / "w3.duckdb")
    assert code != 0 and "INFERNOMICS_IMPORT_MAX_BYTES='lots' is not a whole number" in err


def test_parse_errors_name_file_row_and_rule():
    with pytest.raises(ParseError) as caught:
        parse_bytes((MALFORMED / "vllm_list_for_rate.json").read_bytes(), "vllm_list_for_rate.json")
    assert caught.value.rule == "malformed_value" and caught.value.row == "file"
    assert caught.value.describe("vllm_list_for_rate.json").startswith(
        "vllm_list_for_rate.json, file: malformed_value:"
    )


def test_infinity_is_refused_not_stored_as_null():
    runs = parse_bytes((MALFORMED / "vllm_infinity_mean_ttft.json").read_bytes(), "x.json").runs
    assert runs["_errors"][0].to_list() == ["number_finite: mean_ttft_ms = inf is not a finite number"]
    # while an unbounded request rate stays what it means: burst, no target rate
    burst = parse_bytes(
        (
            DATA / "vllm" / "llmk8s__serving_meta-llama-Llama-3.3-70B-Instruct_tp8_pp1_sharegpt_qps_inf.json"
        ).read_bytes(),
        "inf.json",
    ).runs.to_dicts()[0]
    assert burst["load_mode"] == "burst" and burst["_errors"] == []
