"""Token-price assets: bundled sources (cited file, genai-prices) and two live feeds, each
fetched into a content-addressed snapshot (raw/...) and folded into the history (clean/...)."""

import dagster as dg
import duckdb

from pipeline.defs import keys
from pipeline.defs.metadata import DAILY_FEED, table_metadata
from pipeline.defs.resources import WRITER_POOL, WarehouseResource, ingest_metadata
from pipeline.defs.skip import fingerprinted, record_pending
from pipeline.defs.step_checks import checked_asset, checked_multi_asset
from pipeline.defs.token_prices.resources import TokenPriceFeeds
from pipeline.fingerprint import Bundled, Computed, Package, digest
from pipeline.steps.token_prices import load, snapshots
from sources.token_prices import genai_prices, litellm, litellm_snapshots, models_dev, openrouter
from warehouse.store import IngestRun, begin_run, finish_run

GROUP = "token_prices"
REGISTRY = keys.SOURCE
CITED_ROWS = (
    "source_id NOT IN ('genai-prices', 'openrouter-models', 'litellm-model-prices', 'litellm-releases', "
    "'models-dev-cost-history')"
)  # as checks.py reads them


def _meta(run, applied: load.Applied, **extra) -> dict:
    return ingest_metadata(
        run, status=applied.status, snapshot=applied.sha256 or "none", summary=applied.message, **extra
    )


@checked_asset(
    key=keys.TOKEN_PRICE_TABLES["cited"], deps=[REGISTRY], group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb"}
)
@fingerprinted(Bundled("data/token_prices/cited_token_prices.csv"))
def cited_token_prices(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The 45 cited launch and price-cut rows (URL, date, verbatim quote, source class) as dated price rows."""
    with warehouse.ingest(context, source_id=load.CURATED_SOURCE_ID) as (con, run):
        load.record_formulas(con)
        applied = load.ingest_curated(con, run)
        table = table_metadata(con, "token_price", where=CITED_ROWS)
    return dg.MaterializeResult(metadata=_meta(run, applied) | table)


@checked_asset(key=keys.GENAI_PRICES, deps=[REGISTRY], group_name=GROUP, pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted(Package("genai-prices"))
def genai_prices_token_prices(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every model of the installed genai-prices package (version = snapshot), with its dated price changes."""
    with warehouse.ingest(context, source_id=genai_prices.SOURCE_ID) as (con, run):
        load.record_formulas(con)
        applied = load.ingest_genai_prices(con, run, load.snapshot_dir(warehouse.warehouse))
        table = table_metadata(con, "token_price", where="source_id = ?", params=[genai_prices.SOURCE_ID])
    return dg.MaterializeResult(metadata=_meta(run, applied, version=genai_prices.package_version()) | table)


LITELLM_RELEASES = keys.TOKEN_PRICE_TABLES["litellm_releases"]
MODELS_DEV = keys.TOKEN_PRICE_TABLES["models_dev"]


@checked_multi_asset(
    name="snapshot_price_histories",
    pool=WRITER_POOL,
    can_subset=True,
    specs=[
        dg.AssetSpec(
            LITELLM_RELEASES,
            deps=[REGISTRY],
            group_name=GROUP,
            kinds={"duckdb"},
            skippable=True,
            description="LiteLLM's price map from ten vendored package releases as one dated history (\"as listed "
            'in release V, uploaded D"); each number of each release a figure; unit errors quarantined.',
        ),
        dg.AssetSpec(
            MODELS_DEV,
            deps=[REGISTRY],
            group_name=GROUP,
            kinds={"duckdb"},
            skippable=True,
            description="models.dev's price change log (2025-06 to 2026-07) as price rows dated when models.dev recorded them.",
        ),
    ],
)
@fingerprinted(
    keyed={
        LITELLM_RELEASES.to_user_string(): (Bundled("data/token_prices/litellm_releases"),),
        MODELS_DEV.to_user_string(): (Bundled("data/token_prices/models_dev/models_dev_cost_history_from_git.csv"),),
    }
)
def snapshot_price_histories(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Both vendored snapshot histories in one write window (one copy of the warehouse file, not
    two: the refresh-time budget), each recorded as its own ingest run under its asset's name."""
    steps = [
        (LITELLM_RELEASES, litellm_snapshots.FAMILY_SOURCE_ID, snapshots.ingest_litellm_releases),
        (MODELS_DEV, models_dev.SOURCE_ID, snapshots.ingest_models_dev),
    ]
    results = []
    with warehouse.warehouse.writer() as con:
        load.record_formulas(con)
        for key, source_id, ingest in steps:
            if key not in context.selected_asset_keys:
                continue
            run = begin_run(
                con, IngestRun(step=key.to_user_string(), source_id=source_id, dagster_run_id=context.run.run_id)
            )
            applied = ingest(con, run)
            finish_run(con, run)
            table = table_metadata(con, "token_price", where="source_id = ?", params=[source_id])
            record_pending(con, context, key)
            results.append(dg.MaterializeResult(asset_key=key, metadata=_meta(run, applied) | table))
    yield from results


def stored_payloads(source_id: str):
    """The data version of a feed: the sha256 of every payload stored for it, so a fetch of
    bytes identical to a stored payload changes nothing downstream."""

    def version(ctx) -> str:
        if ctx.con is None:
            return digest([])
        try:
            rows = ctx.con.execute(
                "SELECT DISTINCT sha256 FROM snapshot WHERE source_id = ? ORDER BY sha256", [source_id]
            ).fetchall()
        except duckdb.CatalogException:
            rows = []
        return digest([r[0] for r in rows])

    return version


def _online(url_field: str):
    def volatile(ctx) -> str | None:
        feeds = ctx.resources["token_price_feeds"]
        return None if feeds.is_offline() else f"fetches {getattr(feeds, url_field)}"

    return volatile


def _live_assets(name: str, source_id: str, url_field: str):
    raw_key = keys.RAW_FEEDS[name]  # its own label: the clean asset is `name`
    payloads = stored_payloads(source_id)

    @dg.asset(
        key=raw_key,
        deps=[REGISTRY],
        group_name=GROUP,
        pool=WRITER_POOL,
        kinds={"duckdb"},
        freshness_policy=DAILY_FEED,
        description=f"Fetch the {name} price feed (https, timeout, size cap, retries) and store the raw "
        f"bytes content-addressed with a `snapshot` row; offline, it records a stale feed and succeeds.",
    )
    @fingerprinted(
        Computed("offline", lambda ctx: {"": str(ctx.resources["token_price_feeds"].is_offline())}),
        Computed("stored payloads", lambda ctx: {"": payloads(ctx)}),
        volatile=_online(url_field),
        data_version=payloads,
    )
    def raw_feed(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, token_price_feeds: TokenPriceFeeds
    ) -> dg.MaterializeResult:
        with warehouse.ingest(context, source_id=source_id) as (con, run):
            got = load.fetch_live(
                con,
                run,
                source_id,
                getattr(token_price_feeds, url_field),
                load.snapshot_dir(warehouse.warehouse),
                offline=token_price_feeds.is_offline(),
                **token_price_feeds.http_options(),
            )
            table = table_metadata(con, "snapshot", where="source_id = ?", params=[source_id])
        return dg.MaterializeResult(
            metadata=table
            | {
                "fetched": got is not None,
                "snapshot": got.sha256 if got else "none",
                "bytes": len(got.body) if got else 0,
                "messages": "\n".join(run.messages) or "none",
            }
        )

    @checked_asset(
        key=keys.TOKEN_PRICE_TABLES[name],
        deps=[raw_key],
        group_name=GROUP,
        pool=WRITER_POOL,
        kinds={"duckdb"},
        freshness_policy=DAILY_FEED,
        description=f"Fold every stored {name} snapshot not yet applied into the price history: a changed price "
        f"is a new row, a vanished model gets an end date, a garbage or shrunken payload changes nothing.",
    )
    @fingerprinted()
    def clean_feed(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        token_price_feeds: TokenPriceFeeds,  # for its `feed_is_fresh` check (the feeds' max age)
    ) -> dg.MaterializeResult:
        with warehouse.ingest(context, source_id=source_id) as (con, run):
            results = load.apply_pending(con, run, source_id)
            table = table_metadata(con, "token_price", where="source_id = ?", params=[source_id])
        summary = (
            "\n".join(f"- {a.sha256[:12]}: {a.status}: {a.message}" for a in results)
            or "no new snapshot (feed stale or unchanged)"
        )
        return dg.MaterializeResult(
            metadata=ingest_metadata(run, snapshots_applied=len(results), summary=dg.MetadataValue.md(summary)) | table
        )

    return [raw_feed, clean_feed]


openrouter_assets = _live_assets("openrouter", openrouter.SOURCE_ID, "openrouter_url")
litellm_assets = _live_assets("litellm", litellm.SOURCE_ID, "litellm_url")

live_feed_refresh = dg.define_asset_job(
    "token_prices_live_refresh",
    selection=dg.AssetSelection.groups(GROUP)
    - dg.AssetSelection.assets(
        *(keys.TOKEN_PRICE_TABLES[name] for name in ("cited", "genai_prices", "litellm_releases", "models_dev"))
    ),
    description="Fetch the OpenRouter and LiteLLM price feeds and fold them into the history.",
)

daily_live_feeds = dg.ScheduleDefinition(
    name="token_prices_daily_live_feeds",
    job=live_feed_refresh,
    cron_schedule="30 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="05:30 UTC daily: fetch the OpenRouter and LiteLLM price feeds and fold them into the price "
    "history, half an hour before the full refresh uses them. Stopped until you start it (it reaches "
    "the internet): `dagster schedule start token_prices_daily_live_feeds` or the UI toggle.",
)
