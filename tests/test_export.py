"""`infernomics export`: files other tools read, each row with its figure ids and sources."""

import csv
import json

import duckdb
import polars as pl

from infernomics.export import export


def test_the_price_on_query_exports_to_parquet_with_figure_ids_and_urls(cli, refreshed_warehouse, tmp_path):
    out = tmp_path / "p.parquet"
    code, stdout, err = cli(
        "export",
        "SELECT * FROM price_on('2025-06-01')",
        "--format",
        "parquet",
        "--out",
        out,
        "--warehouse",
        refreshed_warehouse,
    )
    assert code == 0, err
    frame = pl.read_parquet(out)
    with duckdb.connect(str(refreshed_warehouse), read_only=True) as con:
        expected = con.execute("SELECT count(*) FROM price_on('2025-06-01')").fetchall()[0][0]
        url_of = dict(con.execute("SELECT figure_id, url FROM figure_provenance").fetchall())
    assert frame.height == expected > 0 and f"wrote {expected} rows" in stdout
    gpt4o = frame.filter(pl.col("model_key") == "gpt-4o").row(0, named=True)
    assert gpt4o["provenance_figure_ids"] == gpt4o["figure_ids"]  # every figure of the row, in order
    assert gpt4o["provenance_urls"] == [url_of[f] for f in gpt4o["figure_ids"]]
    assert any(u and u.startswith("https://") for u in gpt4o["provenance_urls"])
    assert len(gpt4o["provenance_source_ids"]) == len(gpt4o["provenance_locators"]) == len(gpt4o["figure_ids"])


def test_a_table_to_csv_and_json_keeps_every_row_and_its_source(cli, refreshed_warehouse, tmp_path):
    code, _, err = cli(
        "export", "gpu_rental_price", "--format", "csv", "--out", tmp_path / "r.csv", "--warehouse", refreshed_warehouse
    )
    assert code == 0, err
    rows = list(csv.DictReader(open(tmp_path / "r.csv", encoding="utf-8")))
    with duckdb.connect(str(refreshed_warehouse), read_only=True) as con:
        (n,) = con.execute("SELECT count(*) FROM gpu_rental_price").fetchall()[0]
        lambda_row = con.execute(
            "SELECT figure_id, source_id FROM gpu_rental_price WHERE provider = 'Lambda Labs' "
            "ORDER BY figure_id LIMIT 1"
        ).fetchall()[0]
    assert len(rows) == n
    row = next(r for r in rows if r["figure_id"] == lambda_row[0])
    assert row["provenance_figure_ids"] == lambda_row[0] and row["provenance_source_ids"] == lambda_row[1]
    code, _, err = cli(
        "export",
        "SELECT check_id, verdict, claim_figure_id, check_figure_id FROM claim_check",
        "--format",
        "json",
        "--out",
        tmp_path / "c.json",
        "--warehouse",
        refreshed_warehouse,
    )
    claims = json.loads((tmp_path / "c.json").read_text())
    first = claims[0]
    assert first["provenance_figure_ids"][0] == first["claim_figure_id"] and first["provenance_urls"]


def test_copy_is_still_refused_and_export_needs_no_write_access(cli, refreshed_warehouse, tmp_path):
    code, _, err = cli(
        "export",
        f"COPY figure TO '{tmp_path / 'x.parquet'}'",
        "--out",
        tmp_path / "y.parquet",
        "--warehouse",
        refreshed_warehouse,
    )
    assert code == 1 and "refused" in err and "not COPY" in err
    assert not (tmp_path / "x.parquet").exists() and not (tmp_path / "y.parquet").exists()
    code, _, err = cli("export", "no_such_table", "--out", tmp_path / "z.csv", "--warehouse", refreshed_warehouse)
    assert code == 1 and "no table or view named 'no_such_table'" in err


def test_batches_stream_without_changing_the_result(refreshed_warehouse, tmp_path):
    with duckdb.connect(str(refreshed_warehouse), read_only=True) as con:
        whole = export(con, "SELECT figure_id, value FROM figure ORDER BY figure_id", tmp_path / "a.parquet")
        small = export(
            con, "SELECT figure_id, value FROM figure ORDER BY figure_id", tmp_path / "b.parquet", batch_rows=97
        )
    assert whole.rows == small.rows > 97 * 3
    assert pl.read_parquet(tmp_path / "a.parquet").equals(pl.read_parquet(tmp_path / "b.parquet"))
    assert not list(tmp_path.glob(".*partial*"))


def test_a_result_without_figure_ids_is_exported_as_is_and_says_so(cli, refreshed_warehouse, tmp_path):
    code, _, err = cli(
        "export", "SELECT 1 AS x", "--format", "csv", "--out", tmp_path / "x.csv", "--warehouse", refreshed_warehouse
    )
    assert code == 0 and "no figure id column" in err
    assert (tmp_path / "x.csv").read_text() == "x\n1\n"
