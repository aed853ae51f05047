"""Unit cost of inference as formulas: dollars per million tokens from a GPU price and a
throughput, the memory-bandwidth floor for decode, and the chapter's own framework
(human-equivalent ratio, cost ratio, optimisation ROI).

Pure arithmetic on floats; the parameter names are the lineage roles. `analysis.cost`
applies them to input figures (`derive_cost_per_mtok`, `reference_decode_floors`,
`derive_framework`) and re-exports them under their stable names.
"""

from __future__ import annotations

from analysis.formulas import formula

SECONDS_PER_HOUR = 3600.0
TOKENS_PER_MTOK = 1e6


def _positive(**values: float) -> None:
    for name, v in values.items():
        if not v > 0:
            raise ValueError(f"{name} must be > 0 (got {v!r})")


def usd_per_mtok(gpus: float, usd_per_gpu_hour: float, tokens_per_s: float) -> float:
    """USD per million tokens = gpus * usd_per_gpu_hour / (tokens_per_s * 3600) * 1e6.

    `tokens_per_s` is the throughput of the whole deployment of `gpus` GPUs (not per GPU).
    Example: 8 GPUs at $2.00/GPU-hour serving 2,400 tokens/s cost $16/hour for
    8,640,000 tokens/hour, i.e. $1.8519 per million tokens.
    """
    _positive(gpus=gpus, usd_per_gpu_hour=usd_per_gpu_hour, tokens_per_s=tokens_per_s)
    return gpus * usd_per_gpu_hour / (tokens_per_s * SECONDS_PER_HOUR) * TOKENS_PER_MTOK


@formula("usd_per_mtok_output", 1)
def usd_per_mtok_output(gpus: float, usd_per_gpu_hour: float, output_tokens_per_s: float) -> float:
    """USD per million OUTPUT tokens = gpus * usd_per_gpu_hour / (output_tokens_per_s * 3600) * 1e6.
    The throughput counts generated tokens only; prompt tokens ride along for free, so this
    is the price of a generated token when the whole bill is charged to output."""
    return usd_per_mtok(gpus, usd_per_gpu_hour, output_tokens_per_s)


@formula("usd_per_mtok_total", 1)
def usd_per_mtok_total(gpus: float, usd_per_gpu_hour: float, total_tokens_per_s: float) -> float:
    """USD per million TOTAL tokens (input + output) = gpus * usd_per_gpu_hour /
    (total_tokens_per_s * 3600) * 1e6. Lower than the output-token figure whenever prompts
    are long; not comparable with an output-only price."""
    return usd_per_mtok(gpus, usd_per_gpu_hour, total_tokens_per_s)


def kv_cache_bytes_per_token(layers: float, kv_heads: float, head_dim: float, kv_bytes_per_value: float) -> float:
    """KV-cache bytes per token = 2 (K and V) * layers * kv_heads * head_dim * bytes per value.
    Llama-3-70B (80 layers, 8 KV heads, head_dim 128) at BF16: 2*80*8*128*2 = 327,680 bytes."""
    _positive(layers=layers, kv_heads=kv_heads, head_dim=head_dim, kv_bytes_per_value=kv_bytes_per_value)
    return 2.0 * layers * kv_heads * head_dim * kv_bytes_per_value


def decode_bytes_per_step(
    params_b: float, weight_bytes_per_param: float, batch: float, context_tokens: float, kv_bytes_per_token: float
) -> float:
    """Bytes read from GPU memory by one decode step = every weight once
    (params_b * 1e9 * weight_bytes_per_param) + the KV cache of every sequence in the batch
    (batch * context_tokens * kv_bytes_per_token)."""
    _positive(params_b=params_b, weight_bytes_per_param=weight_bytes_per_param, batch=batch)
    if context_tokens < 0 or kv_bytes_per_token < 0:
        raise ValueError("context_tokens and kv_bytes_per_token must be >= 0")
    return params_b * 1e9 * weight_bytes_per_param + batch * context_tokens * kv_bytes_per_token


@formula("decode_tokens_per_s_ceiling", 1)
def decode_tokens_per_s_ceiling(
    gpus: float,
    mem_bandwidth_tbps: float,
    params_b: float,
    weight_bytes_per_param: float,
    batch: float,
    context_tokens: float,
    kv_bytes_per_token: float,
) -> float:
    """Upper bound on decode throughput (output tokens/s) from memory bandwidth:
    gpus * mem_bandwidth_tbps * 1e12 / decode_bytes_per_step * batch.

    Assumptions (each makes the bound looser, never tighter):
    - decode is memory-bound: every step streams all weights and the batch's whole KV cache
      from HBM once, and compute, kernel launches and communication take no time;
    - the full datasheet bandwidth is achieved. Real kernels reach less: on one H100 SXM
      (80 GB HBM3, datasheet 3.35 TB/s) a BF16 matrix-vector product over 8 GiB of weights
      streamed 2.87 TB/s (86%) and a device copy 3.03 TB/s (90%) (torch 2.11, measured for
      this project, docs/hardware.md); attention, sampling and launches cost more;
    - weights are sharded across `gpus` with no replication, so bandwidth adds up linearly;
    - every sequence sits at `context_tokens` of context (use the mean over a generation);
    - no speculative decoding, no MoE sparsity (for an MoE model pass the *active* params).
    """
    _positive(gpus=gpus, mem_bandwidth_tbps=mem_bandwidth_tbps)
    step = decode_bytes_per_step(params_b, weight_bytes_per_param, batch, context_tokens, kv_bytes_per_token)
    return gpus * mem_bandwidth_tbps * 1e12 / step * batch


@formula("decode_floor_usd_per_mtok", 1)
def decode_floor_usd_per_mtok(
    usd_per_gpu_hour: float,
    mem_bandwidth_tbps: float,
    params_b: float,
    weight_bytes_per_param: float,
    batch: float,
    context_tokens: float,
    kv_bytes_per_token: float,
) -> float:
    """Lowest possible USD per million output tokens for decode on this GPU at this price:
    usd_per_gpu_hour / (decode_tokens_per_s_ceiling on one GPU * 3600) * 1e6.

    The GPU count cancels: n GPUs cost n times as much and (under the ceiling's assumptions:
    memory-bound, full datasheet bandwidth, weights sharded without replication) read n
    times as fast. Same assumptions as :func:`decode_tokens_per_s_ceiling`; the real cost is
    higher by the bandwidth efficiency actually reached, prefill time, idle capacity and
    everything else a serving system spends.
    """
    ceiling = decode_tokens_per_s_ceiling(
        1.0, mem_bandwidth_tbps, params_b, weight_bytes_per_param, batch, context_tokens, kv_bytes_per_token
    )
    return usd_per_mtok(1.0, usd_per_gpu_hour, ceiling)


@formula("human_equivalent_ratio", 1)
def human_equivalent_ratio(ai_work_per_time: float, human_work_per_time: float) -> float:
    """Human-equivalent ratio = AI work per unit time / human work per unit time (same work
    unit and the same time unit on both sides): how many people's output one AI system matches."""
    _positive(human_work_per_time=human_work_per_time)
    if ai_work_per_time < 0:
        raise ValueError("ai_work_per_time must be >= 0")
    return ai_work_per_time / human_work_per_time


@formula("cost_ratio", 1)
def cost_ratio(human_cost_per_task: float, ai_cost_per_task: float) -> float:
    """Cost ratio = human cost per task / AI cost per task (same task, same currency):
    how many times cheaper the AI does it."""
    _positive(ai_cost_per_task=ai_cost_per_task)
    if human_cost_per_task < 0:
        raise ValueError("human_cost_per_task must be >= 0")
    return human_cost_per_task / ai_cost_per_task


@formula("optimisation_roi", 1)
def optimisation_roi(cost_before: float, cost_after: float, investment: float) -> float:
    """Optimisation value (ROI) = (cost before - cost after) / investment, with the costs
    over the same period and volume as the investment is judged on (e.g. a year's serving
    bill before and after a one-off engineering spend). 2.0 means the saving is twice the spend;
    negative means the optimisation made things dearer."""
    _positive(investment=investment)
    return (cost_before - cost_after) / investment
