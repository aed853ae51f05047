"""The local hardware probe: CPU measurements, a clean GPU skip, samples stored as figures."""

import importlib.util
import json

import duckdb
import numpy as np
import pytest

from analysis import probe


def test_cpu_matmul_counts_two_n_cubed_flops():
    result = probe.cpu_matmul(n=128, samples=3, dtype=np.float64)
    assert result.test == "matmul_fp64" and result.unit == "FLOP/s" and len(result.samples) == 3
    assert all(s > 1e6 for s in result.samples) and result.best >= result.median


def test_cpu_bandwidth_is_positive_bytes_per_second():
    result = probe.cpu_bandwidth(mbytes=8, samples=2)
    assert result.params["bytes"] == 8 * (1 << 20) and min(result.samples) > 1e8


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="torch present: the skip path does not apply")
def test_gpu_probes_skip_cleanly_without_torch():
    usable, reason = probe.torch_cuda_status()
    assert not usable and "torch is not installed" in reason
    env, results = probe.run_probe(quick=True)
    assert env.skipped == [reason] and {r.device for r in results} == {"cpu"}


def test_achieved_fraction_needs_a_spec():
    result = probe.ProbeResult("cuda:0", "X", "matmul_bf16", "FLOP/s", [400e12, 500e12])
    assert probe.achieved_fraction(result, 989.5, 1e12) == pytest.approx(500 / 989.5)
    assert probe.achieved_fraction(result, None, 1e12) is None


def test_probe_command_stores_samples_and_a_best_figure_with_lineage(tmp_path, cli):
    wh = tmp_path / "w.duckdb"
    code, out, _ = cli("probe", "--quick", "--warehouse", wh, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {r["test"] for r in rows} >= {"matmul_fp32", "matmul_fp64", "mem_copy"}
    cpu = [r for r in rows if r["device"] == "cpu"]
    assert {r["test"] for r in cpu} >= {"matmul_fp32", "matmul_fp64", "mem_copy"}  # the CPU always runs
    assert all(r["fraction_of_peak"] is None and r["note"] == "no spec-sheet peak for CPUs" for r in cpu)
    con = duckdb.connect(str(wh), read_only=True)
    samples = con.execute(
        "SELECT count(*) FROM figure WHERE kind = 'measured' AND figure_id LIKE 'probe-%'"
    ).fetchall()[0][0]
    best = con.execute(
        "SELECT figure_id, value, formula FROM figure WHERE figure_id LIKE 'probe-%/cpu/mem_copy/best'"
    ).fetchall()
    lineage = con.execute("SELECT count(*) FROM figure_input WHERE figure_id = ?", [best[0][0]]).fetchall()[0][0]
    versions = con.execute("SELECT citation_full FROM source WHERE kind = 'measurement'").fetchall()[0][0]
    con.close()
    assert samples == 9 and best[0][2] == "probe_best_sample@1" and lineage == 3
    assert "numpy" in versions


def test_gpu_results_are_compared_with_the_hardware_spec_figures(refreshed_warehouse, tmp_path):
    """The GPU path's storage with the real spec table: samples below are what
    analysis.probe.run_probe() measured on an H100 SXM (nvidia-h100-x1), typed in."""
    import datetime as dt
    import shutil

    from pipeline.steps.probe import device_sku, store_probe
    from warehouse import Warehouse

    wh = tmp_path / "w.duckdb"
    shutil.copy(refreshed_warehouse, wh)
    env = probe.ProbeEnvironment(dt.datetime(2026, 11, 25, 16, 40), "gpu-box", "cpu", 16, {"torch": "2.11.0+cu130"})
    results = [
        probe.ProbeResult("cuda:0", "NVIDIA H100 80GB HBM3", "matmul_bf16", "FLOP/s", [808.2e12, 805.9e12]),
        probe.ProbeResult("cuda:0", "NVIDIA H100 80GB HBM3", "mem_copy", "byte/s", [3.016e12, 3.015e12]),
        probe.ProbeResult("cuda:0", "NVIDIA H100 80GB HBM3", "matmul_fp32", "FLOP/s", [51.59e12]),
    ]
    assert device_sku("NVIDIA H100 80GB HBM3", "h100-sxm") == "h100-sxm"
    sid, specs, quarantined = store_probe(Warehouse(wh), env, results, "h100-sxm")
    assert quarantined == []
    con = duckdb.connect(str(wh), read_only=True)
    bf16_spec, bf16_fig = con.execute(
        "SELECT value, figure_id FROM gpu_spec_preferred WHERE sku = 'h100-sxm' AND attribute = 'bf16_dense_tflops'"
    ).fetchall()[0]
    fraction = con.execute(
        "SELECT value, formula FROM figure WHERE figure_id = ?", [f"{sid}/cuda:0/matmul_bf16/fraction-of-peak"]
    ).fetchall()[0]
    inputs = dict(
        con.execute(
            "SELECT role, input_figure_id FROM figure_input WHERE figure_id = ?",
            [f"{sid}/cuda:0/matmul_bf16/fraction-of-peak"],
        ).fetchall()
    )
    fp32 = con.execute(
        "SELECT count(*) FROM figure WHERE figure_id LIKE ?", [f"{sid}/cuda:0/matmul_fp32/fraction%"]
    ).fetchall()[0][0]
    con.close()
    assert fraction == (pytest.approx(808.2 / bf16_spec), "probe_fraction_of_peak@1")
    assert inputs == {"measured": f"{sid}/cuda:0/matmul_bf16/best", "spec_peak": bf16_fig}
    assert ("cuda:0", "mem_bandwidth_tbps") in specs and fp32 == 0  # no fp32 spec attribute: no fraction
