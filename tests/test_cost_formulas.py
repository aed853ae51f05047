"""$/Mtok, the decode floor and the chapter's framework, on numbers checked by hand."""

import pytest

from analysis import cost
from analysis.formulas import get


def test_usd_per_mtok_hand_checked():
    # 8 GPUs x $2.00/h = $16/h; 2,400 tok/s x 3,600 s = 8,640,000 tok/h; 16 / 8.64 = 1.85185...
    assert cost.usd_per_mtok(8, 2.0, 2400) == pytest.approx(16 / 8.64)
    assert cost.usd_per_mtok(1, 3.6, 1000) == pytest.approx(1.0)  # $3.60/h at 1,000 tok/s = $1/Mtok


def test_output_and_total_formulas_name_their_throughput():
    out, total = get("usd_per_mtok_output@1"), get("usd_per_mtok_total@1")
    assert out.roles == ("gpus", "usd_per_gpu_hour", "output_tokens_per_s")
    assert total.roles == ("gpus", "usd_per_gpu_hour", "total_tokens_per_s")
    # same deployment: 1,000 output tok/s inside 4,000 total tok/s -> total is 4x cheaper per token
    assert out.func(8, 2.0, 1000) == pytest.approx(4 * total.func(8, 2.0, 4000))


def test_non_positive_inputs_are_refused():
    with pytest.raises(ValueError, match="tokens_per_s must be > 0"):
        cost.usd_per_mtok(8, 2.0, 0)


def test_kv_cache_bytes_llama_70b():
    # 2 (K,V) x 80 layers x 8 KV heads x 128 head_dim x 2 bytes (BF16)
    assert cost.kv_cache_bytes_per_token(80, 8, 128, 2) == 327_680


def test_decode_floor_weights_only_hand_checked():
    # 70e9 params x 2 bytes = 140 GB per step; 3.35 TB/s / 140 GB = 23.9286 steps/s = tok/s at batch 1
    tps = cost.decode_tokens_per_s_ceiling(1, 3.35, 70, 2, 1, 0, 0)
    assert tps == pytest.approx(3.35e12 / 140e9)
    assert tps == pytest.approx(23.92857, rel=1e-6)
    # at $2/GPU-hour: 2 / (23.92857 x 3600) x 1e6 = $23.217 per million tokens
    assert cost.decode_floor_usd_per_mtok(2.0, 3.35, 70, 2, 1, 0, 0) == pytest.approx(23.2172, rel=1e-4)


def test_decode_floor_with_kv_cache_hand_checked():
    # batch 64 at 4,096 tokens of context: KV = 64 x 4096 x 327,680 = 85,899,345,920 bytes
    # step = 140e9 + 85,899,345,920 = 225,899,345,920 bytes; 3.35e12 / step x 64 = 949.10 tok/s
    kv = cost.kv_cache_bytes_per_token(80, 8, 128, 2)
    assert cost.decode_bytes_per_step(70, 2, 64, 4096, kv) == 225_899_345_920
    assert cost.decode_tokens_per_s_ceiling(1, 3.35, 70, 2, 64, 4096, kv) == pytest.approx(949.10, rel=1e-4)


def test_gpu_count_cancels_in_the_floor():
    one = cost.decode_tokens_per_s_ceiling(1, 3.35, 70, 2, 8, 1024, 327_680)
    eight = cost.decode_tokens_per_s_ceiling(8, 3.35, 70, 2, 8, 1024, 327_680)
    assert eight == pytest.approx(8 * one)
    assert cost.usd_per_mtok(8, 2.0, eight) == pytest.approx(
        cost.decode_floor_usd_per_mtok(2.0, 3.35, 70, 2, 8, 1024, 327_680)
    )


def test_chapter_framework_hand_checked():
    assert cost.human_equivalent_ratio(120, 8) == 15.0  # 120 tasks/day vs 8 tasks/day
    assert cost.cost_ratio(50.0, 0.5) == 100.0  # $50 per task by hand vs $0.50 by AI
    assert cost.optimisation_roi(100_000, 40_000, 30_000) == 2.0
    assert cost.optimisation_roi(100_000, 110_000, 30_000) == pytest.approx(-1 / 3)


def test_framework_formulas_are_registered():
    for key in [
        "human_equivalent_ratio@1",
        "cost_ratio@1",
        "optimisation_roi@1",
        "decode_floor_usd_per_mtok@1",
        "decode_tokens_per_s_ceiling@1",
    ]:
        assert get(key).doc


def test_derive_cost_per_mtok_records_lineage():
    figure, lineage = cost.derive_cost_per_mtok(
        "infernomics-derived/cost/test",
        "output",
        entity="h100-sxm x8",
        gpus={"figure_id": "a/gpus", "value": 8},
        price={"figure_id": "p/price", "value": 2.0},
        throughput={"figure_id": "t/tps", "value": 2400},
    )
    assert figure["value"] == pytest.approx(1.851852, rel=1e-6)
    assert (figure["formula"], figure["unit"], figure["metric"]) == (
        "usd_per_mtok_output@1",
        "USD/Mtok",
        "usd_per_mtok_output",
    )
    assert {(r["role"], r["input_figure_id"]) for r in lineage} == {
        ("gpus", "a/gpus"),
        ("usd_per_gpu_hour", "p/price"),
        ("output_tokens_per_s", "t/tps"),
    }


def test_derive_refuses_an_unknown_basis():
    with pytest.raises(ValueError, match="basis"):
        cost.derive_cost_per_mtok("x", "input", entity="e", gpus={}, price={}, throughput={})


def test_framework_turns_bare_numbers_into_assumption_figures():
    stored = {"figure_id": "x/after", "value": 40_000.0, "unit": "USD"}
    created, figure, lineage = cost.derive_framework(
        "optimisation_roi",
        {"cost_before": (100_000, None), "cost_after": stored, "investment": (30_000, "USD")},
        tag="t1",
    )
    assert figure["value"] == 2.0 and figure["formula"] == "optimisation_roi@1" and figure["unit"] == "ratio"
    assert [(f["metric"], f["kind"], f["unit"]) for f in created] == [
        ("cost_before", "assumption", "USD"),
        ("investment", "assumption", "USD"),
    ]
    assert {r["role"]: r["input_figure_id"] for r in lineage}["cost_after"] == "x/after"


def test_framework_refuses_mismatched_units_and_missing_inputs():
    with pytest.raises(ValueError, match="use one unit"):
        cost.derive_framework(
            "cost_ratio", {"human_cost_per_task": (50, "USD/task"), "ai_cost_per_task": (0.5, "USD/hour")}, tag="t"
        )
    with pytest.raises(ValueError, match="missing \\['investment'\\]"):
        cost.derive_framework("optimisation_roi", {"cost_before": (1, None), "cost_after": (1, None)}, tag="t")
