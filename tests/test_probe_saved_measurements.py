"""A probe measured on a GPU machine (saved as JSON) is stored here and compared with the spec sheet.

The fixture is a real run of `benchmarks/probe_to_json.py` on a lent NVIDIA H100 80GB HBM3
(torch 2.11.0+cu130, driver 580.159.04), 2026-11-25.
"""

import json
import shutil
from pathlib import Path

import pytest

from analysis.probe import from_json, to_json

H100_RUN = Path(__file__).parent / "fixtures" / "probe" / "h100_sxm_lent_gpu.json"


@pytest.fixture
def warehouse(refreshed_warehouse, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(refreshed_warehouse, copy)
    return copy


def test_a_saved_gpu_run_is_stored_with_its_fraction_of_the_datasheet_peak(warehouse, cli):
    code, out, err = cli("probe", "--from", H100_RUN, "--format", "json", "--warehouse", warehouse)
    assert code == 0, err
    rows = {(r["device"], r["test"]): r for r in json.loads(out)}
    bf16 = rows[("cuda:0", "matmul_bf16")]
    copy = rows[("cuda:0", "mem_copy")]
    assert bf16["best"] == pytest.approx(798.48, abs=0.01)  # TFLOP/s measured
    assert bf16["fraction_of_peak"] == pytest.approx(798.48 / 989.5, abs=1e-4)  # vs NVIDIA's dense BF16
    assert copy["fraction_of_peak"] == pytest.approx(3014.93 / 3350, abs=1e-4)  # vs 3.35 TB/s
    assert rows[("cpu", "matmul_fp32")]["fraction_of_peak"] is None


def test_audit_of_the_fraction_walks_to_the_samples_and_the_spec_figure(warehouse, cli):
    cli("probe", "--from", H100_RUN, "--warehouse", warehouse)
    code, out, _ = cli(
        "figures", "--search", "matmul_bf16/fraction-of-peak", "--format", "csv", "--warehouse", warehouse
    )
    figure_id = out.splitlines()[1].split(",")[0]
    code, out, _ = cli("audit", figure_id, "--warehouse", warehouse)
    assert code == 0
    assert "[spec_peak] nvidia-h100-page/h100-sxm/bf16_dense_tflops" in out
    assert out.count("[samples]") == 5 and "NVIDIA H100 80GB HBM3" in out


def test_the_json_round_trips_and_anything_else_is_refused(tmp_path, cli):
    env, results = from_json(json.loads(H100_RUN.read_text()))
    assert to_json(env, results) == json.loads(H100_RUN.read_text())
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"format": "something-else"}')
    code, _, err = cli("probe", "--from", bogus, "--no-store")
    assert code == 1 and "not an infernomics probe file" in err
