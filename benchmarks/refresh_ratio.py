"""Cold-refresh time of this checkout against a baseline checkout, measured in one run.

Both refreshes run offline (`INFERNOMICS_OFFLINE=1`) into an empty warehouse, alternating
baseline / current so that load from other processes on a shared machine hits both alike;
the script prints each time, the medians and the ratio current / baseline. It also prints
the CPU seconds (user + system, of the refresh process and its children) of each: on a
machine shared with other jobs the wall time swings with their load, the CPU time much less.

Set up a baseline once (its own checkout and venv), e.g. for the commit before issue 9:
  git worktree add /tmp/issue-9-data/base 804a606
  python3 -m venv /tmp/issue-9-data/base/.venv && /tmp/issue-9-data/base/.venv/bin/pip install -q -e /tmp/issue-9-data/base
then:
  .venv/bin/python benchmarks/refresh_ratio.py --baseline /tmp/issue-9-data/base --runs 3
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_refresh(python: Path, cwd: Path, workdir: Path, cpu: list[float] | None = None) -> float:
    """Seconds for one `infernomics refresh` into a new warehouse file (fails loudly);
    its CPU seconds are appended to `cpu` when given."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    env = {
        **os.environ,
        "INFERNOMICS_OFFLINE": "1",
        "INFERNOMICS_WAREHOUSE": str(workdir / "warehouse.duckdb"),
        "DAGSTER_HOME": str(workdir / "dagster_home"),
    }
    (workdir / "dagster_home").mkdir()
    start, cpu_start = time.perf_counter(), _children_cpu()
    result = subprocess.run(
        [str(python), "-m", "pipeline.cli", "refresh"], cwd=cwd, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if cpu is not None:
        cpu.append(_children_cpu() - cpu_start)
    if result.returncode != 0:
        sys.exit(f"refresh failed in {cwd}:\n{result.stderr[-3000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--baseline", type=Path, required=True, help="root of the baseline checkout (with its own .venv)"
    )
    parser.add_argument("--runs", type=int, default=3, help="cold refreshes of each (default 3)")
    args = parser.parse_args(argv)
    here = Path(__file__).resolve().parents[1]
    base_python = args.baseline / ".venv" / "bin" / "python"
    if not base_python.exists():
        sys.exit(f"no venv at {base_python}: create it first (see --help)")
    tmp = Path(tempfile.mkdtemp(prefix="refresh-ratio-"))
    times: dict[str, list[float]] = {"baseline": [], "current": []}
    cpu: dict[str, list[float]] = {"baseline": [], "current": []}
    try:
        for i in range(args.runs):
            for name, python, cwd in (
                ("baseline", base_python, args.baseline),
                ("current", Path(sys.executable), here),
            ):
                seconds = cold_refresh(python, cwd, tmp / f"{name}-{i}", cpu[name])
                times[name].append(seconds)
                print(f"run {i + 1} {name:8s} {seconds:6.1f} s  (CPU {cpu[name][-1]:6.1f} s)", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base, cur = statistics.median(times["baseline"]), statistics.median(times["current"])
    print(f"median cold refresh: baseline {base:.1f} s, current {cur:.1f} s, ratio {cur / base:.2f}")
    print("targets against 804a606: issue 9 <= 1.30, issue 12 (target 3) <= 0.60")
    base_cpu, cur_cpu = statistics.median(cpu["baseline"]), statistics.median(cpu["current"])
    print(f"median CPU seconds: baseline {base_cpu:.1f} s, current {cur_cpu:.1f} s, ratio {cur_cpu / base_cpu:.2f}")
    return {"baseline_s": base, "current_s": cur, "ratio": cur / base, "cpu_ratio": cur_cpu / base_cpu}


if __name__ == "__main__":
    main()
