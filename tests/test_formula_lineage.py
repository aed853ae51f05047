"""After a full refresh: every derived figure names a formula the `formula` table holds, and
every formula row names the function that computes it (an importable dotted path).

A user auditing a number goes figure -> formula -> code; these are the SQL checks that the
chain never breaks, over everything one refresh writes."""

import importlib
import io

import duckdb
import pytest

from analysis.formulas import Formula, all_formulas


@pytest.fixture(scope="module")
def con(refreshed_warehouse):
    c = duckdb.connect(str(refreshed_warehouse), read_only=True)
    yield c
    c.close()


# figures naming a formula the `formula` table has no row for, by formula
ORPHANS = (
    "SELECT f.formula, count(*) FROM figure f WHERE f.formula IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM formula fo WHERE fo.name || '@' || fo.version = f.formula) GROUP BY ALL ORDER BY ALL"
)


def q(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def test_no_figure_names_a_formula_the_formula_table_lacks(con):
    assert q(con, ORPHANS) == []
    # and every derived or fitted figure names one (an observed figure names none)
    assert (
        q(con, "SELECT kind, count(*) FROM figure WHERE kind IN ('derived', 'fit') AND formula IS NULL GROUP BY ALL")
        == []
    )
    assert q(con, "SELECT count(*) FROM figure WHERE kind IN ('observed', 'measured') AND formula IS NOT NULL") == [
        (0,)
    ]


def test_every_formula_row_names_its_registered_function(con):
    rows = q(con, "SELECT name || '@' || version, function, doc FROM formula ORDER BY 1")
    assert [key for key, *_ in rows] == [f.key for f in all_formulas()]
    for key, function, doc in rows:
        module, _, name = function.rpartition(".")
        registered = getattr(importlib.import_module(module), name)
        assert isinstance(registered, Formula) and registered.key == key, function
        assert doc == registered.doc


def test_each_figure_names_its_inputs_by_its_formulas_roles(con):
    """A figure's lineage roles are its formula's parameters, so the formula reads what the
    lineage says it read. Two roles name figures that do not enter the arithmetic:
    `checked_against` (a stated figure the result is compared with) and `price_component_<n>`
    (the further prices a median price point of the 2026 capability fits was taken over)."""
    roles = {f.key: set(f.roles) for f in all_formulas()}
    used = q(
        con,
        "SELECT f.formula, i.role FROM figure f JOIN figure_input i USING (figure_id) "
        "WHERE f.formula IS NOT NULL GROUP BY ALL ORDER BY ALL",
    )
    foreign = [
        (key, role)
        for key, role in used
        if role not in roles[key] and role != "checked_against" and not role.startswith("price_component_")
    ]
    assert foreign == []
    # every formula that labels a figure with lineage has its roles used
    assert {key for key, _ in used} >= {"trend_exponential_ols@2", "claim_check_fit_multiple@1", "pct_change@1"}


def test_the_figures_of_the_honest_formulas_are_stored_under_them(con):
    used = dict(q(con, "SELECT formula, count(*) FROM figure WHERE formula IS NOT NULL GROUP BY ALL"))
    # the three fitting methods, each check kind and the capability formulas all label figures
    for key in (
        "trend_exponential_ols@2",
        "trend_exponential_bootstrap@2",
        "trend_exponential_theil_sen@2",
        "capability_price_decline@1",
        "capability_window_decline@2",
        "claim_check_fit_multiple@1",
        "claim_check_observed_ratio@1",
        "claim_check_rate_range@1",
        "claim_check_by_measures@1",
        "openrouter_week_total@1",
        "token_price_blend_3to1@1",
        "benchmark_mean_from_requests@1",
        "benchmark_percentile_from_requests@1",
    ):
        assert used.get(key, 0) > 0, key
    assert "claim_check@1" not in used and "trend_exponential_ols@1" not in used


def test_openrouter_week_figures_are_the_formula_over_their_author_figures(con):
    # the week figure's value is the sum of the author figures its lineage names
    off = q(
        con,
        "SELECT w.figure_id, w.value, sum(a.value) FROM figure w "
        "JOIN figure_input i ON i.figure_id = w.figure_id AND i.role = 'author_tokens' "
        "JOIN figure a ON a.figure_id = i.input_figure_id "
        "WHERE w.formula = 'openrouter_week_total@1' GROUP BY ALL "
        "HAVING abs(w.value - sum(a.value)) > 1e-6 * w.value",
    )
    assert off == []
    assert q(con, "SELECT count(*) FROM figure WHERE formula = 'openrouter_week_total@1'") == [(107,)]


def test_a_partial_refresh_records_the_formulas_its_derived_figures_name(tmp_path):
    """`--select` of the OpenRouter weeks alone (and the sources they need): the weekly
    totals are derived figures, and their formula is in the table without any other asset."""
    from pipeline.refresh import run_refresh

    path = tmp_path / "w.duckdb"
    outcome = run_refresh(path, select=["clean/citations/source", "clean/trends/openrouter_week"], stream=io.StringIO())
    assert outcome.success, outcome.failures
    con = duckdb.connect(str(path), read_only=True)
    assert q(con, "SELECT formula, count(*) FROM figure WHERE formula IS NOT NULL GROUP BY ALL") == [
        ("openrouter_week_total@1", 107)
    ]
    assert q(con, ORPHANS) == []
    assert q(con, "SELECT function FROM formula WHERE name = 'openrouter_week_total'") == [
        ("analysis.formulas.demand.openrouter_week_total",)
    ]
    con.close()
