"""Write steps of the token-price family (no Dagster here, so tests and the CLI can call them).

One snapshot at a time: record the raw bytes (content-addressed file + `snapshot` row), parse,
validate observations, fold them into the stored history (`sources.token_prices.history`),
then upsert price rows, one figure per number (plus the derived 3:1 blend with its lineage),
the alias rows, and the feed's state. A parse failure or a fetch failure changes no price row:
it only updates `token_price_feed_state`, which the freshness check reads.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from analysis.formulas import DERIVED_SOURCE_ID, all_formulas
from analysis.formulas.prices import token_price_blend_3to1
from pipeline.steps.token_prices import unchanged
from sources.token_prices import curated, fetch, genai_prices, history, litellm, openrouter
from sources.token_prices.figures import blended_price_lineage
from warehouse import Warehouse, query_frame
from warehouse.contracts_token_prices import TokenPrice, TokenPriceObservation
from warehouse.figures import store_figures, store_formulas, store_lineage, store_snapshots
from warehouse.store import IngestRun, store, validate
from warehouse.tables import FIGURE

CURATED_SOURCE_ID = "token-prices-cited"  # the feed-state name of the cited file (its rows cite one source per URL)
CURATED_URL = "file:sources/data/token_prices/cited_token_prices.csv"
UNIT = "USD per 1M tokens"
OFFLINE_ENV = "INFERNOMICS_OFFLINE"  # set (to anything but 0) to refresh from stored data only
METRICS = {p: f"token_price_{p}" for p in history.PRICE_FIELDS}
LIVE_PARSERS: dict[str, Callable[..., pl.DataFrame]] = {
    openrouter.SOURCE_ID: openrouter.parse,
    litellm.SOURCE_ID: litellm.parse,
}


@dataclass
class Applied:
    """What applying one snapshot did (for metadata and the feed state)."""

    source_id: str
    sha256: str | None
    status: str
    observations: int = 0
    accepted: int = 0
    rejected: int = 0
    report: history.HistoryReport = field(default_factory=history.HistoryReport)
    message: str = ""


def snapshot_dir(warehouse: Warehouse) -> Path:
    """Raw payloads live beside the warehouse: `<warehouse>_parts/snapshots/token_prices/`."""
    return warehouse.parts_dir / "snapshots" / "token_prices"


def record_snapshot(con: duckdb.DuckDBPyConnection, run: IngestRun, source_id: str, got: fetch.Fetched) -> None:
    """The `snapshot` row for stored bytes (idempotent by sha256)."""
    frame = pl.DataFrame(
        [
            {
                "sha256": got.sha256,
                "source_id": source_id,
                "url": got.url,
                "retrieved_at": got.retrieved_at,
                "media_type": got.media_type,
                "bytes": len(got.body),
                "path": str(got.path) if got.path else None,
            }
        ],
        schema={
            "sha256": pl.String,
            "source_id": pl.String,
            "url": pl.String,
            "retrieved_at": pl.Datetime("us"),
            "media_type": pl.String,
            "bytes": pl.Int64,
            "path": pl.String,
        },
    )
    existing = con.execute("SELECT retrieved_at FROM snapshot WHERE sha256 = ?", [got.sha256]).fetchall()
    if not existing:
        store_snapshots(con, run, frame)


def set_state(
    con: duckdb.DuckDBPyConnection,
    source_id: str,
    status: str,
    message: str,
    attempt_at: dt.datetime,
    success_at: dt.datetime | None = None,
    sha256: str | None = None,
) -> None:
    """Upsert the feed state; a failure never erases the time or size of the last success."""
    rows_open = None
    if sha256:
        rows_open = con.execute(
            "SELECT count(*) FROM token_price WHERE last_seen_sha256 = ? AND effective_to IS NULL", [sha256]
        ).fetchall()[0][0]
    con.execute(
        """INSERT INTO token_price_feed_state AS s (source_id, last_attempt_at, last_success_at, last_sha256,
             last_status, last_message, rows_open) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (source_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
             last_success_at = coalesce(excluded.last_success_at, s.last_success_at),
             last_sha256 = coalesce(excluded.last_sha256, s.last_sha256),
             last_status = excluded.last_status, last_message = excluded.last_message,
             rows_open = coalesce(excluded.rows_open, s.rows_open)""",
        [source_id, attempt_at, success_at, sha256, status, message or None, rows_open],
    )


def _figures(rows: pl.DataFrame, curated_source: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One observed figure per price number, one derived figure per blend, and the lineage.

    Decisions: built by column (polars), not a Python dict per figure: the same figures in
    the same order (per row: input, output, cache read, cache write, then the blend), each
    text exactly what the f-strings wrote (a missing part reads `None`, as Python prints it)."""

    def text(name: str) -> pl.Expr:  # a column as an f-string shows it
        return pl.col(name).cast(pl.String).fill_null("None")

    rows = rows.with_row_index("_row")
    entity = pl.format("{}/{}", text("provider_id"), text("model_id"))
    entity = (
        pl.when(pl.col("condition").fill_null("") != "")
        .then(pl.format("{} [{}]", entity, pl.col("condition")))
        .otherwise(entity)
    )
    common = [
        pl.col("_row"),
        pl.lit("model_price").alias("entity_kind"),
        entity.alias("entity"),
        pl.lit(UNIT).alias("unit"),
        pl.lit("=").alias("bound"),
        pl.coalesce("effective_from", "source_end").alias("as_of"),
        pl.col("effective_from").alias("period_start"),
        pl.col("effective_to").alias("period_end"),
        pl.col("source_url").alias("locator"),
        pl.col("qualifier"),
    ]
    parts = [
        rows.filter(pl.col(f"{p}_usd_per_mtok").is_not_null()).select(
            *common,
            pl.lit(n).alias("_part"),
            pl.col(f"{p}_figure_id").alias("figure_id"),
            pl.col("source_id"),
            pl.lit(METRICS[p]).alias("metric"),
            pl.col(f"{p}_usd_per_mtok").alias("value"),
            (pl.lit(None, pl.String) if curated_source else pl.col("first_seen_sha256")).alias("snapshot_sha256"),
            pl.col("quote"),
            pl.lit("observed").alias("kind"),
            pl.lit("unverified" if curated_source else "verified").alias("verification"),
            pl.format("price row {}; date basis {}", text("price_id"), text("date_basis")).alias("notes"),
        )
        for n, p in enumerate(history.PRICE_FIELDS)
    ]
    blended = rows.filter(pl.col("blended_figure_id").fill_null("") != "")
    parts.append(
        blended.select(
            *common,
            pl.lit(len(history.PRICE_FIELDS)).alias("_part"),
            pl.col("blended_figure_id").alias("figure_id"),
            pl.lit(DERIVED_SOURCE_ID).alias("source_id"),
            pl.lit("token_price_blended_3to1").alias("metric"),
            pl.col("blended_usd_per_mtok").alias("value"),
            pl.lit("derived").alias("kind"),
            pl.lit("unverified").alias("verification"),
            pl.lit(token_price_blend_3to1.key).alias("formula"),
            pl.format("3:1 input:output blend of price row {}", text("price_id")).alias("notes"),
        )
    )
    figures = pl.concat([FIGURE.conform(part, keep_extra=True) for part in parts], how="vertical_relaxed")
    figures = figures.sort(["_row", "_part"]).drop(["_row", "_part"])
    lineage = blended_price_lineage(blended).select(
        pl.col(c).cast(pl.String) for c in ("figure_id", "input_figure_id", "role")
    )
    return figures, lineage


def _aliases(observations: pl.DataFrame) -> pl.DataFrame:
    return (
        observations.select(
            "source_id",
            "provider_id",
            pl.col("model_id").alias("model"),
            "model_key",
            pl.col("alias_rule").fill_null("unmapped:none").alias("rule"),
        )
        .filter(pl.col("source_id").is_not_null() & pl.col("provider_id").is_not_null() & pl.col("model").is_not_null())
        .unique(subset=["source_id", "provider_id", "model"], keep="first", maintain_order=True)
    )


def apply_observations(
    con: duckdb.DuckDBPyConnection,
    run: IngestRun,
    state_id: str,
    observations: pl.DataFrame,
    snapshot: history.SnapshotRef,
    curated_source: bool = False,
) -> Applied:
    """Validate, fold into history, store rows + figures + lineage + aliases (one source's snapshot)."""
    problems = validate(observations, TokenPriceObservation)
    bad_idx = set(problems["_idx"].to_list())
    indexed = observations.with_row_index("_idx")
    good = indexed.filter(~pl.col("_idx").is_in(list(bad_idx)))
    bad = indexed.filter(pl.col("_idx").is_in(list(bad_idx)))
    if bad.height:  # carry the contract's reasons into `_errors` so quarantine names the rule
        reasons = problems.group_by("_idx").agg(pl.format("{}: {}", "rule", "reason").alias("_why"))
        bad = (
            bad.join(reasons, on="_idx", how="left")
            .with_columns(
                pl.col("_errors")
                .list.concat(pl.col("_why").fill_null(pl.lit([], pl.List(pl.String))))
                .list.unique(maintain_order=True)
                .alias("_errors")
            )
            .drop("_why")
        )
    rejected_ids = {tuple(r[k] for k in history.IDENTITY) for r in bad.to_dicts()}
    source_ids = observations["source_id"].drop_nulls().unique().to_list()
    stored = query_frame(con, "SELECT * FROM token_price WHERE list_contains(?, source_id)", [source_ids])
    stored = stored.select(history.row_columns()) if stored.height else history.rows_frame([])
    changes, report = history.apply_snapshot(
        stored, good.drop(["_idx", *history.BOOKKEEPING_SCHEMA]), snapshot, rejected_ids
    )
    changes = changes.with_columns(pl.lit(run.run_id).alias("ingest_run_id"))
    to_store = pl.concat(
        [
            changes.with_columns(
                pl.col("price_id").alias("_locator"),
                pl.lit([], pl.List(pl.String)).alias("_errors"),
                pl.lit(None, pl.String).alias("_raw"),
            ),
            bad.drop("_idx"),
        ],
        how="diagonal_relaxed",
    )
    result = store(con, run, "token_price", to_store, TokenPrice, key=["price_id"])
    figures, lineage = _figures(changes, curated_source)
    # the cited file is applied whole on every refresh and its figures rarely change: write
    # those that differ, looked up by id in the key's index (`unchanged`); a feed snapshot's
    # figures are its changes, written as they come
    by_id = (
        (unchanged.ids_in("figure_id", figures["figure_id"]), unchanged.ids_in("figure_id", lineage["figure_id"]))
        if curated_source and lineage.height
        else (None, None)
    )
    if figures.height and by_id[0] and by_id[1]:
        unchanged.store_figures_and_lineage(
            con, run, figures, lineage, figures_where=by_id[0], lineage_where=by_id[1], any_stored=True
        )
    elif figures.height:
        store_figures(con, run, figures)
        store_lineage(con, run, lineage)
    store(con, run, "model_alias", _aliases(observations), None, key=["source_id", "provider_id", "model"])
    summary = (
        f"{observations.height} observations: {good.height} accepted, {bad.height} rejected; "
        f"{report.opened} opened, {report.changed} changed, {report.disappeared} ended, {report.unchanged} unchanged"
    )
    if report.notes:
        summary += "; " + "; ".join(report.notes)
    status = "partial" if (bad.height or report.closings_suppressed) else "ok"
    run.messages.append(f"{state_id}: {summary}")
    return Applied(state_id, snapshot.sha256, status, observations.height, result.accepted, bad.height, report, summary)


def ingest_curated(con: duckdb.DuckDBPyConnection, run: IngestRun, path: Path | None = None) -> Applied:
    """The bundled cited history (never stale: it changes only with the code)."""
    path = path or curated.data_file()
    got = fetch.from_bytes(CURATED_URL, path.read_bytes(), "text/csv")
    observations = curated.parse(path)
    applied = apply_observations(
        con,
        run,
        CURATED_SOURCE_ID,
        observations,
        history.SnapshotRef(got.sha256, got.retrieved_at),
        curated_source=True,
    )
    set_state(con, CURATED_SOURCE_ID, applied.status, applied.message, got.retrieved_at, got.retrieved_at, got.sha256)
    return applied


def ingest_genai_prices(con: duckdb.DuckDBPyConnection, run: IngestRun, folder: Path) -> Applied:
    """The installed genai-prices package: its data as a content-addressed JSON snapshot."""
    body, provenance = genai_prices.fetch()
    got = fetch.store_snapshot(
        fetch.from_bytes(provenance["url"], body, provenance["media_type"], provenance["retrieved_at"]), folder
    )
    record_snapshot(con, run, genai_prices.SOURCE_ID, got)
    return _apply_stored(con, run, genai_prices.SOURCE_ID, got, lambda b, _url: genai_prices.parse(b))


def _apply_stored(con, run, source_id: str, got: fetch.Fetched, parse: Callable[[bytes, str], pl.DataFrame]) -> Applied:
    last = con.execute(
        "SELECT last_sha256, last_success_at FROM token_price_feed_state WHERE source_id = ?", [source_id]
    ).fetchall()
    last = last[0] if last else None
    if last and last[0] == got.sha256:
        applied = Applied(source_id, got.sha256, "ok", message=f"snapshot {got.sha256[:12]} already applied")
        con.execute(
            "UPDATE token_price_feed_state SET last_attempt_at = ?, last_success_at = ?, last_status = 'ok', last_message = ?"
            " WHERE source_id = ?",
            [got.retrieved_at, got.retrieved_at, applied.message, source_id],
        )
        return applied
    try:
        observations = parse(got.body, got.url)
    except Exception as err:  # noqa: BLE001 (any parser failure is this feed's, recorded; never the step's crash)
        message = f"snapshot {got.sha256[:12]} from {got.url} did not parse ({type(err).__name__}: {err}); stored rows unchanged"
        run.messages.append(f"{source_id}: {message}")
        set_state(con, source_id, "parse_failed", message, got.retrieved_at)
        con.execute(
            "INSERT OR REPLACE INTO quarantine VALUES ('token_price_snapshot', ?, ?, 'feed_parse', ?, ?, ?, ?)",
            [
                source_id,
                f"snapshot {got.sha256}",
                message,
                json.dumps({"url": got.url, "bytes": len(got.body)}),
                got.sha256,
                run.run_id,
            ],
        )
        return Applied(source_id, got.sha256, "parse_failed", message=message)
    applied = apply_observations(con, run, source_id, observations, history.SnapshotRef(got.sha256, got.retrieved_at))
    set_state(con, source_id, applied.status, applied.message, got.retrieved_at, got.retrieved_at, got.sha256)
    return applied


def fetch_live(
    con: duckdb.DuckDBPyConnection,
    run: IngestRun,
    source_id: str,
    url: str,
    folder: Path,
    offline: bool = False,
    **http_options,
) -> fetch.Fetched | None:
    """Fetch a live feed and store its bytes before any parsing (marked pending for the clean
    step); on failure return None and record a stale feed, leaving every stored row as it was."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if offline:  # TokenPriceFeeds.offline: $INFERNOMICS_OFFLINE unless configured
        message = f"offline (${OFFLINE_ENV} or token_price_feeds.offline): not fetched; kept the stored history"
        run.messages.append(f"{source_id}: {message}")
        set_state(con, source_id, "offline", message, now)
        return None
    try:
        got = fetch.store_snapshot(fetch.http_get(url, **http_options), folder)
    except fetch.FetchError as err:
        message = f"fetch failed: {err}; kept the stored history"
        run.messages.append(f"{source_id}: {message}")
        set_state(con, source_id, "fetch_failed", message, now)
        return None
    record_snapshot(con, run, source_id, got)
    set_state(con, source_id, "fetched", f"fetched {len(got.body)} bytes from {got.url}", got.retrieved_at)
    con.execute(
        "UPDATE token_price_feed_state SET pending_sha256 = ?, pending_retrieved_at = ? WHERE source_id = ?",
        [got.sha256, got.retrieved_at, source_id],
    )
    return got


def apply_pending(con: duckdb.DuckDBPyConnection, run: IngestRun, source_id: str) -> list[Applied]:
    """Fold the last fetched, not yet applied snapshot of a live feed into the history."""
    row = con.execute(
        "SELECT s.pending_sha256, s.pending_retrieved_at, sn.url, sn.media_type, sn.path FROM token_price_feed_state s"
        " JOIN snapshot sn ON sn.sha256 = s.pending_sha256 WHERE s.source_id = ?",
        [source_id],
    ).fetchall()
    if not row:
        return []
    sha, retrieved_at, url, media, path = row[0]
    body = Path(path).read_bytes()
    got = fetch.Fetched(url, body, sha, retrieved_at, media, Path(path))
    if fetch.from_bytes(url, body).sha256 != sha:
        message = f"stored snapshot {path} no longer matches its sha256 {sha[:12]}; not applied"
        set_state(con, source_id, "parse_failed", message, retrieved_at)
        applied = Applied(source_id, sha, "parse_failed", message=message)
    else:
        applied = _apply_stored(con, run, source_id, got, LIVE_PARSERS[source_id])
    con.execute(
        "UPDATE token_price_feed_state SET pending_sha256 = NULL, pending_retrieved_at = NULL WHERE source_id = ?",
        [source_id],
    )
    return [applied]


def record_formulas(con: duckdb.DuckDBPyConnection) -> None:
    store_formulas(con, all_formulas())


def freshness(con: duckdb.DuckDBPyConnection, max_age_hours: float, now: dt.datetime | None = None) -> pl.DataFrame:
    """One row per expected source: stale when never refreshed or older than `max_age_hours`."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    expected = pl.DataFrame({"source_id": [CURATED_SOURCE_ID, genai_prices.SOURCE_ID, *LIVE_PARSERS]})
    state = query_frame(
        con, "SELECT source_id, last_success_at, last_attempt_at, last_status, last_message FROM token_price_feed_state"
    )
    if state.height == 0:
        state = pl.DataFrame(
            schema={
                "source_id": pl.String,
                "last_success_at": pl.Datetime("us"),
                "last_attempt_at": pl.Datetime("us"),
                "last_status": pl.String,
                "last_message": pl.String,
            }
        )
    frame = expected.join(state, on="source_id", how="left")
    live = pl.col("source_id").is_in(list(LIVE_PARSERS))
    # microseconds, not total_seconds(): that truncates to whole seconds, so a feed stored
    # under a second ago read as 0 h old and passed a max age of 0 h
    age = (pl.lit(now) - pl.col("last_success_at")).dt.total_microseconds() / 3.6e9
    return frame.with_columns(
        age.alias("hours_since_success"),
        (pl.col("last_success_at").is_null() | (live & (age > max_age_hours))).alias("stale"),
    ).with_columns(
        pl.when(pl.col("last_success_at").is_null())
        .then(pl.lit("never refreshed"))
        .when(pl.col("stale"))
        .then(pl.format("stale since {}", pl.col("last_success_at").dt.strftime("%Y-%m-%d %H:%M UTC")))
        .otherwise(pl.lit("fresh"))
        .alias("freshness")
    )
