"""`infernomics cost` on a refreshed warehouse: result, inputs with sources, stored lineage."""

import io
import json

import pytest

from pipeline.refresh import run_refresh

BASE = ["cost", "--gpu", "h100-sxm", "--price-date", "2025-06", "--tokens-per-s", "2400", "--gpus", "8"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("cost") / "w.duckdb"
    assert run_refresh(path, select=["clean/citations/source", "group:hardware"], stream=io.StringIO()).success
    return path


def test_cost_prints_result_and_inputs_with_sources(warehouse, cli):
    code, out, err = cli(*BASE, "--warehouse", warehouse)
    assert code == 0, err
    # 8 x $11.06 / (2,400 x 3,600) x 1e6 = 10.2407 (Google Cloud, lower median of 3 prices on 2025-03-17)
    assert "usd_per_mtok_output  10.2407" in out
    assert "11.06" in out and "epoch-hardware-prices/hardware_prices.csv:" in out
    assert "[assumption]" in out and "not stored" in out


def test_total_basis_uses_the_total_token_formula(warehouse, cli):
    code, out, _ = cli(*BASE, "--basis", "total", "--format", "json", "--warehouse", warehouse)
    rows = json.loads(out)
    assert (rows[0]["part"], rows[0]["name"], rows[0]["formula_or_date"]) == (
        "result",
        "usd_per_mtok_total",
        "usd_per_mtok_total@1",
    )
    inputs = {r["name"]: r for r in rows if r["part"] == "input"}
    assert inputs["total_tokens_per_s"]["value"] == 2400.0
    assert inputs["usd_per_gpu_hour"]["source"].endswith(
        "https://web.archive.org/web/20250317151647/https://cloud.google.com/compute/all-pricing?hl=ru"
    )


def test_stored_result_audits_down_to_the_price_page_and_the_assumption(warehouse, cli, tmp_path):
    path = tmp_path / "stored.duckdb"
    path.write_bytes(warehouse.read_bytes())
    code, out, err = cli(*BASE, "--store", "--warehouse", path)
    assert code == 0, err
    figure_id = next(line.split()[1].rstrip(";") for line in out.splitlines() if line.startswith("stored "))
    code, out, _ = cli("audit", figure_id, "--format", "json", "--warehouse", path)
    chain = json.loads(out)
    assert chain["formula"] == "usd_per_mtok_output@1" and round(chain["value"], 4) == 10.2407
    inputs = {i["role"]: i for i in chain["inputs"]}
    price = inputs["usd_per_gpu_hour"]
    assert price["value"] == 11.06 and price["locator"].startswith("https://web.archive.org/")
    assert price["page"].startswith("hardware_prices.csv:")
    assert inputs["output_tokens_per_s"]["kind"] == "assumption" and inputs["output_tokens_per_s"]["value"] == 2400
    assert inputs["gpus"]["value"] == 8


def test_decode_floor_traces_to_the_bandwidth_datasheet(warehouse, cli, tmp_path):
    path = tmp_path / "floor.duckdb"
    path.write_bytes(warehouse.read_bytes())
    code, out, err = cli(*BASE, "--floor-params-b", "70", "--store", "--warehouse", path)
    assert code == 0, err
    floor_id = next(
        line.split()[1].rstrip(";") for line in out.splitlines() if "decode-floor" in line and line.startswith("stored")
    )
    chain = json.loads(cli("audit", floor_id, "--format", "json", "--warehouse", path)[1])
    # 70e9 x 2 bytes at 3.35 TB/s = 23.93 tok/s; $11.06 / (23.93 x 3600) x 1e6 = $128.39 per Mtok
    assert round(chain["value"], 2) == 128.39
    bandwidth = next(i for i in chain["inputs"] if i["role"] == "mem_bandwidth_tbps")
    assert bandwidth["source_id"] == "nvidia-h100-page" and bandwidth["value"] == 3.35


def test_unknown_gpu_and_missing_price_are_one_line_errors(warehouse, cli):
    code, _, err = cli(
        "cost", "--gpu", "h900", "--price-date", "2025-06", "--tokens-per-s", "1", "--warehouse", warehouse
    )
    assert code == 1 and "unknown GPU 'h900'" in err
    code, _, err = cli(
        "cost", "--gpu", "b200", "--price-date", "2019-01", "--tokens-per-s", "1", "--warehouse", warehouse
    )
    assert code == 1 and "no on_demand rental price for b200 dated on or before 2019-01-31" in err


def test_a_throughput_figure_must_be_in_tokens_per_second(warehouse, cli):
    code, _, err = cli(
        "cost",
        "--gpu",
        "h100-sxm",
        "--price-date",
        "2025-06",
        "--throughput-figure",
        "nvidia-h100-page/h100-sxm/tdp_w",
        "--warehouse",
        warehouse,
    )
    assert code == 1 and "not tokens/s" in err


def test_framework_roi_from_a_stored_cost_and_typed_numbers(warehouse, cli, tmp_path):
    path = tmp_path / "roi.duckdb"
    path.write_bytes(warehouse.read_bytes())
    code, out, err = cli(*BASE, "--store", "--warehouse", path)
    cost_id = next(line.split()[1].rstrip(";") for line in out.splitlines() if line.startswith("stored "))
    # a stored $/Mtok result can be one side of a cost ratio whose other side is in USD/Mtok too
    code, out, err = cli(
        "cost",
        "--framework",
        "cost_ratio",
        "--input",
        "human_cost_per_task=50:USD/Mtok",
        "--input",
        f"ai_cost_per_task=figure:{cost_id}",
        "--format",
        "json",
        "--warehouse",
        path,
    )
    assert code == 0, err
    ratio = json.loads(out)
    assert round(ratio[0]["value"], 3) == round(50 / 10.2407, 3)
    assert next(r for r in ratio if r["name"] == "ai_cost_per_task")["figure_id"] == cost_id
    code, out, err = cli(
        "cost",
        "--framework",
        "optimisation_roi",
        "--input",
        "cost_before=120000:USD",
        "--input",
        "cost_after=48000:USD",
        "--input",
        "investment=30000:USD",
        "--store",
        "--format",
        "json",
        "--warehouse",
        path,
    )
    assert code == 0, err
    rows = json.loads(out[: out.rindex("]") + 1])
    assert rows[0]["value"] == 2.4 and rows[0]["formula"] == "optimisation_roi@1"
    roi_id = rows[0]["figure_id"]
    chain = json.loads(cli("audit", roi_id, "--format", "json", "--warehouse", path)[1])
    assert sorted((i["role"], i["kind"]) for i in chain["inputs"]) == [
        ("cost_after", "assumption"),
        ("cost_before", "assumption"),
        ("investment", "assumption"),
    ]


def test_framework_refuses_mismatched_units(warehouse, cli):
    code, _, err = cli(
        "cost",
        "--framework",
        "cost_ratio",
        "--input",
        "human_cost_per_task=50:USD/task",
        "--input",
        "ai_cost_per_task=0.5:USD/hour",
        "--warehouse",
        warehouse,
    )
    assert code == 1 and "use one unit" in err


def test_a_pinned_price_of_another_gpu_is_refused(warehouse, cli):
    # hardware_prices.csv:598 is an A100-SXM-40GB on-demand price: it must not be costed as an h100-sxm
    a100 = "epoch-hardware-prices/hardware_prices.csv:598/on_demand"
    code, out, err = cli(
        "cost",
        "--gpu",
        "h100-sxm",
        "--price-date",
        "2025-06",
        "--price-figure",
        a100,
        "--tokens-per-s",
        "1000",
        "--store",
        "--warehouse",
        warehouse,
    )
    assert code == 1 and out == ""
    assert "is a a100-sxm-40gb price, not h100-sxm (--gpu)" in err and len(err.strip().splitlines()) == 1


def test_a_pinned_figure_that_is_not_a_rental_price_is_refused(warehouse, cli):
    code, _, err = cli(
        "cost",
        "--gpu",
        "h100-sxm",
        "--price-date",
        "2025-06",
        "--price-figure",
        "nvidia-h100-page/h100-sxm/tdp_w",
        "--tokens-per-s",
        "1000",
        "--warehouse",
        warehouse,
    )
    assert code == 1 and "is a figure but not a GPU rental price" in err


def test_a_pinned_price_says_so_and_warns_when_dated_after_price_date(warehouse, cli):
    code, out, _ = cli(*BASE, "--format", "json", "--warehouse", warehouse)
    price_id = next(r["figure_id"] for r in json.loads(out) if r["name"] == "usd_per_gpu_hour")  # dated 2025-03-17
    code, out, err = cli(
        "cost",
        "--gpu",
        "h100-sxm",
        "--price-date",
        "2025-06",
        "--price-figure",
        price_id,
        "--tokens-per-s",
        "2400",
        "--gpus",
        "8",
        "--warehouse",
        warehouse,
    )
    assert code == 0 and "usd_per_mtok_output  10.2407" in out
    assert "price: pinned price figure (on_demand, 2025-03-17)" in out and "lower median" not in out
    assert "warning" not in err
    code, out, err = cli(
        "cost",
        "--gpu",
        "h100-sxm",
        "--price-date",
        "2024-01",
        "--price-figure",
        price_id,
        "--tokens-per-s",
        "2400",
        "--gpus",
        "8",
        "--warehouse",
        warehouse,
    )
    assert code == 0 and f"warning: --price-figure {price_id} is dated 2025-03-17, after --price-date 2024-01-31" in err


def test_errors_name_the_real_flags(warehouse, cli):
    code, _, err = cli(
        "cost", "--gpu", "h100-sxm", "--price-date", "2025-06", "--tokens-per-s", "0", "--warehouse", warehouse
    )
    assert code == 1 and "--tokens-per-s must be a positive number (got 0.0)" in err
    assert "output-tokens-per-s" not in err
    code, _, err = cli(*BASE, "--floor-params-b", "70", "--floor-batch", "-1", "--warehouse", warehouse)
    assert code == 1 and "--floor-batch must be a positive number" in err
    code, _, err = cli(*BASE, "--floor-params-b", "70", "--context-tokens", "-5", "--warehouse", warehouse)
    assert code == 1 and "--context-tokens must be zero or a positive number" in err


def test_provider_filter_is_a_case_insensitive_substring_and_says_what_matched(warehouse, cli):
    # the stored name is "Lambda Labs": the lower-case word a user types must find it
    code, out, err = cli(*BASE, "--provider", "lambda", "--warehouse", warehouse)
    assert code == 0, err
    assert "--provider 'lambda' matched: Lambda Labs" in err
    # Lambda Labs' latest on-demand H100 SXM price on or before June 2025: $3.29 on 2025-02-28
    assert "3.29" in out and "2025-02-28" in out and "Lambda Labs" in out
    code, _, err = cli(*BASE, "--provider", "no-such-cloud", "--warehouse", warehouse)
    assert code == 1 and "--provider 'no-such-cloud' is in no stored name" in err


def test_a_price_the_user_brings_is_costed_and_stored_as_an_assumption(warehouse, cli, tmp_path):
    path = tmp_path / "own-price.duckdb"
    path.write_bytes(warehouse.read_bytes())
    code, out, err = cli(
        "cost",
        "--gpu",
        "h100-sxm",
        "--price",
        "2.99",
        "--tokens-per-s",
        "2400",
        "--gpus",
        "8",
        "--store",
        "--warehouse",
        path,
    )
    assert code == 0, err
    # 8 x $2.99 / (2,400 x 3,600) x 1e6 = 2.7685
    assert "usd_per_mtok_output  2.7685" in out and "user-supplied price 2.99 USD/GPU-hour" in out
    figure_id = next(line.split()[1].rstrip(";") for line in out.splitlines() if line.startswith("stored "))
    chain = json.loads(cli("audit", figure_id, "--format", "json", "--warehouse", path)[1])
    price = next(i for i in chain["inputs"] if i["role"] == "usd_per_gpu_hour")
    assert (price["kind"], price["value"], price["unit"]) == ("assumption", 2.99, "USD/GPU-hour")
    code, _, err = cli(
        "cost",
        "--gpu",
        "h100-sxm",
        "--price",
        "2.99",
        "--provider",
        "lambda",
        "--tokens-per-s",
        "1",
        "--warehouse",
        path,
    )
    assert code == 1 and "--provider chooses among stored prices" in err
