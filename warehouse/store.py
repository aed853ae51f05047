"""Validated, idempotent writes with provenance: every write belongs to an ingest run,
bad rows go to quarantine with the rule they broke, and counts in = accepted + quarantined.

A frame handed to :func:`store` may carry three bookkeeping columns:
``_locator`` (where the row came from, e.g. ``sources/citations/x.csv:7``; defaults to
the row number), ``_raw`` (the row as read, JSON; defaults to the row itself) and
``_errors`` (list of "rule: reason" strings a parser found, e.g. a date that does not
parse: such rows are quarantined without reaching the contract).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from warehouse.connection import transaction
from warehouse.tables import QUARANTINE

if TYPE_CHECKING:  # pandera is imported where a contract runs, not by every reader of the warehouse
    import pandera.polars as pa

BOOKKEEPING = ("_locator", "_raw", "_errors")


def code_version() -> str:
    """The package version and git commit (see `warehouse.version`), as `--version` prints it."""
    from warehouse.version import code_version as current

    return current()


@dataclass
class IngestRun:
    """One write step (an asset or a command), recorded in `ingest_run`."""

    step: str
    source_id: str | None = None
    dagster_run_id: str | None = None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))
    rows_in: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StoreResult:
    table: str
    rows_in: int
    accepted: int
    quarantined: int
    reasons: list[str]

    def __post_init__(self) -> None:
        assert self.rows_in == self.accepted + self.quarantined, "counts in must equal accepted + quarantined"


def begin_run(con: duckdb.DuckDBPyConnection, run: IngestRun) -> IngestRun:
    con.execute(
        "INSERT INTO ingest_run (run_id, dagster_run_id, step, source_id, started_at, code_version, status)"
        " VALUES (?, ?, ?, ?, ?, ?, 'running')",
        [run.run_id, run.dagster_run_id, run.step, run.source_id, run.started_at, code_version()],
    )
    return run


def finish_run(con: duckdb.DuckDBPyConnection, run: IngestRun, status: str | None = None) -> None:
    status = status or ("partial" if run.rows_quarantined else "ok")
    con.execute(
        "UPDATE ingest_run SET finished_at = ?, rows_in = ?, rows_accepted = ?,"
        " rows_quarantined = ?, status = ?, message = ? WHERE run_id = ?",
        [
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            run.rows_in,
            run.rows_accepted,
            run.rows_quarantined,
            status,
            "\n".join(run.messages) or None,
            run.run_id,
        ],
    )


def validate(frame: pl.DataFrame, contract: type[pa.DataFrameModel] | None) -> pl.DataFrame:
    """Return one row per (row index, rule, reason) that the row breaks. Empty = all good."""
    return _validate(frame, contract)[0]


def _validate(frame: pl.DataFrame, contract: type[pa.DataFrameModel] | None) -> tuple[pl.DataFrame, bool]:
    """`validate`, and whether the contract itself refused anything (not only the parser).

    Decisions:
    - pandera's polars backend runs every check as a few small `LazyFrame.collect()`s (a
      contract of 20 columns: ~60 of them). polars 2 sends an `engine="auto"` collect to the
      streaming engine, whose start-up costs several times what these queries cost (about
      0.1-0.2 ms against 0.02-0.03 ms in memory), so a refresh spent ~4 s starting ~18,000
      streaming queries. The contract runs with the in-memory engine instead: the same
      checks on the same rows, the same failure cases, only the engine differs. It is set
      around the call alone (`pl.Config` restores the caller's engine on exit).
    """
    frame = frame.with_row_index("_idx")
    problems = [pl.DataFrame(schema={"_idx": pl.UInt32, "rule": pl.String, "reason": pl.String})]
    if "_errors" in frame.columns and frame["_errors"].list.len().sum():
        parsed = (
            frame.select("_idx", "_errors")
            .explode("_errors")
            .drop_nulls("_errors")
            .with_columns(pl.col("_errors").str.splitn(": ", 2).alias("_e"))
            .unnest("_e")
            .select("_idx", pl.col("field_0").alias("rule"), pl.col("field_1").alias("reason"))
        )
        problems.append(parsed.cast({"_idx": pl.UInt32}))
    clean = frame.filter(~pl.col("_idx").is_in(problems[-1]["_idx"].implode())) if len(problems) > 1 else frame
    refused = False
    if contract is not None and clean.height:
        from pandera.errors import SchemaErrors

        try:
            with pl.Config(engine_affinity="in-memory"):
                contract.validate(clean.drop("_idx"), lazy=True)
        except SchemaErrors as err:
            refused = True
            cases = err.failure_cases
            whole = cases.filter(pl.col("index").is_null())
            located = cases.filter(pl.col("index").is_not_null())
            rows = located.with_columns(clean["_idx"].gather(located["index"]).alias("_idx"))
            problems.append(
                rows.select(
                    "_idx",
                    pl.format("{}:{}", pl.col("column"), pl.col("check")).alias("rule"),
                    pl.format(
                        "{} failed {} (value: {})", pl.col("column"), pl.col("check"), pl.col("failure_case")
                    ).alias("reason"),
                )
            )
            if whole.height:
                reason = "; ".join(f"{c}: {k}" for c, k in zip(whole["column"], whole["failure_case"]))
                problems.append(
                    clean.select("_idx").with_columns(
                        pl.lit("schema").alias("rule"),
                        pl.lit(f"frame does not match the contract: {reason}").alias("reason"),
                    )
                )
    return pl.concat(problems, how="vertical_relaxed").unique(maintain_order=True), refused


# table -> its column names, per connection: a catalogue query cost ~3 ms and every store
# asked again (162 times a refresh). A connection's tables change only by migrations, which
# run when a write connection opens (`Build.connection`), before any store. The first store
# reads the whole catalogue in one query (40 tables: one query, not one per table); a table
# it did not list (made after it, e.g. by a test) reads the catalogue again.
_COLUMNS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dict[str, list[str]]] = weakref.WeakKeyDictionary()


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    known = _COLUMNS.get(con)
    if known is None or table not in known:
        known = {}
        for name, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name, ordinal_position"
        ).fetchall():
            known.setdefault(name, []).append(column)
        _COLUMNS[con] = known
        if table not in known:
            raise ValueError(f"table {table!r} does not exist in the warehouse")
    return known[table]


def _raw_json(frame: pl.DataFrame) -> pl.Series:
    """The row as read (`_raw` when the caller gave it, else the row's own columns as JSON)."""
    if "_raw" in frame.columns:
        return frame["_raw"]
    plain = frame.drop([c for c in BOOKKEEPING if c in frame.columns])
    return pl.Series("_raw", [json.dumps(r, default=str, ensure_ascii=False) for r in plain.to_dicts()], pl.String)


def store(
    con: duckdb.DuckDBPyConnection,
    run: IngestRun,
    table: str,
    frame: pl.DataFrame,
    contract: type[pa.DataFrameModel] | None,
    key: list[str],
    source_id_column: str | None = "source_id",
    require_registered_source: bool = True,
) -> StoreResult:
    """Validate `frame`, quarantine bad rows, upsert good rows by `key`, in one transaction
    (the write window's, when it has one: see `warehouse.connection.transaction`).

    Decisions:
    - `raw` (the row as read, JSON) is made for the rejected rows only: it was made for
      every row (75,000 `json.dumps` a refresh) and kept for the quarantined few. The
      contract sees the frame without it; when the contract refuses a row, the frame is
      validated again with `raw` beside every row, as it always was, because a
      frame-wide check's reason quotes the whole row (its `raw` included), and the reasons
      stay word for word what they were.
    - Which quarantine row stands for a (locator, rule) that several problems share (one
      row broke a rule twice, or several rows share a locator) is fixed: the problem of
      the lowest row, then the first found in the order the rules ran (parser errors,
      the contract's checks, the source registry). The reasons come in that order too.
    """
    frame = frame.with_columns(
        (
            pl.col("_locator") if "_locator" in frame.columns else pl.format("row {}", pl.int_range(1, pl.len() + 1))
        ).alias("_locator"),
    )
    problems, refused = _validate(frame, contract)
    if refused and "_raw" not in frame.columns:
        frame = frame.with_columns(_raw_json(frame).alias("_raw"))
        problems, _ = _validate(frame, contract)
    if require_registered_source and source_id_column and frame.height:
        # which of the frame's few distinct source ids are unknown, in Python; only the rows
        # of those (rarely any) are looked for in the frame
        known = {r[0] for r in con.execute("SELECT source_id FROM source").fetchall()}
        named = frame[source_id_column]
        unknown_ids = [s for s in named.unique().to_list() if s is None or s not in known]
        if unknown_ids:
            unknown = frame.with_row_index("_idx").filter(
                pl.col(source_id_column).is_null() | ~pl.col(source_id_column).is_in(list(known))
            )
            problems = pl.concat(
                [
                    problems,
                    unknown.select(
                        "_idx",
                        pl.lit("source_registered").alias("rule"),
                        pl.format(
                            "source_id '{}' is not in the source registry", pl.col(source_id_column).fill_null("")
                        ).alias("reason"),
                    ),
                ],
                how="vertical_relaxed",
            )
    columns = _table_columns(con, table)
    bad_idx = problems["_idx"].unique()
    if bad_idx.len():
        indexed = frame.with_row_index("_idx")
        is_bad = pl.col("_idx").is_in(bad_idx.implode())
        good = indexed.filter(~is_bad).drop(["_idx", *BOOKKEEPING], strict=False)
        rejected = indexed.filter(is_bad)
        rejected = rejected.with_columns(_raw_json(rejected.drop("_idx")).alias("_raw"))
        bad = (
            problems.with_row_index("_found")
            .join(rejected, on="_idx", how="left")
            .sort(["_idx", "_found"], maintain_order=True)
        )
        quarantine_rows = bad.select(
            pl.lit(table).alias("target_table"),
            (
                pl.col(source_id_column).cast(pl.String)
                if source_id_column and source_id_column in bad.columns
                else pl.lit(None, pl.String)
            )
            .fill_null(run.source_id or "(none)")
            .alias("source_id"),
            pl.col("_locator").alias("row_locator"),
            "rule",
            "reason",
            pl.col("_raw").alias("raw"),
            pl.lit(run.run_id).alias("run_id"),
        ).unique(subset=["row_locator", "rule"], keep="first", maintain_order=True)
    else:  # nothing refused (most stores): every row is written, nothing quarantined
        good = frame.drop(list(BOOKKEEPING), strict=False)
        quarantine_rows = None
    insert = good.select([c for c in columns if c in good.columns])
    if insert.height and len(key) and insert.select(key).is_duplicated().any():
        dups = insert.filter(insert.select(key).is_duplicated()).select(key).unique().head(3).to_dicts()
        raise ValueError(f"{table}: duplicate keys {key} in one write, e.g. {dups}")
    sources = (
        set(frame[source_id_column].drop_nulls().unique().to_list())
        if source_id_column and source_id_column in frame.columns
        else set()
    )
    sources |= {run.source_id or "(none)"}
    with transaction(con):
        # quarantine holds the rows rejected by the latest write of each (table, source)
        con.execute(
            "DELETE FROM quarantine WHERE target_table = ? AND list_contains(?, source_id)", [table, sorted(sources)]
        )
        if insert.height:
            con.register("_incoming", insert.to_arrow())
            if key:
                match = " AND ".join(f't."{k}" IS NOT DISTINCT FROM i."{k}"' for k in key)
                con.execute(f'DELETE FROM "{table}" t WHERE EXISTS (SELECT 1 FROM _incoming i WHERE {match})')
            con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _incoming')
            con.unregister("_incoming")
        if quarantine_rows is not None and quarantine_rows.height:
            con.register("_rejected", quarantine_rows.to_arrow())
            con.execute("INSERT OR REPLACE INTO quarantine BY NAME SELECT * FROM _rejected")
            con.unregister("_rejected")
    n_bad = int(bad_idx.len())
    result = StoreResult(
        table,
        frame.height,
        frame.height - n_bad,
        n_bad,
        []
        if quarantine_rows is None
        else [f"{r['row_locator']}: {r['rule']}: {r['reason']}" for r in quarantine_rows.to_dicts()],
    )
    run.rows_in += result.rows_in
    run.rows_accepted += result.accepted
    run.rows_quarantined += result.quarantined
    run.messages.extend(result.reasons)
    return result


@dataclass(frozen=True)
class Rejection:
    """One quarantine row written by `record_counts`: it may stand for many rejected rows
    (`rows`: a bulk-validated Parquet part keeps one row per broken rule, with its count)."""

    source_id: str
    row_locator: str
    rule: str
    reason: str
    raw: str
    snapshot_sha256: str | None = None
    rows: int = 1
    #: the line for `ingest_run.message` (default `<row_locator>: <rule>: <reason>`)
    message: str | None = None


def record_counts(
    con: duckdb.DuckDBPyConnection,
    run: IngestRun,
    table: str,
    *,
    rows_in: int,
    accepted: int,
    rejected: list[Rejection],
    log: bool = True,
) -> StoreResult:
    """Count a write that `store` did not validate row by row, and quarantine its rejections.

    Per-request rows are validated in bulk in SQL and stay in their Parquet part, and a file
    can be refused whole before any row exists; both still go through this one door, so
    `StoreResult`'s check `rows_in = accepted + quarantined` holds for them as for `store`
    (`quarantined` is the sum of the rejections' `rows`, counted apart from `accepted`), and
    the run's counts move here and nowhere else. `log` adds each rejection's line to the
    run's message, as `store` does with its reasons."""
    result = StoreResult(
        table,
        rows_in,
        accepted,
        sum(r.rows for r in rejected),
        [r.message or f"{r.row_locator}: {r.rule}: {r.reason}" for r in rejected],
    )
    if rejected:
        rows = QUARANTINE.frame(
            [
                {
                    "target_table": table,
                    "source_id": r.source_id,
                    "row_locator": r.row_locator,
                    "rule": r.rule,
                    "reason": r.reason,
                    "raw": r.raw,
                    "snapshot_sha256": r.snapshot_sha256,
                    "run_id": run.run_id,
                }
                for r in rejected
            ]
        )
        con.register("_rejections", rows.to_arrow())
        try:
            con.execute("INSERT OR REPLACE INTO quarantine BY NAME SELECT * FROM _rejections")
        finally:
            con.unregister("_rejections")
    run.rows_in += result.rows_in
    run.rows_accepted += result.accepted
    run.rows_quarantined += result.quarantined
    if log:
        run.messages.extend(result.reasons)
    return result
