"""Cited claims about a change over a period, beside what the stored data says.

Every claim is turned into a multiple: "x cheaper" for a cost decline, "x more" for
demand (a 99% decline is 100x cheaper; $3.50 -> $0.32 is 10.9x cheaper). The data's
multiple comes from a stored fit over the claim's own window and series definition, with
the fit's 90% interval, or from stored values directly where the claim is about two
observed points.

Verdicts:
- consistent: the claim's value (or, for "more than", the region above it; for a range,
  each end) lies inside the data's interval;
- inconsistent: it does not;
- not testable: the stored data do not cover the claim's window (each end within
  max(31 days, 5% of the window); a "since December 2024" claim needs data from
  December 2024) or its series definition. The reason then gives the nearest thing the
  data can say, marked extrapolated where it is, and `testable_with` names the data
  that would settle it.
A stated percentage ("99% cheaper") is read to its rounding (98.5-99.5%): the multiples
it covers are stored as `claimed_low`/`claimed_high` (for "up to N%", only
`claimed_high`), as for a claimed range of rates.
Claims whose window is "the past year" of a report are given the calendar year before
publication (stated in `series_definition`), an assumption the report does not make
explicit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any

import polars as pl
import yaml

from analysis import capability_price as cp
from analysis.formulas import Formula
from analysis.formulas.arithmetic import rounding_tolerance
from analysis.formulas.claims import (
    Check,
    Claimed,
    claim_check_by_measures,
    claim_check_fit_multiple,
    claim_check_observed_ratio,
    claim_check_rate_range,
)
from analysis.formulas.trends import capability_window_decline
from analysis.recomputed_claims import by_some_measures, measure_supports
from analysis.trend import fmt_multiple as fm
from analysis.trends.records import DERIVED, unique_lineage

SPEC_FILE = "claim_specs.yaml"  # beside this module; its header documents every field


class Kind(StrEnum):
    """What the data's multiple is computed from."""

    RATE_PER_YEAR = "rate_per_year"  # a stored fit's yearly rate
    MULTIPLE_OVER_WINDOW = "multiple_over_window"  # a stored fit's rate over the claim's window
    RATE_RANGE = "rate_range"  # the slowest and fastest capability fits against a claimed range
    OBSERVED_RATIO = "observed_ratio"  # two stored figures (before, after)
    CAPABILITY_MEASURES = "capability_measures"  # every threshold x variant path over the window


class Direction(StrEnum):
    DECLINE = "decline"  # the multiple is "x cheaper"
    GROWTH = "growth"  # the multiple is "x more"


class Bound(StrEnum):
    EQUAL = "="
    ABOUT = "~"
    MORE_THAN = ">"
    LESS_THAN = "<"
    RANGE = "range"


class Evidence(StrEnum):
    NAMED_FITS = "named_fits"  # fit_ids, first stored wins
    FASTEST_CAPABILITY_FIT = "fastest_capability_fit"  # the "by some measures" reading most favourable


@dataclass
class ClaimSpec:
    check_id: str
    claim_figure_ids: list[str]  # the first one stored is used
    claim: str
    kind: str  # a Kind
    direction: str  # a Direction
    claimed: float | None
    bound: str  # a Bound
    series_definition: str
    testable_with: str
    window: tuple[dt.date, dt.date] | None = None
    claimed_range: tuple[float, float] | None = None
    fit_ids: list[str] = field(default_factory=list)  # evidence fits, first stored wins
    figure_pair: tuple[str, str] | None = None  # observed_ratio: (before, after) figure ids
    stated_pct: float | None = None  # observed_ratio: a stated % change, checked to its rounding
    benchmarks: tuple[str, ...] | None = None  # capability_measures: which benchmarks count (None: all)
    per_year: bool = False  # capability_measures: judge multiples per year
    claimed_band: tuple[float, float] | None = None  # capability_measures: the multiples the claim's rounding covers
    price_levels: tuple[float, float] | None = None  # capability_measures: claimed USD/Mtok at start and end
    evidence: str = Evidence.NAMED_FITS.value  # an Evidence


class ClaimSpecError(ValueError):
    """A claim spec the file states wrongly: names the file, the claim and the field."""


REQUIRED = ("check_id", "claim_figure_ids", "claim", "kind", "direction", "bound", "series_definition")
# fields only some kinds read: stating one for another kind would be silently ignored, so it is an error
ONLY_FOR = {
    "claimed_range": {Kind.RATE_RANGE},
    "fit_ids": {Kind.RATE_PER_YEAR, Kind.MULTIPLE_OVER_WINDOW},
    "evidence": {Kind.RATE_PER_YEAR, Kind.MULTIPLE_OVER_WINDOW},
    "figure_pair": {Kind.OBSERVED_RATIO},
    "stated_pct": {Kind.OBSERVED_RATIO},
    "benchmarks": {Kind.CAPABILITY_MEASURES},
    "per_year": {Kind.CAPABILITY_MEASURES},
    "claimed_band": {Kind.CAPABILITY_MEASURES},
    "price_levels": {Kind.CAPABILITY_MEASURES},
}
NEEDS = {
    Kind.MULTIPLE_OVER_WINDOW: ("claimed", "window"),
    Kind.RATE_PER_YEAR: ("claimed",),
    Kind.RATE_RANGE: ("claimed_range",),
    Kind.OBSERVED_RATIO: ("claimed", "window", "figure_pair"),
    Kind.CAPABILITY_MEASURES: ("claimed", "window"),
}
FIELDS = {f for f in ClaimSpec.__dataclass_fields__}


def load_specs(text: str | None = None, name: str = SPEC_FILE) -> list[ClaimSpec]:
    """The claim specs of `claim_specs.yaml` (or of `text`), each field checked; a
    ClaimSpecError names the file, the claim and the field of the first problem."""
    if text is None:
        text = resources.files(__package__).joinpath(SPEC_FILE).read_text(encoding="utf-8")
    doc = yaml.safe_load(text) or {}
    unknown = set(doc) - {"texts", "benchmark_sets", "claims"}
    if unknown:
        raise ClaimSpecError(f"{name}: unknown top-level key(s) {sorted(unknown)}")
    texts = doc.get("texts") or {}
    sets = doc.get("benchmark_sets") or {}
    specs, seen = [], set()
    for i, entry in enumerate(doc.get("claims") or []):
        where = f"{name}: claim {entry.get('check_id', f'#{i + 1}') if isinstance(entry, dict) else f'#{i + 1}'}"
        if not isinstance(entry, dict):
            raise ClaimSpecError(f"{where}: a claim is a mapping of fields, got {type(entry).__name__}")
        spec = _spec(entry, where, texts, sets)
        if spec.check_id in seen:
            raise ClaimSpecError(f"{where}: check_id is used twice")
        seen.add(spec.check_id)
        specs.append(spec)
    if not specs:
        raise ClaimSpecError(f"{name}: no claims")
    return specs


def _spec(entry: dict, where: str, texts: dict, sets: dict) -> ClaimSpec:
    unknown = set(entry) - FIELDS
    if unknown:
        raise ClaimSpecError(f"{where}: unknown field(s) {sorted(unknown)}; fields are {sorted(FIELDS)}")
    missing = [f for f in REQUIRED if entry.get(f) in (None, "", [])]
    if missing:
        raise ClaimSpecError(f"{where}: missing {', '.join(missing)}")
    kind = _enum(Kind, entry, "kind", where)
    direction = _enum(Direction, entry, "direction", where)
    bound = _enum(Bound, entry, "bound", where)
    evidence = _enum(Evidence, entry, "evidence", where) if "evidence" in entry else Evidence.NAMED_FITS
    for f, kinds in ONLY_FOR.items():
        if f in entry and kind not in kinds:
            raise ClaimSpecError(f"{where}: field {f} is only read for kind {', '.join(sorted(kinds))}, not {kind}")
    absent = [f for f in NEEDS[kind] if entry.get(f) is None]
    if absent:
        raise ClaimSpecError(f"{where}: kind {kind} needs {', '.join(absent)}")
    if (bound == Bound.RANGE) != (kind == Kind.RATE_RANGE):
        raise ClaimSpecError(f"{where}: bound range goes with kind rate_range (and only with it)")
    if kind == Kind.RATE_RANGE and entry.get("claimed") is not None:
        raise ClaimSpecError(f"{where}: a claimed range states claimed_range, not claimed")
    benchmarks = entry.get("benchmarks")
    if isinstance(benchmarks, str):
        if benchmarks not in sets:
            raise ClaimSpecError(f"{where}: benchmarks {benchmarks!r} is not a benchmark_sets name ({sorted(sets)})")
        benchmarks = sets[benchmarks]
    return ClaimSpec(
        check_id=_text(entry, "check_id", where),
        claim_figure_ids=[str(x) for x in _list(entry, "claim_figure_ids", where)],
        claim=_text(entry, "claim", where),
        kind=kind.value,
        direction=direction.value,
        claimed=_multiple(entry.get("claimed"), direction, where),
        bound=bound.value,
        series_definition=_fill(_text(entry, "series_definition", where), texts, where),
        testable_with=_fill(str(entry.get("testable_with") or ""), texts, where),
        window=_pair(entry, "window", where, dt.date),
        claimed_range=_pair(entry, "claimed_range", where, float),
        fit_ids=[str(x) for x in entry.get("fit_ids") or []],
        figure_pair=_pair(entry, "figure_pair", where, str),
        stated_pct=_number(entry.get("stated_pct"), "stated_pct", where),
        benchmarks=tuple(str(b) for b in benchmarks) if benchmarks is not None else None,
        per_year=_flag(entry, "per_year", where),
        claimed_band=_band(entry.get("claimed_band"), where),
        price_levels=_pair(entry, "price_levels", where, float),
        evidence=evidence.value,
    )


def _enum(enum: type[StrEnum], entry: dict, name: str, where: str):
    try:
        return enum(entry[name])
    except ValueError:
        allowed = " | ".join(e.value for e in enum)
        raise ClaimSpecError(f"{where}: {name} {entry[name]!r} is not one of {allowed}") from None


def _text(entry: dict, name: str, where: str) -> str:
    if not isinstance(entry[name], str):
        raise ClaimSpecError(f"{where}: {name} must be text, got {entry[name]!r}")
    return entry[name]


def _list(entry: dict, name: str, where: str) -> list:
    if not isinstance(entry[name], list):
        raise ClaimSpecError(f"{where}: {name} must be a list, got {entry[name]!r}")
    return entry[name]


def _flag(entry: dict, name: str, where: str) -> bool:
    value = entry.get(name, False)
    if not isinstance(value, bool):
        raise ClaimSpecError(f"{where}: {name} must be true or false, got {value!r}")
    return value


def _number(value, name: str, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ClaimSpecError(f"{where}: {name} must be a positive number, got {value!r}")
    return float(value)


def _pair(entry: dict, name: str, where: str, kind: type):
    value = entry.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise ClaimSpecError(f"{where}: {name} must be a list of two, got {value!r}")
    if kind is float:
        return (_number(value[0], name, where), _number(value[1], name, where))
    if not all(isinstance(v, kind) for v in value):
        raise ClaimSpecError(f"{where}: {name} must be two {kind.__name__} values, got {value!r}")
    if kind is dt.date and value[0] > value[1]:
        raise ClaimSpecError(f"{where}: {name} starts after it ends: {value!r}")
    return (value[0], value[1])


def _multiple(value, direction: Direction, where: str) -> float | None:
    """A claimed multiple: a number, {from: A, to: B} (the multiple between two stated levels)
    or {remaining: F} (a cut that leaves the fraction F of the price)."""
    if value is None or not isinstance(value, dict):
        return _number(value, "claimed", where)
    if set(value) == {"from", "to"}:
        start, end = _number(value["from"], "claimed.from", where), _number(value["to"], "claimed.to", where)
        assert start is not None and end is not None
        return start / end if direction == Direction.DECLINE else end / start
    if set(value) == {"remaining"}:
        left = _number(value["remaining"], "claimed.remaining", where)
        assert left is not None
        return 1 / left
    raise ClaimSpecError(f"{where}: claimed is a number, {{from, to}} or {{remaining}}, got {value!r}")


def _band(value, where: str) -> tuple[float, float] | None:
    """The multiples a stated percentage covers: {remaining: [F1, F2]} or {decline_pct: [P1, P2]}."""
    if value is None:
        return None
    if isinstance(value, dict) and len(value) == 1 and set(value) <= {"remaining", "decline_pct"}:
        (form, ends), *_ = value.items()
        if isinstance(ends, list) and len(ends) == 2:
            a, b = (_number(e, f"claimed_band.{form}", where) for e in ends)
            assert a is not None and b is not None
            if form == "remaining":
                return (1 / a, 1 / b)
            if a < 100 and b < 100:
                return (1 / (1 - a / 100), 1 / (1 - b / 100))
    raise ClaimSpecError(
        f"{where}: claimed_band is {{remaining: [F1, F2]}} or {{decline_pct: [P1, P2]}} (P < 100), got {value!r}"
    )


def _fill(text: str, texts: dict, where: str) -> str:
    """`{name}` in a text replaced by the file's `texts[name]`."""

    def one(match: re.Match) -> str:
        if match.group(1) not in texts:
            raise ClaimSpecError(f"{where}: {{{match.group(1)}}} is not a name of texts ({sorted(texts)})")
        return str(texts[match.group(1)])

    return re.sub(r"\{(\w+)\}", one, text)


SPECS = load_specs()


def as_multiple(direction: str, growth_factor: float) -> float:
    """A fit's growth factor as the claim's multiple: x cheaper (decline) or x more (growth)."""
    return 1 / growth_factor if direction == "decline" else growth_factor


def claim_rates(spec: ClaimSpec, fit: dict) -> tuple[float, float, float]:
    """A stored fit's rate per year in the claim's direction (x cheaper or x more) and its
    interval ends: the evidence `claim_check_fit_multiple` takes."""
    return (
        as_multiple(spec.direction, fit["factor_per_year"]),
        as_multiple(spec.direction, fit["factor_low"]),
        as_multiple(spec.direction, fit["factor_high"]),
    )


# The formula each kind of claim is checked with (the check figure's `formula`).
CHECK_FORMULA: dict[str, Formula[..., Check]] = {
    Kind.RATE_PER_YEAR: claim_check_fit_multiple,
    Kind.MULTIPLE_OVER_WINDOW: claim_check_fit_multiple,
    Kind.RATE_RANGE: claim_check_rate_range,
    Kind.OBSERVED_RATIO: claim_check_observed_ratio,
    Kind.CAPABILITY_MEASURES: claim_check_by_measures,
}


def covers(window: tuple[dt.date, dt.date], start: dt.date, end: dt.date) -> bool:
    tol = max(31, 0.05 * (window[1] - window[0]).days)
    return (start - window[0]).days <= tol and (window[1] - end).days <= tol


def evaluate(
    spec: ClaimSpec, fits: dict[str, dict], figures: dict[str, dict], paths: pl.DataFrame | None = None
) -> dict | None:
    """One claim_check row plus its derived figure and lineage (and, for a claim judged on
    capability measures, its `claim_measure` rows and their figures); None when no claim
    figure is stored."""
    claim_id = next((f for f in spec.claim_figure_ids if f in figures), None)
    if claim_id is None:
        return None
    row = dict(
        check_id=spec.check_id,
        claim_figure_id=claim_id,
        claim=spec.claim,
        claimed_multiple=spec.claimed,
        claimed_low=spec.claimed_range[0] if spec.claimed_range else None,
        claimed_high=spec.claimed_range[1] if spec.claimed_range else None,
        claim_bound=spec.bound,
        window_start=spec.window[0] if spec.window else None,
        window_end=spec.window[1] if spec.window else None,
        series_definition=spec.series_definition,
        data_multiple=None,
        data_low=None,
        data_high=None,
        level=None,
        fit_id=None,
        extrapolated=False,
        verdict="not testable",
        reason="",
        testable_with=spec.testable_with or None,
        check_figure_id=None,
        source_id=DERIVED,
        n_measures=None,
    )
    capability = [f for f in fits.values() if f["family"] == "capability_price" and f["method"] == "epoch-ols"]
    extra: dict[str, list[dict]] = {}
    if spec.kind == "capability_measures":
        update, evidence, extra = _capability_measures(spec, paths)
    elif spec.kind == "observed_ratio":
        update, evidence = _observed_ratio(spec, figures)
    elif spec.kind == "rate_range":
        update, evidence = _rate_range(spec, [f for f in capability if not f.get("claim_defined")])
    else:
        update, evidence = _from_fit(spec, _pick(spec, fits, capability))
    row.update(update)
    if row["verdict"] == "not testable" or not evidence:
        return dict(claim_check=[row], figure=[], figure_input=[])
    for m in extra.get("claim_measure", []):
        m["check_id"] = spec.check_id
    fid = f"{DERIVED}/claim-check/{spec.check_id}"
    row["check_figure_id"] = fid
    figure = dict(
        figure_id=fid,
        source_id=DERIVED,
        metric=f"claim_check_{spec.direction}_multiple",
        entity_kind="claim",
        entity=claim_id,
        value=row["data_multiple"],
        unit="x",
        bound="range" if row["data_multiple"] is None else "=",
        value_low=row["data_low"],
        value_high=row["data_high"],
        period_start=spec.window[0] if spec.window else None,
        period_end=spec.window[1] if spec.window else None,
        locator=spec.check_id,
        kind="derived",
        verification="unverified",
        formula=CHECK_FORMULA[spec.kind].key,
        qualifier=f"verdict: {row['verdict']}",
        notes=row["reason"],
    )
    lineage = [dict(figure_id=fid, input_figure_id=claim_id, role="claim")]
    lineage += [dict(figure_id=fid, input_figure_id=e, role="evidence") for e in evidence]
    return dict(
        claim_check=[row],
        figure=[figure] + extra.get("figure", []),
        figure_input=lineage + extra.get("figure_input", []),
        claim_measure=extra.get("claim_measure", []),
    )


def _observed_ratio(spec: ClaimSpec, figures: dict[str, dict]) -> tuple[dict, list[str]]:
    """Two stored figures (before, after) against a stated multiple or percentage."""
    assert spec.figure_pair is not None and spec.claimed is not None  # load_specs: observed_ratio needs both
    a, b = (figures.get(x) for x in spec.figure_pair)
    if a is None or b is None:
        return dict(
            reason="the stored figures for the claim's two ends are not in the warehouse",
            testable_with=spec.testable_with or f"the figures {spec.figure_pair[0]} and {spec.figure_pair[1]}",
        ), []
    check = claim_check_observed_ratio(
        _claimed(spec), (a["value"], b["value"]), direction=spec.direction, stated_pct=spec.stated_pct
    )
    ratio = check.value
    if spec.stated_pct is not None:
        pct, tol = check.pct, rounding_tolerance(spec.stated_pct)
        if spec.bound == "<":  # "up to N%"
            how = f"{pct:.2f}% lower vs stated up to {spec.stated_pct:g}% (at most {spec.stated_pct + tol:g}% counts)"
        else:
            how = (
                f"{pct:.2f}% lower vs stated {spec.stated_pct:g}% (agreement within the stated rounding, "
                f"{spec.stated_pct - tol:g}-{spec.stated_pct + tol:g}%)"
            )
    else:
        how = f"{fm(ratio)}x vs claimed {fm(spec.claimed)}x (agreement within 5% counts: both figures are rounded)"
    return dict(
        data_multiple=ratio,
        data_low=ratio,
        data_high=ratio,
        claimed_low=check.claimed_low,
        claimed_high=check.claimed_high,
        verdict=check.verdict,
        reason=(
            f"stored figures {a['value']:.4g} -> {b['value']:.4g} {b.get('unit') or ''}: {how}; "
            "observed values, no interval"
        ),
    ), [a["figure_id"], b["figure_id"]]


def _rate_range(spec: ClaimSpec, epoch_fits: list[dict]) -> tuple[dict, list[str]]:
    """A claimed range of yearly rates against the slowest and fastest stored threshold fits."""
    if len(epoch_fits) < 2:
        return dict(
            reason="fewer than two capability-adjusted fits stored",
            testable_with="Epoch AI's LLM price data loaded and fitted",
        ), []

    def dec(f):
        return as_multiple("decline", f["factor_per_year"])

    slow, fast = min(epoch_fits, key=dec), max(epoch_fits, key=dec)
    ends = tuple(
        (as_multiple("decline", f["factor_high"]), as_multiple("decline", f["factor_low"])) for f in (slow, fast)
    )
    check = claim_check_rate_range(_claimed(spec), ((dec(slow), *ends[0]), (dec(fast), *ends[1])))
    v = check.verdict
    where = (
        "each claimed end lies in its extreme fit's interval"
        if v == "consistent"
        else "a claimed end lies outside its extreme fit's interval"
    )
    return dict(
        data_low=check.low,
        data_high=check.high,
        level=slow["level"],
        fit_id=slow["fit_id"],
        verdict=v,
        reason=(
            f"{len(epoch_fits)} threshold fits fall {fm(dec(slow))}x/yr ({slow['series']}, 90% CI "
            f"{fm(ends[0][0])}-{fm(ends[0][1])}) to {fm(dec(fast))}x/yr ({fast['series']}, 90% CI "
            f"{fm(ends[1][0])}-{fm(ends[1][1])}); {where}"
        ),
    ), [slow["rate_figure_id"], fast["rate_figure_id"]]


def _from_fit(spec: ClaimSpec, fit: dict | None) -> tuple[dict, list[str]]:
    """A rate or a multiple over the claim's window from one stored fit; untestable outside its dates."""
    if fit is None:
        return dict(
            reason=(
                "no stored series matches the claim's definition"
                if not spec.fit_ids
                else "the evidence fit is not stored"
            ),
            testable_with=spec.testable_with or "the fit named in the claim's series definition",
        ), []
    window = spec.window  # load_specs: multiple_over_window needs one
    years = (window[1] - window[0]).days / 365.25 if spec.kind == "multiple_over_window" and window else 1.0
    check = claim_check_fit_multiple(_claimed(spec), claim_rates(spec, fit), years=years)
    m, lo, hi = check.value, check.low, check.high
    what = (
        f"{fit['series']} ({fit['method']}, n={fit['n']}, {fit['date_start']} to {fit['date_end']}): "
        f"{fm(m)}x {'cheaper' if spec.direction == 'decline' else 'more'}"
        f"{' per year' if spec.kind == 'rate_per_year' else f' over {years:.2f} years'}, "
        f"{fit['level']:.0%} CI {fm(lo)}-{fm(hi)}"
    )
    beyond = spec.window is not None and (fit["date_start"] > spec.window[0] or fit["date_end"] < spec.window[1])
    if spec.window is not None and not covers(spec.window, fit["date_start"], fit["date_end"]):
        return dict(
            extrapolated=True,
            fit_id=fit["fit_id"],
            reason=(
                f"the stored data do not cover the claim's window {spec.window[0]} to "
                f"{spec.window[1]}; nearest evidence, EXTRAPOLATED: {what}"
            ),
        ), []
    v = check.verdict
    return dict(
        data_multiple=m,
        data_low=lo,
        data_high=hi,
        level=fit["level"],
        fit_id=fit["fit_id"],
        extrapolated=beyond,
        verdict=v,
        testable_with=spec.testable_with or None,
        reason=f"{what}; claimed {_claimed_text(spec)} is {'inside' if v == 'consistent' else 'outside'} the interval",
    ), [fit["rate_figure_id"]]


def _claimed(spec: ClaimSpec) -> Claimed:
    """The claim as its check formula reads it (role `claim`)."""
    low, high = spec.claimed_range or spec.claimed_band or (None, None)
    return Claimed(spec.claimed, spec.bound, low, high)


def _claimed_text(spec: ClaimSpec) -> str:
    sign = {">": "more than ", "~": "about ", "=": "", "<": "less than "}.get(spec.bound, "")
    unit = "x per year" if spec.kind == "rate_per_year" else "x"
    return f"{sign}{fm(spec.claimed)}{unit}"


def _pick(spec: ClaimSpec, fits: dict[str, dict], capability: list[dict]) -> dict | None:
    """The evidence fit: the first stored of `fit_ids`, or for evidence `fastest_capability_fit`
    the fastest-falling capability fit (the "by some measures" reading most favourable to the claim)."""
    if spec.evidence == Evidence.FASTEST_CAPABILITY_FIT:
        return min(capability, key=lambda f: f["factor_per_year"]) if capability else None
    for fid in spec.fit_ids:
        if fid in fits:
            return fits[fid]
    return None


def _capability_measures(spec: ClaimSpec, paths: pl.DataFrame | None) -> tuple[dict, list[str], dict]:
    """Every threshold x variant path measured over the claim's window (analysis.recomputed_claims rules).

    Each measure is a derived figure (formula capability_window_decline@1) with lineage to
    the prices at the window's two ends (roles start_price, end_price) and the scores that
    put those models over the threshold; the check's evidence is the measures that support
    the claim (all of them when none does)."""
    assert spec.window is not None and spec.claimed is not None  # load_specs: capability_measures needs both
    none: tuple[dict, list[str], dict] = (
        dict(reason="no capability-adjusted paths with data through 2026 are stored", testable_with=spec.testable_with),
        [],
        {},
    )
    if paths is None or paths.is_empty():
        return none
    rows = paths if spec.benchmarks is None else paths.filter(pl.col("benchmark").is_in(list(spec.benchmarks)))
    start, end = spec.window
    years = (end - start).days / 365.25
    measures: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []
    lineage: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    # plain rows grouped in Python, in the sorted order (as group_by(maintain_order=True)):
    # a polars frame per path cost more than measuring it
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows.sort("series", "obs_date").to_dicts():
        groups.setdefault(r["series"], []).append(r)
    for series, g in groups.items():
        path = [
            dict(
                obs_id=r["obs_id"],
                model=r["model_version"],
                release_date=r["obs_date"],
                price_usd_per_mtok=r["price_usd_per_mtok"],
            )
            for r in g
        ]
        m = cp.window_measure_rows(path, start, end)  # g is in obs_date order already
        if isinstance(m, str):
            continue
        first = g[0]
        observed: float = capability_window_decline(m.start_price, m.end_price, years=years if spec.per_year else None)
        f_lo, f_hi, f_m = m.fit_low, m.fit_high, m.fit_multiple
        if spec.per_year:
            f_m, f_lo, f_hi = (None if v is None else v ** (1 / years) for v in (f_m, f_lo, f_hi))
        band = spec.claimed_band or (None, None)
        ok, how = measure_supports(spec.bound, spec.claimed, observed, claimed_low=band[0], claimed_high=band[1])
        unit = "x per year" if spec.per_year else "x"
        by_obs = {r["obs_id"]: r for r in g}
        s_row, e_row = by_obs[m.start_obs_id], by_obs[m.end_obs_id]
        label = (
            f"{first['benchmark']} >= {first['lower']:.4g} ({first['threshold_version']}; {first['variant']}): "
            f"${m.start_price:.3g} {m.start_model} ({s_row['provider']}) -> ${m.end_price:.3g} {m.end_model} "
            f"({e_row['provider']}), "
            f"{fm(observed)}{unit} cheaper"
            + (f", window fit {fm(f_m)} [{fm(f_lo)}, {fm(f_hi)}]" if f_m is not None else "")
        )
        mid = f"{spec.check_id}/{series}"
        fid = f"{DERIVED}/claim-measure/{mid}"
        measures.append(
            dict(
                measure_id=mid,
                check_id=spec.check_id,
                series=series,
                variant=first["variant"],
                benchmark=first["benchmark"],
                lower=first["lower"],
                threshold_model=first["threshold_version"] or first["threshold_model"],
                window_start=start,
                window_end=end,
                start_price=m.start_price,
                end_price=m.end_price,
                start_model=m.start_model,
                end_model=m.end_model,
                start_provider=s_row["provider"],
                end_provider=e_row["provider"],
                observed_multiple=observed,
                n=m.n,
                fit_multiple=f_m,
                fit_low=f_lo,
                fit_high=f_hi,
                level=m.level,
                supports=ok,
                how=how,
                measure_figure_id=fid,
                source_id=DERIVED,
            )
        )
        figures.append(
            dict(
                figure_id=fid,
                source_id=DERIVED,
                metric="capability_price_decline_over_window",
                entity_kind="trend_series",
                entity=series,
                value=observed,
                unit=unit,
                bound="=",
                value_low=f_lo,
                value_high=f_hi,
                period_start=start,
                period_end=end,
                locator=mid,
                kind="derived",
                verification="unverified",
                formula=capability_window_decline.key,
                qualifier=label + ("; supports the claim" if ok else "; does not support the claim"),
            )
        )
        for role, r in (("start_price", s_row), ("end_price", e_row)):
            lineage += [dict(figure_id=fid, input_figure_id=f, role=role) for f in r["price_figure_ids"]]
            lineage.append(
                dict(figure_id=fid, input_figure_id=r["score_figure_id"], role=f"{role.split('_')[0]}_score")
            )
        labels.append(dict(label=label, supports=ok, fid=fid, observed=observed))
    labels.sort(key=lambda x: -x["observed"])  # largest declines named first
    verdict, summary = by_some_measures(
        labels, _claimed_text(spec) + (" per year" if spec.per_year and "per year" not in _claimed_text(spec) else "")
    )
    if verdict == "not testable":
        return dict(reason=f"{summary} (window {start} to {end})", testable_with=spec.testable_with), [], {}
    check = claim_check_by_measures(_claimed(spec), [(x["observed"], x["supports"]) for x in labels])
    if check.verdict != verdict:
        raise AssertionError(
            f"{spec.check_id}: {claim_check_by_measures.key} says {check.verdict}, the summary {verdict}"
        )
    chosen = [x for x in labels if x["supports"]] or labels
    observed_all = [x["observed"] for x in labels]
    levels = ""
    if spec.price_levels:
        price_levels = spec.price_levels
        near = min(labels, key=lambda x: abs(_log_gap(x, measures, price_levels)))
        levels = (
            f"; claimed ${spec.price_levels[0]:.2f} -> ${spec.price_levels[1]:.2f}, the measure nearest those "
            f"price levels: {near['label']}"
        )
    spread = ""
    if spec.bound != ">" and spec.claimed_band:
        above = sum(o > spec.claimed_band[1] for o in observed_all)
        below = sum(o < spec.claimed_band[0] for o in observed_all)
        spread = (
            f"; {above} measures above the claim's range [{fm(spec.claimed_band[0])}, {fm(spec.claimed_band[1])}], "
            f"{len(observed_all) - above - below} inside, {below} below"
        )
    median = sorted(observed_all)[len(observed_all) // 2]
    reason = (
        f"{summary}; window {start} to {end}; observed multiples range {fm(min(observed_all))} to "
        f"{fm(max(observed_all))} (median {fm(median)}) across {len(labels)} measures{spread}{levels}; "
        f"prices below ${cp.PRICE_FLOOR_USD_PER_MTOK}/Mtok are left out as unit errors; every measure in claim_measure "
        f"(SELECT * FROM claim_measure WHERE check_id = '{spec.check_id}')"
    )
    return (
        dict(
            data_multiple=check.value,
            data_low=check.low,
            data_high=check.high,
            level=0.9,
            n_measures=len(labels),
            verdict=verdict,
            reason=reason,
            testable_with=spec.testable_with or None,
        ),
        [x["fid"] for x in chosen],
        dict(claim_measure=measures, figure=figures, figure_input=unique_lineage(lineage)),
    )


def _log_gap(label: dict, measures: list[dict], levels: tuple[float, float]) -> float:
    """How far a measure's two prices are from the claimed ones (sum of |log10| gaps)."""
    import math

    m = next(x for x in measures if x["measure_figure_id"] == label["fid"])
    return abs(math.log10(m["start_price"] / levels[0])) + abs(math.log10(m["end_price"] / levels[1]))
