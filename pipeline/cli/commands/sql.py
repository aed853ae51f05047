"""`infernomics sql`: read-only SQL against the warehouse.

Decisions:
- Read-only is enforced by the connection, not by reading the SQL text: the warehouse is
  ATTACHed read-only, `enable_external_access = false` with `allowed_directories` limited
  to the warehouse's own parts folder, a `memory_limit`, then `lock_configuration = true`
  (see `warehouse.open_current`). The statement check below is a second wall and the
  place for a helpful message: DuckDB's own parser classifies each statement, and only
  SELECT (with WITH, VALUES, FROM-first, DESCRIBE, SHOW, SUMMARIZE) and EXPLAIN of such a
  statement run. Everything else is refused in one line saying what to use instead.
- `--timeout` interrupts the connection (DuckDB's own interrupt) from a timer thread.
- Results are streamed as Arrow batches: the table shows the first `--max-rows` rows and
  counts the rest ("N more rows"); CSV and JSON are written batch by batch. Nothing holds
  a whole result in Python, so `SELECT * FROM range(100000000)` prints and exits.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import threading
import time

import duckdb

from pipeline.cli.common import UserError, add_command, print_rows, warehouse_from
from warehouse.connection import DEFAULT_MEMORY_LIMIT, open_current
from warehouse.refresh_record import last_refresh_problem

READ_KINDS = {"SELECT"}
BATCH_ROWS = 10_000
TABLE_ROWS = 200
READ_ONLY_HINT = "`infernomics sql` is read-only: SELECT and EXPLAIN of a SELECT only"
WHAT_INSTEAD = {
    "COPY": "COPY writes files; to save a result use `infernomics export QUERY|TABLE --format parquet|csv|json --out PATH`",
    "EXPORT": "EXPORT DATABASE writes files; to save data use `infernomics export QUERY|TABLE --format parquet|csv|json --out PATH`",
    "PRAGMA": "PRAGMA can run files (import_database) and change settings; use SELECT * FROM pragma_table_info('t'), duckdb_tables() and the like",
    "CALL": "CALL runs table functions that may write or change settings; use SELECT * FROM fn(...)",
    "SET": "settings, USE and variables are fixed for this connection (use --timeout, --memory-limit, --allow-files)",
    "LOAD": "extensions cannot be installed or loaded",
    "ATTACH": "other databases cannot be attached; query the warehouse, or pass --warehouse PATH",
    "DETACH": "the warehouse cannot be detached",
    "TRANSACTION": "transactions are not needed for reads",
    "PREPARE": "prepared statements are not supported here; write the query out",
    "EXECUTE": "prepared statements are not supported here; write the query out",
    "MULTI": "PIVOT as a statement is not supported; use SELECT * FROM (PIVOT ...)",
}
CHANGE_KINDS = {
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "ALTER",
    "MERGE_INTO",
    "VACUUM",
    "ANALYZE",
    "CREATE_FUNC",
    "COPY_DATABASE",
    "UPDATE_EXTENSIONS",
    "RELATION",
    "LOGICAL_PLAN",
}


def sql(args: argparse.Namespace) -> int:
    """Run a read-only SQL query against the warehouse and print the result.

    Only SELECT (WITH, VALUES, FROM-first, DESCRIBE, SHOW, SUMMARIZE) and EXPLAIN of a
    SELECT run; anything else (INSERT, CREATE, COPY, ATTACH, PRAGMA, SET, CALL, LOAD, ...)
    is refused before it runs. The connection itself is read-only and cannot read files
    outside the warehouse's parts folder (--allow-files lifts that, to join your own
    CSV or Parquet files); settings are locked. Long queries stop after --timeout seconds;
    the table shows the first --max-rows rows and says how many more there are.
    To save a result to a file, use `infernomics export`.

    Views and macros for people: figure_provenance, orphan_figure, quarantine_summary,
    price_on(date), benchmark_request, and those each family adds (see README).

    example:
      infernomics sql "SELECT figure_id, value, unit, source_title FROM figure_provenance WHERE page = '34'"
      infernomics sql "SELECT * FROM quarantine_summary" --format markdown
      infernomics sql "SELECT count(*) FROM benchmark_request" --timeout 10
      infernomics sql "SELECT * FROM read_csv('mine.csv')" --allow-files
    """
    warehouse = warehouse_from(args)
    try:
        con = open_current(warehouse.path, sandbox=True, memory_limit=args.memory_limit, allow_files=args.allow_files)
    except Exception:
        check_statements(args.query)  # a refused statement is said first, warehouse or not
        raise
    try:
        # parsed by the connection just opened: DuckDB's module-level parser would start
        # a second database instance (~15 ms) only to split the text
        statements = check_statements(args.query, parser=con)
        problem = last_refresh_problem(con, warehouse.path)
        if problem:
            print(f"note: {problem}", file=sys.stderr)
        with _deadline(con, args.timeout):
            for statement in statements[:-1]:
                _run(con, statement, args).to_arrow_table()
            _stream(con.execute(statements[-1]), args)
    finally:
        con.close()
    return 0


def check_statements(query: str, parser: duckdb.DuckDBPyConnection | None = None) -> list[str]:
    """Split and classify with DuckDB's parser; refuse anything that is not a read.
    Parsing runs nothing, so `parser` may be the sandboxed connection itself."""
    try:
        parsed = (parser or duckdb).extract_statements(query)
    except (duckdb.Error, ValueError) as err:
        raise UserError(str(err).strip().splitlines()[0]) from None
    if not parsed:
        raise UserError("no SQL statement given")
    for statement in parsed:
        kind = statement.type.name
        if kind == "EXPLAIN":
            inner = _explained(statement.query)
            if inner != "SELECT":
                raise UserError(
                    f"refused: EXPLAIN of a {inner} statement ({READ_ONLY_HINT}; "
                    "EXPLAIN ANALYZE runs the statement it explains)"
                )
        elif kind not in READ_KINDS:
            raise UserError(refusal(kind))
    return [s.query for s in parsed]


def refusal(kind: str) -> str:
    """The one line for a refused statement kind."""
    if kind in WHAT_INSTEAD:
        return f"refused: {kind} ({WHAT_INSTEAD[kind]}; {READ_ONLY_HINT})"
    return (
        f"refused: {kind} statements change the warehouse ({READ_ONLY_HINT}; "
        "data changes go through `infernomics refresh` or `infernomics import`)"
    )


def _explained(query: str) -> str:
    """The kind of statement an EXPLAIN wraps, read with DuckDB's tokenizer and parser:
    skip EXPLAIN, ANALYZE and a parenthesised option list, parse the rest."""
    tokens = duckdb.tokenize(query)
    i, depth = 0, 0
    while i < len(tokens):
        start, _ = tokens[i]
        end = tokens[i + 1][0] if i + 1 < len(tokens) else len(query)
        word = query[start:end].strip().upper()
        if depth == 0 and word in ("EXPLAIN", "ANALYZE", "ANALYSE"):
            i += 1
            continue
        if (
            word == "("
            and depth == 0
            and i > 0
            and query[tokens[i - 1][0] : start].strip().upper() in ("EXPLAIN", "ANALYZE", "ANALYSE")
        ):
            depth = 1
            i += 1
            continue
        if depth:
            depth += word.count("(") - word.count(")")
            i += 1
            continue
        break
    if i >= len(tokens):
        return "empty"
    try:
        inner = duckdb.extract_statements(query[tokens[i][0] :])
    except (duckdb.Error, ValueError):
        return "unparsable"
    kinds = {s.type.name for s in inner}
    if len(inner) != 1:
        return "multi-statement"
    kind = kinds.pop()
    return "SELECT" if kind in READ_KINDS else kind


class _Timer:
    def __init__(self):
        self.fired = False


def _deadline(con: duckdb.DuckDBPyConnection, seconds: float):
    """Interrupt the connection after `seconds` (0: never)."""
    import contextlib

    @contextlib.contextmanager
    def guard():
        state = _Timer()
        timer = None
        if seconds and seconds > 0:

            def fire():
                state.fired = True
                con.interrupt()

            timer = threading.Timer(seconds, fire)
            timer.daemon = True
            timer.start()
        started = time.monotonic()
        try:
            yield
        except (duckdb.Error, OSError) as err:
            raise UserError(_explain_error(err, state.fired, seconds, time.monotonic() - started)) from None
        finally:
            if timer is not None:
                timer.cancel()

    return guard()


def _explain_error(err: Exception, timed_out: bool, seconds: float, took: float) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if timed_out or "INTERRUPT" in text.upper():
        return f"query stopped after {took:.0f}s (--timeout {seconds:g}); narrow it, or raise --timeout"
    if isinstance(err, duckdb.PermissionException) or "disabled by configuration" in text:
        return (
            f"refused: {text} (`infernomics sql` reads only the warehouse and its parts folder; "
            "pass --allow-files to read your own files)"
        )
    if isinstance(err, duckdb.OutOfMemoryException) or "Out of Memory" in text:
        return f"query needs more memory than --memory-limit allows: {text}"
    return text


def _run(con: duckdb.DuckDBPyConnection, statement: str, args: argparse.Namespace):
    return con.sql(statement)


def _stream(result, args: argparse.Namespace, out=None) -> None:
    """Print a result batch by batch: never the whole result in Python.

    Decisions: rows come through DuckDB's own conversion (`fetchmany`), not Arrow: that
    saves the pyarrow import (~0.1 s, most of a small query's time). Once the table has
    its `--max-rows`, the rest is only counted, through an Arrow reader on the same
    result (pyarrow is imported then, for results that are large anyway)."""
    out = out or sys.stdout
    if result.description is None:  # a statement without a result
        print_rows([], [], args.format, out)
        return
    columns = [d[0] for d in result.description]
    cap = args.max_rows if args.max_rows is not None else (TABLE_ROWS if args.format in ("table", "markdown") else None)
    kept: list[tuple] = []
    total = 0
    writer = _Writer(args.format, columns, out) if args.format in ("csv", "json") else None
    while cap is None or total < cap:
        rows = result.fetchmany(BATCH_ROWS if cap is None else min(BATCH_ROWS, cap - total))
        if not rows:
            break
        total += len(rows)
        if writer is not None:
            writer.write(rows)
        else:
            kept.extend(rows)
    if cap is not None and total >= cap:
        total += _count_rest(result)
    if writer is not None:
        writer.close(total, cap)
        return
    buffer = io.StringIO()
    print_rows(columns, kept, args.format, buffer, limit=len(kept))
    text = buffer.getvalue()
    more = total - len(kept)
    if args.format == "table":
        text = text[: text.rstrip("\n").rfind("\n") + 1]
        text += (
            f"({total:,} row{'s' if total != 1 else ''}"
            + (f", {more:,} more rows not shown: raise --max-rows, or --format csv" if more else "")
            + ")\n"
        )
    elif more:
        text += f"\n({more:,} more rows not shown: raise --max-rows)\n"
    out.write(text)


def _count_rest(result) -> int:
    """Rows left in `result`, counted batch by batch without turning them into Python."""
    import warnings

    if not result.fetchmany(1):
        return 0
    with warnings.catch_warnings():  # "extra copy" note: batches are counted, not kept
        warnings.simplefilter("ignore")
        return 1 + sum(batch.num_rows for batch in result.to_arrow_reader(BATCH_ROWS * 10))


class _Writer:
    """CSV or JSON, written as rows arrive."""

    def __init__(self, fmt: str, columns: list[str], out):
        self.fmt, self.columns, self.out, self.first = fmt, columns, out, True
        if fmt == "csv":
            self.csv = csv.writer(out, lineterminator="\n")
            self.csv.writerow(columns)
        else:
            out.write("[")

    def write(self, rows: list[tuple]) -> None:
        from pipeline.cli.common import _cell

        if self.fmt == "csv":
            self.csv.writerows([[_cell(v) for v in row] for row in rows])
            return
        for row in rows:
            self.out.write(
                ("\n" if self.first else ",\n")
                + json.dumps(dict(zip(self.columns, row)), default=_cell, ensure_ascii=False)
            )
            self.first = False

    def close(self, total: int, cap: int | None) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n")
        if cap is not None and total > cap:
            print(f"note: {total - cap:,} more rows not written (--max-rows {cap})", file=sys.stderr)


def register(subparsers) -> None:
    parser = add_command(subparsers, "sql", sql, tabular=True)
    parser.add_argument("query", help="one or more SQL statements; the last one's result is printed")
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="stop the query after this many seconds (default: 60; 0: no limit)",
    )
    parser.add_argument(
        "--memory-limit",
        default=DEFAULT_MEMORY_LIMIT,
        metavar="SIZE",
        help=f"DuckDB memory limit for the query (default: {DEFAULT_MEMORY_LIMIT})",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=None,
        metavar="N",
        help=f"rows to show (default: {TABLE_ROWS} for table/markdown, all for csv/json)",
    )
    parser.add_argument(
        "--allow-files",
        action="store_true",
        help="let the query read files outside the warehouse (your own CSV/Parquet); still read-only",
    )
