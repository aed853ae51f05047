"""Issue 12 target 2: a refresh whose inputs did not change, against a cold refresh, in one run.

Three `infernomics refresh` runs (offline, each a new process, as a user types them) into one
new warehouse folder:
  1. cold: a new warehouse, every asset computed;
  2. no-op: the same warehouse again, nothing changed (every asset skipped, no Dagster run);
  3. one changed input: a benchmark result file dropped in the folder's `benchmark_drop/`
     (what depends on it recomputes, the rest is skipped).
It prints each time, what the refresh said it skipped, and the ratios no-op / cold (target
<= 0.15) and changed / cold. `--runs N` repeats the no-op N times and takes the median.

  .venv/bin/python benchmarks/noop_refresh.py
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
DROPPED = HERE / "tests" / "fixtures" / "benchmarks" / "llmperf_summary_rejections.json"


def refresh(warehouse: Path) -> tuple[float, str]:
    """Seconds for one `infernomics refresh` of `warehouse` in a new process, and its output."""
    env = {**os.environ, "INFERNOMICS_OFFLINE": "1", "DAGSTER_HOME": str(warehouse.parent / "dagster_home")}
    env.pop("INFERNOMICS_BENCH_DROP", None)
    env.pop("INFERNOMICS_REPORT_DIR", None)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "--warehouse", str(warehouse), "refresh"],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"refresh failed:\n{done.stderr[-3000:]}")
    return elapsed, done.stdout + done.stderr


def said(output: str) -> str:
    found = re.search(r"skipped (\d+) assets: inputs unchanged; recomputed (\d+)( \(.*\))?", output)
    return found.group(0) if found else "skipped nothing (every asset ran)"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1, help="no-op refreshes to time (median; default 1)")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="noop-refresh-"))
    (tmp / "dagster_home").mkdir()
    warehouse = tmp / "warehouse.duckdb"
    try:
        cold, out = refresh(warehouse)
        print(f"cold refresh        {cold:6.1f} s   {said(out)}", flush=True)
        noops = []
        for _ in range(args.runs):
            seconds, out = refresh(warehouse)
            noops.append(seconds)
            print(f"no-op refresh       {seconds:6.1f} s   {said(out)}", flush=True)
            if "nothing to run" not in out:
                sys.exit("the no-op refresh ran something:\n" + out[-3000:])
        (tmp / "benchmark_drop").mkdir()
        shutil.copy(DROPPED, tmp / "benchmark_drop" / DROPPED.name)
        changed, out = refresh(warehouse)
        print(f"one changed input   {changed:6.1f} s   {said(out)}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    noop = statistics.median(noops)
    print(
        f"no-op / cold = {noop / cold:.3f} (target <= 0.15); one changed input / cold = {changed / cold:.3f}",
        flush=True,
    )
    return {"cold_s": cold, "noop_s": noop, "changed_s": changed, "ratio": noop / cold}


if __name__ == "__main__":
    main()
