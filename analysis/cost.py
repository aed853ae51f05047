"""Unit cost of inference: dollars per million tokens from a GPU price and a throughput,
the memory-bandwidth floor for decode, and the chapter's own framework.

The arithmetic is registered as formulas in `analysis.formulas.cost` (re-exported here)
so a stored result names the formula and its input figures
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
from typing import TypedDict

from analysis.formulas import Formula, derive
from analysis.formulas.cost import (
    SECONDS_PER_HOUR,
    TOKENS_PER_MTOK,
    cost_ratio,
    decode_bytes_per_step,
    decode_floor_usd_per_mtok,
    decode_tokens_per_s_ceiling,
    human_equivalent_ratio,
    kv_cache_bytes_per_token,
    optimisation_roi,
    usd_per_mtok,
    usd_per_mtok_output,
    usd_per_mtok_total,
)

__all__ = [
    "SECONDS_PER_HOUR",
    "TOKENS_PER_MTOK",
    "cost_ratio",
    "decode_bytes_per_step",
    "decode_floor_usd_per_mtok",
    "decode_tokens_per_s_ceiling",
    "human_equivalent_ratio",
    "kv_cache_bytes_per_token",
    "optimisation_roi",
    "usd_per_mtok",
    "usd_per_mtok_output",
    "usd_per_mtok_total",
    "derive_cost_per_mtok",
    "reference_decode_floors",
    "derive_framework",
]

BASES = ("output", "total")
# the formula of each basis: its throughput role names which tokens were counted
PER_MTOK: dict[str, Formula[..., float]] = {"output": usd_per_mtok_output, "total": usd_per_mtok_total}


def derive_cost_per_mtok(
    figure_id: str, basis: str, *, gpus: Mapping, price: Mapping, throughput: Mapping, entity: str, **fields
) -> tuple[dict, list[dict]]:
    """A $/Mtok derived figure and its lineage from three input figures (dicts with
    `figure_id` and `value`): the GPU count, the rental price (USD/GPU-hour) and the
    throughput (tokens/s of the whole deployment). `basis` is 'output' or 'total' and picks
    the formula, so the lineage role names the throughput used."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    role = f"{basis}_tokens_per_s"
    return derive(
        figure_id,
        PER_MTOK[basis],
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
            decode_floor_usd_per_mtok,
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
class FrameworkSpec(TypedDict):
    formula: Formula  # the registered formula the name stands for
    units: dict[str, str]  # role -> default unit
    same_unit: tuple[str, str]  # the two roles whose units must agree


FRAMEWORK: dict[str, FrameworkSpec] = {
    "human_equivalent_ratio": {
        "formula": human_equivalent_ratio,
        "units": {"ai_work_per_time": "tasks/hour", "human_work_per_time": "tasks/hour"},
        "same_unit": ("ai_work_per_time", "human_work_per_time"),
    },
    "cost_ratio": {
        "formula": cost_ratio,
        "units": {"human_cost_per_task": "USD/task", "ai_cost_per_task": "USD/task"},
        "same_unit": ("human_cost_per_task", "ai_cost_per_task"),
    },
    "optimisation_roi": {
        "formula": optimisation_roi,
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
        spec["formula"],
        figures,
        metric=name,
        entity_kind="scenario",
        entity=entity,
        unit="ratio",
    )
    return created, figure, lineage
