"""Series from other families' tables: token prices, GPU rental prices, GPU FLOP/s per dollar
(pure: frames in, points out; the assets read the frames from the warehouse).

Decisions:
- Dates: only prices whose start is a real date are placed in time (`date_basis`
  effective, start_date or as_of). A `first_seen` date is when a feed first showed the
  price, not when it began: it would pile long-standing prices onto the refresh day, so
  such rows are left out; so are prices starting after the fitting day (scheduled changes).
- Fixed-model price history (`token_price/model/<provider>/<model_key>`): the standard
  (plain list) 3:1 blended price of one model at one provider, one point per price change
  (a row whose price equals the previous one is not a new point). Fitted only with >= 4
  distinct prices; most models have fewer and are counted, not fitted.
- Cheapest per capability tier (`token_price/tier/mmlu-ge-<floor>`): tiers are "MMLU at
  least 65 / 75 / 85", scored from the trends family's Epoch table through the prices
  family's canonical model keys (the same floors as `infernomics prices cheapest --by
  tier`, read as "at least", the capability-adjusted view). At every date a standard price
  starts, the cheapest price among tiered models is taken; a point is kept when that
  cheapest price changes. Models without an MMLU score are left out (listed, not guessed).
- GPU $/GPU-hour (`gpu/rental/<sku>/<pricing_kind>`): every price of one sku and pricing
  kind (on-demand, commitments, marketplace ... are never mixed), across providers;
  >= 4 points on >= 2 dates.
- FLOP/s per dollar (`gpu/bf16_tflops_per_usd`): dense BF16 TFLOP/s divided by the release
  price, one derived figure per sku (formula `ratio@1`, lineage to both spec figures),
  against the sku's release date. Only data-center parts are fitted: a sku whose
  `gpu_sku.label` names a consumer or workstation line (GeForce, Radeon RX, Quadro, Titan,
  RTX Axxxx workstation cards; :data:`NOT_DATA_CENTER`) keeps its derived figure and is
  shown, not fitted ("consumer/workstation part"), since its release price is a retail
  price for a different market. `gpu_sku` has no segment column, so the label is the rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import polars as pl

from analysis.formulas import derive
from analysis.formulas.arithmetic import ratio
from analysis.trends.records import Point, SeriesSpec

MMLU_TIER_FLOORS = (65.0, 75.0, 85.0)  # `prices cheapest --by tier` bands on the same floors
DATED = ("effective", "start_date", "as_of")


def _dated_standard(prices: pl.DataFrame, as_of: dt.date | None) -> pl.DataFrame:
    """Standard prices with a real start date on or before `as_of` and a positive 3:1 blend."""
    as_of = as_of or dt.date.today()
    return prices.filter(
        pl.col("is_standard")
        & pl.col("effective_from").is_not_null()
        & pl.col("date_basis").is_in(DATED)
        & (pl.col("effective_from") <= as_of)
        & pl.col("blended_usd_per_mtok").is_not_null()
        & (pl.col("blended_usd_per_mtok") > 0)
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", str(text).lower()).strip("-")


def fixed_model_series(
    prices: pl.DataFrame, min_points: int = 4, as_of: dt.date | None = None
) -> tuple[list[tuple[SeriesSpec, list[Point]]], int]:
    """(series with >= min_points price changes, number of model/provider pairs with fewer)."""
    std = _dated_standard(prices, as_of).filter(pl.col("model_key").is_not_null())
    out, fewer = [], 0
    # on one date, a price that takes effect then beats one merely seen on a page then
    std = std.with_columns(
        pl.col("date_basis")
        .replace_strict({b: i for i, b in enumerate(DATED)}, return_dtype=pl.Int32)
        .alias("_basis_rank")
    )
    for (provider, key), rows in std.sort("effective_from", "_basis_rank", "price_id").group_by(
        ["provider_id", "model_key"], maintain_order=True
    ):
        pts: list[Point] = []
        for r in rows.unique(subset=["effective_from"], keep="first", maintain_order=True).iter_rows(named=True):
            if pts and abs(pts[-1].value - r["blended_usd_per_mtok"]) < 1e-12:
                continue
            pts.append(
                Point(
                    figure_id=r["blended_figure_id"],
                    date=r["effective_from"],
                    value=r["blended_usd_per_mtok"],
                    label=r["source_id"],
                )
            )
        if len(pts) < min_points:
            fewer += 1
            continue
        out.append(
            (
                SeriesSpec(
                    series=f"token_price/model/{_slug(provider)}/{_slug(key)}",
                    label=f"{key} at {provider}: list price (3:1 blend)",
                    family="token_price",
                    value_unit="USD/Mtok",
                    expect="decline",
                    source_line="Data: token price history (infernomics token_price table; each point's source in audit).",
                ),
                pts,
            )
        )
    return out, fewer


def tier_map(observations: pl.DataFrame, canonical: Callable[[str], str | None]) -> pl.DataFrame:
    """model_key -> best MMLU score, via the prices family's canonical model keys."""
    scored = observations.filter(pl.col("mmlu").is_not_null()).select("model", "mmlu")
    keys = [canonical(m) for m in scored["model"].to_list()]
    return (
        scored.with_columns(pl.Series("model_key", keys, dtype=pl.String))
        .drop_nulls("model_key")
        .group_by("model_key")
        .agg(pl.col("mmlu").max())
        .sort("model_key")
    )


def cheapest_tier_series(
    prices: pl.DataFrame, tiers: pl.DataFrame, as_of: dt.date | None = None
) -> list[tuple[SeriesSpec, list[Point]]]:
    """The cheapest standard price among models at or above each MMLU floor, at each price start."""
    std = _dated_standard(prices, as_of).join(tiers, on="model_key", how="inner")
    out = []
    for floor in MMLU_TIER_FLOORS:
        rows = std.filter(pl.col("mmlu") >= floor)
        if rows.is_empty():
            continue
        pts: list[Point] = []
        for day in sorted(set(rows["effective_from"].to_list())):
            live = rows.filter(
                (pl.col("effective_from") <= day) & (pl.col("effective_to").is_null() | (pl.col("effective_to") > day))
            )
            if live.is_empty():
                continue
            best = live.sort(["blended_usd_per_mtok", "model_key", "price_id"]).row(0, named=True)
            if pts and abs(pts[-1].value - best["blended_usd_per_mtok"]) < 1e-12:
                continue
            pts.append(
                Point(
                    figure_id=best["blended_figure_id"],
                    date=day,
                    value=best["blended_usd_per_mtok"],
                    label=f"{best['model_key']} ({best['provider_id']})",
                )
            )
        out.append(
            (
                SeriesSpec(
                    series=f"token_price/tier/mmlu-ge-{floor:g}",
                    label=f"Cheapest list price of a model with MMLU >= {floor:g}",
                    family="token_price",
                    value_unit="USD/Mtok",
                    expect="decline",
                    source_line=(
                        "Data: token price history (infernomics token_price) with MMLU scores from Epoch AI "
                        "(CC BY 4.0); cheapest standard 3:1 blended price at each price change."
                    ),
                ),
                pts,
            )
        )
    return out


def gpu_rental_series(rental: pl.DataFrame) -> list[tuple[SeriesSpec, list[Point]]]:
    """$/GPU-hour of one sku and pricing kind across providers and dates."""
    rows = rental.filter(pl.col("sku").is_not_null() & (pl.col("usd_per_gpu_hour") > 0))
    out = []
    for (sku, kind), g in rows.sort("date", "figure_id").group_by(["sku", "pricing_kind"], maintain_order=True):
        if g.height < 4 or g["date"].n_unique() < 2:
            continue
        pts = [
            Point(
                figure_id=r["figure_id"],
                date=r["date"],
                value=r["usd_per_gpu_hour"],
                label=r["provider"],
                note="upper bound" if r["bound"] == "<" else None,
            )
            for r in g.iter_rows(named=True)
        ]
        out.append(
            (
                SeriesSpec(
                    series=f"gpu/rental/{_slug(sku)}/{_slug(kind)}",
                    label=f"{sku}: {kind.replace('_', '-')} price per GPU-hour",
                    family="gpu",
                    value_unit="USD/GPU-hour",
                    expect="decline",
                    source_line="Data: GPU rental prices (infernomics gpu_rental_price: Epoch AI hardware prices and cited pages).",
                ),
                pts,
            )
        )
    return out


NOT_DATA_CENTER = re.compile(r"^(GeForce|Radeon RX|Radeon Pro|Quadro|Titan|TITAN|RTX A\d{3,4}\b|RTX \d{4} Ada)")


def is_data_center(label: str | None) -> bool:
    """A `gpu_sku.label` of a data-center part (not a consumer or workstation card)."""
    return not (label and NOT_DATA_CENTER.match(label))


def flops_per_dollar(
    preferred: pl.DataFrame, skus: pl.DataFrame | None = None
) -> tuple[list[dict], list[dict], list[Point]]:
    """Derived TFLOP/s-per-USD figures (formula ratio@1), their lineage, and the series points.

    `skus` (the `gpu_sku` table): a sku whose label is not a data-center part gets a point
    with `used=False` (shown, not fitted); without it every sku is fitted."""
    labels = {} if skus is None else dict(zip(skus["sku"].to_list(), skus["label"].to_list()))
    wide: dict[str, dict] = {}
    for r in preferred.iter_rows(named=True):
        wide.setdefault(r["sku"], {})[r["attribute"]] = r
    figures, lineage, pts = [], [], []
    for sku, attrs in sorted(wide.items()):
        tf, price, rel = attrs.get("bf16_dense_tflops"), attrs.get("release_price_usd"), attrs.get("release_date")
        if not (tf and price and rel and tf["value"] and price["value"] and rel["value_date"]):
            continue
        fid = f"infernomics-derived/gpu/{_slug(sku)}/bf16-dense-tflops-per-usd"
        fig, lin = derive(
            fid,
            ratio,
            {"numerator": tf, "denominator": price},
            metric="bf16_dense_tflops_per_usd",
            entity_kind="gpu_sku",
            entity=sku,
            unit="TFLOP/s per USD",
            as_of=rel["value_date"],
            qualifier="dense BF16 TFLOP/s / release price (USD), at release",
        )
        figures.append(fig)
        lineage.extend(lin)
        dc = is_data_center(labels.get(sku))
        pts.append(
            Point(
                figure_id=fid,
                date=rel["value_date"],
                value=fig["value"],
                label=sku,
                used=dc,
                note=None if dc else f"consumer/workstation part ({labels[sku]}): not fitted, data-center GPUs only",
            )
        )
    return figures, lineage, sorted(pts, key=lambda p: (p.date, p.label or ""))


FLOPS_SPEC = SeriesSpec(
    series="gpu/bf16_tflops_per_usd",
    label="Dense BF16 TFLOP/s per dollar of release price, data-center GPUs",
    family="gpu",
    value_unit="TFLOP/s per USD",
    expect="growth",
    source_line=(
        "Data: GPU specs and release prices (infernomics gpu_spec: vendor datasheets, "
        "Epoch AI hardware data); one point per GPU at its release date; consumer and workstation "
        "cards shown hollow, not fitted."
    ),
)


def elasticity_pairs(weeks: list[Point], price_points: list[Point]) -> list[tuple[Point, Point]]:
    """Each fit-worthy week paired with the tier's cheapest price in force on its date."""
    prices = sorted(price_points, key=lambda p: p.date)
    pairs = []
    for w in weeks:
        if not w.used:
            continue
        live = [p for p in prices if p.date <= w.date]
        if live:
            pairs.append((w, live[-1]))
    return pairs


def benchmark_cost_series(costs: pl.DataFrame) -> list[tuple[SeriesSpec, list[Point]]]:
    """USD per million output tokens of measured runs, one series per (model, GPU sku), over
    run dates. Load points of one sweep share a date, so a series needs runs from several
    dates before it can say anything about time; the fit refuses otherwise, with the reason."""
    rows = costs.filter(pl.col("value").is_not_null() & (pl.col("value") > 0) & pl.col("as_of").is_not_null())
    out = []
    for (model, sku), g in rows.sort("as_of", "figure_id").group_by(["model", "gpu_sku"], maintain_order=True):
        pts = [
            Point(figure_id=r["figure_id"], date=r["as_of"], value=r["value"], label=r["load"])
            for r in g.iter_rows(named=True)
        ]
        out.append(
            (
                SeriesSpec(
                    series=f"benchmark/usd_per_mtok_output/{_slug(model or 'unknown-model')}/{_slug(sku or 'unknown-gpu')}",
                    label=f"Measured cost per million output tokens: {model} on {sku}",
                    family="benchmark",
                    value_unit="USD/Mtok",
                    expect="decline",
                    source_line=(
                        "Data: measured benchmark runs (infernomics benchmark_run) priced at the GPU rental "
                        "price as of each run's date."
                    ),
                ),
                pts,
            )
        )
    return out
