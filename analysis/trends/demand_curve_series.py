"""Demand curves: token volumes against the capability-adjusted price index at matching dates.

Decisions:
- Quantities: the OpenRouter weekly scrape (fit-worthy weeks only, as in its trend fit) and
  Google's tokens per month (cited points, duplicates left out). Each is paired only with
  itself: scopes differ.
- Prices: every capability_price_2026 path of the cheapest-provider variants (reasoning
  models excluded, Epoch's choice, and included). On each quantity date the price is the
  path's cheapest-so-far price in force then; dates before the threshold was first met
  are not paired.
- Every (quantity, price series) pair is stored in `demand_curve`, fitted or refused with
  the reason. For each quantity series one fitted curve is `selected` for the chart, by a
  rule that does not look at the slope: the most distinct prices over the matched dates,
  then the most pairs, then the lowest series id.
- A fitted slope is a derived figure (formula demand_curve_loglog_bootstrap@1) whose
  lineage names every quantity figure (role quantity) and every price figure (role price).
"""

from __future__ import annotations

import polars as pl

from analysis import demand_curve as dc
from analysis.formulas.demand import demand_curve_loglog_bootstrap
from analysis.trend import FitRefused
from analysis.trends.records import DERIVED

PRICE_VARIANTS = ("reasoning-excluded/cheapest", "reasoning-included/cheapest")


def quantity_series(weeks: pl.DataFrame, demand: pl.DataFrame) -> dict[str, list[tuple]]:
    """quantity series -> [(date, value, figure_id)] in date order."""
    out = {
        "demand/openrouter_weekly_scrape": [
            (r["week_label"], r["tokens"], r["figure_id"])
            for r in weeks.filter(pl.col("fit_ok")).sort("week_label").iter_rows(named=True)
        ]
    }
    google = demand.filter(
        (pl.col("series") == "google_tokens_per_month") & pl.col("duplicate_of").is_null() & (pl.col("value") > 0)
    ).sort("period_end_date")
    out["demand/google_tokens_per_month"] = [
        (r["period_end_date"], r["value"], r["figure_id"]) for r in google.iter_rows(named=True)
    ]
    return out


def build(quantities: dict[str, list[tuple]], paths: pl.DataFrame) -> dict[str, list[dict]]:
    """demand_curve and demand_curve_point rows, slope figures and their lineage."""
    curves, points, figures, lineage = [], [], [], []
    candidates = paths.filter(pl.col("variant").is_in(list(PRICE_VARIANTS))).sort("series", "obs_date")
    price_paths = _price_paths(candidates)
    fits: dict[tuple, dc.DemandCurveFit | FitRefused] = {}  # (quantities, prices) -> its fit or refusal
    for qname, qrows in quantities.items():
        fitted_here = []
        for series, (dates, prices, figs, labels) in price_paths.items():
            pairs = []
            for day, value, qfig in qrows:
                i = dc.price_in_force(dates, prices, day)
                if i is not None:
                    pairs.append((day, value, qfig, prices[i], figs[i][0], labels[i]))
            if not pairs:
                continue
            cid = f"demand_curve/{qname.removeprefix('demand/')}/{series}"
            row = dict(
                curve_id=cid,
                quantity_series=qname,
                price_series=series,
                n=len(pairs),
                distinct_prices=len({p[3] for p in pairs}),
                date_start=pairs[0][0],
                date_end=pairs[-1][0],
                slope=None,
                slope_low=None,
                slope_high=None,
                level=0.9,
                method="ols on logs, pairs bootstrap",
                seed=None,
                n_resamples=None,
                r2=None,
                selected=False,
                refused=None,
                curve_figure_id=None,
                caveat=dc.CAVEAT,
                source_id=DERIVED,
            )
            fit = _fit(fits, [p[1] for p in pairs], [p[3] for p in pairs])
            if isinstance(fit, FitRefused):
                row["refused"] = str(fit)
                curves.append(row)
                continue
            fid = f"{DERIVED}/{cid}/slope"
            row.update(
                slope=fit.slope,
                slope_low=fit.slope_low,
                slope_high=fit.slope_high,
                seed=fit.seed,
                n_resamples=fit.n_resamples,
                r2=fit.r2,
                curve_figure_id=fid,
            )
            curves.append(row)
            fitted_here.append(row)
            points += [
                dict(
                    curve_id=cid,
                    obs_date=d,
                    quantity=v,
                    quantity_figure_id=qf,
                    price=p,
                    price_figure_id=pf,
                    price_label=lab,
                )
                for d, v, qf, p, pf, lab in pairs
            ]
            figures.append(
                dict(
                    figure_id=fid,
                    source_id=DERIVED,
                    metric="demand_price_association_loglog",
                    entity_kind="demand_vs_price",
                    entity=cid,
                    value=fit.slope,
                    unit="d ln(quantity) / d ln(price)",
                    bound="=",
                    value_low=fit.slope_low,
                    value_high=fit.slope_high,
                    period_start=pairs[0][0],
                    period_end=pairs[-1][0],
                    locator=cid,
                    kind="derived",
                    verification="unverified",
                    formula=demand_curve_loglog_bootstrap.key,
                    qualifier=(
                        f"{qname} against {series}: slope {dc.fmt_slope(fit)} ({fit.level:.0%} pairs bootstrap, "
                        f"seed {fit.seed}, {fit.n_resamples} resamples), n={fit.n}, {fit.distinct_prices} distinct "
                        f"prices, R2={fit.r2:.2f}; {dc.CAVEAT}"
                    ),
                )
            )
            seen = set()
            for _d, _v, qf, _p, pf, _lab in pairs:
                for role, f in (("quantity", qf), ("price", pf)):
                    if (role, f) not in seen:
                        seen.add((role, f))
                        lineage.append(dict(figure_id=fid, input_figure_id=f, role=role))
        if fitted_here:
            # candidates run in series order and max keeps the first of equals: lowest series id wins ties
            best = max(fitted_here, key=lambda r: (r["distinct_prices"], r["n"]))
            best["selected"] = True
    return dict(demand_curve=curves, demand_curve_point=points, figure=figures, figure_input=lineage)


def _price_paths(candidates: pl.DataFrame) -> dict[str, tuple[list, list, list, list]]:
    """series -> (dates, prices, figure id lists, model versions) of its path, in series order.

    Decisions: the columns are read into lists once and cut where the series changes
    (`candidates` is sorted by series): a group_by per quantity series gathered every
    path's rows again, twice, and cost more than pairing them."""
    series = candidates["series"].to_list()
    columns = [candidates[c].to_list() for c in ("obs_date", "price_usd_per_mtok", "price_figure_ids", "model_version")]
    out: dict[str, tuple[list, list, list, list]] = {}
    start = 0
    for i in range(1, len(series) + 1):
        if i == len(series) or series[i] != series[start]:
            dates, prices, figs, labels = (col[start:i] for col in columns)
            out[series[start]] = (dates, prices, figs, labels)
            start = i
    return out


def _fit(fits: dict, quantity: list[float], price: list[float]) -> dc.DemandCurveFit | FitRefused:
    """The fit of these pairs, or its refusal, computed once per distinct (quantities, prices).

    Decisions: many price paths agree on a quantity series' dates (the excluded and
    included variants share most thresholds' cheapest models), so 220 pairings held 127
    distinct inputs; the bootstrap is seeded, so a second fit of the same pairs would
    return the same numbers to the last bit and is not run."""
    key = (tuple(quantity), tuple(price))
    if key not in fits:
        try:
            fits[key] = demand_curve_loglog_bootstrap(quantity, price)
        except FitRefused as why:
            fits[key] = why
    return fits[key]
