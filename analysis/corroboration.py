"""Do two stored figures that report the same claim agree? A pure check, named per dimension.

Decisions:
- Four dimensions, each named when it differs, never reconciled: `value` (within the
  rounding the two figures state), `bound` (`>` and `=` are different claims: "more than
  99%" is not "99%"), `unit` (exact text, case and spacing aside: "USD trillion" is not
  "USD trillion per year") and `period` (as_of, period_start, period_end; a figure that
  states a period and one that states none differ, because a reader cannot tell they
  describe the same span).
- The rounding is the one the figures state: half a unit in the last decimal of the stored
  value (1.4 -> 0.05, 99 -> 0.5), the looser of the two, so 1.9 and 1.94 agree and 99
  and 95 do not. A stored float cannot keep a trailing zero ("3.50" is 3.5), so the
  tolerance is at most that loose, never tighter than what was written.
- Ranges compare low with low and high with high.
- What the check cannot see (one page says "U.S. GDP", the other "GDP") is a person's
  `scope_note` on the link, stored as a flag; the check does not guess at wording.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

DIMENSIONS = ("value", "bound", "unit", "period")
RELATIONS = ("same_claim", "restates", "derived_from")


@dataclass(frozen=True)
class Agreement:
    differences: tuple[str, ...]  # subset of DIMENSIONS, in that order
    details: tuple[str, ...]  # one line per difference, both sides' values

    @property
    def agrees(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        return "agrees" if self.agrees else "differs: " + "; ".join(self.details)


def stated_half_unit(value: float) -> float:
    """Half a unit in the last decimal the stored value shows: 1.4 -> 0.05, 99 -> 0.5."""
    if value == int(value):
        return 0.5
    text = repr(float(value))
    if "e" in text:
        return abs(value) * 1e-6
    decimals = len(text.split(".")[1])
    return 0.5 * 10**-decimals


def values_agree(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= max(stated_half_unit(a), stated_half_unit(b)) + 1e-12


def _norm_unit(unit: str | None) -> str:
    return " ".join((unit or "").lower().split())


def _period(f: Mapping) -> tuple:
    return tuple(_iso(f.get(k)) for k in ("as_of", "period_start", "period_end"))


def _iso(d) -> str | None:
    if d is None:
        return None
    return d.isoformat() if isinstance(d, (dt.date, dt.datetime)) else str(d)


def _show_value(f: Mapping) -> str:
    if f.get("bound") == "range":
        return f"{f.get('value_low'):g} to {f.get('value_high'):g}"
    return "none" if f.get("value") is None else f"{f['value']:g}"


def _show_period(f: Mapping) -> str:
    as_of, start, end = _period(f)
    parts = ([f"as of {as_of}"] if as_of else []) + (
        [" to ".join(x or "?" for x in (start, end))] if start or end else []
    )
    return ", ".join(parts) or "not stated"


def check_agreement(figure: Mapping, other: Mapping) -> Agreement:
    """Compare two figure rows (dicts with the figure table's columns)."""
    differences, details = [], []
    if figure.get("bound") == "range" or other.get("bound") == "range":
        same_value = values_agree(figure.get("value_low"), other.get("value_low")) and values_agree(
            figure.get("value_high"), other.get("value_high")
        )
    else:
        same_value = values_agree(figure.get("value"), other.get("value"))
    if not same_value:
        differences.append("value")
        details.append(f"value: {_show_value(figure)} vs {_show_value(other)} (beyond the stated rounding)")
    if figure.get("bound") != other.get("bound"):
        differences.append("bound")
        details.append(f"bound: {figure.get('bound')!s} vs {other.get('bound')!s}")
    if _norm_unit(figure.get("unit")) != _norm_unit(other.get("unit")):
        differences.append("unit")
        details.append(f"unit: {figure.get('unit')!r} vs {other.get('unit')!r}")
    if _period(figure) != _period(other):
        differences.append("period")
        details.append(f"period: {_show_period(figure)} vs {_show_period(other)}")
    return Agreement(tuple(differences), tuple(details))


def parse_declared(text: str | None) -> tuple[set[str] | None, str | None]:
    """`agrees` -> empty set; `differs: bound, unit` -> {'bound', 'unit'}; else an error."""
    text = (text or "").strip()
    if text == "agrees":
        return set(), None
    if text.startswith("differs:"):
        names = {n.strip() for n in text.split(":", 1)[1].split(",") if n.strip()}
        unknown = names - set(DIMENSIONS)
        if names and not unknown:
            return names, None
        return None, f"names {sorted(unknown) or 'no dimension'}; use {', '.join(DIMENSIONS)}"
    return None, f"{text!r} is neither 'agrees' nor 'differs' followed by a colon and some of {', '.join(DIMENSIONS)}"
