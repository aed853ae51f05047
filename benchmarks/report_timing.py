"""`infernomics report` now against the same command at an older commit, one run, same warehouse (issue 12, target 7).

Times, one after another against the same warehouse file, each in a fresh process under
/usr/bin/time (wall seconds and peak RSS):

  old    the report of another checkout (`--old DIR`: e.g. a worktree of 804a606 with
         its own `.venv`), into a new folder
  cold   this checkout's report into a new folder (every chart drawn)
  warm   this checkout's report again into the same folder, nothing changed (the daily
         schedule's case; every chart is drawn again, there is no cache to reuse)

and prints cold/old and warm/old. Target: <= 0.3x, peak RSS < 300 MB.

usage: python benchmarks/report_timing.py --old /tmp/old-checkout [--warehouse W] [--old-warehouse W0]
  make the old checkout once:
    git worktree add --detach /tmp/old-checkout 804a606
    cd /tmp/old-checkout && python3 -m venv .venv && .venv/bin/pip install -q -e ".[test]"
  without --warehouse, this checkout refreshes one into a temp folder first (~30 s).
  The old checkout reads the same file: its report queries only tables and views that
  this warehouse still has (latest_fits, fit_point, fit_band, claim_check, ...); if it
  fails on a newer warehouse, refresh one with the old checkout and pass that instead.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TIME = "/usr/bin/time"


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, last stdout line) of one process."""
    result = subprocess.run([TIME, "-f", "TIMED %e %M", *command], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    line = next(x for x in reversed(result.stderr.splitlines()) if x.startswith("TIMED "))
    _, wall, kb = line.split()
    return float(wall), int(kb) / 1024, (result.stdout.strip().splitlines() or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, required=True, help="root of the older checkout, with its .venv")
    parser.add_argument("--warehouse", type=Path, help="a refreshed warehouse (default: refresh one)")
    parser.add_argument(
        "--old-warehouse",
        type=Path,
        help="the warehouse the old checkout's report reads (default: --warehouse; give one the old checkout "
        "refreshed when its report cannot read the newer file)",
    )
    args = parser.parse_args()
    if not Path(TIME).exists():
        sys.exit(f"{TIME} is needed (Debian package `time`)")
    old_python = args.old / ".venv" / "bin" / "python"
    if not old_python.exists():
        sys.exit(f"no {old_python}: make the old checkout's venv first (see --help)")
    here = Path(__file__).resolve().parent.parent
    tmp = Path(tempfile.mkdtemp(prefix="infernomics-report-timing-"))
    try:
        warehouse = args.warehouse
        if warehouse is None:
            warehouse = tmp / "warehouse.duckdb"
            subprocess.run(
                [sys.executable, "-m", "pipeline.cli", "refresh", "--warehouse", str(warehouse)],
                cwd=here,
                check=True,
                capture_output=True,
            )
        rows = {}
        old_warehouse = args.old_warehouse or warehouse
        rows["old"] = timed(
            [
                str(old_python),
                "-m",
                "pipeline.cli",
                "report",
                "--out",
                str(tmp / "old"),
                "--warehouse",
                str(old_warehouse),
            ],
            cwd=args.old,
        )
        new = [sys.executable, "-m", "pipeline.cli", "report", "--out", str(tmp / "new"), "--warehouse", str(warehouse)]
        rows["cold"] = timed(new, cwd=here)
        rows["warm"] = timed(new, cwd=here)
        print(f"warehouse {warehouse}; old = {args.old} on {old_warehouse}")
        for label, (wall, rss, said) in rows.items():
            print(f"{label:<5} {wall:7.2f}s  peak RSS {rss:6.0f} MB   {said[:160]}")
        for label in ("cold", "warm"):
            ratio = rows[label][0] / rows["old"][0]
            rss = rows[label][1]
            print(
                f"{label}/old = {ratio:.2f}x (target <= 0.3x: {'ok' if ratio <= 0.3 else 'MISSED'}); "
                f"peak RSS {rss:.0f} MB (target < 300 MB: {'ok' if rss < 300 else 'MISSED'})"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
