"""Wall time of a cold `infernomics refresh` and of `infernomics audit`, median of N runs.

Each run is timed by /usr/bin/time (its "%e" elapsed seconds), as a user would see it.
A cold refresh starts from no warehouse file; audit runs against the last refreshed file.

usage: python benchmarks/cli_timing.py [--runs 5] [--figure FIGURE_ID]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TIME = "/usr/bin/time"


def timed(command: list[str]) -> float:
    result = subprocess.run([TIME, "-f", "%e", *command], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    return float(result.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--figure", default="infernomics-derived/ark-big-ideas-2026/p34/sw-dev-cost-change-pct")
    args = parser.parse_args()
    if not Path(TIME).exists():
        sys.exit(f"{TIME} is needed (Debian package `time`)")
    cli = [sys.executable, "-m", "pipeline.cli"]
    workdir = Path(tempfile.mkdtemp(prefix="infernomics-timing-"))
    refresh, audit = [], []
    try:
        for i in range(args.runs):
            path = workdir / f"cold-{i}.duckdb"
            refresh.append(timed([*cli, "refresh", "--warehouse", str(path)]))
            print(f"refresh run {i + 1}: {refresh[-1]:.2f}s", file=sys.stderr)
        for i in range(args.runs):
            audit.append(timed([*cli, "audit", args.figure, "--warehouse", str(path)]))
            print(f"audit run {i + 1}: {audit[-1]:.2f}s", file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"cold refresh: median {statistics.median(refresh):.2f}s of {args.runs} (runs: {', '.join(f'{t:.2f}' for t in refresh)})"
    )
    print(
        f"audit:        median {statistics.median(audit):.2f}s of {args.runs} (runs: {', '.join(f'{t:.2f}' for t in audit)})"
    )


if __name__ == "__main__":
    main()
