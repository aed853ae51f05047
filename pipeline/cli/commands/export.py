"""`infernomics export`: a query or a table to Parquet, CSV or JSON, with provenance columns."""

from __future__ import annotations

import argparse
import sys

from pipeline.cli.common import add_command, warehouse_from


def export(args: argparse.Namespace) -> int:
    """Export a query or a table to a Parquet, CSV or JSON file, with each row's sources.

    WHAT is a table or view name (price_on is a macro: use a query) or one SELECT. Every
    figure id column of the result (figure_id, *_figure_id, figure_ids, *_figure_ids) is
    looked up and four list columns are added: provenance_figure_ids, provenance_source_ids,
    provenance_urls, provenance_locators (in CSV, lists are joined with " | ").
    --no-provenance exports the rows alone. The warehouse is opened exactly as `infernomics
    sql` opens it (read-only, no file access outside the warehouse, locked settings) and
    infernomics writes the file itself (COPY stays refused); the file appears only when
    complete. JSON is one array of objects.

    example:
      infernomics export "SELECT * FROM price_on('2025-06-01')" --format parquet --out p.parquet
      infernomics export gpu_rental_price --format csv --out rentals.csv
      infernomics export "SELECT * FROM claim_check" --format json --out claims.json
    """
    from infernomics.export import export as write_export
    from warehouse import open_current

    path = warehouse_from(args).path
    con, lookup = open_current(path, sandbox=True), open_current(path, sandbox=True)  # as `infernomics sql`
    try:
        done = write_export(con, args.what, args.out, args.format, provenance=not args.no_provenance, lookup=lookup)
    finally:
        con.close()
        lookup.close()
    if not args.no_provenance and not done.figure_id_columns:
        print(
            "note: no figure id column in the result, so no provenance columns were added "
            "(select figure_id, or a *_figure_id column, to get them)",
            file=sys.stderr,
        )
    joined = f"; provenance from {', '.join(done.figure_id_columns)}" if done.figure_id_columns else ""
    print(f"wrote {done.rows} rows x {len(done.columns)} columns to {done.path} ({args.format}{joined})")
    return 0


def register(subparsers) -> None:
    p = add_command(subparsers, "export", export)
    p.add_argument("what", metavar="QUERY|TABLE", help="one SELECT, or a table or view name")
    p.add_argument(
        "--format", choices=("parquet", "csv", "json"), default="parquet", help="file format (default parquet)"
    )
    p.add_argument("--out", required=True, metavar="PATH", help="the file to write (replaced when it exists)")
    p.add_argument("--no-provenance", action="store_true", help="do not add the provenance columns")
