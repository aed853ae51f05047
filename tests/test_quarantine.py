"""Bad rows land in quarantine with the rule they broke; good rows still load."""

import duckdb
import polars as pl
import pytest

from sources.citations import parse_figures_csv
from sources.registry import load_registry
from warehouse import Warehouse
from warehouse.contracts import CitedFigure
from warehouse.figures import store_figures, store_sources

HEADER = "figure_id,source_id,metric,entity_kind,entity,value,unit,bound,as_of,kind,verification,quote\n"
GOOD = "t/good,ark-big-ideas-2026,price,model,m,3.5,USD per million tokens,=,2025-04-01,observed,unverified,q\n"
NEGATIVE = "t/negative,ark-big-ideas-2026,price,model,m,-1,USD per million tokens,=,2025-04-01,observed,unverified,q\n"
NO_SOURCE = "t/no-source,no-such-source,price,model,m,1,USD per million tokens,=,2025-04-01,observed,unverified,q\n"
BAD_DATE = "t/bad-date,ark-big-ideas-2026,price,model,m,1,USD per million tokens,=,2025-02-30,observed,unverified,q\n"
BAD_NUMBER = "t/bad-number,ark-big-ideas-2026,price,model,m,abc,USD per million tokens,=,,observed,unverified,q\n"


@pytest.fixture
def warehouse(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    with wh.ingest("test/registry") as (con, run):
        store_sources(con, run, load_registry())
    return wh


def _load(warehouse, csv_text):
    frame = parse_figures_csv(csv_text.encode(), "test.csv")
    with warehouse.ingest("test/figures") as (con, run):
        result = store_figures(con, run, frame, contract=CitedFigure)
    return result, run


def test_bad_rows_are_quarantined_with_their_rule_and_good_rows_load(warehouse):
    result, run = _load(warehouse, HEADER + GOOD + NEGATIVE + NO_SOURCE + BAD_DATE + BAD_NUMBER)
    assert (result.rows_in, result.accepted, result.quarantined) == (5, 1, 4)
    with warehouse.reader() as con:
        assert con.execute("SELECT figure_id FROM figure WHERE figure_id LIKE 't/%'").fetchall() == [("t/good",)]
        rules = dict(
            con.execute(
                "SELECT row_locator, rule FROM quarantine WHERE target_table = 'figure' ORDER BY row_locator"
            ).fetchall()
        )
        logged = con.execute(
            "SELECT rows_in, rows_accepted, rows_quarantined, status FROM ingest_run WHERE run_id = ?", [run.run_id]
        ).fetchone()
    assert rules == {
        "test.csv:3": "value:greater_than_or_equal_to(0)",
        "test.csv:4": "source_registered",
        "test.csv:5": "date_parses",
        "test.csv:6": "number_parses",
    }
    assert logged == (5, 1, 4, "partial")


def test_quarantine_reason_names_file_row_and_value(warehouse):
    result, _ = _load(warehouse, HEADER + NEGATIVE)
    assert result.reasons == [
        "test.csv:2: value:greater_than_or_equal_to(0): value failed greater_than_or_equal_to(0) (value: -1.0)"
    ]


def test_quarantine_keeps_the_raw_row(warehouse):
    _load(warehouse, HEADER + BAD_DATE)
    with warehouse.reader() as con:
        raw = con.execute("SELECT raw FROM quarantine WHERE rule = 'date_parses'").fetchone()[0]
    assert '"as_of": "2025-02-30"' in raw


def test_reloading_the_same_rows_adds_nothing(warehouse):
    _load(warehouse, HEADER + GOOD + NEGATIVE)
    _load(warehouse, HEADER + GOOD + NEGATIVE)
    with warehouse.reader() as con:
        assert con.execute("SELECT count(*) FROM figure").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1


def test_a_failed_write_window_leaves_the_published_file_untouched(warehouse):
    with warehouse.reader() as con:
        before = con.execute("SELECT count(*) FROM source").fetchone()[0]
    with pytest.raises(duckdb.Error):
        with warehouse.writer() as con:
            con.execute("DELETE FROM source")
            con.execute("SELECT * FROM no_such_table")
    with warehouse.reader() as con:
        assert con.execute("SELECT count(*) FROM source").fetchone()[0] == before
    assert not list(warehouse.path.parent.glob("*.building-*"))


def test_a_parser_reason_that_contains_a_colon_is_stored_whole(warehouse):
    """Parsers write "rule: reason"; only the first ": " separates them (a reason may quote a cell)."""
    frame = parse_figures_csv((HEADER + GOOD).encode(), "test.csv").with_columns(
        pl.lit(["number_parses: cell 'x: y' is not a number: see row 2"]).alias("_errors")
    )
    with warehouse.ingest("test/figures") as (con, run):
        store_figures(con, run, frame, contract=CitedFigure)
    with warehouse.reader() as con:
        stored = con.execute("SELECT rule, reason FROM quarantine WHERE target_table = 'figure'").fetchall()
    assert stored == [("number_parses", "cell 'x: y' is not a number: see row 2")]


def test_counts_of_a_bulk_validated_write_go_through_the_store(warehouse):
    """A Parquet part validated in SQL keeps one quarantine row per broken rule standing for
    many rows; `record_counts` writes it and moves the run's counts, like `store` does."""
    from warehouse.store import Rejection, record_counts

    with warehouse.ingest("test/requests") as (con, run):
        result = record_counts(
            con,
            run,
            "benchmark_request",
            rows_in=1000,
            accepted=990,
            rejected=[
                Rejection("ark-big-ideas-2026", "part.parquet:r#4", "negative_latency", "7 rows", "{}", rows=7),
                Rejection("ark-big-ideas-2026", "part.parquet:r#9", "missing_run_id", "3 rows", "{}", rows=3),
            ],
            log=False,
        )
        counted = (run.rows_in, run.rows_accepted, run.rows_quarantined)
    assert (result.rows_in, result.accepted, result.quarantined) == (1000, 990, 10)
    assert counted == (1000, 990, 10)
    with warehouse.reader() as con:
        stored = con.execute(
            "SELECT rule FROM quarantine WHERE target_table = 'benchmark_request' ORDER BY rule"
        ).fetchall()
        logged = con.execute(
            "SELECT rows_in, rows_accepted, rows_quarantined FROM ingest_run WHERE step = 'test/requests'"
        ).fetchone()
    assert stored == [("missing_run_id",), ("negative_latency",)]
    assert logged == (1000, 990, 10)


def test_counts_that_do_not_add_up_are_refused(warehouse):
    from warehouse.store import Rejection, record_counts

    with pytest.raises(AssertionError, match="accepted \\+ quarantined"):
        with warehouse.ingest("test/requests") as (con, run):
            record_counts(
                con,
                run,
                "benchmark_request",
                rows_in=1000,
                accepted=995,
                rejected=[
                    Rejection("ark-big-ideas-2026", "part.parquet:r#4", "negative_latency", "7 rows", "{}", rows=7)
                ],
            )


def test_the_same_rows_always_keep_the_same_quarantine_row(warehouse):
    """One quarantine row stands for each (locator, rule): when several rows share a locator
    (a file's rows that a parser gave one locator) or a row breaks one rule twice, the row
    kept is the first such row, and its first reason, on every write of the same data."""
    lines = [
        f"t/neg-{i},ark-big-ideas-2026,price,model,m,-{i + 1},USD per million tokens,=,2025-04-01,observed,unverified,q\n"
        for i in range(400)
    ]
    frame = parse_figures_csv((HEADER + "".join(lines)).encode(), "test.csv").with_columns(
        # pairs of rows share a locator; every fifth row also carries two parser errors of one rule
        pl.format("test.csv:pair-{}", pl.int_range(0, pl.len()) // 2).alias("_locator"),
        pl.when(pl.int_range(0, pl.len()) % 5 == 0)
        .then(pl.lit(["date_parses: first reason", "date_parses: second reason"]))
        .otherwise(pl.lit([], pl.List(pl.String)))
        .alias("_errors"),
    )

    def quarantined():
        with warehouse.ingest("test/figures") as (con, run):
            result = store_figures(con, run, frame, contract=CitedFigure)
        with warehouse.reader() as con:
            stored = con.execute(
                "SELECT row_locator, rule, reason, raw FROM quarantine WHERE target_table = 'figure' ORDER BY ALL"
            ).fetchall()
        return result, stored

    first, stored = quarantined()
    assert (first.rows_in, first.accepted, first.quarantined) == (400, 0, 400)
    kept = {(locator, rule): (reason, raw) for locator, rule, reason, raw in stored}
    assert len(kept) == len(stored) == 200 + 80  # 200 locators break `value:`; 80 carry parser errors
    # the lower row of each pair stands for it: its value is -(2k + 1), and its raw is its own row
    reason, raw = kept[("test.csv:pair-7", "value:greater_than_or_equal_to(0)")]
    assert reason == "value failed greater_than_or_equal_to(0) (value: -15.0)"
    assert '"figure_id": "t/neg-14"' in raw
    # pair 0: row 0 has parser errors (so its contract check never ran); row 1 breaks the contract
    assert kept[("test.csv:pair-0", "date_parses")][0] == "first reason"
    assert kept[("test.csv:pair-0", "value:greater_than_or_equal_to(0)")][0].endswith("(value: -2.0)")
    assert first.reasons[:2] == [
        "test.csv:pair-0: date_parses: first reason",
        "test.csv:pair-0: value:greater_than_or_equal_to(0): value failed greater_than_or_equal_to(0) (value: -2.0)",
    ]
    for _ in range(3):
        again, stored_again = quarantined()
        assert stored_again == stored
        assert again.reasons == first.reasons
