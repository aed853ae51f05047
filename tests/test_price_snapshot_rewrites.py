"""A refresh of the snapshot histories writes what differs from the stored rows, not the whole
history again (issue 12, target 5): the real Definitions materialized twice on one DuckDB
file in tmp_path, with the stored rows tampered with in between."""

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.definitions import defs
from pipeline.defs.resources import WarehouseResource

HISTORIES = ["clean/citations/source", "clean/token_prices/litellm_releases", "clean/token_prices/models_dev"]
SOURCES = ("litellm-releases", "models-dev-cost-history")
#: every stored row of the two histories, all columns but the run that wrote them
TABLES = {
    "token_price": "SELECT * EXCLUDE (ingest_run_id) FROM token_price WHERE source_id IN {s}",
    "figure": "SELECT * EXCLUDE (ingest_run_id) FROM figure WHERE figure_id IN "
    "(SELECT unnest(figure_ids) FROM token_price WHERE source_id IN {s})",
    "figure_input": "SELECT * FROM figure_input WHERE figure_id IN "
    "(SELECT blended_figure_id FROM token_price WHERE source_id IN {s})",
    "model_alias": "SELECT * FROM model_alias WHERE source_id IN {s}",
    "quarantine": "SELECT * EXCLUDE (run_id) FROM quarantine WHERE source_id IN {s} OR source_id LIKE 'litellm-1.%'",
}
O1_INPUT = "litellm-releases/openai/o1/2025-01-02"


def refresh(path: Path, keys: list[str] = HISTORIES) -> None:
    job = dg.Definitions.merge(
        defs,
        dg.Definitions(
            jobs=[
                dg.define_asset_job(
                    "histories", selection=dg.AssetSelection.assets(*[dg.AssetKey(k.split("/")) for k in keys])
                )
            ]
        ),
    ).resolve_job_def("histories")
    # every step runs (`refresh --force`): the inputs are the same files each time, so an
    # unforced second run would skip, and what is tested is what a run writes when it runs
    result = job.execute_in_process(
        resources={"warehouse": WarehouseResource(path=str(path), skip_unchanged=False)},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success


def stored(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(sql.format(s=SOURCES)).fetchall())) for t, sql in TABLES.items()}


def last_run(path: Path, step: str) -> tuple:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT run_id, rows_in, rows_accepted, rows_quarantined, message FROM ingest_run"
            " WHERE step = ? ORDER BY started_at DESC LIMIT 1",
            [step],
        ).fetchone()


@pytest.fixture(scope="module")
def twice(tmp_path_factory) -> dict:
    """Refresh, tamper with what is stored, refresh again; what each saw."""
    path = tmp_path_factory.mktemp("histories") / "warehouse.duckdb"
    refresh(path)
    first = stored(path)
    first_run = last_run(path, "clean/token_prices/litellm_releases")
    with duckdb.connect(str(path)) as con:
        o1 = con.execute("SELECT price_id, input_figure_id FROM token_price WHERE price_id = ?", [O1_INPUT]).fetchone()
        con.execute("UPDATE token_price SET input_usd_per_mtok = 1.0 WHERE price_id = ?", [O1_INPUT])
        con.execute("UPDATE figure SET value = 1.0 WHERE figure_id = ?", [o1[1]])
        con.execute(  # a row the vendored files no longer give
            "INSERT INTO token_price SELECT * REPLACE ('litellm-releases/openai/o1/1999-01-01' AS price_id)"
            " FROM token_price WHERE price_id = ?",
            [O1_INPUT],
        )
    refresh(path)
    return {
        "path": path,
        "first": first,
        "second": stored(path),
        "first_run": first_run,
        "second_run": last_run(path, "clean/token_prices/litellm_releases"),
        "figure_id": o1[1],
    }


def test_a_second_refresh_leaves_every_row_as_the_first_stored_it(twice):
    assert twice["first"]["token_price"], "the histories stored price rows"
    for table, rows in twice["first"].items():
        assert twice["second"][table] == rows, table


def test_only_the_rows_that_differed_are_rewritten(twice):
    second_run_id = twice["second_run"][0]
    with duckdb.connect(str(twice["path"]), read_only=True) as con:
        prices = con.execute("SELECT price_id FROM token_price WHERE ingest_run_id = ?", [second_run_id]).fetchall()
        figures = con.execute("SELECT figure_id FROM figure WHERE ingest_run_id = ?", [second_run_id]).fetchall()
        stale = con.execute("SELECT count(*) FROM token_price WHERE price_id LIKE '%/1999-01-01'").fetchone()[0]
    assert prices == [(O1_INPUT,)] and figures == [(twice["figure_id"],)] and stale == 0


def test_the_run_still_counts_every_row_in_as_accepted_or_quarantined(twice):
    _, rows_in, accepted, quarantined, message = twice["second_run"]
    assert (rows_in, accepted, quarantined) == twice["first_run"][1:4]
    assert rows_in == accepted + quarantined
    assert "5864 price rows unchanged, kept as stored" in message


CITED = ["clean/citations/source", "clean/citations/figure", "clean/token_prices/cited"]


def test_the_cited_file_applied_again_rewrites_only_the_figure_that_differs(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    refresh(path, CITED)
    sql = (
        "SELECT * EXCLUDE (ingest_run_id) FROM figure WHERE figure_id IN "
        "(SELECT unnest(figure_ids) FROM token_price WHERE source_id = 'openai-gpt-4-research') ORDER BY figure_id"
    )
    with duckdb.connect(str(path)) as con:
        first = con.execute(sql).fetchall()
        changed = first[0][0]
        con.execute("UPDATE figure SET value = value + 1 WHERE figure_id = ?", [changed])
    refresh(path, CITED)
    run_id = last_run(path, "clean/token_prices/cited")[0]
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute(sql).fetchall() == first
        rewritten = con.execute("SELECT figure_id FROM figure WHERE ingest_run_id = ?", [run_id]).fetchall()
    assert rewritten == [(changed,)]
