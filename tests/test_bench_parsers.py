"""Parsers read the real vendored result files with the right numbers and units."""

import datetime as dt
import json
from pathlib import Path

import pytest

from sources.benchmarks import ParseError, detect, parse_bytes
from sources.benchmarks.bundled import data_root, folder_context

DATA = data_root()
FIX = Path(__file__).parent / "fixtures" / "benchmarks"
VLLM_04 = DATA / "vllm" / "llmk8s__serving_meta-llama-Llama-3.3-70B-Instruct_tp8_pp1_sharegpt_qps_04.json"
VLLM_INF = DATA / "vllm" / "llmk8s__serving_meta-llama-Llama-3.3-70B-Instruct_tp8_pp1_sharegpt_qps_inf.json"
MLPERF = DATA / "mlperf"


def parse(path: Path, **kw):
    return parse_bytes(path.read_bytes(), str(path), **kw)


def one(frames, **where):
    rows = frames.runs.to_dicts()
    for key, value in where.items():
        rows = [r for r in rows if r[key] == value]
    assert len(rows) == 1, rows
    return rows[0]


def stat(frames, run_id, metric, stat_name):
    rows = frames.stats.filter(
        (frames.stats["run_id"] == run_id) & (frames.stats["metric"] == metric) & (frames.stats["stat"] == stat_name)
    ).to_dicts()
    assert len(rows) == 1, (metric, stat_name, rows)
    return rows[0]


def source_json(path: Path) -> dict:
    return json.loads(path.read_text())


def test_vllm_rate_run_matches_the_file():
    raw = source_json(VLLM_04)
    f = parse(VLLM_04)
    run = f.runs.to_dicts()[0]
    assert f.format == "vllm" and run["load_mode"] == "rate" and run["target_rate_rps"] == raw["request_rate"] == 4.0
    assert run["output_tok_s"] == raw["output_throughput"] == 673.9184869835061
    assert run["ttft_p99_ms"] == raw["p99_ttft_ms"] == 67.56385031015722
    assert run["ttft_p50_ms"] == raw["median_ttft_ms"]
    assert (run["completed"], run["failed"], run["requests_sent"]) == (200, 0, 200)
    assert run["started_at"] == dt.datetime(2025, 4, 14, 14, 16, 21)
    assert run["model"] == "meta-llama/Llama-3.3-70B-Instruct" and run["engine"] == "vllm"


def test_vllm_per_request_rows_convert_seconds_to_ms():
    raw = source_json(VLLM_04)
    req = parse(VLLM_04).requests
    assert req.height == 200 and req["success"].all()
    first = req.row(0, named=True)
    assert first["ttft_ms"] == pytest.approx(raw["ttfts"][0] * 1000)
    assert first["e2el_ms"] == pytest.approx((raw["ttfts"][0] + sum(raw["itls"][0])) * 1000)
    assert first["tpot_ms"] == pytest.approx(sum(raw["itls"][0]) * 1000 / (raw["output_lens"][0] - 1))
    assert (first["input_tokens"], first["output_tokens"]) == (raw["input_lens"][0], raw["output_lens"][0])


def test_vllm_inf_rate_is_a_burst_with_the_raw_string_kept():
    f = parse(VLLM_INF)
    run = f.runs.to_dicts()[0]
    assert run["load_mode"] == "burst" and run["target_rate_rps"] is None
    rate = stat(f, run["run_id"], "target_rate", "value")
    assert rate["raw_value"] == "inf" and rate["value"] is None
    assert run["ttft_p99_ms"] == 450.3786364301777 and run["output_tok_s"] == 1780.3566341089636


def test_vllm_old_goodput_key_with_colon_is_read():
    f = parse(VLLM_04)
    assert "request_goodput:" in source_json(VLLM_04)
    # the file says null: no goodput figure, and the key is not left unmapped
    assert "request_goodput:" not in (f.runs["unmapped"][0] or "")
    assert f.runs["goodput_rps"][0] is None


def test_vllm_run_table_rows_name_parallelism_and_rate():
    f = parse(DATA / "vllm" / "llmk8s__benchmark_results.json")
    assert f.runs.height == 4
    qps4 = one(f, locator="row1")
    assert qps4["target_rate_rps"] == 4.0 and qps4["gpus_per_node"] == 8
    assert qps4["ttft_p99_ms"] == 67.56385031015722  # same run as the detailed qps_04 file
    assert one(f, locator="row3")["load_mode"] == "burst"
    assert json.loads(qps4["unmapped"])["GPU"] == "1xStandard_ND96asr_v4 x 1"
    names = [json.loads(u)["Test name"] for u in f.runs.sort("locator")["unmapped"]]
    assert names == ["tp8_pp1_qps_01", "tp8_pp1_qps_04", "tp8_pp1_qps_16", "tp8_pp1_qps_inf"]


def test_sglang_lines_are_load_points_and_infinity_is_burst():
    online = parse(DATA / "sglang" / "datacrunch__llama_3_3_70b_online_output.jsonl")
    assert online.runs.height == 7
    first = one(online, locator="L1")
    assert first["target_rate_rps"] == 1.0 and first["completed"] == 300
    assert first["output_tok_s"] == 537.4142851849319 and first["ttft_p50_ms"] == 85.74514742940664
    assert first["e2el_mean_ms"] == 7840.616212638561 and first["input_len"] == 1024
    offline = parse(DATA / "sglang" / "datacrunch__llama_3_3_70b_offline_output.jsonl")
    assert set(offline.runs["load_mode"]) == {"burst"}
    sharegpt = one(offline, locator="L7")
    assert sharegpt["dataset"] == "sharegpt" and sharegpt["input_len"] is None


def test_sglang_model_comes_from_context_with_its_origin():
    path = DATA / "sglang" / "datacrunch__llama_3_3_70b_online_output.jsonl"
    assert parse(path).runs["model"][0] is None  # the file does not say
    run = parse(path, context=folder_context("sglang")).runs.to_dicts()[0]
    assert run["model"] == "meta-llama/Llama-3.3-70B-Instruct" and run["gpus_per_node"] == 4
    origins = json.loads(run["context_sources"])
    assert origins["model"].startswith("bundled:") and origins["engine"] == "file:backend"


def test_sglang_concurrency_is_mean_inflight_not_a_limit():
    f = parse(FIX / "sglang_mixed.jsonl")
    first = one(f, locator="L1")
    assert first["mean_inflight"] == 58.7 and first["max_concurrency"] == 64
    assert first["load_mode"] == "concurrency"
    assert one(f, locator="L2")["_errors"][0].startswith("json_parse:")


def test_llmperf_summary_seconds_strings_and_per_minute():
    raw = source_json(DATA / "llmperf" / "summary__groq_70b.json")
    f = parse(DATA / "llmperf" / "summary__groq_70b.json")
    run = f.runs.to_dicts()[0]
    assert run["ttft_p99_ms"] == pytest.approx(raw["results_ttft_s_quantiles_p99"] * 1000)
    assert run["e2el_p50_ms"] == pytest.approx(0.8051837999373674 * 1000)
    assert run["request_throughput_rps"] == pytest.approx(176.73895115400083 / 60)
    assert run["output_tok_s"] == 441.84737788500206 and run["max_concurrency"] == 5
    tokens_min = stat(f, run["run_id"], "input_tokens", "min")
    assert tokens_min["raw_value"] == "550" and tokens_min["value"] == 550.0


def test_llmperf_error_codes_from_a_python_dict_repr():
    f = parse(DATA / "llmperf" / "summary__bedrock_70b.json")
    run = f.runs.to_dicts()[0]
    assert (run["completed"], run["failed"], run["rejected"], run["requests_sent"]) == (101, 49, 0, 150)
    assert run["error_rate"] == pytest.approx(0.32666666666666666)
    assert stat(f, run["run_id"], "error_code_count", "code_minus100")["value"] == 49
    rej = parse(FIX / "llmperf_summary_rejections.json").runs.to_dicts()[0]
    assert (rej["rejected"], rej["failed"], rej["ttft_p99_ms"]) == (15, 5, 900.0)


def test_llmperf_error_codes_are_never_evaluated_as_code():
    run = parse(FIX / "llmperf_summary_code_injection.json").runs.to_dicts()[0]
    assert run["_errors"] and run["_errors"][0].startswith("error_codes_parse:")


def test_llmperf_individual_responses_are_request_rows():
    f = parse(DATA / "llmperf" / "individual__groq_70b.json")
    assert f.requests.height == 150 and f.requests["success"].all()
    assert f.runs["completed"][0] == 150
    first = source_json(DATA / "llmperf" / "individual__groq_70b.json")[0]
    assert f.requests["ttft_ms"][0] == pytest.approx(first["ttft_s"] * 1000)


def test_mlperf_offline_log_latencies_ns_to_ms():
    f = parse(MLPERF / "v4.1__GigaComputing_H200x8__llama2-70b-99__Offline__mlperf_log_summary.txt")
    run = f.runs.to_dicts()[0]
    assert run["load_mode"] == "offline" and run["valid"] is True and run["model"] == "llama2-70b"
    assert run["output_tok_s"] == 31263.8 and run["request_throughput_rps"] == 107.181
    assert run["e2el_p99_ms"] == pytest.approx(2719056187967 / 1e6)
    assert stat(f, run["run_id"], "e2el", "p99_9")["raw_value"] == "2736453843602"


def test_mlperf_server_log_ttft_tpot_and_target():
    run = parse(MLPERF / "v4.1__GigaComputing_H200x8__llama2-70b-99__Server__mlperf_log_summary.txt").runs.to_dicts()[0]
    assert run["load_mode"] == "server" and run["target_rate_rps"] == 102.5
    assert run["ttft_p99_ms"] == pytest.approx(572.434758) and run["tpot_p99_ms"] == pytest.approx(195.84058)
    assert run["output_tok_s"] == 29715.28 and run["goodput_slo"] == "ttft <= 2000 ms; tpot <= 200 ms"


def test_mlperf_summary_csv_samples_label_is_tokens_and_99_9_is_a_duplicate():
    f = parse(MLPERF / "v4.1__GigaComputing__summary.csv")
    assert f.runs.height == 26
    llama = [r for r in f.runs.to_dicts() if r["model"] == "llama2-70b" and r["load_mode"] == "offline"]
    assert [r["output_tok_s"] for r in llama] == [31263.8, 31263.8]
    first, second = llama
    assert first["duplicate_of"] is None and second["duplicate_of"] == first["run_id"]
    assert stat(f, first["run_id"], "output_throughput", "value")["raw_unit"] == "Samples/s"
    resnet = [r for r in f.runs.to_dicts() if r["model"] == "resnet50" and r["load_mode"] == "offline"][0]
    assert resnet["request_throughput_rps"] == 757446.0 and resnet["output_tok_s"] is None
    assert first["gpu_sku"] == "NVIDIA H200-SXM-141GB" and first["gpus_per_node"] == 8


def test_mlperf_v61_slice_and_scenario_from_location():
    f = parse(MLPERF / "v6.1__summary_SLICE_llama2-70b_rows.csv")
    assert f.runs["load_mode"].to_list() == ["interactive", "offline", "server", "offline", "server"]
    assert f.runs["output_tok_s"].to_list() == [73191.5, 106517.0, 103275.0, 113007.0, 113455.0]
    assert stat(f, f.runs["run_id"][0], "accuracy", "rouge1")["value"] == 44.5125


def test_mlperf_accuracy_file():
    f = parse(MLPERF / "v4.1__GigaComputing_H200x8__llama2-70b-99__Offline__accuracy.txt")
    run = f.runs.to_dicts()[0]
    assert run["load_mode"] == "accuracy" and run["completed"] == 24576 and run["output_tokens_total"] == 7168632
    assert stat(f, run["run_id"], "accuracy", "rouge1")["value"] == 44.5884


def test_mlperf_scenario_disagreement_is_an_error():
    path = (
        FIX
        / "mlperf"
        / "results"
        / "SUT_X"
        / "llama2-70b-99"
        / "Offline"
        / "performance"
        / "run_1"
        / "mlperf_log_summary.txt"
    )
    run = parse(path).runs.to_dicts()[0]
    assert run["_errors"] == ["scenario_mismatch: directory says offline, log says server"]


def test_genai_perf_and_aiperf_exports():
    gj = parse(FIX / "profile_export_genai_perf.json").runs.to_dicts()[0]
    gc = parse(FIX / "profile_export_genai_perf.csv").runs.to_dicts()[0]
    for run in (gj, gc):
        assert run["format"] == "genai-perf" and run["ttft_mean_ms"] == 71.66 and run["ttft_p99_ms"] == 76.13
        assert run["output_tok_s"] == 45.84 and run["request_throughput_rps"] == 2.87
    assert gj["model"] == "llama-3.1-8b-instruct" and gj["max_concurrency"] == 1
    aj = parse(FIX / "profile_export_aiperf.json").runs.to_dicts()[0]
    assert aj["format"] == "aiperf" and aj["valid"] is False and aj["e2el_p99_ms"] == 9381.628943169999
    assert (aj["completed"], aj["failed"], aj["requests_sent"]) == (200, 84, 284)
    assert aj["duration_s"] == 15.196591969000002 and aj["model"] == "openai/gpt-oss-20b"
    ac = parse(FIX / "profile_export_aiperf.csv").runs.to_dicts()[0]
    assert ac["output_tok_s"] == 1274.63 and ac["ttft_p99_ms"] == 4119.33 and ac["completed"] == 200
    assert b"\r\n" in (FIX / "profile_export_aiperf.csv").read_bytes()


@pytest.mark.parametrize(
    "path,expected",
    [
        (VLLM_04, "vllm"),
        (DATA / "vllm" / "llmk8s__benchmark_results.json", "vllm"),
        (DATA / "sglang" / "datacrunch__deepseek_dp_mla_output.jsonl", "sglang"),
        (DATA / "sglang" / "datacrunch__llama_3_3_70b_online_output.jsonl", "sglang"),
        (DATA / "llmperf" / "summary__groq_70b.json", "llmperf"),
        (DATA / "llmperf" / "individual__groq_70b.json", "llmperf"),
        (MLPERF / "v4.1__GigaComputing__summary.csv", "mlperf"),
        (MLPERF / "v4.1__GigaComputing_H200x8__llama2-70b-99__Offline__accuracy.txt", "mlperf"),
        (MLPERF / "v4.1__GigaComputing__systems__GIGABYTE_G593_SD1_H200_SXM_141GBx8_TRT.json", "mlperf-system"),
        (FIX / "profile_export_genai_perf.json", "genai-perf"),
        (FIX / "profile_export_aiperf.csv", "aiperf"),
        (FIX / "not_a_result.txt", None),
        (DATA / "sglang" / "datacrunch__llama_3_3_70b_sglang.sh", None),
    ],
)
def test_detect(path, expected):
    assert detect(path.read_bytes(), path.name) == expected


def test_unknown_and_truncated_files_raise_parse_errors():
    with pytest.raises(ParseError, match="format not recognised"):
        parse(FIX / "not_a_result.txt")
    with pytest.raises(ParseError, match="not valid JSON"):
        parse(FIX / "vllm_truncated.json")


def test_all_failed_vllm_run_is_flagged_not_averaged():
    run = parse(FIX / "vllm_all_failed.json").runs.to_dicts()[0]
    assert run["completed"] == 0 and run["failed"] == 10 and run["valid"] is False
    assert run["_errors"][0].startswith("all_requests_failed:")


def test_sglang_line_with_misaligned_request_arrays_is_rejected_and_the_others_load():
    good = json.loads((DATA / "sglang" / "datacrunch__llama_3_3_70b_online_output.jsonl").read_text().splitlines()[0])
    bad = dict(good, ttfts=[0.1, 0.2], output_lens=[10, 20, 30], itls=[[0.01], [0.02]], input_lens=[5, 6])
    text = json.dumps(good) + "\n" + json.dumps(bad) + "\n"
    frames = parse_bytes(text.encode(), "misaligned.jsonl", fmt="sglang")
    first, second = frames.runs.to_dicts()
    assert first["_errors"] == []
    assert second["_errors"] == [
        "request_arrays: line 2: per-request arrays differ in length: ttfts has 2, output_lens has 3"
    ]
