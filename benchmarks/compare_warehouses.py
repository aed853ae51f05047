"""Do two refreshed warehouses hold the same values? For refactors that must not change a number.

Usage (each warehouse built by a full `infernomics refresh` from one checkout):

    INFERNOMICS_OFFLINE=1 infernomics --warehouse /tmp/x/old.duckdb refresh   # in the old checkout
    INFERNOMICS_OFFLINE=1 infernomics --warehouse /tmp/x/new.duckdb refresh   # in the new one
    .venv/bin/python benchmarks/compare_warehouses.py /tmp/x/old.duckdb /tmp/x/new.duckdb

Prints, for `figure`, how many rows differ in a value, an interval, unit, bound, metric, kind,
qualifier or notes (exact comparison, no tolerance), and which `formula` labels changed
(old -> new, with counts); for each derived table (fits, bands, points, checks, measures,
curves, prices, lineage, benchmark checks), how many rows are in one file and not the other,
over every column except run ids and timestamps; then every other table the same way (run
bookkeeping tables aside; absolute paths and a rejected row's run id in `raw` left out). Exit
status 1 when any value differs;
relabelled formulas alone are reported, not failed.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

TABLES = {
    "fit": "fit_id",
    "fit_band": "fit_id, band_date",
    "fit_point": "fit_id, input_figure_id",
    "claim_check": "check_id",
    "claim_measure": "measure_id",
    "demand_curve": "curve_id",
    "openrouter_week": "week_label",
    "token_price": "price_id",
    "figure_input": "figure_id, role, input_figure_id",
    "benchmark_check": "run_id, metric, stat",
}
VOLATILE = {"ingest_run_id", "run_id_ingest", "first_seen_at", "last_seen_at", "loaded_at"}
# tables whose rows are about the run itself (ids, clocks, process), not values
RUN_BOOKKEEPING = {"asset_fingerprint", "ingest_run", "refresh_run", "schema_migration"}
# columns that hold a clock reading or a run id in the other tables
CLOCKS = {"retrieved_at", "checked_at", "hashed_at", "ingested_at", "last_attempt_at", "last_success_at", "run_id"}
# absolute paths: they name the checkout and the warehouse's parts folder, which differ
# between two checkouts refreshing the same data
PLACES = {"path", "url"}
FIGURE_FIELDS = ("value", "value_low", "value_high", "unit", "bound", "metric", "kind", "qualifier", "notes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="warehouse file of the old checkout")
    parser.add_argument("new", help="warehouse file of the new checkout")
    args = parser.parse_args(argv)
    con = duckdb.connect()
    con.execute("ATTACH ? AS o (READ_ONLY)", [args.old])
    con.execute("ATTACH ? AS n (READ_ONLY)", [args.new])
    failed = False

    missing = con.execute(
        "SELECT (SELECT count(*) FROM (SELECT figure_id, source_id FROM o.figure EXCEPT SELECT figure_id, source_id FROM n.figure)), "
        "(SELECT count(*) FROM (SELECT figure_id, source_id FROM n.figure EXCEPT SELECT figure_id, source_id FROM o.figure)), "
        "(SELECT count(*) FROM n.figure)"
    ).fetchone()
    print(f"figure: {missing[2]} rows; only in old {missing[0]}, only in new {missing[1]}")
    differs = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in FIGURE_FIELDS)
    changed = con.execute(
        f"SELECT o.figure_id FROM o.figure o JOIN n.figure n USING (figure_id, source_id) WHERE {differs} ORDER BY 1"
    ).fetchall()
    print(f"figure: {len(changed)} rows differ in {', '.join(FIGURE_FIELDS)}", [r[0] for r in changed[:5]])
    failed |= bool(changed) or bool(missing[0]) or bool(missing[1])
    for old, new, n in con.execute(
        "SELECT o.formula, n.formula, count(*) FROM o.figure o JOIN n.figure n USING (figure_id, source_id) "
        "WHERE o.formula IS DISTINCT FROM n.formula GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        print(f"  formula relabelled: {old} -> {new} ({n} figures)")

    for table in TABLES:
        columns = _columns(con, table, VOLATILE)
        if not columns:
            print(f"{table}: not in the new warehouse")
            continue
        cols = ", ".join(f'"{c}"' for c in columns)
        only_old, only_new, total = con.execute(
            f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM o.{table} EXCEPT SELECT {cols} FROM n.{table})), "
            f"(SELECT count(*) FROM (SELECT {cols} FROM n.{table} EXCEPT SELECT {cols} FROM o.{table})), "
            f"(SELECT count(*) FROM n.{table})"
        ).fetchone()
        print(f"{table}: {total} rows; differing rows only in old {only_old}, only in new {only_new}")
        failed |= bool(only_old or only_new)
    failed |= _every_other_table(con)
    print("values identical" if not failed else "VALUES DIFFER")
    return 1 if failed else 0


def _columns(con, table: str, skip: set[str]) -> list[str]:
    """The new file's columns of `table`, in order, but those in `skip`."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'n' AND table_name = ? "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows if r[0] not in skip]


def _every_other_table(con) -> bool:
    """Every table not compared above (and not run bookkeeping): rows in one file and not
    the other over every column but run ids and clock readings. (`run_id` is a value in
    the benchmark tables, a content hash: compared there.)"""
    failed = False
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'n' AND table_type = 'BASE TABLE' "
            "ORDER BY 1"
        ).fetchall()
    ]
    for table in names:
        if table in TABLES or table == "figure" or table in RUN_BOOKKEEPING:
            continue
        skip = VOLATILE | PLACES | (CLOCKS - ({"run_id"} if table.startswith("benchmark") else set()))
        if table == "quarantine":
            skip = skip | {"run_id"}
        columns = _columns(con, table, skip)
        # a rejected row's `raw` JSON can hold the run id it was given before it was stored
        cols = ", ".join(
            f"""regexp_replace("{c}", '"ingest_run_id": "[^"]*"', '') AS "{c}\""""
            if (table, c) == ("quarantine", "raw")
            else f'"{c}"'
            for c in columns
        )
        try:
            only_old, only_new, total = con.execute(
                f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM o.{table} EXCEPT ALL SELECT {cols} FROM n.{table})), "
                f"(SELECT count(*) FROM (SELECT {cols} FROM n.{table} EXCEPT ALL SELECT {cols} FROM o.{table})), "
                f"(SELECT count(*) FROM n.{table})"
            ).fetchone()
        except Exception as err:  # a table or column the old file lacks
            print(f"{table}: not comparable ({str(err).splitlines()[0]})")
            failed = True
            continue
        print(f"{table}: {total} rows; differing rows only in old {only_old}, only in new {only_new}")
        failed |= bool(only_old or only_new)
    return failed


if __name__ == "__main__":
    sys.exit(main())
