"""`infernomics import` end to end: real files stored with provenance, traps quarantined,
re-import a no-op, per-request rows in Parquet parts, derived percentiles with lineage."""

import json
import shutil
from pathlib import Path

import pytest

from sources.benchmarks.bundled import data_root
from warehouse import open_current

DATA = data_root()
FIX = Path(__file__).parent / "fixtures" / "benchmarks"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A warehouse after `infernomics import` of the whole vendored folder."""
    from pipeline.cli import main

    path = tmp_path_factory.mktemp("bench") / "w.duckdb"
    assert main(["import", str(DATA), "--warehouse", str(path), "--output", "json"]) == 0
    return path


def q(path, sql, params=None):
    con = open_current(path)  # sets file_search_path: the view names parts relative to their folder
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_every_vendored_result_file_is_stored(imported):
    rows = dict(q(imported, "SELECT file_name, status FROM benchmark_file"))
    assert len(rows) == 14 and set(rows.values()) == {"stored"}
    assert q(imported, "SELECT count(*) FROM benchmark_run")[0][0] == 4 + 1 + 1 + 7 + 7 + 1 + 3 + 1 + 1 + 1 + 26 + 5


def test_runs_carry_provenance_and_context_sources(imported):
    run = q(
        imported,
        'SELECT source_id, file_sha256, repo, "commit", gpu_sku, gpus_per_node, context_sources '
        "FROM benchmark_run WHERE run_id = '4c9ece53c18d9fb0/run'",
    )[0]
    assert run[0] == "bench-vllm-llmk8s-llama-3-3-70b-tp8-qps-04"
    assert run[1] == "4c9ece53c18d9fb0db0f37c5fbe5e23e301d802a568fb1ccaed5e9134b9ad19e"
    assert run[2:6] == ("surajssd/llm-k8s", "58b61c59450e06073120a8ad166c1e9c333851a7", "a100-sxm-40gb", 8)
    origins = json.loads(run[6])
    assert origins["model"] == "file:model_id" and "Standard_ND96asr_v4" in origins["gpu_sku"]


def test_reimport_is_a_no_op(imported, cli):
    before = q(
        imported,
        "SELECT (SELECT count(*) FROM benchmark_run), (SELECT count(*) FROM figure), "
        "(SELECT count(*) FROM benchmark_request)",
    )
    code, out, _ = cli("import", DATA, "--warehouse", imported, "--output", "json")
    assert code == 0
    statuses = {r["status"] for r in json.loads(out) if r["status"] != "context"}
    assert statuses == {"skipped"}
    assert (
        q(
            imported,
            "SELECT (SELECT count(*) FROM benchmark_run), (SELECT count(*) FROM figure), "
            "(SELECT count(*) FROM benchmark_request)",
        )
        == before
    )


def test_request_rows_live_in_parquet_parts_read_by_a_view(imported):
    parts = imported.parent / "w_parts" / "benchmark_request"
    files = sorted(p.name for p in parts.rglob("*.parquet"))
    assert len(files) == 3 and all(len(f.split("-")[0]) == 64 for f in files)
    assert q(imported, "SELECT count(*) FROM benchmark_request")[0][0] == 550
    assert q(imported, "SELECT count(*) FROM benchmark_request WHERE run_id = 'ca48cb6604ef05bf/run'")[0][0] == 200


def test_percentiles_from_requests_match_the_files_summaries(imported):
    checks = q(
        imported,
        "SELECT run_id, metric, stat, from_file, from_requests, ok FROM benchmark_check "
        "WHERE ok IS NOT NULL ORDER BY 1, 2, 3",
    )
    assert checks and all(ok for *_, ok in checks)
    ttft = {(r[0], r[2]): r[4] for r in checks if r[1] == "ttft"}
    assert ttft[("4c9ece53c18d9fb0/run", "p99")] == pytest.approx(67.56385031015722, rel=1e-9)
    # llmperf: the Groq per-request file reproduces the Groq summary's own TTFT p99
    derived = q(
        imported, "SELECT value FROM figure WHERE figure_id = 'bench-llmperf-individual-groq-70b/run/derived.ttft.p99'"
    )
    assert derived[0][0] == pytest.approx(0.3500269545800982 * 1000, rel=1e-9)


def test_sql_percentile_matches_the_registered_reference_formula(imported):
    from analysis.formulas.benchmarks import mean_from_requests, percentile_from_requests

    values = [r[0] for r in q(imported, "SELECT ttft_ms FROM benchmark_request WHERE run_id = 'ca48cb6604ef05bf/run'")]
    stored = dict(
        q(
            imported,
            "SELECT stat, from_requests FROM benchmark_check WHERE run_id = 'ca48cb6604ef05bf/run' AND metric = 'ttft'",
        )
    )
    assert stored["p99"] == pytest.approx(percentile_from_requests(values, q=0.99), rel=1e-12)
    assert stored["p50"] == pytest.approx(percentile_from_requests(values, q=0.5), rel=1e-12)
    assert stored["mean"] == pytest.approx(mean_from_requests(values), rel=1e-12)
    # a mean is labelled with the mean's formula, a percentile with the percentile's
    labels = dict(
        q(
            imported,
            "SELECT metric, formula FROM figure WHERE figure_id LIKE '%derived.ttft.%' AND entity = 'ca48cb6604ef05bf/run'",
        )
    )
    assert labels == {
        "benchmark.ttft.mean": "benchmark_mean_from_requests@1",
        "benchmark.ttft.p50": "benchmark_percentile_from_requests@1",
        "benchmark.ttft.p90": "benchmark_percentile_from_requests@1",
        "benchmark.ttft.p95": "benchmark_percentile_from_requests@1",
        "benchmark.ttft.p99": "benchmark_percentile_from_requests@1",
    }


def test_audit_walks_a_derived_percentile_to_the_file_sha(imported, cli):
    code, out, _ = cli(
        "audit",
        "bench-vllm-llmk8s-llama-3-3-70b-tp8-qps-04/run/derived.ttft.p99",
        "--warehouse",
        imported,
        "--format",
        "json",
    )
    assert code == 0
    chain = json.loads(out)
    assert chain["formula"] == "benchmark_percentile_from_requests@1"
    roles = {c["role"]: c for c in chain["inputs"]}
    assert roles["checked_against"]["quote"] == "p99_ttft_ms: 67.56385031015722"
    assert roles["checked_against"]["snapshot_sha256"].startswith("4c9ece53c18d9fb0")
    assert roles["requests"]["value"] == 200


def test_stat_long_form_is_lossless(imported):
    rows = q(
        imported,
        "SELECT value, unit, raw_value, raw_unit FROM benchmark_run_stat "
        "WHERE run_id LIKE '09de95de0eb38a49/%' AND metric = 'ttft' AND stat = 'p99'",
    )
    assert rows == [(pytest.approx(350.0269545800982), "ms", "0.3500269545800982", "s")]


def test_views_dedupe_and_compute_rates(imported):
    dups = q(imported, "SELECT count(*) FROM benchmark_run WHERE duplicate_of IS NOT NULL")[0][0]
    # v4.1 summary.csv: llama2-70b (Server, Offline), gptj (Server, Offline) and 3d-unet report the
    # same result under -99 and -99.9; bert and dlrm-v2 report different results (different runs)
    assert dups == 5
    unique = q(imported, "SELECT count(*) FROM benchmark_run_unique")[0][0]
    assert unique == q(imported, "SELECT count(*) FROM benchmark_run")[0][0] - dups
    bedrock = q(
        imported,
        "SELECT rejection_rate, error_rate, success_rate FROM benchmark_run_outcome "
        "WHERE source_id = 'bench-llmperf-summary-bedrock-70b'",
    )[0]
    assert bedrock == (0.0, pytest.approx(49 / 150), pytest.approx(101 / 150))


def test_concurrency_ceiling_under_an_slo(imported):
    rows = q(
        imported,
        "SELECT ceiling_load_level, ceiling_output_tok_s, first_failing_load_level "
        "FROM benchmark_ceiling(150, 50) WHERE sweep LIKE 'bench-vllm-llmk8s-run-table%'",
    )
    # qps 1, 4, 16 meet TTFT p99 <= 150 ms and TPOT p99 <= 50 ms; qps inf (450 ms) does not
    assert rows == [(16.0, pytest.approx(1354.3654962178466), float("inf"))]
    tight = q(
        imported,
        "SELECT ceiling_load_level FROM benchmark_ceiling(100, NULL) WHERE sweep LIKE 'bench-vllm-llmk8s-run-table%'",
    )
    assert tight == [(4.0,)]


def test_traps_are_quarantined_with_reasons(tmp_path, cli):
    wh = tmp_path / "w.duckdb"
    files = ["vllm_all_failed.json", "vllm_truncated.json", "llmperf_summary_code_injection.json", "not_a_result.txt"]
    code, out, _ = cli("import", *[FIX / f for f in files], FIX / "mlperf", "--warehouse", wh, "--output", "json")
    assert code == 1
    report = {Path(r["file"]).name: r for r in json.loads(out)}
    assert {r["status"] for r in report.values()} == {"quarantined"}
    assert "all_requests_failed" in report["vllm_all_failed.json"]["reason"]
    assert "not valid JSON" in report["vllm_truncated.json"]["reason"]
    assert "error_codes_parse" in report["llmperf_summary_code_injection.json"]["reason"]
    assert "scenario_mismatch" in report["mlperf_log_summary.txt"]["reason"]
    assert q(wh, "SELECT count(*) FROM benchmark_run")[0][0] == 0
    assert q(wh, "SELECT count(*) FROM benchmark_run_stat")[0][0] == 0  # zeros never reach a stat or figure
    rules = {r[0] for r in q(wh, "SELECT rule FROM quarantine")}
    assert {"all_requests_failed", "parse", "error_codes_parse", "scenario_mismatch"} <= rules


def test_partly_bad_file_stores_the_good_lines(tmp_path, cli):
    wh = tmp_path / "w.duckdb"
    code, out, _ = cli("import", FIX / "sglang_mixed.jsonl", "--warehouse", wh, "--output", "json")
    report = json.loads(out)[0]
    assert code == 0 and report["status"] == "stored" and (report["runs"], report["runs_quarantined"]) == (2, 1)
    runs, accepted, quarantined = q(
        wh, "SELECT rows_in, rows_accepted, rows_quarantined FROM ingest_run WHERE step = 'cli/import'"
    )[0]
    assert runs == accepted + quarantined


def test_invalid_mlperf_run_is_stored_but_marked(tmp_path, cli):
    wh = tmp_path / "w.duckdb"
    code, _, _ = cli("import", FIX / "mlperf_invalid", "--warehouse", wh)
    assert code == 0
    valid, note, model = q(wh, "SELECT valid, validity_note, model FROM benchmark_run")[0]
    assert valid is False and "INVALID" in note and "Performance constraints satisfied: NO" in note
    assert model == "llama2-70b"
    assert q(wh, "SELECT count(*) FROM benchmark_run_unique")[0][0] == 0


def test_context_sidecar_and_flags_fill_what_files_lack(tmp_path, cli):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIX / "vllm_all_failed.json", src / "vllm_bad.json")
    shutil.copy(FIX / "profile_export_genai_perf.csv", src / "profile_export_genai_perf.csv")
    wh = tmp_path / "w.duckdb"
    code, _, _ = cli(
        "import",
        src / "profile_export_genai_perf.csv",
        "--context",
        FIX / "ctx_h100.yaml",
        "--model",
        "llama-3.1-8b-instruct",
        "--warehouse",
        wh,
    )
    assert code == 0
    gpu, n, price, model, origins = q(
        wh, "SELECT gpu_sku, gpus_per_node, price_usd_per_gpu_hour, model, context_sources FROM benchmark_run"
    )[0]
    assert (gpu, n, price, model) == ("H100-SXM-80GB", 8, 2.49, "llama-3.1-8b-instruct")
    origins = json.loads(origins)
    assert origins["model"] == "cli" and origins["gpu_sku"] == "sidecar:ctx_h100.yaml (our cluster inventory)"


def test_bad_sidecar_is_a_clear_quarantine(tmp_path, cli):
    (tmp_path / "ctx.yaml").write_text("gpu_count: 8\n")
    wh = tmp_path / "w.duckdb"
    code, out, _ = cli(
        "import",
        FIX / "profile_export_genai_perf.json",
        "--context",
        tmp_path / "ctx.yaml",
        "--warehouse",
        wh,
        "--output",
        "json",
    )
    assert code == 1 and "unknown context field 'gpu_count'" in json.loads(out)[0]["reason"]


def test_missing_path_is_a_user_error(cli, tmp_path):
    code, _, err = cli("import", tmp_path / "nope.json", "--warehouse", tmp_path / "w.duckdb")
    assert code == 1 and "no such file" in err


def test_reimport_with_new_context_flags_says_they_were_not_applied(imported, cli):
    vllm = next(p for p in sorted(DATA.rglob("*.json")) if "qps" in p.name)
    code, out, _ = cli(
        "import", vllm, "--gpu", "h100-sxm", "--price", "9.99", "--warehouse", imported, "--output", "json"
    )
    [row] = json.loads(out)
    assert code == 0 and row["status"] == "skipped"
    assert "same sha256 already imported; context flags not applied (--gpu, --price)" in row["reason"]
    code, out, _ = cli("import", vllm, "--warehouse", imported, "--output", "json")
    assert "context flags not applied" not in json.loads(out)[0]["reason"]


def test_new_dated_runs_get_a_cost_after_the_refresh_the_report_names(tmp_path, cli):
    import io

    from pipeline.refresh import run_refresh

    wh = tmp_path / "w.duckdb"
    assert run_refresh(wh, select=["clean/citations/source", "group:hardware"], stream=io.StringIO()).success
    code, out, err = cli(
        "import",
        FIX / "profile_export_genai_perf.csv",
        "--gpu",
        "h100-sxm",
        "--gpus",
        "8",
        "--run-date",
        "2025-05-01",
        "--price",
        "2.49",
        "--warehouse",
        wh,
    )
    assert code == 0, err
    hint = next(line for line in out.splitlines() if "infernomics refresh --select" in line)
    select = hint.split("--select ")[1].split()[0]
    assert select == "derived/benchmarks/cost_per_mtok"
    assert q(wh, "SELECT count(*) FROM figure WHERE metric = 'usd_per_mtok_output'")[0][0] == 0
    assert run_refresh(wh, select=[select], stream=io.StringIO()).success
    assert q(wh, "SELECT count(*) FROM figure WHERE metric = 'usd_per_mtok_output'")[0][0] == 2  # market + stated price
    code, out, _ = cli("import", FIX / "profile_export_genai_perf.csv", "--warehouse", wh)
    assert "infernomics refresh --select" not in out  # nothing new stored, no hint
