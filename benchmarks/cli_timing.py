"""Start-up of the read commands against the bare DuckDB one-liner on the same query (issue 12, target 4).

For each read command (`sql`, `audit`, `figures`, `sources`, `prices`) this times, as a
user sees it (wall time of a fresh process), the command and the one-liner

    python -c "import duckdb; con = duckdb.connect(W, read_only=True); print(con.sql(Q).fetchall())"

running the query the command runs, against the same warehouse file; and
`infernomics --help` against `python -c "import argparse"`. The runs of a pair alternate
(command, one-liner, command, ...), so a busy machine slows both alike; the ratio of
the medians is the figure. Target: every read command <= 1.5x, `--help` <= 2x.

usage: python benchmarks/cli_timing.py [--runs 7] [--warehouse W] [--refresh]
  without --warehouse, a warehouse is refreshed into a temp folder first (about 30 s);
  --refresh also times one cold `infernomics refresh` (printed, no target).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIGURE = "ark-big-ideas-2026/p34/sw-dev-cost-dec-2025"
PRICE_COLUMNS = (
    "provider_id, model_key, model, condition, effective_from, effective_to, date_basis, "
    "input_usd_per_mtok AS input, output_usd_per_mtok AS output, blended_usd_per_mtok AS blended_3to1, "
    "blended_1to1_usd_per_mtok AS blended_1to1, source_id, figure_ids"
)
#: (label, infernomics arguments, the query the command runs, target ratio)
CASES = [
    (
        "sql",
        ["sql", "SELECT metric, value, unit FROM figure ORDER BY figure_id LIMIT 5"],
        "SELECT metric, value, unit FROM figure ORDER BY figure_id LIMIT 5",
        1.5,
    ),
    ("audit", ["audit", FIGURE], f"SELECT * FROM figure_provenance WHERE figure_id = '{FIGURE}'", 1.5),
    (
        "figures",
        ["figures", "--source", "ark-big-ideas-2026"],
        "SELECT figure_id, bound, value, unit, entity, source_id, page, kind, verification FROM figure "
        "WHERE source_id = 'ark-big-ideas-2026' ORDER BY figure_id LIMIT 1001",
        1.5,
    ),
    (
        "sources",
        ["sources"],
        "SELECT s.source_id, s.kind, s.source_class AS class, s.title, s.publisher, s.date_published, "
        "coalesce(s.license, 'not stated') AS license, s.url, "
        "count(f.figure_id) AS figures FROM source s LEFT JOIN figure f USING (source_id) GROUP BY ALL "
        "ORDER BY s.source_id",
        1.5,
    ),
    (
        "prices",
        ["prices", "on", "2024-06-01", "--model-key", "gpt-4o"],
        f"SELECT {PRICE_COLUMNS} FROM price_on('2024-06-01') WHERE is_standard AND model_key = 'gpt-4o' "
        "ORDER BY model_key, provider_id, source_id",
        1.5,
    ),
]


def cli() -> list[str]:
    """The `infernomics` a user runs: the console script beside this interpreter, or `-m`."""
    script = Path(sys.executable).with_name("infernomics")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    took = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-2000:]}")
    return took


def one_liner(warehouse: Path, query: str) -> list[str]:
    code = (
        f"import duckdb; con = duckdb.connect({str(warehouse)!r}, read_only=True); print(con.sql({query!r}).fetchall())"
    )
    return [sys.executable, "-c", code]


def pair(ours: list[str], bare: list[str], runs: int) -> tuple[float, float]:
    wall(ours), wall(bare)  # warm the page cache for both
    a, b = [], []
    for _ in range(runs):
        a.append(wall(ours))
        b.append(wall(bare))
    return statistics.median(a), statistics.median(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warehouse", type=Path, help="an existing warehouse (default: refresh one in a temp folder)")
    parser.add_argument("--refresh", action="store_true", help="also time one cold refresh")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="infernomics-cli-timing-"))
    try:
        warehouse = args.warehouse
        if warehouse is None or args.refresh:
            target = workdir / "warehouse.duckdb"
            took = wall([*cli(), "refresh", "--warehouse", str(target)])
            print(f"cold refresh: {took:.2f}s (into {target})")
            warehouse = warehouse or target
        print(f"warehouse: {warehouse}; median of {args.runs} alternating runs each; interpreter {sys.executable}")
        print(f"{'command':<10} {'infernomics':>12} {'bare':>8} {'ratio':>6}  target")
        failed = []
        rows = [
            (label, [*cli(), *argv, "--warehouse", str(warehouse)], one_liner(warehouse, query), target)
            for label, argv, query, target in CASES
        ]
        rows.append(("--help", [*cli(), "--help"], [sys.executable, "-c", "import argparse"], 2.0))
        for label, ours, bare, target in rows:
            a, b = pair(ours, bare, args.runs)
            ok = a / b <= target
            failed += [] if ok else [label]
            print(f"{label:<10} {a:>11.3f}s {b:>7.3f}s {a / b:>5.2f}x  <= {target}x {'ok' if ok else 'MISSED'}")
        print("all within target" if not failed else f"missed: {', '.join(failed)}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
