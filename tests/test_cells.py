"""The shared cell parsers (sources/cells.py): each kind of bad cell gets one rule name."""

import datetime as dt

import pytest

from sources import cells
from warehouse.rules import CELL_RULES, RULES


def _rules(errors: list[str]) -> list[str]:
    return [e.split(": ", 1)[0] for e in errors]


@pytest.mark.parametrize(
    "cell, kwargs, value, rules",
    [
        ("3.5", {}, 3.5, []),
        (" 7 ", {}, 7.0, []),
        (12, {}, 12.0, []),
        ("", {}, None, []),
        ("", {"required": True}, None, ["value_present"]),
        ("1,979", {}, None, ["number_parses"]),
        ("1,979", {"thousands": True}, 1979.0, []),
        ("$44489.88", {"currency": True}, 44489.88, []),
        ("n/a", {}, None, ["number_parses"]),
        (True, {}, None, ["number_parses"]),
        ("12", {"from_text": False}, None, ["number_parses"]),
        ("nan", {}, None, ["number_finite"]),
        (float("inf"), {}, None, ["number_finite"]),
        ("-1", {"minimum": "non_negative"}, None, ["number_non_negative"]),
        ("0", {"minimum": "non_negative"}, 0.0, []),
        ("0", {"minimum": "positive"}, None, ["number_positive"]),
    ],
)
def test_number(cell, kwargs, value, rules):
    errors: list[str] = []
    assert cells.number(cell, "price", errors, **kwargs) == value
    assert _rules(errors) == rules


def test_a_reason_names_the_column_and_quotes_the_cell():
    errors: list[str] = []
    cells.number("12 USD", "usd_per_gpu_hour", errors)
    assert errors == ["number_parses: usd_per_gpu_hour is '12 USD', not a number"]


@pytest.mark.parametrize(
    "cell, kwargs, value, rules",
    [
        ("2025-06-01", {}, dt.date(2025, 6, 1), []),
        (dt.date(2025, 6, 1), {}, dt.date(2025, 6, 1), []),
        (dt.datetime(2025, 6, 1, 9, 30), {}, dt.date(2025, 6, 1), []),
        ("2025-02-30", {}, None, ["date_parses"]),
        ("June 2025", {}, None, ["date_parses"]),
        ("06/01/2025", {"formats": ("%m/%d/%Y",)}, dt.date(2025, 6, 1), []),
        (None, {}, None, []),
        (" ", {"required": True}, None, ["value_present"]),
    ],
)
def test_date(cell, kwargs, value, rules):
    errors: list[str] = []
    assert cells.date(cell, "as_of", errors, **kwargs) == value
    assert _rules(errors) == rules


@pytest.mark.parametrize(
    "cell, day, precision",
    [
        ("2023-11-13", dt.date(2023, 11, 13), "day"),
        ("2024-12", dt.date(2024, 12, 1), "month"),
        ("2022", dt.date(2022, 1, 1), "year"),
        ("", None, None),
    ],
)
def test_a_date_keeps_its_precision(cell, day, precision):
    errors: list[str] = []
    assert cells.dated(cell, "release_date", errors) == (day, precision)
    assert errors == []


def test_a_quarter_is_not_a_date():
    errors: list[str] = []
    assert cells.dated("Q3 2023", "release_date", errors) == (None, None)
    assert _rules(errors) == ["date_parses"]


def test_present_and_url():
    errors: list[str] = []
    assert cells.present("  Lambda ", "provider", errors) == "Lambda"
    assert cells.present("", "provider", errors, what="a rental price names no provider") is None
    assert cells.url("https://epoch.ai/data", "source_url", errors) == "https://epoch.ai/data"
    assert cells.url("http://example.com", "source_url", errors, schemes=("https",)) is None
    assert cells.url("epoch.ai/data", "source_url", errors) is None
    assert errors[0] == "value_present: provider is empty (a rental price names no provider)"
    assert _rules(errors) == ["value_present", "url_valid", "url_valid"]


def test_every_cell_rule_is_a_listed_rule_with_a_meaning():
    assert set(CELL_RULES) <= set(RULES)
    assert all(meaning.strip() for meaning in RULES.values())
