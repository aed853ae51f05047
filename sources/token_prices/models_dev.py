"""models.dev's price change log (built from its git history): provider x model prices, dated
when models.dev recorded them.

File: `sources/data/token_prices/models_dev/models_dev_cost_history_from_git.csv` (MIT):
`date, commit, path, event (added | cost_changed | removed), input, output, prev_input,
prev_output`, prices in USD per million tokens, `path` = `providers/<provider>/models/<model>.toml`.

Decisions:
- models.dev is a copy of the providers' pages kept by volunteers: a row's date is the day a
  commit recorded the price (`date_basis = 'recorded'`), which may be days or weeks after the
  provider's change. Source class `secondary`.
- History (vectorised): for one (provider, model) the events in date order; an `added` or
  `cost_changed` event opens a price row on its date, which ends on the date of the next event
  (`changed` when that is a price event, `disappeared` when it is `removed`). Several events of
  one model on one day: only the day's last one opens a row (prices are dated by the day); the
  earlier ones keep their figures (they were recorded), marked in notes as superseded that day.
- Locator of every number: `git show <commit>:<path>` in a clone of anomalyco/models.dev.
- Refused into quarantine with the rule: no model in the path (`model_named`), a date that does
  not parse (`date_parses`), an unknown event (`event_known`), a price that is not a number
  (`number_parses`) or negative (`number_non_negative`), a listing without any price
  (`token_price_present`), and evident unit errors above 1,000 USD per Mtok (`price_unit_plausible`).
  `removed` events carry no price: they only end rows (counted as accepted end markers).
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from analysis.formulas.prices import token_price_blend_3to1
from sources.paths import data_path, sha256_file
from sources.token_prices import history, models
from sources.token_prices.figures import blended_price_figures, blended_price_lineage, conform_figures
from sources.token_prices.litellm_snapshots import PLAUSIBLE_MAX_USD_PER_MTOK, slug_expr
from warehouse.rules import DATE_PARSES, NUMBER_NON_NEGATIVE, NUMBER_PARSES

SOURCE_ID = "models-dev-cost-history"
FILE = ("token_prices", "models_dev", "models_dev_cost_history_from_git.csv")
REPO_URL = "https://github.com/anomalyco/models.dev"
EVENTS = ["added", "cost_changed", "removed"]
UNIT = "USD per 1M tokens"
IDENTITY = ["provider_id", "model_id"]


def _price(col: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    text = pl.col(col).str.strip_chars().replace("", None)
    value = text.cast(pl.Float64, strict=False)
    return text, value, (text.is_not_null() & value.is_null())


def parse_cost_history(data: bytes | Path | None = None) -> pl.DataFrame:
    """Every event of the change log as an observation (price events) or end marker (removed)."""
    path = data if data is not None else data_path(*FILE)
    raw = path.read_bytes() if isinstance(path, Path) else data
    sha = sha256_file(path) if isinstance(path, Path) else None
    name = FILE[-1]
    frame = pl.read_csv(io.BytesIO(raw), infer_schema_length=0).with_row_index("_line", offset=2)
    for c in ["date", "commit", "path", "event", "input", "output"]:
        if c not in frame.columns:
            raise ValueError(f"{name}: missing column {c!r}")
    in_text, in_val, in_bad = _price("input")
    out_text, out_val, out_bad = _price("output")
    model = pl.col("path").str.extract(r"^providers/[^/]+/models/(.+)\.toml$", 1)
    provider = pl.col("path").str.extract(r"^providers/([^/]+)/", 1)
    frame = frame.with_columns(
        provider.alias("provider"),
        model.alias("model_id"),
        model.alias("model"),
        pl.col("date").str.to_date("%Y-%m-%d", strict=False).alias("recorded_on"),
        in_val.alias("input_usd_per_mtok"),
        out_val.alias("output_usd_per_mtok"),
        pl.struct(pl.exclude("_line")).struct.json_encode().alias("_raw"),
        pl.format("git show {}:{}", pl.col("commit"), pl.col("path")).alias("git_locator"),
    )
    is_price_event = pl.col("event").is_in(["added", "cost_changed"])
    loc = pl.format("{} row {}", pl.lit(name), pl.col("_line"))
    checks = [
        (
            pl.col("model_id").is_null(),
            pl.format("model_named: {}: path {} names no model", loc, pl.col("path").fill_null("")),
        ),
        (
            pl.col("recorded_on").is_null(),
            pl.format(DATE_PARSES + ": {}: date {} is not YYYY-MM-DD", loc, pl.col("date").fill_null("")),
        ),
        (
            ~pl.col("event").fill_null("").is_in(EVENTS),
            pl.format(
                "event_known: {}: event {} is not one of {}",
                loc,
                pl.col("event").fill_null(""),
                pl.lit(", ".join(EVENTS)),
            ),
        ),
        (
            in_bad | out_bad,
            pl.format(
                NUMBER_PARSES + ": {}: input {} / output {} is not a number",
                loc,
                in_text.fill_null(""),
                out_text.fill_null(""),
            ),
        ),
        (
            is_price_event
            & ((pl.col("input_usd_per_mtok") < 0) | (pl.col("output_usd_per_mtok") < 0)).fill_null(False),
            pl.format(
                NUMBER_NON_NEGATIVE + ": {}: input {} / output {} is negative",
                loc,
                in_text.fill_null(""),
                out_text.fill_null(""),
            ),
        ),
        (
            is_price_event
            & pl.col("input_usd_per_mtok").is_null()
            & pl.col("output_usd_per_mtok").is_null()
            & ~(in_bad | out_bad),
            pl.format(
                "token_price_present: {}: {} {} lists no price", loc, pl.col("event"), pl.col("path").fill_null("")
            ),
        ),
        (
            is_price_event
            & (
                (pl.col("input_usd_per_mtok") > PLAUSIBLE_MAX_USD_PER_MTOK)
                | (pl.col("output_usd_per_mtok") > PLAUSIBLE_MAX_USD_PER_MTOK)
            ).fill_null(False),
            pl.format(
                "price_unit_plausible: {}: {} USD per Mtok is above {} (a unit error)",
                loc,
                pl.max_horizontal("input_usd_per_mtok", "output_usd_per_mtok"),
                pl.lit(PLAUSIBLE_MAX_USD_PER_MTOK),
            ),
        ),
    ]
    frame = frame.with_columns(
        pl.concat_list([pl.when(c).then(m).otherwise(pl.lit(None, pl.String)) for c, m in checks])
        .list.drop_nulls()
        .alias("_errors"),
        pl.format("{} ({})", pl.col("git_locator"), loc).alias("_locator"),
    )
    providers = {
        p: models.canonical_provider(p) or "unknown" for p in frame["provider"].drop_nulls().unique().to_list()
    }
    aliases = {m: models.resolve(m) for m in frame["model_id"].drop_nulls().unique().to_list()}
    return frame.with_columns(
        pl.lit(SOURCE_ID).alias("source_id"),
        pl.col("provider").replace_strict(providers, default="unknown", return_dtype=pl.String).alias("provider_id"),
        pl.col("model_id")
        .replace_strict({k: a.model_key for k, a in aliases.items()}, default=None, return_dtype=pl.String)
        .alias("model_key"),
        pl.col("model_id")
        .replace_strict({k: a.rule for k, a in aliases.items()}, default=None, return_dtype=pl.String)
        .alias("alias_rule"),
        pl.lit("").alias("condition"),
        pl.lit(True).alias("is_standard"),
        pl.lit("secondary").alias("source_class"),
        pl.lit(sha, pl.String).alias("snapshot_sha256"),
        pl.format("{}/blob/{}/{}", pl.lit(REPO_URL), pl.col("commit"), pl.col("path")).alias("source_url"),
        pl.lit(None, pl.Float64).alias("cache_read_usd_per_mtok"),
        pl.lit(None, pl.Float64).alias("cache_write_usd_per_mtok"),
    )


def build_history(
    events: pl.DataFrame, run_id: str, blend_formula: str
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(price rows, figures, lineage) from the valid events."""
    ev = (
        events.sort([*IDENTITY, "recorded_on", "_line"])
        .with_columns(
            (slug_expr(pl.col("provider_id")) + "/" + slug_expr(pl.col("model_id"))).alias("_stem"),
        )
        .with_columns(
            pl.col("event").shift(-1).over(IDENTITY).alias("_next_event"),
            pl.col("recorded_on").shift(-1).over(IDENTITY).alias("_next_date"),
        )
    )
    price_events = ev.filter(pl.col("event") != "removed").with_columns(
        (
            pl.col("_stem")
            + "/"
            + pl.col("recorded_on").dt.to_string("%Y-%m-%d")
            + "."
            + pl.col("commit").str.slice(0, 8)
        ).alias("_event_id"),
        (pl.col("_next_date") == pl.col("recorded_on")).fill_null(False).alias("_superseded"),
    )
    # a row per price event that is the last of its day for that model
    wi, wo = history.DEFAULT_BLEND
    variants = {m: models.model_variant(m) for m in price_events["model_id"].unique().to_list()}
    rows = price_events.filter(~pl.col("_superseded")).with_columns(
        (pl.lit(SOURCE_ID + "/") + pl.col("_stem") + "/" + pl.col("recorded_on").dt.to_string("%Y-%m-%d")).alias(
            "price_id"
        ),
        pl.col("recorded_on").alias("effective_from"),
        pl.col("_next_date").alias("effective_to"),
        pl.when(pl.col("_next_event").is_null())
        .then(None)
        .when(pl.col("_next_event") == "removed")
        .then(pl.lit("disappeared"))
        .otherwise(pl.lit("changed"))
        .alias("end_basis"),
        pl.lit("recorded").alias("date_basis"),
        pl.col("model_id").replace_strict(variants, return_dtype=pl.String, default=None).alias("model_variant"),
        token_price_blend_3to1(pl.col("input_usd_per_mtok"), pl.col("output_usd_per_mtok")).alias(
            "blended_usd_per_mtok"
        ),
        pl.lit(f"{wi}:{wo}").alias("blend_rule"),
        pl.format(
            "models.dev {} at commit {} ({}): {}",
            pl.col("event"),
            pl.col("commit").str.slice(0, 12),
            pl.col("recorded_on"),
            pl.col("git_locator"),
        ).alias("quote"),
        pl.col("snapshot_sha256").alias("first_seen_sha256"),
        pl.col("recorded_on").cast(pl.Datetime("us")).alias("first_seen_at"),
        pl.col("snapshot_sha256").alias("last_seen_sha256"),
        pl.col("recorded_on").cast(pl.Datetime("us")).alias("last_seen_at"),
        pl.when(pl.col("input_usd_per_mtok").is_not_null())
        .then(pl.lit(SOURCE_ID + "/") + pl.col("_event_id") + "/input")
        .alias("input_figure_id"),
        pl.when(pl.col("output_usd_per_mtok").is_not_null())
        .then(pl.lit(SOURCE_ID + "/") + pl.col("_event_id") + "/output")
        .alias("output_figure_id"),
        pl.lit(None, pl.String).alias("cache_read_figure_id"),
        pl.lit(None, pl.String).alias("cache_write_figure_id"),
        pl.lit(run_id).alias("ingest_run_id"),
    )
    # two rows of one model on one day cannot happen (superseded above); same-day price ids differ by date
    rows = rows.with_columns(
        pl.when(pl.col("blended_usd_per_mtok").is_not_null())
        .then(pl.lit(history.DERIVED_PREFIX) + pl.col("price_id") + f"/blended-{wi}to{wo}")
        .alias("blended_figure_id"),
    ).with_columns(
        pl.concat_list(["input_figure_id", "output_figure_id", "blended_figure_id"])
        .list.drop_nulls()
        .alias("figure_ids"),
    )
    entity = pl.format("{}/{}", pl.col("provider_id"), pl.col("model_id"))
    parts = []
    for field, col in (("input", "input_usd_per_mtok"), ("output", "output_usd_per_mtok")):
        parts.append(
            price_events.filter(pl.col(col).is_not_null()).select(
                (pl.lit(SOURCE_ID + "/") + pl.col("_event_id") + f"/{field}").alias("figure_id"),
                pl.lit(SOURCE_ID).alias("source_id"),
                "snapshot_sha256",
                pl.lit(f"token_price_{field}").alias("metric"),
                pl.lit("model_price").alias("entity_kind"),
                entity.alias("entity"),
                pl.col(col).alias("value"),
                pl.lit(UNIT).alias("unit"),
                pl.lit("=").alias("bound"),
                pl.col("recorded_on").alias("as_of"),
                pl.format("{} ({})", pl.col("git_locator"), pl.lit(field)).alias("locator"),
                pl.lit("observed").alias("kind"),
                pl.lit("verified").alias("verification"),
                pl.format(
                    "models.dev {} recorded {}{}; date basis recorded (not the provider's date)",
                    pl.col("event"),
                    pl.col("recorded_on"),
                    pl.when(pl.col("_superseded"))
                    .then(pl.lit("; superseded by a later commit the same day"))
                    .otherwise(pl.lit("")),
                ).alias("notes"),
            )
        )
    parts.append(blended_price_figures(rows, entity, UNIT, blend_formula, keep_qualifier=False))
    figures = conform_figures(parts)
    lineage = blended_price_lineage(rows)
    return rows, figures, lineage
