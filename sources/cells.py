"""Cell parsers shared by every adapter: one function per kind of cell, one fixed rule each.

Each parser takes the cell as read (text, or a JSON value), the column's name and the row's
`errors` list; it returns the parsed value, or None after appending one `"rule: reason"`
entry (the row is then quarantined with that rule by `warehouse.store.store`). An empty
cell is None without an error unless `required=True`, which records `value_present`.

    errors: list[str] = []
    price = cells.number(rec["price"], "price", errors, required=True, minimum="non_negative")
    day = cells.date(rec["as_of"], "as_of", errors)

The rule names are constants of `warehouse.rules` (listed, with their meaning, in
docs/quarantine-rules.md): a bad date is `date_parses` whichever adapter read it.

Decisions:
* Nothing is fixed silently: thousands separators (`1,979`) and a leading `$` are read only
  where the caller says its file writes them (`thousands=True`, `currency=True`); NaN and
  infinity are errors (`number_finite`), never NULLs.
* The reason names the column and quotes what it held (shortened), so a person can find the
  cell from the quarantine row alone.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Literal
from urllib.parse import urlparse

from warehouse.rules import (
    DATE_PARSES,
    NUMBER_FINITE,
    NUMBER_NON_NEGATIVE,
    NUMBER_PARSES,
    NUMBER_POSITIVE,
    URL_VALID,
    VALUE_PRESENT,
)

Minimum = Literal["non_negative", "positive"] | None


def _shown(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_empty(value: Any) -> bool:
    """None, or text that is blank once stripped."""
    return value is None or (isinstance(value, str) and not value.strip())


def present(value: Any, column: str, errors: list[str], *, what: str = "") -> Any:
    """The cell (stripped when text), or None with `value_present` when it is empty."""
    if is_empty(value):
        errors.append(f"{VALUE_PRESENT}: {column} is empty{' (' + what + ')' if what else ''}")
        return None
    return value.strip() if isinstance(value, str) else value


def text(value: Any) -> str | None:
    """A text cell stripped, or None when empty (no rule: an optional text cell)."""
    return None if is_empty(value) else str(value).strip()


def number(
    value: Any,
    column: str,
    errors: list[str],
    *,
    required: bool = False,
    minimum: Minimum = None,
    thousands: bool = False,
    currency: bool = False,
    from_text: bool = True,
) -> float | None:
    """A number from text or a JSON number. Rules: `value_present` (empty and `required`),
    `number_parses` (not a number; a boolean is not one, nor text when `from_text=False`,
    for a typed source whose numbers are never strings), `number_finite` (NaN, infinity),
    `number_non_negative` / `number_positive` (below `minimum`)."""
    if is_empty(value):
        if required:
            errors.append(f"{VALUE_PRESENT}: {column} is empty")
        return None
    if isinstance(value, bool) or not (from_text or isinstance(value, int | float)):
        errors.append(f"{NUMBER_PARSES}: {column} is {_shown(value)}, not a number")
        return None
    if isinstance(value, int | float):
        x = float(value)
    else:
        raw = str(value).strip()
        if thousands:
            raw = raw.replace(",", "")
        if currency:
            raw = raw.removeprefix("$")
        try:
            x = float(raw)
        except (ValueError, OverflowError):
            errors.append(f"{NUMBER_PARSES}: {column} is {_shown(value)}, not a number")
            return None
    if not math.isfinite(x):
        errors.append(f"{NUMBER_FINITE}: {column} is {_shown(value)}, not a finite number")
        return None
    if minimum == "non_negative" and x < 0:
        errors.append(f"{NUMBER_NON_NEGATIVE}: {column} is {_shown(value)}, below zero")
        return None
    if minimum == "positive" and x <= 0:
        errors.append(f"{NUMBER_POSITIVE}: {column} is {_shown(value)}, not above zero")
        return None
    return x


def date(
    value: Any,
    column: str,
    errors: list[str],
    *,
    required: bool = False,
    formats: tuple[str, ...] = (),
    what: str = "",
) -> dt.date | None:
    """A date: a `datetime.date` as is (YAML reads dates), else ISO `YYYY-MM-DD` text, or
    one of `formats` (strptime) where the file writes another. Rules: `value_present`
    (empty and `required`), `date_parses`."""
    if is_empty(value):
        if required:
            errors.append(f"{VALUE_PRESENT}: {column} is empty{' (' + what + ')' if what else ''}")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    for fmt in formats:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    expected = " or ".join(("YYYY-MM-DD", *formats))
    errors.append(f"{DATE_PARSES}: {column} is {_shown(value)}, not a date ({expected})")
    return None


def timestamp(
    value: Any, column: str, errors: list[str], *, formats: tuple[str, ...] = (), iso: bool = True
) -> dt.datetime | None:
    """A date and time, naive: ISO 8601 (`iso`; a stated offset is dropped, not applied, as
    the benchmark files' own tools read them) or one of `formats` (strptime). Rule: `date_parses`."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    raw = str(value).strip()
    if iso:
        try:
            return dt.datetime.fromisoformat(raw).replace(tzinfo=None)
        except ValueError:
            pass
    for fmt in formats:
        try:
            return dt.datetime.strptime(raw, fmt)
        except ValueError:
            continue
    expected = " or ".join((("ISO 8601",) if iso else ()) + formats)
    errors.append(f"{DATE_PARSES}: {column} is {_shown(value)}, not a date and time ({expected})")
    return None


def day_month_or_year(value: Any) -> tuple[dt.date | None, str | None]:
    """'2023-11-13' -> (that day, "day"), '2024-12' -> (1 Dec, "month"), '2022' -> (1 Jan, "year");
    empty -> (None, None); anything else raises ValueError. A year is all of that year, not
    1 January: the precision says so (`date_precision`)."""
    if is_empty(value):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    s = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return dt.date.fromisoformat(s), "day"
    if re.fullmatch(r"\d{4}-\d{2}", s):
        return dt.date.fromisoformat(s + "-01"), "month"
    if re.fullmatch(r"\d{4}", s):
        return dt.date(int(s), 1, 1), "year"
    raise ValueError(f"{s!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")


def dated(
    value: Any, column: str, errors: list[str], *, required: bool = False, what: str = ""
) -> tuple[dt.date | None, str | None]:
    """A date that may be a day, a month or a year: (first day, precision), see
    `day_month_or_year`. Rules: `value_present` (empty and `required`), `date_parses`."""
    if is_empty(value):
        if required:
            errors.append(f"{VALUE_PRESENT}: {column} is empty{' (' + what + ')' if what else ''}")
        return None, None
    try:
        return day_month_or_year(value)
    except ValueError:
        errors.append(f"{DATE_PARSES}: {column} is {_shown(value)}, not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
        return None, None


def url(
    value: Any, column: str, errors: list[str], *, required: bool = False, schemes: tuple[str, ...] = ("https", "http")
) -> str | None:
    """An absolute URL whose scheme is one of `schemes`. Rules: `value_present`, `url_valid`."""
    if is_empty(value):
        if required:
            errors.append(f"{VALUE_PRESENT}: {column} is empty")
        return None
    raw = str(value).strip()
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not parsed.netloc:
        errors.append(f"{URL_VALID}: {column} is {_shown(value)}, not a {'/'.join(schemes)} URL")
        return None
    return raw
