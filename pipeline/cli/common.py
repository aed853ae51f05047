"""Shared pieces of the CLI: command registration, the warehouse option, tabular output."""

from __future__ import annotations

import argparse
import sys

# Decisions: every `infernomics` run imports this module, `--help` included, so it imports
# only argparse and sys at the top; csv, json, inspect, datetime, unicodedata and typing
# (~10 ms together, half of `--help`) are imported where they are used.
TYPE_CHECKING = False
if TYPE_CHECKING:  # the warehouse package is imported by the command that opens one
    from collections.abc import Callable, Sequence
    from typing import Any

    import duckdb

    from warehouse import Warehouse

FORMATS = ("table", "csv", "json", "markdown")
TABLE_ROW_LIMIT = 200
CELL_WIDTH = 60


class UserError(Exception):
    """An error the user can fix; printed as one line, without a traceback."""


def add_command(
    subparsers, name: str, func: Callable[[argparse.Namespace], int | None], tabular: bool = False
) -> argparse.ArgumentParser:
    """Register `func` as `infernomics NAME`; its docstring is the help (first line = summary)."""
    import inspect

    doc = inspect.getdoc(func) or name
    parser = subparsers.add_parser(
        name,
        help=summary(doc),
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # SUPPRESS: given before the command (`infernomics --warehouse X sql ...`) it still counts
    parser.add_argument(
        "--warehouse",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="DuckDB file (default: $INFERNOMICS_WAREHOUSE or ./data/warehouse.duckdb)",
    )
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
    from warehouse import Warehouse

    return Warehouse(getattr(args, "warehouse", None))


class Rows:
    """A query result as column names and row tuples: what the read commands print.

    Decisions: read commands only print rows, so they fetch them with DuckDB's own
    conversion instead of through Arrow into polars (`warehouse.query_frame`), which
    would cost a polars and pyarrow import (~0.2 s) on every `figures`, `audit`, `prices`.
    Same `.columns` / `.rows()` / `.to_dicts()` as a polars frame where the commands use them.
    """

    def __init__(self, columns: list[str], rows: list[tuple]):
        self.columns, self._rows = columns, rows

    def rows(self) -> list[tuple]:
        return self._rows

    def to_dicts(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self._rows]

    def __len__(self) -> int:
        return len(self._rows)


def query_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Rows:
    """Run a read query; its columns and rows, without polars or pyarrow."""
    cursor = con.execute(sql, params or [])
    return Rows([d[0] for d in cursor.description or []], cursor.fetchall())


def _cell(value: Any) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def print_rows(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table", out=None, limit: int = TABLE_ROW_LIMIT
) -> None:
    """Print rows as an aligned table (long cells cut, first `limit` rows), CSV, JSON or Markdown."""
    out = out or sys.stdout
    if fmt == "csv":
        import csv

        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    elif fmt == "json":
        import json

        json.dump([dict(zip(columns, row)) for row in rows], out, default=_cell, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "markdown":
        out.write("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n")
        for row in rows:
            out.write("| " + " | ".join(_cell(v).replace("|", "\\|").replace("\n", " ") for v in row) + " |\n")
    else:
        whole = [_keep_whole(c) for c in columns]
        shown = [[_cell(v) if keep else _short(_cell(v)) for v, keep in zip(row, whole)] for row in rows[:limit]]
        widths = [max([width(c)] + [width(r[i]) for r in shown]) for i, c in enumerate(columns)]
        out.write("  ".join(pad(c, w) for c, w in zip(columns, widths)).rstrip() + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for row in shown:
            out.write("  ".join(pad(v, w) for v, w in zip(row, widths)).rstrip() + "\n")
        more = len(rows) - len(shown)
        tail = f", {more} more not shown (use --format csv for all)" if more > 0 else ""
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{tail})\n")


def _keep_whole(column: str) -> bool:
    """Identifiers are never cut: they are what a user pastes into `audit`."""
    return column == "id" or column.endswith(("_id", "_ids"))


def width(text: str) -> int:
    """Terminal columns `text` takes: East Asian wide and full-width characters (CJK) take
    two, combining marks none. `len()` would misalign every column after a Chinese title."""
    import unicodedata

    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(columns - width(text), 0)


def _short(text: str) -> str:
    """A cell cut to CELL_WIDTH terminal columns (not characters), with an ellipsis."""
    text = " ".join(text.split())
    if width(text) <= CELL_WIDTH:
        return text
    kept, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > CELL_WIDTH - 1:
            break
        kept.append(ch)
        used += w
    return "".join(kept) + "…"


class Progress:
    """`[12/84] 3.1s  what` on one rewritten line of stderr while long work runs.

    Decisions: only when stderr is a terminal (a log file or a pipe gets no carriage-return
    noise; `enabled` overrides for tests); counts known up front, so it reads N of M, not a
    spinner; the line is cleared at the end so the command's own summary stays clean."""

    def __init__(self, total: int, what: str, stream=None, enabled: bool | None = None):
        import time

        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.what, self.done = total, what, 0
        self._clock = time.monotonic
        self.started = self._clock()

    @property
    def elapsed(self) -> float:
        return self._clock() - self.started

    def step(self, label: str = "") -> None:
        self.done += 1
        if self.enabled:
            import shutil

            text = " ".join(f"{self.what} [{self.done}/{self.total}] {self.elapsed:5.1f}s  {label}".split())
            room = shutil.get_terminal_size((80, 20)).columns - 1
            self.stream.write("\r" + (text if width(text) <= room else text[: room - 1] + "…") + "\033[K")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()
