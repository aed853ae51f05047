"""Writes for the citation store: sources, snapshots, figures, citations, lineage, formulas.

The tables' columns are declared once, in `warehouse/tables.py`; the writers here conform a
frame to that declaration before `warehouse.store.store` validates and writes it."""

from __future__ import annotations

import duckdb
import pandera.polars as pa
import polars as pl

from warehouse.contracts import Figure, Source
from warehouse.store import IngestRun, StoreResult, store
from warehouse.tables import FIGURE, SOURCE


def figure_frame(rows: list[dict]) -> pl.DataFrame:
    """Figure rows (dicts, missing keys = null) as a frame with the figure table's types
    (`warehouse.tables.FIGURE`)."""
    return FIGURE.frame(rows)


def store_sources(con: duckdb.DuckDBPyConnection, run: IngestRun, sources: pl.DataFrame) -> StoreResult:
    """Source records in the table's shape (`warehouse.tables.SOURCE`: a builder may leave
    optional fields out), validated by the Source contract."""
    sources = SOURCE.conform(sources, keep_extra=True)
    return store(con, run, "source", sources, Source, key=list(SOURCE.key), require_registered_source=False)


def store_snapshots(con: duckdb.DuckDBPyConnection, run: IngestRun, snapshots: pl.DataFrame) -> StoreResult:
    """Content-addressed snapshot records (sha256, source, url, retrieved_at, bytes, path)."""
    return store(con, run, "snapshot", snapshots, None, key=["sha256"])


def store_figures(
    con: duckdb.DuckDBPyConnection,
    run: IngestRun,
    figures: pl.DataFrame,
    contract: type[pa.DataFrameModel] = Figure,
) -> StoreResult:
    """Figures in the table's shape (`warehouse.tables.FIGURE.conform`: builders set the
    columns they know, the rest are typed NULLs), stamped with the run, then `store`d."""
    figures = FIGURE.conform(figures.with_columns(pl.lit(run.run_id).alias("ingest_run_id")), keep_extra=True)
    return store(con, run, "figure", figures, contract, key=list(FIGURE.key))


def _stored_figure_ids(con: duckdb.DuckDBPyConnection, ids: pl.Series) -> pl.Series:
    """Which of `ids` are stored figures, by a join in DuckDB (the figure table holds ~100,000
    rows: reading all of them into Python for every lineage write cost seconds per refresh).
    A Series, read as Arrow and matched with `is_in(known.implode())`: 30,000 ids as Python
    strings, then a list literal, cost more than the join."""
    wanted = pl.DataFrame({"figure_id": ids.drop_nulls().unique()}, schema={"figure_id": pl.String})
    if wanted.height == 0:
        return pl.Series("figure_id", [], pl.String)
    con.register("_wanted_ids", wanted.to_arrow())
    try:
        found = pl.from_arrow(
            con.sql("SELECT w.figure_id FROM _wanted_ids w SEMI JOIN figure f USING (figure_id)").to_arrow_table()
        )
    finally:
        con.unregister("_wanted_ids")
    assert isinstance(found, pl.DataFrame)
    return found["figure_id"].cast(pl.String)


def store_citations(con: duckdb.DuckDBPyConnection, run: IngestRun, citations: pl.DataFrame) -> StoreResult:
    """Second links (a citing document's locator and quote), for figures already stored."""
    known = _stored_figure_ids(con, citations["figure_id"])
    citations = citations.with_columns(
        pl.lit(run.run_id).alias("ingest_run_id"),
        pl.when(pl.col("figure_id").is_in(known.implode()))
        .then(pl.lit([], pl.List(pl.String)))
        .otherwise(pl.concat_list(pl.format("figure_exists: figure {} is not stored", pl.col("figure_id"))))
        .alias("_errors"),
    )
    return store(con, run, "figure_citation", citations, None, key=["figure_id", "source_id"])


def store_lineage(con: duckdb.DuckDBPyConnection, run: IngestRun, lineage: pl.DataFrame) -> StoreResult:
    """`figure_input` rows; every input must be a stored figure (lineage never dangles)."""
    known = _stored_figure_ids(con, pl.concat([lineage["figure_id"], lineage["input_figure_id"]]))
    lineage = lineage.with_columns(
        pl.when(pl.col("input_figure_id").is_in(known.implode()) & pl.col("figure_id").is_in(known.implode()))
        .then(pl.lit([], pl.List(pl.String)))
        .otherwise(
            pl.concat_list(
                pl.format(
                    "lineage_resolves: {} -> {} names a figure that is not stored",
                    pl.col("figure_id"),
                    pl.col("input_figure_id"),
                )
            )
        )
        .alias("_errors"),
    )
    return store(
        con, run, "figure_input", lineage, None, key=["figure_id", "role", "input_figure_id"], source_id_column=None
    )


def store_formulas(con: duckdb.DuckDBPyConnection, formulas: list) -> None:
    """Record each registered formula (name, version, docstring, the dotted path of its
    function) so audit can show it. Callers pass `analysis.formulas.all_formulas()`, the
    whole catalogue: `warehouse` does not import `analysis`.

    One statement over a registered frame, not `executemany`: DuckDB runs an executemany as
    one prepared INSERT per row, and 18 steps each writing the ~50-row catalogue cost 0.8 s
    a refresh. Nothing is written when every formula is already stored as it is (one read
    of the small table instead of an upsert that would change nothing)."""
    rows = pl.DataFrame(
        [[f.name, f.version, f.doc, f.path] for f in formulas],
        schema={"name": pl.String, "version": pl.Int32, "doc": pl.String, "function": pl.String},
        orient="row",
    ).unique(subset=["name", "version"], keep="last", maintain_order=True)
    if rows.height == 0:
        return
    stored = set(con.execute("SELECT name, version, doc, function FROM formula").fetchall())
    if set(rows.iter_rows()) <= stored:
        return
    con.register("_formulas", rows.to_arrow())
    try:
        con.execute("INSERT OR REPLACE INTO formula BY NAME SELECT * FROM _formulas")
    finally:
        con.unregister("_formulas")
