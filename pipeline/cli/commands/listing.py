"""`infernomics sources` and `infernomics figures`: what is stored, with filters."""

from __future__ import annotations

import argparse
import sys

from pipeline.cli.common import add_command, print_rows, query_rows, warehouse_from
from warehouse.vocabulary import FIGURE_KINDS, SOURCE_CLASSES, SOURCE_KINDS, VERIFICATION


def sources(args: argparse.Namespace) -> int:
    """List the sources in the warehouse, with their licence and how many figures each backs.

    example:
      infernomics sources --class secondary
      infernomics sources --search epoch --format csv
    """
    where, params = _filters(
        {"s.kind": args.kind, "s.source_class": args.source_class},
        search=args.search,
        search_columns=("s.source_id", "s.title", "s.publisher", "s.url"),
    )
    frame = _query(
        args,
        f"""
        SELECT s.source_id, s.kind, s.source_class AS class, s.title, s.publisher,
               s.date_published, coalesce(s.license, 'not stated') AS license, s.url, count(f.figure_id) AS figures
        FROM source s LEFT JOIN figure f USING (source_id) {where}
        GROUP BY ALL ORDER BY s.source_id""",
        params,
    )
    print_rows(frame.columns, frame.rows(), args.format)
    return 0


def figures(args: argparse.Namespace) -> int:
    """List stored figures (id, value, unit, source, page, verification), with filters.

    example:
      infernomics figures --source ark-big-ideas-2026
      infernomics figures --kind derived --format json
      infernomics figures --search openrouter --limit 20
    """
    where, params = _filters(
        {"source_id": args.source, "kind": args.kind, "verification": args.verification, "metric": args.metric},
        search=args.search,
        search_columns=("figure_id", "entity", "metric", "quote"),
    )
    frame = _query(
        args,
        f"""
        SELECT figure_id, bound, value, unit, entity, source_id, page, kind, verification
        FROM figure {where} ORDER BY figure_id LIMIT {int(args.limit) + 1}""",
        params,
    )
    rows = frame.rows()
    print_rows(frame.columns, rows[: args.limit], args.format)
    if len(rows) > args.limit:
        print(
            f"note: stopped at --limit {args.limit}; more figures match (raise --limit or narrow the filters)",
            file=sys.stderr,
        )
    return 0


def _filters(equal: dict, search: str | None, search_columns: tuple[str, ...]) -> tuple[str, list]:
    clauses, params = [], []
    for column, value in equal.items():
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if search:
        clauses.append("(" + " OR ".join(f"{c} ILIKE ?" for c in search_columns) + ")")
        params += [f"%{search}%"] * len(search_columns)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _query(args, sql: str, params: list):
    with warehouse_from(args).reader() as con:
        return query_rows(con, sql, params)


def register(subparsers) -> None:
    p = add_command(subparsers, "sources", sources, tabular=True)
    p.add_argument("--kind", choices=SOURCE_KINDS)
    p.add_argument("--class", dest="source_class", choices=SOURCE_CLASSES)
    p.add_argument("--search", help="case-insensitive text in id, title, publisher or URL")
    p = add_command(subparsers, "figures", figures, tabular=True)
    p.add_argument("--source", help="only figures from this source_id")
    p.add_argument("--kind", choices=FIGURE_KINDS)
    p.add_argument("--verification", choices=VERIFICATION)
    p.add_argument("--metric", help="exact metric name")
    p.add_argument("--search", help="case-insensitive text in id, entity, metric or quote")
    p.add_argument("--limit", type=int, default=1000, help="at most this many rows (default 1000)")
