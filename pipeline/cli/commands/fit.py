"""`infernomics fit`: refit one stored series with a chosen method and confidence level."""

from __future__ import annotations

import argparse
import difflib

from pipeline.cli.common import UserError, add_command, print_rows, warehouse_from
from warehouse import query_frame

#: analysis.trend.METHODS and DEFAULT_RESAMPLES, repeated so `--help` does not import numpy/scipy
#: (tests/test_trend_cli.py checks they agree).
METHODS = ("ols", "bootstrap", "theil-sen")
DEFAULT_RESAMPLES = 10_000

POINTS_SQL = """
SELECT p.input_figure_id, p.obs_date, p.value
FROM fit_point p JOIN latest_fits f USING (fit_id)
WHERE f.series = ? AND p.used AND f.fit_id = (
    SELECT min(fit_id) FROM latest_fits WHERE series = ?)
ORDER BY p.obs_date, p.input_figure_id
"""
# a cited demand series that no stored fit used (e.g. refused for too few points)
DEMAND_SQL = """
SELECT figure_id AS input_figure_id, period_end_date AS obs_date, value
FROM demand_observation WHERE series = ? AND duplicate_of IS NULL ORDER BY period_end_date
"""


def fit(args: argparse.Namespace) -> int:
    """Fit an exponential trend to a stored series: rate per year, interval, halving/doubling time.

    SERIES is a series name from `infernomics trends` (e.g. demand/google_tokens_per_month,
    capability_price/mmlu/ge-43.9). The points are the ones the stored fit used; flagged
    points stay out. Methods: ols (t interval), bootstrap (seeded pairs bootstrap, 10,000
    resamples by default, percentile interval), theil-sen (robust). Fewer than 4 points is
    refused; a span under a year is flagged. Nothing is written.

    example:
      infernomics fit demand/openrouter_weekly_scrape --method bootstrap --level 0.95
      infernomics fit capability_price/gpqa_diamond/ge-33 --method theil-sen --format json
    """
    from analysis import trend  # numpy/scipy: only when the command runs

    with warehouse_from(args).reader() as con:
        pts = query_frame(con, POINTS_SQL, [args.series, args.series])
        if pts.is_empty() and args.series.startswith("demand/"):
            pts = query_frame(con, DEMAND_SQL, [args.series.removeprefix("demand/")])
        if pts.is_empty():
            known = [r[0] for r in con.execute("SELECT DISTINCT series FROM latest_fits ORDER BY 1").fetchall()]
            near = difflib.get_close_matches(args.series, known, n=3, cutoff=0.3)
            hint = f"; did you mean {', '.join(near)}?" if near else "; list them with `infernomics trends`"
            raise UserError(f"no stored series {args.series!r}{hint}")
    try:
        f = trend.fit_exponential(
            pts["obs_date"].to_list(),
            pts["value"].to_list(),
            method=args.method,
            level=args.level,
            n_resamples=args.resamples,
            seed=args.seed,
        )
    except trend.FitRefused as refused:
        raise UserError(f"{args.series}: {refused}") from None
    if f.slope < 0:
        rate, lo, hi = f.decline_x_per_year
        what = "falls x/yr"
    else:
        rate, lo, hi = f.factor_per_year, f.factor_low, f.factor_high
        what = "grows x/yr"
    t, t_lo, t_hi = f.halving_or_doubling_years
    cols = [
        "series",
        "method",
        "level",
        "n",
        "date_start",
        "date_end",
        what,
        "low",
        "high",
        "halving_or_doubling_years",
        "t_low",
        "t_high",
        "r2",
        "seed",
        "resamples",
        "flags",
    ]
    row = [
        args.series,
        f.method,
        f.level,
        f.n,
        f.date_start,
        f.date_end,
        _sig(rate),
        _sig(lo),
        _sig(hi),
        t,
        t_lo,
        t_hi,
        f.r2,
        f.seed,
        f.n_resamples,
        ", ".join(f.flags),
    ]
    print_rows(cols, [row], args.format)
    return 0


def _sig(x: float) -> float:
    return float(f"{x:.4g}")


def register(subparsers) -> None:
    p = add_command(subparsers, "fit", fit, tabular=True)
    p.add_argument("series", help="a stored series, e.g. demand/google_tokens_per_month")
    p.add_argument("--method", choices=METHODS, default="ols", help="ols (default), bootstrap or theil-sen")
    p.add_argument("--level", type=float, default=0.9, help="confidence level of the interval (default 0.9)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES, help="bootstrap resamples (default 10,000)")
