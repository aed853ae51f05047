"""Claim checks: a cited change beside what the stored data says, as a verdict with the
data's multiple (x cheaper for a decline, x more for growth) and its interval.

Each check kind is one formula, and the trends family's claim checks call it to compute
the check figure (`infernomics-derived/claim-check/<id>`): the figure's value is the
returned :class:`Check`'s `value`, its interval `low`/`high`, its qualifier the `verdict`.
Roles are those of the check figure's lineage: `claim` (the claim figure, read as a
:class:`Claimed` multiple) and `evidence` (the stored fits or figures it is judged on).
Before, one formula `claim_check@1` labelled every kind and computed none of them.
Whether a claim is testable at all (does the data cover its window?) is decided before a
formula is applied; the formulas judge testable claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.formulas import formula
from analysis.formulas.arithmetic import agrees_within_rounding, rounding_tolerance
from analysis.recomputed_claims import BY_SOME_MEASURES


@dataclass(frozen=True)
class Claimed:
    """A claim read as a multiple: `multiple` with its `bound` (=, ~, >, <, range), and for a
    range or a rounded percentage the multiples it covers (`low`, `high`)."""

    multiple: float | None
    bound: str
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Check:
    """What a check computed: the figure's value (None for a range), interval and verdict;
    for a stated percentage also the observed percentage and the multiples it covers."""

    value: float | None
    low: float | None
    high: float | None
    verdict: str
    pct: float | None = None
    claimed_low: float | None = None
    claimed_high: float | None = None


def verdict(
    claimed: float | None,
    bound: str,
    low: float,
    high: float,
    claimed_range: tuple[float, float] | None = None,
    range_ends: tuple[tuple[float, float], tuple[float, float]] | None = None,
) -> str:
    """consistent / inconsistent for a testable claim: its value (for "more than" the region
    above it, for "less than" the region below, for a range each end) inside the data's
    interval."""
    if bound == "range":
        if claimed_range is None or range_ends is None:
            raise ValueError("a range claim needs its claimed range and the two fits' intervals")
        (lo1, hi1), (lo2, hi2) = range_ends
        ok = lo1 <= claimed_range[0] <= hi1 and lo2 <= claimed_range[1] <= hi2
    elif claimed is None:
        raise ValueError(f"a claim with bound {bound!r} needs a claimed multiple")
    elif bound == ">":
        ok = high >= claimed
    elif bound == "<":
        ok = low <= claimed
    else:
        ok = low <= claimed <= high
    return "consistent" if ok else "inconsistent"


def pct_multiple(direction: str, pct: float) -> float:
    """A percentage change as a multiple: 99% lower is 100x cheaper, 45% more is 1.45x."""
    return 1 / (1 - pct / 100) if direction == "decline" else 1 + pct / 100


@formula("claim_check_fit_multiple", 1)
def claim_check_fit_multiple(claim: Claimed, evidence: tuple[float, float, float], *, years: float) -> Check:
    """A claimed rate per year, or multiple over a window, against one stored fit. `evidence`
    is the fit's rate per year in the claim's direction (x cheaper or x more) with its
    interval ends; the data's multiple is rate ** years (years = the claim's window, or 1
    for a rate per year), its interval the ends raised likewise. Verdict: consistent when
    the claimed multiple (for "more than", the region above it) lies inside that interval."""
    rate, end_a, end_b = evidence
    ends = [end_a**years, end_b**years]
    low, high = min(ends), max(ends)
    return Check(rate**years, low, high, verdict(claim.multiple, claim.bound, low, high))


@formula("claim_check_observed_ratio", 1)
def claim_check_observed_ratio(
    claim: Claimed, evidence: tuple[float, float], *, direction: str, stated_pct: float | None = None
) -> Check:
    """A claimed change between two observed values against their stored figures (`evidence`:
    before, after). Value: before / after for a decline (x cheaper), after / before for
    growth; no interval. With a stated percentage (`stated_pct`, e.g. 44 for "44% lower"):
    consistent when the observed percentage agrees within the stated rounding, or for
    "up to N%" (bound <) is at most N% plus that rounding; the multiples the percentage
    covers are returned as `claimed_low`/`claimed_high`. Without: consistent when the
    ratio is within 5% of the claimed multiple (both figures are rounded)."""
    before, after = evidence
    ratio = before / after if direction == "decline" else after / before
    if stated_pct is None:
        if claim.multiple is None:
            raise ValueError("an observed-ratio claim needs a claimed multiple or a stated percentage")
        ok = abs(ratio / claim.multiple - 1) <= 0.05
        return Check(ratio, ratio, ratio, "consistent" if ok else "inconsistent")
    pct = (1 - after / before) * 100
    tol = rounding_tolerance(stated_pct)
    claimed_low = None if claim.bound == "<" else pct_multiple(direction, stated_pct - tol)
    claimed_high = pct_multiple(direction, stated_pct + tol)
    if claim.bound == "<":  # "up to N%"
        ok = abs(pct) <= stated_pct + tol
    else:
        ok = agrees_within_rounding(abs(pct), stated_pct)
    return Check(ratio, ratio, ratio, "consistent" if ok else "inconsistent", pct, claimed_low, claimed_high)


@formula("claim_check_rate_range", 1)
def claim_check_rate_range(
    claim: Claimed, evidence: tuple[tuple[float, float, float], tuple[float, float, float]]
) -> Check:
    """A claimed range of yearly declines ("10x to 900x per year") against the slowest and the
    fastest stored threshold fits (`evidence`: each fit's decline per year, x cheaper, with
    its interval ends low <= high). No single value: `low`/`high` are the slowest and
    fastest declines. Verdict: consistent when each claimed end lies in its extreme fit's
    interval."""
    if claim.low is None or claim.high is None:
        raise ValueError("a range claim needs both claimed ends")
    (slow, slow_lo, slow_hi), (fast, fast_lo, fast_hi) = evidence
    v = verdict(None, "range", 0, 0, (claim.low, claim.high), ((slow_lo, slow_hi), (fast_lo, fast_hi)))
    return Check(None, slow, fast, v)


@formula("claim_check_by_measures", 1)
def claim_check_by_measures(claim: Claimed, evidence: Sequence[tuple[float, bool]]) -> Check:
    """A cited change judged on many measures (capability thresholds x variants over the
    claim's window; `evidence`: each measure's observed multiple and whether it supports the
    claim, from capability_window_decline). Value: the largest observed multiple among the
    measures that support the claim (among all measures when none does); interval: the
    smallest and largest observed multiple of all measures. Verdict: "consistent by some
    measures" when at least one measure supports it, "inconsistent" when none does, "not
    testable" without measures. The lineage names the supporting measures (all when none
    supports)."""
    if not evidence:
        return Check(None, None, None, "not testable")
    observed = [o for o, _ in evidence]
    support = [o for o, ok in evidence if ok]
    return Check(
        max(support or observed), min(observed), max(observed), BY_SOME_MEASURES if support else "inconsistent"
    )
