"""The claim checks restate each claim as a multiple (99% cheaper -> 100x); that restatement
must agree with the stored claim figure, so a corrected figure cannot drift from its check."""

import duckdb
import pytest

from analysis.formulas.arithmetic import rounding_tolerance


def _rows(path):
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute(
        "SELECT c.check_id, c.claimed_multiple, c.claimed_low, c.claimed_high, c.claim_bound,"
        " f.value, f.value_low, f.value_high, f.unit FROM claim_check c"
        " JOIN figure f ON f.figure_id = c.claim_figure_id"
    ).fetchall()
    con.close()
    return rows


def test_every_claim_check_names_a_stored_claim_figure(refreshed_warehouse):
    con = duckdb.connect(str(refreshed_warehouse), read_only=True)
    checks = con.execute("SELECT count(*) FROM claim_check").fetchone()[0]
    con.close()
    assert checks == len(_rows(refreshed_warehouse)) >= 16


def test_claimed_multiples_agree_with_their_figures(refreshed_warehouse):
    compared = 0
    for check_id, multiple, low, high, bound, value, value_low, value_high, unit in _rows(refreshed_warehouse):
        if bound == "range":
            assert (low, high) == (value_low, value_high), check_id
        elif unit.startswith("x"):
            assert multiple == pytest.approx(value), check_id
        elif unit.startswith("%"):
            # a percentage decline p is the multiple 1 / (1 - p/100), within the rounding p shows
            tol = rounding_tolerance(value)
            lo, hi = 1 / (1 - (value - tol) / 100), 1 / (1 - (value + tol) / 100)
            assert lo - 1e-9 <= multiple <= hi + 1e-9, (check_id, multiple, lo, hi)
        else:
            continue  # e.g. a ratio of two quoted volumes (13T vs 6.4T tokens a week)
        compared += 1
    assert compared >= 14
