"""`infernomics scores`: benchmark scores, their mapping to price keys, and the coverage."""

from __future__ import annotations

import argparse

from pipeline.cli.common import UserError, add_command, print_rows, warehouse_from
from warehouse import query_frame

SQL_UNMAPPED = """
SELECT model_base, why, scores, array_to_string(benchmarks, ', ') AS benchmarks, release_date, organization, note
FROM model_score_unmapped
WHERE (? IS NULL OR list_contains(benchmarks, ?)) AND (? IS NULL OR release_date >= CAST(? AS DATE))
ORDER BY release_date DESC NULLS LAST, model_base"""

SQL_COVERAGE = """
WITH m AS (
    SELECT s.model_base, any_value(s.model_key) AS model_key, min(s.release_date) AS release_date
    FROM model_score s
    WHERE s.benchmark = ? AND s.release_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
    GROUP BY s.model_base
), priced AS (SELECT DISTINCT model_key FROM token_price WHERE model_key IS NOT NULL)
SELECT count(*) AS models,
       count(*) FILTER (WHERE m.model_key IS NOT NULL) AS mapped,
       count(*) FILTER (WHERE p.model_key IS NOT NULL) AS with_price,
       round(100.0 * count(*) FILTER (WHERE p.model_key IS NOT NULL) / nullif(count(*), 0), 1) AS pct_with_price
FROM m LEFT JOIN priced p USING (model_key)"""


def scores(args: argparse.Namespace) -> int:
    """Benchmark model names without a price key (`unmapped`) and the share that have a price (`coverage`).

    A name is unmapped when sources/data/scores/model_identity.csv does not list it, or maps it to no
    key (the note says why: a base model, a pre-release checkpoint, no price source lists it). To map
    one, add or edit its row in that file (reviewed by hand; never map two different models together).

    example:
      infernomics scores unmapped --benchmark "GPQA Diamond" --since 2024-01-01
      infernomics scores coverage --benchmark "GPQA Diamond" --since 2024-01-01 --until 2026-12-31
    """
    with warehouse_from(args).reader() as con:
        if con.execute("SELECT count(*) FROM model_score").fetchall()[0][0] == 0:
            raise UserError(
                "no benchmark scores stored: run `infernomics refresh --select clean/scores/model_score` first"
            )
        if args.action == "unmapped":
            frame = query_frame(con, SQL_UNMAPPED, [args.benchmark, args.benchmark, args.since, args.since])
        else:
            if not args.benchmark:
                raise UserError('coverage needs --benchmark (e.g. "GPQA Diamond")')
            known = {r[0] for r in con.execute("SELECT DISTINCT benchmark FROM model_score").fetchall()}
            if args.benchmark not in known:
                raise UserError(
                    f"no scores for benchmark {args.benchmark!r}; stored: {', '.join(sorted(known)[:12])}, ..."
                )
            frame = query_frame(
                con, SQL_COVERAGE, [args.benchmark, args.since or "1900-01-01", args.until or "9999-12-31"]
            )
    print_rows(frame.columns, frame.rows(), args.format)
    return 0


def register(subparsers) -> None:
    p = add_command(subparsers, "scores", scores, tabular=True)
    p.add_argument("action", choices=("unmapped", "coverage"), help="what to show")
    p.add_argument("--benchmark", help="only this benchmark (exact name, e.g. 'GPQA Diamond')")
    p.add_argument("--since", help="only models released on or after this date (YYYY-MM-DD)")
    p.add_argument("--until", help="coverage: only models released on or before this date (YYYY-MM-DD)")
