"""Write only what differs from what is stored: the rows of a rebuilt source that are already
stored exactly so are validated and counted, not rewritten (issue 12, target 5).

Decisions: a `store` upsert joins its rows against the whole table, so rewriting a source
that did not change cost more as the warehouse grew (the live feeds' history). `split`
reads this source's stored rows only (a condition the caller names: its source ids, or its
ids where the key's index answers), `store_changed` writes the rest through `store` as
before. Rows the parser refused always go to `store` (quarantine), and anything `store`
would refuse today sends the whole frame back to it, so what is stored is what a full
rewrite would store. The comparison query is `sql/unchanged_rows.sql`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from warehouse.contracts import Figure
from warehouse.figures import store_figures, store_lineage
from warehouse.store import IngestRun, StoreResult, validate
from warehouse.tables import FIGURE, TABLES

INDEX_SCAN_MAX = 2048  # DuckDB's default index_scan_max_count

UNCHANGED_SQL = (Path(__file__).parent / "sql" / "unchanged_rows.sql").read_text(encoding="utf-8")


@dataclass
class Split:
    """A frame for `store` (numbered by `_row`) and which of its rows are stored exactly so already."""

    frame: pl.DataFrame
    is_same: pl.Expr

    @property
    def write(self) -> pl.DataFrame:
        return self.frame.filter(~self.is_same).drop("_row")

    @property
    def same(self) -> pl.DataFrame:
        return self.frame.filter(self.is_same).drop("_row")


def split(
    con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, stored: str, params: list, *, any_stored: bool
) -> Split:
    """Split `frame` into the rows to write and those already stored exactly so (every column
    of the table but `ingest_run_id`) among the stored rows that the SQL condition `stored`
    selects. Rows the parser refused (`_errors`) are always written: they go to quarantine.
    A frame whose keys repeat (among the rows not refused) is written whole (`store` refuses
    it as it always did), and so is every frame of a source with no stored history
    (`any_stored` false: a first refresh has nothing to compare with)."""
    declared = TABLES[table]
    key = list(declared.key)
    frame = frame.with_row_index("_row")
    refused = pl.col("_errors").list.len() > 0 if "_errors" in frame.columns else pl.lit(False)
    candidates = frame.filter(~refused)
    if not any_stored or candidates.height == 0 or candidates.select(key).is_duplicated().any():
        return Split(frame, pl.lit(False))
    compared = [c for c in declared.names if c != "ingest_run_id"]
    incoming = candidates.select(
        "_row",
        *[pl.col(c) if c in frame.columns else pl.lit(None, declared.column(c).dtype).alias(c) for c in compared],
    )
    con.register("_incoming", incoming.to_arrow())
    try:
        sql = UNCHANGED_SQL.format(
            columns=", ".join(f'"{c}"' for c in compared),
            table=table,
            stored=stored,
            key_match=" AND ".join(f'i."{k}" = t."{k}"' for k in key),
            same_values=" AND ".join(f'i."{c}" IS NOT DISTINCT FROM t."{c}"' for c in compared if c not in key)
            or "TRUE",
        )
        same_rows = pl.Series("_row", [r[0] for r in con.execute(sql, params).fetchall()], pl.UInt32)
    finally:
        con.unregister("_incoming")
    return Split(frame, pl.col("_row").is_in(same_rows.implode()))


def sources_of(frame: pl.DataFrame, run: IngestRun) -> list[str]:
    """The sources whose quarantine rows a `store` of `frame` replaces (as `store` reckons them)."""
    found = set(frame["source_id"].drop_nulls().to_list()) if "source_id" in frame.columns else set()
    return sorted(found | {run.source_id or "(none)"})


def store_changed(
    con: duckdb.DuckDBPyConnection,
    run: IngestRun,
    table: str,
    split: Split,
    write: Callable[[pl.DataFrame], StoreResult],
    *,
    clean: Callable[[pl.DataFrame], bool],
    sources: list[str],
) -> tuple[StoreResult, int]:
    """`write` the changed rows of `split` (a `store` call), and count the unchanged ones as
    accepted without rewriting them. `clean(same)` says whether `store` would accept every
    unchanged row today (contract, registered source, lineage resolves); when it would not,
    the whole frame is written and `store` quarantines them, exactly as before.

    Decisions (issue 12, target 5): a refresh rebuilt both snapshot histories from the
    vendored files and rewrote all of their rows (56,000 figures, 14,000 prices), and each
    `store` upsert joins its rows against the whole table, so the step grew with the
    warehouse (the live feeds' history) even when nothing of its own changed. Now it reads
    this source's stored rows only, writes what differs, and an unchanged history writes
    nothing (its rows keep the `ingest_run_id` of the run that wrote them: that run's
    values are the values stored). Every row still passes its contract: the unchanged
    ones are validated here, the others by `store`. Returns the result over all rows, and
    how many were kept as stored."""
    same = split.same
    if same.height and not clean(same):  # the whole frame, in its order
        split, same = Split(split.frame, pl.lit(False)), same.clear()
    # `store` replaces the quarantine rows of the sources in what it is given: the rows left
    # out must not keep stale quarantine rows of theirs
    con.execute("DELETE FROM quarantine WHERE target_table = ? AND list_contains(?, source_id)", [table, sources])
    changed = split.write
    result = write(changed) if changed.height else StoreResult(table, 0, 0, 0, [])
    kept = same.height
    run.rows_in += kept
    run.rows_accepted += kept
    return StoreResult(table, result.rows_in + kept, result.accepted + kept, result.quarantined, result.reasons), kept


def meets(contract: type | None, source_column: str | None = "source_id"):
    """`clean` for `store_changed`: no rule of `store` refuses any of the rows."""

    def clean(con: duckdb.DuckDBPyConnection, same: pl.DataFrame) -> bool:
        if contract is not None and validate(same, contract).height:
            return False
        if source_column is None:
            return True
        known = {r[0] for r in con.execute("SELECT source_id FROM source").fetchall()}
        return set(same[source_column].to_list()) <= known

    return clean


def store_figures_and_lineage(
    con: duckdb.DuckDBPyConnection,
    run: IngestRun,
    figures: pl.DataFrame,
    lineage: pl.DataFrame,
    *,
    figures_where: tuple[str, list],
    lineage_where: tuple[str, list],
    any_stored: bool,
) -> StoreResult:
    """`store_figures` and `store_lineage` of what differs from the stored rows that the two
    SQL conditions (with their parameters) select; returns the figures' result."""
    stamp = pl.lit(run.run_id).alias("ingest_run_id")
    figure_result, _ = store_changed(
        con,
        run,
        "figure",
        split(con, "figure", figures, *figures_where, any_stored=any_stored),
        lambda f: store_figures(con, run, f),
        clean=lambda same: meets(Figure)(con, FIGURE.conform(same.with_columns(stamp), keep_extra=True)),
        sources=sources_of(FIGURE.conform(figures.with_columns(stamp), keep_extra=True), run),
    )
    written = figures["figure_id"].implode()
    store_changed(
        con,
        run,
        "figure_input",
        split(con, "figure_input", lineage, *lineage_where, any_stored=any_stored),
        lambda f: store_lineage(con, run, f),
        # store_lineage accepts a row whose two figures are stored: those of this write, all stored
        clean=lambda same: (
            figure_result.quarantined == 0
            and same.select(
                (pl.col("figure_id").is_in(written) & pl.col("input_figure_id").is_in(written)).all()
            ).item()
        ),
        sources=[run.source_id or "(none)"],
    )
    return figure_result


def ids_in(column: str, ids: pl.Series) -> tuple[str, list] | None:
    """`column IN ('a', 'b', ...)` with the ids as literals, which DuckDB answers from the
    key's index (a join or a list parameter scans the whole table); None past the index's
    limit (`index_scan_max_count`, 2048), where a literal list is no faster than a scan."""
    values = ids.drop_nulls().unique().sort().to_list()
    if not values or len(values) > INDEX_SCAN_MAX:
        return None
    return f'"{column}" IN (' + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")", []
