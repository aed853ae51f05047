"""Derived checks of the cited figures themselves (before any trend is fitted).

First: ARK's p34 decline. The chapter quotes $3.50 (April 2025) -> $0.32 (December 2025)
per million tokens, "a 91% decline". Recomputed, the change is -90.857%, which rounds to
-91%: consistent. A recomputation that disagreed beyond rounding would be stored with
verification `value_mismatch` rather than being corrected or hidden.
"""

from __future__ import annotations

from collections.abc import Mapping

from analysis.formulas import derive
from analysis.formulas.arithmetic import agrees_within_rounding, pct_change

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
        pct_change,
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


# --------------------------------------------------------------------------------------
# Claims judged on many measures ("by some measures"): each measure is one capability level
# (benchmark threshold) under one variant (reasoning models in or out; cheapest, first-party
# or median price) over the claim's window.
#
# Decisions:
# - A "more than N x" claim (ARK p20: "more than 99%") is supported by a measure whose
#   observed decline, the running-minimum price at the window's start over the one at its
#   end, exceeds N x. The window fit's interval is reported beside it, not used to stretch
#   a smaller decline into support.
# - An "about" or exact claim is supported by a measure whose observed multiple lies in the
#   range the claim's rounding covers ("-91%": 90.5-91.5%, 10.5x-11.8x; "99%": 66.7x-200x).
#   The window fit's interval is shown beside every measure but never decides: a path of
#   four or five steps gives intervals wide enough to hold almost any claim.
# - Verdict: "consistent by some measures" when at least one measure supports the claim,
#   with how many of how many and which; "inconsistent" when none does; "not testable"
#   only when there is no measure at all.
# --------------------------------------------------------------------------------------

BY_SOME_MEASURES = "consistent by some measures"


def measure_supports(
    bound: str, claimed: float, observed: float, *, claimed_low: float | None = None, claimed_high: float | None = None
) -> tuple[bool, str]:
    """Whether one measure's observed multiple supports a claimed multiple, and the rule used."""
    if bound == ">":
        ok = observed > claimed * (1 + 1e-9)  # exactly 100x (26.25 -> 0.2625) is 99%, not more
        return ok, f"observed {_x(observed)} {'>' if ok else '<='} claimed {_x(claimed)}"
    lo, hi = claimed_low if claimed_low is not None else claimed, claimed_high if claimed_high is not None else claimed
    ok = lo <= observed <= hi
    return ok, (
        f"observed {_x(observed)} {'inside' if ok else 'outside'} the range the claim's rounding covers "
        f"[{_x(lo)}, {_x(hi)}]"
    )


def by_some_measures(measures: list[dict], claim_text: str, shown: int = 8) -> tuple[str, str]:
    """(verdict, summary) of a claim over its measures (each `label`, `supports`); the
    summary names the supporting measures, or when none supports, the measures themselves."""
    if not measures:
        return "not testable", "no measure: no priced model met any threshold at the window's start"
    support = [m["label"] for m in measures if m["supports"]]
    n = len(measures)

    def listed(labels: list[str]) -> str:
        return "; ".join(labels[:shown]) + (f"; and {len(labels) - shown} more" if len(labels) > shown else "")

    if not support:
        return "inconsistent", f"none of {n} measures supports {claim_text}: {listed([m['label'] for m in measures])}"
    return BY_SOME_MEASURES, f"{len(support)} of {n} measures support {claim_text}: {listed(support)}"


def _x(v: float) -> str:
    return f"{v:,.0f}x" if abs(v) >= 100 else f"{v:.3g}x"
