"""Does a refresh cost the same on a 1 GB warehouse as on today's? (issue 12, target 5)

    python benchmarks/write_scale.py [--size-mb 1000] [--runs 1] [--workdir /tmp/write-scale] [--old DIR]

In one run, offline (`INFERNOMICS_OFFLINE=1`), every refresh a separate `python -m
pipeline.cli refresh` process:
1. a cold refresh into an empty file ("today's size" is what it leaves, ~75 MB); its time
   is printed to compare with a baseline checkout's cold refresh (target 3, e.g.
   `cd /tmp/base0 && .venv/bin/infernomics --warehouse /tmp/x/w.duckdb refresh`);
2. a copy of it grown to `--size-mb` by `benchmarks/grow_warehouse.py` (synthetic but
   valid feed price history, figures and lineage: see that script for why there);
3. the same refresh, `refresh --force` (every step recomputed; `--plain`: a plain
   refresh, where steps whose inputs did not change skip), on a fresh copy of each,
   today's then grown, `--runs` times
   (alternating, so load from other processes hits both alike), and the ratio
   grown / today of the medians (target <= 1.5).
The steps whose time grew most are listed (from the refresh's own per-step lines), so
what still scans whole tables shows. `--old DIR` repeats step 3 with another checkout
(its `.venv`, or this interpreter) on the same two files, e.g. main before the change.
Each refresh's progress lines are kept as `<workdir>/<label>-<size>-<run>.log`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPORT_STEP = "report/site"
STEP = re.compile(r"^\s+(?:ok|warn|FAIL|skip)\s+\[\s*\d+/\d+\]\s+(\S+)\s+([\d.]+)s")


def refresh(python: Path, cwd: Path, path: Path, log: Path, force: bool = False) -> tuple[float, dict[str, float]]:
    """Seconds for one `refresh` of `path` (`--force`: every step recomputed), and each
    step's seconds (fails loudly); its progress lines are kept in `log`."""
    env = {
        **os.environ,
        "INFERNOMICS_OFFLINE": "1",
        "INFERNOMICS_REPORT_DIR": str(path.parent / "report"),
        "DAGSTER_HOME": str(path.parent / "dagster_home"),
    }
    (path.parent / "dagster_home").mkdir(exist_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [str(python), "-m", "pipeline.cli", "--warehouse", str(path), "refresh", *(["--force"] if force else [])],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    log.write_text(done.stderr)
    if done.returncode != 0:
        sys.exit(f"refresh of {path} failed ({cwd}):\n{done.stderr[-3000:]}")
    steps = {m.group(1): float(m.group(2)) for line in done.stderr.splitlines() if (m := STEP.match(line))}
    return seconds, steps


def fresh_copy(source: Path, target: Path) -> Path:
    from benchmarks.grow_warehouse import copy_warehouse

    if target.parent.exists():
        shutil.rmtree(target.parent)
    copy_warehouse(source, target)
    return target


def compare(
    label: str, python: Path, cwd: Path, today: Path, grown: Path, work: Path, runs: int, force: bool = True
) -> dict:
    times: dict[str, list[float]] = {"today": [], "grown": []}
    steps: dict[str, list[dict[str, float]]] = {"today": [], "grown": []}
    for i in range(runs):
        for name, source in (("today", today), ("grown", grown)):
            path = fresh_copy(source, work / f"{label}-{name}" / "w.duckdb")
            size = path.stat().st_size
            seconds, per_step = refresh(python, cwd, path, work / f"{label}-{name}-{i + 1}.log", force)
            times[name].append(seconds)
            steps[name].append(per_step)
            print(f"  {label} run {i + 1} {name:5s} ({size / 2**20:5.0f} MB): {seconds:6.1f} s", flush=True)
            shutil.rmtree(path.parent)
    small, big = statistics.median(times["today"]), statistics.median(times["grown"])
    # the report step only reads (and is target 7's): on a loaded machine it moves by a
    # minute between runs, so the write path is also compared without it
    bare = {
        name: statistics.median(t - s.get(REPORT_STEP, 0.0) for t, s in zip(times[name], steps[name])) for name in times
    }
    step_names = set(steps["today"][0]) | set(steps["grown"][0])
    growth = sorted(
        (
            (
                statistics.median(s.get(n, 0.0) for s in steps["grown"])
                - statistics.median(s.get(n, 0.0) for s in steps["today"]),
                n,
            )
            for n in step_names
        ),
        reverse=True,
    )
    print(f"{label}: refresh today {small:.1f} s, grown {big:.1f} s, ratio {big / small:.2f} (target <= 1.5)")
    print(
        f"{label}: without {REPORT_STEP}: today {bare['today']:.1f} s, grown {bare['grown']:.1f} s, "
        f"ratio {bare['grown'] / bare['today']:.2f}"
    )
    print(f"{label}: steps that grew most (grown - today, s): " + ", ".join(f"{n} +{d:.1f}" for d, n in growth[:10]))
    return {
        "today_s": small,
        "grown_s": big,
        "ratio": big / small,
        "ratio_without_report": bare["grown"] / bare["today"],
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=1000.0, help="grown file size (default 1000)")
    parser.add_argument("--runs", type=int, default=1, help="refreshes of each size (default 1)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/write-scale"), help="scratch folder (replaced)")
    parser.add_argument("--old", type=Path, help="another checkout to measure the same way (e.g. main before)")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="time a plain `refresh` (steps whose inputs did not change skip) instead of `refresh --force`",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep --workdir's today/grown files from an earlier run (no cold refresh)"
    )
    args = parser.parse_args(argv)
    from benchmarks.grow_warehouse import copy_warehouse, grow

    work = args.workdir
    today, grown = work / "today" / "w.duckdb", work / "grown" / "w.duckdb"
    cold = None
    if not (args.reuse and today.exists() and grown.exists()):
        shutil.rmtree(work, ignore_errors=True)
        today.parent.mkdir(parents=True)
        cold, _ = refresh(Path(sys.executable), ROOT, today, work / "cold.log")
        print(f"cold refresh (empty file -> {today.stat().st_size / 2**20:.0f} MB): {cold:.1f} s", flush=True)
        copy_warehouse(today, grown)
        grow(grown, args.size_mb, stream=open(os.devnull, "w"))
    print(f"grown copy: {grown.stat().st_size / 2**20:.0f} MB", flush=True)
    force = not args.plain
    print(f"timed: `refresh{' --force' if force else ''}` on a fresh copy of each file", flush=True)
    result = {
        "cold_s": cold,
        "current": compare("current", Path(sys.executable), ROOT, today, grown, work, args.runs, force),
    }
    if args.old:
        python = args.old / ".venv" / "bin" / "python"
        result["old"] = compare(
            "old", python if python.exists() else Path(sys.executable), args.old, today, grown, work, args.runs, force
        )
    return result


if __name__ == "__main__":
    main()
