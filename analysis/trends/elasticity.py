"""Elasticity of OpenRouter weekly tokens on the cheapest tier price: a stored figure when the
price moved during the weeks observed, a recorded refusal when it did not."""

from __future__ import annotations

from analysis import trend
from analysis.formulas.trends import elasticity_loglog
from analysis.trend import fmt_multiple as fm
from analysis.trends.market_series import elasticity_pairs
from analysis.trends.records import DERIVED, Point, SeriesSpec


def elasticities(
    weeks: list[Point], tier_series: list[tuple[SeriesSpec, list[Point]]], refused: list[tuple[str, str, int]]
) -> dict[str, list[dict]]:
    """Figures (computed by formula elasticity_loglog) and lineage; refusals appended to `refused`."""
    out: dict[str, list[dict]] = {"figure": [], "figure_input": []}
    for spec, price_pts in tier_series:
        name = f"elasticity/openrouter_weekly_scrape/{spec.series.rsplit('/', 1)[-1]}"
        pairs = elasticity_pairs(weeks, price_pts)
        try:
            e = elasticity_loglog([w.value for w, _ in pairs], [p.value for _, p in pairs])
        except trend.FitRefused as why:
            refused.append((name, f"{why} ({spec.label.lower()}, over the fit-worthy OpenRouter weeks)", len(pairs)))
            continue
        fid = f"{DERIVED}/{name}"
        out["figure"].append(
            dict(
                figure_id=fid,
                source_id=DERIVED,
                metric="price_elasticity_loglog",
                entity_kind="demand_vs_price",
                entity=name,
                value=e.elasticity,
                unit="d ln(tokens) / d ln(price)",
                bound="=",
                value_low=e.low,
                value_high=e.high,
                period_start=pairs[0][0].date,
                period_end=pairs[-1][0].date,
                locator=name,
                kind="derived",
                verification="unverified",
                formula=elasticity_loglog.key,
                qualifier=f"{e.level:.0%} interval [{fm(e.low)}, {fm(e.high)}], n={e.n}, R2={e.r2:.2f}; {e.caveat}",
            )
        )
        for w, p in pairs:
            out["figure_input"] += [
                dict(figure_id=fid, input_figure_id=w.figure_id, role="quantity"),
                dict(figure_id=fid, input_figure_id=p.figure_id, role="price"),
            ]
    seen, unique = set(), []
    for r in out["figure_input"]:
        key = (r["figure_id"], r["role"], r["input_figure_id"])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    out["figure_input"] = unique
    return out
