"""Epoch's 591-row price history and the 13 curated rental rows: nothing dropped silently."""

from pathlib import Path

import polars as pl
import pytest

from sources.hardware import rental_prices as rp

ROOT = Path(__file__).resolve().parents[1] / "sources" / "data"


@pytest.fixture(scope="module")
def epoch():
    return rp.parse_epoch(ROOT / "epoch_hardware" / "hardware_prices.csv")


@pytest.fixture(scope="module")
def curated():
    return rp.parse_curated(ROOT / "hardware" / "gpu_rental_prices.csv")


def test_every_source_row_is_accounted_for(epoch):
    assert epoch["page"].n_unique() == 591
    kinds = dict(epoch["pricing_kind"].value_counts().rows())
    assert kinds == {"on_demand": 465, "commit_1y": 107, "commit_3y": 110, "purchase": 122, None: 1}


def test_the_empty_row_is_kept_and_marked(epoch):
    bad = epoch.filter(pl.col("_errors").list.len() > 0)
    assert bad.height == 1
    assert {e.split(":")[0] for e in bad["_errors"][0]} == {"value_present", "price_present"}


def test_rentals_and_purchases_split(epoch):
    assert rp.rentals(epoch).height == 465 + 107 + 110 + 1
    assert rp.purchases(epoch).height == 122
    assert (rp.purchases(epoch)["unit"] == "USD").all()


def test_row_url_is_the_figure_locator(epoch):
    row = epoch.filter(
        (pl.col("provider") == "Lambda Labs")
        & (pl.col("sku") == "h100-sxm")
        & (pl.col("date").cast(pl.String) == "2023-06-20")
    ).row(0, named=True)
    assert row["usd"] == 1.99 and row["pricing_kind"] == "on_demand"
    fig = rp.to_figures(epoch.filter(pl.col("figure_id") == row["figure_id"])).row(0, named=True)
    assert fig["locator"] == row["source_url"] and fig["locator"].startswith("http")
    assert fig["page"].startswith("hardware_prices.csv:")


def test_curated_undated_prices_are_marked_with_their_note(curated):
    undated = curated.filter(pl.col("_errors").list.len() > 0)
    assert undated["_locator"].to_list() == [
        "sources/data/hardware/gpu_rental_prices.csv:2",
        "sources/data/hardware/gpu_rental_prices.csv:7",
    ]
    assert all(e[0].startswith("value_present: date is empty") for e in undated["_errors"])


def test_curated_bounds_and_precision(curated):
    below = curated.filter(pl.col("hardware_name") == "H100 rental, Oct 2024").row(0, named=True)
    assert (below["bound"], below["usd"]) == ("<", 2.0)
    block = curated.filter(pl.col("usd") == 4.916).row(0, named=True)
    assert (block["sku"], block["date_precision"], block["pricing_kind"]) == ("h100-sxm", "month", "capacity_block")


def test_missing_column_names_file():
    with pytest.raises(ValueError, match="hardware_prices.csv: required column"):
        rp.parse_epoch(b"Price source,Price date\nx,2024-01-01\n")
