"""Unit cost of inference: dollars per million tokens from a GPU price and a throughput,
the memory-bandwidth floor for decode, and the chapter's own framework.

Everything here is pure arithmetic on floats, registered as formulas
(`analysis.formulas.formula`) so a stored result names the formula and its input figures
(`figure_input`), and `infernomics audit` walks from a $/Mtok figure to the rental-price
row's page and to the throughput's source. The parameter names are the lineage roles.

Stable names (the benchmarks family calls them for measured runs; see docs/hardware.md):
- :func:`usd_per_mtok` (the arithmetic), and the registered formulas
  :func:`usd_per_mtok_output` / :func:`usd_per_mtok_total`, whose role name states which
  throughput was used (output tokens only, or input + output tokens).
- :func:`kv_cache_bytes_per_token`, :func:`decode_bytes_per_step`,
  :func:`decode_tokens_per_s_ceiling`, :func:`decode_floor_usd_per_mtok`.
- :func:`human_equivalent_ratio`, :func:`cost_ratio`, :func:`optimisation_roi`.
- :func:`derive_cost_per_mtok`: input figures in, (derived figure, lineage rows) out.
"""

from __future__ import annotations

from collections.abc import Mapping

from analysis.formulas import derive, formula

SECONDS_PER_HOUR = 3600.0
TOKENS_PER_MTOK = 1e6
BASES = ("output", "total")


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


def derive_cost_per_mtok(
    figure_id: str, basis: str, *, gpus: Mapping, price: Mapping, throughput: Mapping, entity: str, **fields
) -> tuple[dict, list[dict]]:
    """A $/Mtok derived figure and its lineage from three input figures (dicts with
    `figure_id` and `value`): the GPU count, the rental price (USD/GPU-hour) and the
    throughput (tokens/s of the whole deployment). `basis` is 'output' or 'total' and picks
    the formula, so the lineage role names the throughput used."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    key = f"usd_per_mtok_{basis}@1"
    role = f"{basis}_tokens_per_s"
    return derive(
        figure_id,
        key,
        {"gpus": gpus, "usd_per_gpu_hour": price, role: throughput},
        metric=f"usd_per_mtok_{basis}",
        entity_kind="gpu_deployment",
        entity=entity,
        unit="USD/Mtok",
        **fields,
    )


# A reference decode scenario for the pipeline's floor figures: a 70B-parameter dense model
# in BF16 at batch 1 with the KV cache ignored, i.e. the weights-only bound. Every value is
# an `assumption` figure so the floor's audit shows it.
REFERENCE_DECODE = {
    "params_b": (70.0, "B params", "reference model: 70B dense parameters read per decode step"),
    "weight_bytes_per_param": (2.0, "bytes", "BF16 weights, 2 bytes each"),
    "batch": (1.0, "sequences", "batch of one: the latency-bound case"),
    "context_tokens": (0.0, "tokens", "KV cache ignored (weights-only bound)"),
    "kv_bytes_per_token": (0.0, "bytes", "KV cache ignored (weights-only bound)"),
}
REFERENCE_PREFIX = "infernomics-derived/assumption/decode-floor-reference"


def reference_decode_floors(inputs_by_sku: Mapping[str, Mapping[str, Mapping]]) -> tuple[list[dict], list[dict]]:
    """Decode-floor figures for each sku from its price and bandwidth figures
    ({sku: {"usd_per_gpu_hour": fig, "mem_bandwidth_tbps": fig}}) under REFERENCE_DECODE.
    Returns (figure rows: the shared assumptions then one derived figure per sku, lineage rows)."""
    assumptions = {
        role: {
            "figure_id": f"{REFERENCE_PREFIX}/{role}",
            "source_id": "infernomics-derived",
            "metric": role,
            "entity_kind": "scenario",
            "entity": "decode-floor-reference",
            "value": value,
            "unit": unit,
            "bound": "=",
            "kind": "assumption",
            "verification": "unverified",
            "notes": why,
        }
        for role, (value, unit, why) in REFERENCE_DECODE.items()
    }
    figures, lineage = list(assumptions.values()), []
    for sku, given in sorted(inputs_by_sku.items()):
        figure, links = derive(
            f"infernomics-derived/decode-floor-reference/{sku}",
            "decode_floor_usd_per_mtok@1",
            {**assumptions, **given},
            metric="decode_floor_usd_per_mtok",
            entity_kind="gpu",
            entity=sku,
            unit="USD/Mtok",
            as_of=given["usd_per_gpu_hour"].get("as_of"),
            notes="lowest possible $/Mtok for decode of a 70B BF16 model at batch 1 on this GPU at this price",
        )
        figures.append(figure)
        lineage.extend(links)
    return figures, lineage


# The chapter's framework: which roles must share a unit, and each role's default unit
# when a user types a bare number.
FRAMEWORK = {
    "human_equivalent_ratio": {
        "units": {"ai_work_per_time": "tasks/hour", "human_work_per_time": "tasks/hour"},
        "same_unit": ("ai_work_per_time", "human_work_per_time"),
    },
    "cost_ratio": {
        "units": {"human_cost_per_task": "USD/task", "ai_cost_per_task": "USD/task"},
        "same_unit": ("human_cost_per_task", "ai_cost_per_task"),
    },
    "optimisation_roi": {
        "units": {"cost_before": "USD", "cost_after": "USD", "investment": "USD"},
        "same_unit": ("cost_before", "cost_after"),
    },
}


def derive_framework(
    name: str, inputs: Mapping[str, Mapping | tuple[float, str | None]], *, tag: str, entity: str = "scenario"
) -> tuple[list[dict], dict, list[dict]]:
    """Apply a framework formula to inputs that are stored figures (dicts with `figure_id`,
    `value`, `unit`) or user-supplied `(value, unit or None)` pairs. A pair becomes a figure
    of kind `assumption` (source infernomics-derived), so the result never rests on a bare
    number. Returns (new assumption figures, the derived figure, lineage rows).

    Refuses inputs whose units differ where the formula compares like with like (a cost
    ratio of USD/task against USD/hour is meaningless)."""
    if name not in FRAMEWORK:
        raise ValueError(f"unknown framework formula {name!r}; one of {sorted(FRAMEWORK)}")
    spec = FRAMEWORK[name]
    missing = set(spec["units"]) - set(inputs)
    extra = set(inputs) - set(spec["units"])
    if missing or extra:
        raise ValueError(
            f"{name} takes inputs {sorted(spec['units'])}; missing {sorted(missing)}, unknown {sorted(extra)}"
        )
    created, figures = [], {}
    for role, given in inputs.items():
        if isinstance(given, Mapping):
            figures[role] = given
            continue
        value, unit = given
        fig = {
            "figure_id": f"infernomics-derived/assumption/{name}/{tag}/{role}",
            "source_id": "infernomics-derived",
            "metric": role,
            "entity_kind": "scenario",
            "entity": entity,
            "value": float(value),
            "unit": unit or spec["units"][role],
            "bound": "=",
            "kind": "assumption",
            "verification": "unverified",
            "notes": f"user-supplied input to {name}",
        }
        created.append(fig)
        figures[role] = fig
    a, b = spec["same_unit"]
    if figures[a]["unit"] != figures[b]["unit"]:
        raise ValueError(f"{name}: {a} is in {figures[a]['unit']!r} but {b} is in {figures[b]['unit']!r}; use one unit")
    figure, lineage = derive(
        f"infernomics-derived/{name}/{tag}",
        f"{name}@1",
        figures,
        metric=name,
        entity_kind="scenario",
        entity=entity,
        unit="ratio",
    )
    return created, figure, lineage
