"""`infernomics sql`: read-only SQL against the warehouse."""

from __future__ import annotations

import argparse

import duckdb

from pipeline.cli.common import UserError, add_command, print_rows, warehouse_from

READ_ONLY_TYPES = {"SELECT", "EXPLAIN", "PRAGMA"}


def sql(args: argparse.Namespace) -> int:
    """Run a read-only SQL query against the warehouse and print the result.

    The warehouse is opened read-only; statements that would change it (INSERT, UPDATE,
    DELETE, DROP, CREATE, ALTER, COPY, ATTACH, ...) are refused before they run.
    Views and macros for people: figure_provenance, orphan_figure, quarantine_summary,
    and those each family adds (see README).

    example:
      infernomics sql "SELECT figure_id, value, unit, source_title FROM figure_provenance WHERE page = '34'"
      infernomics sql "SELECT * FROM quarantine_summary" --format markdown
    """
    statements = _statements(args.query)
    with warehouse_from(args).reader() as con:
        result = None
        for statement in statements:
            result = con.execute(statement)
        columns = [d[0] for d in result.description] if result.description else []
        rows = result.fetchall() if columns else []
    print_rows(columns, rows, args.format)
    return 0


def _statements(query: str) -> list[str]:
    """Split and type-check statements; refuse anything that is not a read."""
    try:
        parsed = duckdb.extract_statements(query)
    except duckdb.Error as err:
        raise UserError(str(err).strip().splitlines()[0]) from None
    if not parsed:
        raise UserError("no SQL statement given")
    for statement in parsed:
        kind = statement.type.name
        if kind not in READ_ONLY_TYPES:
            raise UserError(
                f"refused: {kind} statements change the warehouse, and `infernomics sql` is read-only "
                "(data changes go through `infernomics refresh` or `infernomics import`)"
            )
    return [s.query for s in parsed]


def register(subparsers) -> None:
    parser = add_command(subparsers, "sql", sql, tabular=True)
    parser.add_argument("query", help="one or more SQL statements; the last one's result is printed")
