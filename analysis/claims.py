"""Derived checks of the cited figures themselves (before any trend is fitted).

First: ARK's p34 decline. The chapter quotes $3.50 (April 2025) -> $0.32 (December 2025)
per million tokens, "a 91% decline". Recomputed, the change is -90.857%, which rounds to
-91%: consistent. A recomputation that disagreed beyond rounding would be stored with
verification `value_mismatch` rather than being corrected or hidden.
"""

from __future__ import annotations

from collections.abc import Mapping

from analysis.formulas import agrees_within_rounding, derive

P34_BEFORE = "ark-big-ideas-2026/p34/sw-dev-cost-apr-2025"
P34_AFTER = "ark-big-ideas-2026/p34/sw-dev-cost-dec-2025"
P34_STATED = "ark-big-ideas-2026/p34/sw-dev-cost-decline-apr-dec-2025"
P34_DERIVED = "infernomics-derived/ark-big-ideas-2026/p34/sw-dev-cost-change-pct"


def recompute_stated_change(
    derived_id: str, before: Mapping, after: Mapping, stated_decline: Mapping, entity: str
) -> tuple[dict, list[dict]]:
    """Recompute a stated percentage decline from its two endpoint figures and check it."""
    figure, lineage = derive(
        derived_id,
        "pct_change",
        {"before": before, "after": after},
        metric="pct_change",
        entity_kind="market",
        entity=entity,
        unit="%",
        period_start=before.get("period_start"),
        period_end=after.get("period_end"),
    )
    stated = -float(stated_decline["value"])
    ok = agrees_within_rounding(figure["value"], stated)
    figure["verification"] = "verified" if ok else "value_mismatch"
    figure["notes"] = f"recomputed {figure['value']:.3f}% vs stated {stated:g}%: " + (
        "agrees within rounding" if ok else "DISAGREES beyond rounding"
    )
    lineage.append({"figure_id": derived_id, "input_figure_id": stated_decline["figure_id"], "role": "checked_against"})
    return figure, lineage


INPUT_IDS = (P34_BEFORE, P34_AFTER, P34_STATED)  # every figure the checks below read


def derived_claim_checks(figures_by_id: Mapping[str, Mapping]) -> tuple[list[dict], list[dict]]:
    """All derived checks whose inputs are present: (figures, lineage)."""
    out_figures, out_lineage = [], []
    if all(k in figures_by_id for k in (P34_BEFORE, P34_AFTER, P34_STATED)):
        fig, lin = recompute_stated_change(
            P34_DERIVED,
            figures_by_id[P34_BEFORE],
            figures_by_id[P34_AFTER],
            figures_by_id[P34_STATED],
            "AI models for software development",
        )
        out_figures.append(fig)
        out_lineage.extend(lin)
    return out_figures, out_lineage
