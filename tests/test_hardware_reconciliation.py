"""The preference policy (gpu_spec_wide) and conflict detection (spec_conflict), in DuckDB."""

import datetime as dt

import duckdb
import polars as pl

from sources.hardware import common
from sources.hardware.sku import SKUS
from warehouse.migrations import apply_migrations


def _db(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    apply_migrations(con)
    skus = pl.DataFrame(
        [dict(sku=s.sku, vendor=s.vendor, label=s.label, bf16=s.bf16, family=s.family) for s in SKUS.values()]
    )
    spec = (
        common.spec_frame(rows)
        .drop("_errors", "_locator", "quote", "notes", "snapshot_sha256")
        .with_columns(pl.lit("test-run").alias("ingest_run_id"))
    )
    con.register("k", skus.to_arrow())
    con.register("s", spec.to_arrow())
    con.execute("INSERT INTO gpu_sku BY NAME SELECT * FROM k")
    con.execute("INSERT INTO gpu_spec BY NAME SELECT * FROM s")
    return con


def _spec(source, tier, attribute, value, sku="b200", cls="secondary", derived=False, day=None, precision=None):
    return common.spec_row(
        figure_id=f"{source}/{sku}/{attribute}",
        source_id=source,
        sku=sku,
        hardware_name=sku,
        attribute=attribute,
        value=value,
        tier=tier,
        source_class=cls,
        derived_from_sparse=derived,
        value_date=day,
        date_precision=precision,
    )


def test_vendor_datasheet_wins_and_conflicts_are_listed():
    con = _db(
        [
            _spec("datasheet", "vendor_datasheet", "memory_gb", 180.0, cls="copy"),
            _spec("epoch", "curated_dataset", "memory_gb", 192.0),
            _spec("scrape", "scraped", "memory_gb", 90.0),
        ]
    )
    wide = con.execute("SELECT memory_gb, memory_gb_source FROM gpu_spec_wide WHERE sku = 'b200'").fetchone()
    assert wide == (180.0, "datasheet")
    conflicts = con.execute(
        "SELECT other_source_id, other_value, round(rel_diff, 4), chosen_source_id "
        "FROM spec_conflict ORDER BY other_source_id"
    ).fetchall()
    assert conflicts == [("epoch", 192.0, 0.0625, "datasheet"), ("scrape", 90.0, 0.5, "datasheet")]


def test_difference_within_one_percent_is_not_a_conflict():
    con = _db(
        [
            _spec("datasheet", "vendor_datasheet", "bf16_dense_tflops", 989.5, sku="h100-sxm", derived=True),
            _spec("epoch", "curated_dataset", "bf16_dense_tflops", 989.4, sku="h100-sxm"),
        ]
    )
    assert con.execute("SELECT count(*) FROM spec_conflict").fetchone() == (0,)


def test_stated_value_beats_derived_within_a_tier():
    con = _db(
        [
            _spec("a-derived", "vendor_datasheet", "bf16_dense_tflops", 1000.0, derived=True, cls="copy"),
            _spec("b-stated", "vendor_datasheet", "bf16_dense_tflops", 1000.0, derived=False, cls="copy"),
        ]
    )
    row = con.execute("SELECT bf16_dense_tflops_source, bf16_dense_derived_from_sparse FROM gpu_spec_wide").fetchone()
    assert row == ("b-stated", False)


def test_year_only_date_agrees_with_any_day_in_that_year():
    con = _db(
        [
            _spec(
                "epoch",
                "curated_dataset",
                "release_date",
                2022.72,
                sku="h100-sxm",
                day=dt.date(2022, 9, 20),
                precision="day",
            ),
            _spec(
                "notes", "secondary", "release_date", 2022.0, sku="h100-sxm", day=dt.date(2022, 1, 1), precision="year"
            ),
        ]
    )
    assert con.execute("SELECT count(*) FROM spec_conflict").fetchone() == (0,)
    assert con.execute("SELECT release_date, release_date_precision FROM gpu_spec_wide").fetchone() == (
        dt.date(2022, 9, 20),
        "day",
    )


def test_release_dates_a_year_apart_conflict():
    con = _db(
        [
            _spec(
                "epoch",
                "curated_dataset",
                "release_date",
                2024.88,
                sku="h200-sxm",
                day=dt.date(2024, 11, 18),
                precision="day",
            ),
            _spec(
                "wiki", "secondary", "release_date", 2023.87, sku="h200-sxm", day=dt.date(2023, 11, 13), precision="day"
            ),
        ]
    )
    assert con.execute("SELECT chosen_source_id, other_source_id, gap_days FROM spec_conflict").fetchall() == [
        ("epoch", "wiki", 371)
    ]


def test_shader_and_tensor_figures_are_never_compared():
    con = _db(
        [
            _spec("datasheet", "vendor_datasheet", "bf16_dense_tflops", 989.5, sku="h100-sxm"),
            common.spec_row(
                figure_id="scrape/h100-sxm/fp16_shader_tflops",
                source_id="scrape",
                sku="h100-sxm",
                hardware_name="H100 SXM5 80 GB",
                attribute="fp16_shader_tflops",
                value=267.6,
                tier="scraped",
                source_class="copy",
            ),
        ]
    )
    assert con.execute("SELECT count(*) FROM spec_conflict").fetchone() == (0,)


def test_unmapped_names_are_listed():
    con = _db(
        [
            common.spec_row(
                figure_id="epoch/x/tdp_w",
                source_id="epoch",
                sku=None,
                hardware_name="NVIDIA A100",
                attribute="tdp_w",
                value=400.0,
                tier="curated_dataset",
                source_class="secondary",
            )
        ]
    )
    assert con.execute("SELECT in_table, hardware_name, rows FROM gpu_sku_unmapped").fetchall() == [
        ("gpu_spec", "NVIDIA A100", 1)
    ]


def test_contract_refuses_specs_on_a_family_key_and_flopless_flags():
    from warehouse.contracts_hardware import GpuSpec
    from warehouse.store import validate

    rows = common.spec_frame(
        [
            common.spec_row(
                figure_id="x/a100/tdp_w",
                source_id="x",
                sku="a100",
                hardware_name="NVIDIA A100",
                attribute="tdp_w",
                value=400.0,
                tier="curated_dataset",
                source_class="secondary",
            ),
            common.spec_row(
                figure_id="x/h100-sxm/tdp_w",
                source_id="x",
                sku="h100-sxm",
                hardware_name="H100",
                attribute="tdp_w",
                value=700.0,
                tier="curated_dataset",
                source_class="secondary",
                sparsity="dense",
            ),
        ]
    )
    problems = validate(rows, GpuSpec)
    assert sorted(zip(problems["_idx"], problems["rule"])) == [
        (0, "GpuSpec:sku_has_specs"),
        (1, "GpuSpec:flops_flags_explicit"),
    ]
