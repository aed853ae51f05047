"""Unit conversions, dense/sparse arithmetic and date precision used by every spec adapter
(the cell parsers themselves, dates with a precision included, are tests/test_cells.py)."""

import datetime as dt

import pytest

from sources.hardware import common


def test_bytes_per_second_to_terabytes_per_second():
    assert common.bytes_per_s_to_tbps(3_350_000_000_000) == pytest.approx(3.35)


def test_flops_to_teraflops():
    assert common.flops_to_tflops(989_400_000_000_000) == pytest.approx(989.4)


def test_bytes_to_gigabytes_is_decimal():
    assert common.bytes_to_gb(80_000_000_000) == 80.0


def test_gigabytes_per_second_and_gigaflops():
    assert common.gbps_to_tbps(4890.0) == pytest.approx(4.89)
    assert common.gflops_to_tflops(267600.0) == pytest.approx(267.6)


def test_dense_is_half_of_nvidia_sparse():
    assert common.dense_from_sparse(1979.0) == 989.5
    assert common.dense_from_sparse(4500.0) == 2250.0


def test_year_precision_covers_the_whole_year():
    assert common.period_end(dt.date(2022, 1, 1), "year") == dt.date(2022, 12, 31)
    assert common.period_end(dt.date(2024, 2, 1), "month") == dt.date(2024, 2, 29)


def test_decimal_year():
    assert common.decimal_year(dt.date(2024, 1, 1)) == 2024.0
    assert common.decimal_year(dt.date(2023, 7, 2)) == pytest.approx(2023 + 182 / 365)
