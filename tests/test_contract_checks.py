"""The shared "stored rows meet the contract" check body used by every family's checks.py."""

import duckdb
import pandera.polars as pa
import polars as pl
import pytest

from pipeline.defs.contract_checks import frame_meets_contract, stored_rows_meet_contract
from pipeline.defs.resources import WarehouseResource


class NonNegative(pa.DataFrameModel):
    x: int = pa.Field(ge=0)


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1::BIGINT, 'a'), (-1, 'b'), (-2, 'b')) v(x, grp)")
    con.close()
    return WarehouseResource(path=str(path))


def test_a_stored_row_breaking_the_contract_fails_the_check_with_its_failure_cases(warehouse):
    result = stored_rows_meet_contract(warehouse, "SELECT x FROM t", NonNegative)
    assert not result.passed
    failures = result.metadata["failures"].value  # JSON rows of pandera's failure cases
    assert [(f["check"], f["failure_case"]) for f in failures] == [
        ("greater_than_or_equal_to(0)", "-1"),
        ("greater_than_or_equal_to(0)", "-2"),
    ]


def test_a_passing_query_reports_its_row_count_under_the_given_key(warehouse):
    result = stored_rows_meet_contract(warehouse, "SELECT x FROM t WHERE grp = ?", NonNegative, ["a"], count_key="runs")
    assert result.passed and result.metadata["runs"].value == 1


def test_a_frame_that_meets_the_contract_can_still_fail_on_another_condition():
    result = frame_meets_contract(pl.DataFrame({"x": [0, 3]}), NonNegative, passed=False, unresolved_figure_ids=2)
    assert not result.passed and result.metadata["unresolved_figure_ids"].value == 2
