"""`infernomics refresh`: run the pipeline in-process into the chosen warehouse."""

from __future__ import annotations

import argparse
import sys

from pipeline.cli.common import UserError, add_command, print_rows, warehouse_from
from pipeline.collector import batch_collection, no_final_collection
from warehouse import query_frame
from warehouse.refresh_record import last_refresh_problem

SUMMARY_SQL = """
SELECT table_name FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_name <> 'schema_migration' ORDER BY table_name
"""


def refresh(args: argparse.Namespace) -> int:
    """Refresh the warehouse: ingest every source, validate, quarantine bad rows, derive, fit.

    Runs the Dagster job `full_refresh` in this process (no server needed), printing one
    line per finished step, then a summary: rows per table (and what changed), rows in
    quarantine, and where the warehouse file is. Readers (`sql`, `audit`) keep working
    while it runs: writes go to a copy that is published atomically.

    An asset whose inputs did not change since its last successful run is skipped, and the
    refresh says so and why: same code version, same sha256 of every input file or stored
    payload, same upstream data. A changed input recomputes what depends on it, and
    everything downstream of that, nothing else. `--force` recomputes everything.

    example:
      infernomics refresh
      infernomics refresh --force
      infernomics refresh --select 'clean/citations/*' --warehouse /tmp/w.duckdb
      infernomics refresh --select group:citations
    """
    no_final_collection()  # this process ends with the command: no collection at exit
    with batch_collection():  # from before Dagster is imported: most of the collector's work was there
        return _refresh(args)


def _refresh(args: argparse.Namespace) -> int:
    from pipeline.refresh import run_refresh  # imports Dagster: only for this command

    warehouse = warehouse_from(args)
    before, problem = _counts(warehouse)
    if problem:
        print(f"note: {problem}; this refresh starts from the state it left", file=sys.stderr)
    print(f"refreshing {warehouse.path}", file=sys.stderr)
    try:
        outcome = run_refresh(warehouse.path, args.select, wait=args.wait, force=args.force)
    except ValueError as err:
        raise UserError(str(err)) from None
    after, _ = _counts(warehouse)
    rows = [[t, n, _change(before.get(t), n)] for t, n in sorted(after.items())]
    print()
    print_rows(["table", "rows", "change"], rows, args.format)
    quarantined = after.get("quarantine", 0)
    print(f"\nwarehouse: {warehouse.path}")
    print(
        f"quarantined rows: {quarantined}"
        + (' (see: infernomics sql "SELECT * FROM quarantine_summary")' if quarantined else "")
    )
    if outcome.warnings:
        print(f"warnings ({len(outcome.warnings)} checks did not pass; the data they guard was still stored):")
        for warning in outcome.warnings:
            print(f"  {warning}")
    if outcome.skipped:
        print(
            f"skipped {len(outcome.skipped)} assets: inputs unchanged; recomputed {len(outcome.ran)}"
            + (f" ({', '.join(sorted(outcome.ran))})" if 0 < len(outcome.ran) <= 8 else "")
        )
    print(f"took {outcome.seconds:.1f}s")
    if not outcome.success:
        for failure in outcome.failures:
            print(f"failed: {failure}", file=sys.stderr)
        raise UserError(f"{len(outcome.failures)} step(s) failed; the warehouse keeps every write that succeeded")
    return 0


def _counts(warehouse) -> tuple[dict[str, int], str | None]:
    """Rows per table, and a line if the last recorded refresh did not complete."""
    if not warehouse.exists():
        return {}, None
    with warehouse.reader() as con:
        tables = query_frame(con, SUMMARY_SQL)["table_name"].to_list()
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}, last_refresh_problem(
            con, warehouse.path
        )


def _change(old: int | None, new: int) -> str:
    if old is None:
        return "new"
    return "unchanged" if old == new else f"{new - old:+d}"


def register(subparsers) -> None:
    parser = add_command(subparsers, "refresh", refresh, tabular=True)
    parser.add_argument(
        "--select",
        nargs="+",
        metavar="PATTERN",
        help="only these assets: key globs like 'clean/citations/*' or group:NAME",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="recompute every selected asset, even those whose inputs did not change",
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        help="if another refresh of this warehouse is running, wait for it instead of exiting",
    )
