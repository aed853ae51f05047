"""Registered formulas and the derived check of a stated change."""

import pytest

from analysis import formulas
from analysis.formulas import arithmetic
from analysis.recomputed_claims import recompute_stated_change


def test_pct_change_of_the_p34_prices():
    assert arithmetic.pct_change(3.50, 0.32) == pytest.approx(-90.857142857)


def test_rounding_tolerance_follows_the_stated_digits():
    assert arithmetic.rounding_tolerance(91) == 0.5
    assert arithmetic.rounding_tolerance(90.9) == pytest.approx(0.05)
    assert arithmetic.agrees_within_rounding(-90.857, -91)
    assert not arithmetic.agrees_within_rounding(-90.857, -90.0)


def test_a_stated_decline_that_disagrees_beyond_rounding_is_flagged_not_hidden():
    before = {"figure_id": "b", "value": 3.50}
    after = {"figure_id": "a", "value": 0.32}
    figure, lineage = recompute_stated_change("d", before, after, {"figure_id": "s", "value": 80}, "x")
    assert figure["verification"] == "value_mismatch" and "DISAGREES" in figure["notes"]
    assert figure["value"] == pytest.approx(-90.857, abs=1e-3)  # the computed value is kept as computed
    assert {(r["role"], r["input_figure_id"]) for r in lineage} == {
        ("before", "b"),
        ("after", "a"),
        ("checked_against", "s"),
    }


def test_derive_names_formula_and_inputs():
    figure, lineage = formulas.derive(
        "x",
        arithmetic.ratio,
        {"numerator": {"figure_id": "n", "value": 3.5}, "denominator": {"figure_id": "d", "value": 0.32}},
        metric="fold",
        entity_kind="market",
        entity="e",
        unit="x",
    )
    assert figure["formula"] == "ratio@1" and figure["kind"] == "derived"
    assert figure["value"] == pytest.approx(10.9375)
    assert [r["role"] for r in lineage] == ["numerator", "denominator"]


def test_derive_refuses_missing_inputs_and_unknown_formulas():
    with pytest.raises(ValueError, match="needs inputs"):
        formulas.derive(
            "x",
            "pct_change",
            {"before": {"figure_id": "b", "value": 1}},
            metric="m",
            entity_kind="k",
            entity="e",
            unit="%",
        )
    with pytest.raises(KeyError, match="no formula"):
        formulas.get("eval_this_string")


def test_every_formula_lives_in_the_formulas_package_and_names_its_function():
    import importlib

    catalogue = formulas.all_formulas()
    assert {f.func.__module__ for f in catalogue} == {f"analysis.formulas.{m}" for m in formulas.CATALOGUE}
    for f in catalogue:
        module, _, name = f.path.rpartition(".")
        assert getattr(importlib.import_module(module), name) is f, f.key
        assert formulas.get(f.key) is f and f.doc != f.name  # a docstring, not just the name


def test_a_formula_defined_outside_the_package_is_refused():
    def elsewhere(x: float) -> float:
        return x

    with pytest.raises(ValueError, match="define it in an area module of analysis.formulas"):
        formulas.formula("elsewhere")(elsewhere)
    with pytest.raises(KeyError):
        formulas.get("elsewhere")


def test_roles_are_positional_parameters_and_settings_keyword_only():
    from analysis.formulas.trends import capability_window_decline

    assert capability_window_decline.roles == ("start_price", "end_price", "start_score", "end_score")
    assert capability_window_decline.settings == ("years",)
    assert capability_window_decline(3.5, 0.35) == pytest.approx(10.0)
    assert capability_window_decline(3.5, 0.35, years=2.0) == pytest.approx(10**0.5)
