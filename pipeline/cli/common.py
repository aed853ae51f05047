"""Shared pieces of the CLI: command registration, the warehouse option, tabular output."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import inspect
import json
import sys
from typing import Any, Callable, Sequence

from warehouse import Warehouse

FORMATS = ("table", "csv", "json", "markdown")
TABLE_ROW_LIMIT = 200
CELL_WIDTH = 60


class UserError(Exception):
    """An error the user can fix; printed as one line, without a traceback."""


def add_command(subparsers, name: str, func: Callable[[argparse.Namespace], int | None],
                tabular: bool = False) -> argparse.ArgumentParser:
    """Register `func` as `infernomics NAME`; its docstring is the help (first line = summary)."""
    doc = inspect.getdoc(func) or name
    parser = subparsers.add_parser(
        name, help=summary(doc), description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # SUPPRESS: given before the command (`infernomics --warehouse X sql ...`) it still counts
    parser.add_argument("--warehouse", metavar="PATH", default=argparse.SUPPRESS,
                        help="DuckDB file (default: $INFERNOMICS_WAREHOUSE or ./data/warehouse.duckdb)")
    if tabular:
        parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.set_defaults(func=func)
    return parser


def summary(doc: str) -> str:
    """The first sentence of a docstring's first paragraph: the one-line help of a command."""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    end = paragraph.find(". ")
    return paragraph if end < 0 else paragraph[: end + 1]


def warehouse_from(args: argparse.Namespace) -> Warehouse:
    return Warehouse(getattr(args, "warehouse", None))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table", out=None,
               limit: int = TABLE_ROW_LIMIT) -> None:
    """Print rows as an aligned table (long cells cut, first `limit` rows), CSV, JSON or Markdown."""
    out = out or sys.stdout
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    elif fmt == "json":
        json.dump([dict(zip(columns, row)) for row in rows], out, default=_cell, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "markdown":
        out.write("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n")
        for row in rows:
            out.write("| " + " | ".join(_cell(v).replace("|", "\\|").replace("\n", " ") for v in row) + " |\n")
    else:
        whole = [_keep_whole(c) for c in columns]
        shown = [[_cell(v) if keep else _short(_cell(v)) for v, keep in zip(row, whole)]
                 for row in rows[:limit]]
        widths = [max([len(c)] + [len(r[i]) for r in shown]) for i, c in enumerate(columns)]
        out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for row in shown:
            out.write("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() + "\n")
        more = len(rows) - len(shown)
        tail = f", {more} more not shown (use --format csv for all)" if more > 0 else ""
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{tail})\n")


def _keep_whole(column: str) -> bool:
    """Identifiers are never cut: they are what a user pastes into `audit`."""
    return column == "id" or column.endswith(("_id", "_ids"))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"
