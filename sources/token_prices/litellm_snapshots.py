"""LiteLLM's price map as shipped in ten package releases: a dated, hashable price history.

Files: `sources/data/token_prices/litellm_releases/` (MIT, BerriAI): one gzip-compressed
`model_prices_and_context_window_backup.litellm-<V>.json.gz` per release and `releases.csv`
(version, upload date, sha256 and size of the original JSON). To add a release: see
docs/token_prices.md ("Adding a LiteLLM release").

Decisions:
- Each release is a dated observation: "as listed in release V, uploaded D". The entries are
  parsed by the live feed's parser (`litellm.parse`: same fields, same per-Mtok conversion,
  same prompt-band conditions), so the two never disagree on what a LiteLLM number means.
- History (vectorised, no loop over rows): for one (provider, model id, condition) the
  releases that list the same prices in a row form one price row. It starts on the upload date
  of the first of them (`date_basis = 'release_listed'`; LiteLLM often records a change weeks
  after the provider made it, so this is an upper bound on the change date, not the change
  date) and ends on the upload date of the next release that lists another price
  (`end_basis = 'changed'`) or no longer lists it (`'disappeared'`); listed in the last release
  it is open. A model that leaves and comes back starts a new row.
- Each number is a figure of the first and of the latest release that listed it unchanged
  (source = the release, e.g. `litellm-1.56.6`, with the stored file's sha256), locator
  `litellm-1.56.6 ["o1"].input_cost_per_token`; the price row names the first release's
  figures in `input_figure_id` etc. and both in `figure_ids`. The releases in between listed the
  same number (that is what makes them one row); citing each of them again would add 31,000
  identical figures and a third of the refresh time for no new fact.
- Evident unit errors are refused by rule `price_unit_plausible`: a token price above
  `PLAUSIBLE_MAX_USD_PER_MTOK` (1,000 USD per million tokens; the dearest real list price in
  these files is o1-pro's 600 output) is a per-token/per-million slip, such as 1.77.7's
  gpt-oss-120b at 15,000. The row goes to quarantine with the release locator; nothing is fixed.
- The decompressed bytes must hash to the sha256 in releases.csv, else the release is refused
  (a `ValueError` naming the file): the registry hashes the .gz, this checks the original.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from analysis.formulas.prices import token_price_blend_3to1
from sources.paths import data_path, sha256_file
from sources.token_prices import history, litellm
from sources.token_prices.figures import blended_price_figures, blended_price_lineage, conform_figures

FAMILY_SOURCE_ID = "litellm-releases"
DATA_DIR = ("token_prices", "litellm_releases")
MANIFEST = "releases.csv"
PLAUSIBLE_MAX_USD_PER_MTOK = 1_000.0
FIELD_NAMES = {  # price column -> LiteLLM field of the base spec
    "input": "input_cost_per_token",
    "output": "output_cost_per_token",
    "cache_read": "cache_read_input_token_cost",
    "cache_write": "cache_creation_input_token_cost",
}


@dataclass(frozen=True)
class Release:
    version: str
    uploaded: dt.date
    path: Path
    json_sha256: str

    @property
    def source_id(self) -> str:
        return f"litellm-{self.version}"


def releases(folder: Path | None = None) -> list[Release]:
    """The releases of the manifest, oldest first."""
    folder = folder or data_path(*DATA_DIR)
    rows = list(csv.DictReader(io.StringIO((folder / MANIFEST).read_text(encoding="utf-8"))))
    out = [
        Release(r["version"], dt.date.fromisoformat(r["uploaded"]), folder / r["file"], r["json_sha256"]) for r in rows
    ]
    return sorted(out, key=lambda r: r.uploaded)


def read_release(release: Release) -> bytes:
    """The original JSON bytes, checked against the manifest's sha256."""
    raw = release.path.read_bytes()
    body = gzip.decompress(raw) if release.path.suffix == ".gz" else raw
    digest = hashlib.sha256(body).hexdigest()
    if digest != release.json_sha256:
        raise ValueError(f"{release.path.name}: JSON hashes to {digest}, {MANIFEST} says {release.json_sha256}")
    return body


def parse_release(release: Release, body: bytes | None = None) -> pl.DataFrame:
    """One release's entries as observations, with release columns and the unit-error rule."""
    return _parsed([release], [read_release(release) if body is None else body])


def parse_all(folder: Path | None = None) -> tuple[pl.DataFrame, list[Release]]:
    """Every release's observations, stacked (oldest first), and the releases.

    Decisions: the releases are parsed together (`litellm.parse_many`), so an entry that
    several releases list unchanged (about half of them) is parsed once; each release's
    rows are what `parse_release` gives for it alone."""
    rel = releases(folder)
    return _parsed(rel, [read_release(r) for r in rel]), rel


def _parsed(rel: list[Release], bodies: list[bytes]) -> pl.DataFrame:
    """Observations of the releases `rel` (their bytes `bodies`), stacked in that order."""
    frame = litellm.parse_many(bodies, [f"https://pypi.org/project/litellm/{r.version}/" for r in rel])
    of_release = pl.DataFrame(
        {
            "_payload": list(range(len(rel))),
            "release": [r.version for r in rel],
            "uploaded": [r.uploaded for r in rel],
            "release_source_id": [r.source_id for r in rel],
        },
        schema={"_payload": pl.Int64, "release": pl.String, "uploaded": pl.Date, "release_source_id": pl.String},
    )
    frame = frame.join(of_release, on="_payload", how="left", maintain_order="left").drop("_payload")
    too_dear = pl.any_horizontal([pl.col(c) > PLAUSIBLE_MAX_USD_PER_MTOK for c in history.PRICE_COLUMNS]).fill_null(
        False
    )
    worst = pl.max_horizontal(history.PRICE_COLUMNS)
    key = pl.col("_locator").str.replace(r" \(above \d+ tokens\)$", "")
    return frame.with_columns(
        pl.lit(FAMILY_SOURCE_ID).alias("source_id"),
        key.alias("json_key"),
        pl.format('{} ["{}"]', pl.col("release_source_id"), key).alias("_locator"),
        pl.when(too_dear)
        .then(
            pl.col("_errors").list.concat(
                pl.concat_list(
                    pl.format(
                        'price_unit_plausible: {} ["{}"] lists {} USD per Mtok, above {} (a per-token/per-million unit error)',
                        pl.col("release_source_id"),
                        key,
                        worst,
                        pl.lit(PLAUSIBLE_MAX_USD_PER_MTOK),
                    )
                )
            )
        )
        .otherwise(pl.col("_errors"))
        .alias("_errors"),
    )


IDENTITY = ["provider_id", "model_id", "condition"]
METRICS = {p: f"token_price_{p}" for p in history.PRICE_FIELDS}
UNIT = "USD per 1M tokens"


def slug_expr(col: pl.Expr) -> pl.Expr:
    """`history.slug` as a polars expression (same output, no Python call per row)."""
    out = col.fill_null("").str.strip_chars().str.replace_all("/", "~", literal=True)
    for op, word in [("<=", "-le-"), (">=", "-ge-"), ("<", "-lt-"), (">", "-gt-"), ("=", "-eq-"), (",", "-and-")]:
        out = out.str.replace_all(op, word, literal=True)
    out = out.str.replace_all(r"[^A-Za-z0-9._:+@~-]+", "-").str.replace_all(r"-{2,}", "-").str.strip_chars("-")
    return pl.when(out == "").then(pl.lit("none")).otherwise(out)


def build_history(
    observations: pl.DataFrame, rel: list[Release], run_id: str, blend_formula: str
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(price rows, figures, lineage) from the accepted observations of all releases.

    `observations`: valid rows only, with the columns `parse_release` adds."""
    n = len(rel)
    order = pl.DataFrame(
        {
            "release": [r.version for r in rel],
            "rel_idx": list(range(n)),
            "snapshot_sha256": [sha256_file(r.path) for r in rel],
        },
        schema={"release": pl.String, "rel_idx": pl.Int64, "snapshot_sha256": pl.String},
    )
    uploaded = pl.Series([r.uploaded for r in rel], dtype=pl.Date)
    prices = history.PRICE_COLUMNS
    stem = pl.concat_str([slug_expr(pl.col("provider_id")), slug_expr(pl.col("model_id"))], separator="/")
    stem = pl.when(pl.col("condition") != "").then(stem + "/" + slug_expr(pl.col("condition"))).otherwise(stem)
    obs = (
        observations.join(order, on="release", how="left")
        .with_columns(stem.alias("_stem"))
        .sort([*IDENTITY, "rel_idx"])
    )
    same_as_prev = pl.all_horizontal(
        [pl.col(c).fill_null(-1.0) == pl.col(c).fill_null(-1.0).shift(1).over(IDENTITY) for c in prices]
    )
    new_run = (pl.col("rel_idx") != (pl.col("rel_idx").shift(1).over(IDENTITY) + 1)).fill_null(
        True
    ) | ~same_as_prev.fill_null(False)
    obs = (
        obs.with_columns(new_run.alias("_new"))
        .with_columns(
            pl.col("_new").cast(pl.Int32).cum_sum().over(IDENTITY).alias("_run"),
        )
        .with_columns(  # figures: the first and the latest release that listed each price of a row
            (
                (pl.col("rel_idx") == pl.col("rel_idx").min().over([*IDENTITY, "_run"]))
                | (pl.col("rel_idx") == pl.col("rel_idx").max().over([*IDENTITY, "_run"]))
            ).alias("_cited"),
        )
        .with_columns(
            *[
                pl.when(pl.col(c).is_not_null() & pl.col("_cited"))
                .then(pl.format("{}/{}/{}", pl.col("release_source_id"), pl.col("_stem"), pl.lit(f)))
                .alias(f"_{f}_fig")
                for f, c in zip(history.PRICE_FIELDS, prices)
            ],
        )
    )
    present = obs.select(*IDENTITY, pl.col("rel_idx").alias("_next_idx")).with_columns(
        pl.lit(True).alias("_next_listed")
    )
    runs = (
        obs.group_by([*IDENTITY, "_run"], maintain_order=True)
        .agg(
            pl.all().exclude([*IDENTITY, "_run"]).first(),
            pl.col("rel_idx").max().alias("_last_idx"),
            pl.col("snapshot_sha256").last().alias("last_seen_sha256"),
            pl.concat_list([f"_{f}_fig" for f in history.PRICE_FIELDS])
            .list.explode(keep_nulls=False, empty_as_null=False)
            .drop_nulls()
            .alias("_figs"),
        )
        .with_columns((pl.col("_last_idx") + 1).alias("_next_idx"))
    )
    runs = runs.join(present, on=[*IDENTITY, "_next_idx"], how="left").with_columns(
        pl.col("rel_idx")
        .replace_strict(list(range(n)), uploaded.to_list(), return_dtype=pl.Date)
        .alias("effective_from"),
        pl.when(pl.col("_next_idx") < n)
        .then(pl.col("_next_idx").replace_strict(list(range(n + 1)), [*uploaded.to_list(), None], return_dtype=pl.Date))
        .alias("effective_to"),
        pl.when(pl.col("_next_idx") >= n)
        .then(None)
        .when(pl.col("_next_listed"))
        .then(pl.lit("changed"))
        .otherwise(pl.lit("disappeared"))
        .alias("end_basis"),
        pl.col("_last_idx")
        .replace_strict(list(range(n)), uploaded.to_list(), return_dtype=pl.Date)
        .alias("_last_uploaded"),
    )
    wi, wo = history.DEFAULT_BLEND
    variants = {m: history.models.model_variant(m) for m in runs["model_id"].unique().to_list()}
    rows = (
        runs.with_columns(
            (
                pl.lit(FAMILY_SOURCE_ID + "/")
                + pl.col("_stem")
                + "/"
                + pl.col("effective_from").dt.to_string("%Y-%m-%d")
            ).alias("price_id"),
            pl.lit("release_listed").alias("date_basis"),
            pl.col("model_id").replace_strict(variants, return_dtype=pl.String, default=None).alias("model_variant"),
            token_price_blend_3to1(pl.col("input_usd_per_mtok"), pl.col("output_usd_per_mtok")).alias(
                "blended_usd_per_mtok"
            ),
            pl.lit(f"{wi}:{wo}").alias("blend_rule"),
            pl.col("snapshot_sha256").alias("first_seen_sha256"),
            pl.col("effective_from").cast(pl.Datetime("us")).alias("first_seen_at"),
            pl.col("_last_uploaded").cast(pl.Datetime("us")).alias("last_seen_at"),
            pl.format(
                "as listed in LiteLLM releases {} to {} (first uploaded {})",
                pl.col("release"),
                pl.col("_last_idx").replace_strict(list(range(n)), [r.version for r in rel], return_dtype=pl.String),
                pl.col("effective_from"),
            ).alias("quote"),
            *[pl.col(f"_{f}_fig").alias(f"{f}_figure_id") for f in history.PRICE_FIELDS],
            pl.lit(run_id).alias("ingest_run_id"),
        )
        .with_columns(
            pl.when(pl.col("blended_usd_per_mtok").is_not_null())
            .then(pl.lit(history.DERIVED_PREFIX) + pl.col("price_id") + f"/blended-{wi}to{wo}")
            .alias("blended_figure_id"),
        )
        .with_columns(
            pl.concat_list([pl.col("_figs"), pl.concat_list(pl.col("blended_figure_id")).list.drop_nulls()]).alias(
                "figure_ids"
            ),
        )
    )
    figures = _figures(obs, rows, blend_formula)
    lineage = blended_price_lineage(rows)
    return rows, figures, lineage


def _figures(obs: pl.DataFrame, rows: pl.DataFrame, blend_formula: str) -> pl.DataFrame:
    """One observed figure per number per release, plus the derived blend of each price row."""
    price_of = obs.join(rows.select(*IDENTITY, "_run", "price_id"), on=[*IDENTITY, "_run"], how="left")
    entity = pl.format("{}/{}", pl.col("provider_id"), pl.col("model_id"))
    entity = (
        pl.when(pl.col("condition") != "").then(pl.format("{} [{}]", entity, pl.col("condition"))).otherwise(entity)
    )
    band = pl.col("condition").str.extract(r"^prompt > (\d+)000 tokens$", 1)
    parts = []
    for f, col in zip(history.PRICE_FIELDS, history.PRICE_COLUMNS):
        base = FIELD_NAMES[f]
        above = pl.format("{}_above_{}k_tokens", pl.lit(base), band)
        field = (
            pl.when(band.is_not_null() & pl.col("_raw").str.contains(pl.format('"{}"', above)))
            .then(above)
            .otherwise(pl.lit(base))
        )
        parts.append(
            price_of.filter(pl.col(f"_{f}_fig").is_not_null()).select(
                pl.col(f"_{f}_fig").alias("figure_id"),
                pl.col("release_source_id").alias("source_id"),
                "snapshot_sha256",
                pl.lit(METRICS[f]).alias("metric"),
                pl.lit("model_price").alias("entity_kind"),
                entity.alias("entity"),
                pl.col(col).alias("value"),
                pl.lit(UNIT).alias("unit"),
                pl.lit("=").alias("bound"),
                pl.col("uploaded").alias("as_of"),
                pl.format("{}.{}", pl.col("_locator"), field).alias("locator"),
                pl.col("qualifier"),
                pl.lit("observed").alias("kind"),
                pl.lit("verified").alias("verification"),
                pl.format(
                    "as listed in LiteLLM {}, uploaded {}; row {}",
                    pl.col("release"),
                    pl.col("uploaded"),
                    pl.col("price_id"),
                ).alias("notes"),
            )
        )
    parts.append(blended_price_figures(rows, entity, UNIT, blend_formula, keep_qualifier=True))
    return conform_figures(parts)
