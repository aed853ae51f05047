"""`infernomics trends`: every stored fit (latest run per family) in one table."""

from __future__ import annotations

import argparse
import difflib

from pipeline.cli.common import UserError, add_command, print_rows, warehouse_from
from warehouse import query_frame

SQL = """
SELECT series, method, n, date_start, date_end, direction, factor_per_year, factor_low, factor_high,
       r2, flags, rate_figure_id, family
FROM latest_fits {where} ORDER BY family, series, method
"""


def trends(args: argparse.Namespace) -> int:
    """List the fitted trends: rate per year with its interval, n, dates, R^2, flags, figure id.

    A decline reads "falls N x/yr" (N = 1 / growth factor), growth "grows N x/yr". Audit a
    rate with `infernomics audit <rate_figure_id>`.

    example:
      infernomics trends
      infernomics trends --family capability_price --method epoch-ols --format markdown
    """
    from analysis.trend import fmt_multiple as fm  # numpy/scipy: only when the command runs

    clauses, params = [], []
    if args.family:
        clauses.append("family = ?")
        params.append(args.family)
    if args.method:
        clauses.append("method = ?")
        params.append(args.method)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with warehouse_from(args).reader() as con:
        for flag, column, value in (("--family", "family", args.family), ("--method", "method", args.method)):
            _check(con, flag, column, value)
        frame = query_frame(con, SQL.format(where=where), params)
    rows = []
    for r in frame.iter_rows(named=True):
        if r["direction"] == "decline":
            rate = f"falls {fm(1 / r['factor_per_year'])}x/yr [{fm(1 / r['factor_high'])}, {fm(1 / r['factor_low'])}]"
        else:
            rate = f"grows {fm(r['factor_per_year'])}x/yr [{fm(r['factor_low'])}, {fm(r['factor_high'])}]"
        rows.append(
            [
                r["series"],
                r["method"],
                r["n"],
                r["date_start"],
                r["date_end"],
                rate,
                round(r["r2"], 3) if r["r2"] is not None else None,
                ", ".join(r["flags"]),
                r["rate_figure_id"],
            ]
        )
    print_rows(
        ["series", "method", "n", "from", "to", "rate (90% interval)", "r2", "flags", "rate_figure_id"],
        rows,
        args.format,
    )
    if args.format == "table":
        with warehouse_from(args).reader() as con:
            refused = con.execute(
                "SELECT series, reason FROM fit_refusal"
                + (" WHERE family = ?" if args.family else "")
                + " ORDER BY series",
                [args.family] if args.family else [],
            ).fetchall()
        for series, reason in refused:
            print(f"not fitted: {series}: {reason}")
    return 0


def _check(con, flag: str, column: str, value: str | None) -> None:
    """Refuse a filter value that no stored fit (or refusal) has, listing the valid ones."""
    if not value:
        return
    known = sorted(
        {r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM latest_fits WHERE {column} IS NOT NULL").fetchall()}
        | (
            {r[0] for r in con.execute("SELECT DISTINCT family FROM fit_refusal").fetchall()}
            if column == "family"
            else set()
        )
    )
    if value in known:
        return
    near = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    hint = f"did you mean {near[0]}? " if near else ""
    raise UserError(
        f"no stored fit has {flag} {value!r}; {hint}valid: {', '.join(known) or '(none: refresh the trends first)'}"
    )


def register(subparsers) -> None:
    p = add_command(subparsers, "trends", trends, tabular=True)
    p.add_argument("--family", help="capability_price, demand, token_price, gpu, benchmark")
    p.add_argument("--method", help="ols, bootstrap, theil-sen, epoch-ols")
