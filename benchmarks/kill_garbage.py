"""kill -9 refreshes and imports at random points; count rows lost and garbage left.

For each kill: note the rows of every table in the published warehouse, start
`infernomics refresh --force` (or `infernomics import` of a large per-request Parquet file and
the vendored result files), SIGKILL it after a random delay, then measure

- whether the published file still opens (corrupt warehouses),
- rows lost: rows a table had before the kill and no longer has (writes only add here),
- garbage before cleanup: bytes of `<warehouse>.building-*` copies and WALs, half-written
  `.tmp` parts and Parquet parts no registered row references,
- garbage after cleanup: the same after the next writer (an empty write window) ran,
- whether `sql` would report the refresh as not completed.

Prints one line per kill and the totals. Example:
    python benchmarks/kill_garbage.py --kills 20 --seed 1
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def counts(path: Path) -> dict[str, int] | None:
    from warehouse import open_current

    if not path.exists():
        return {}
    try:
        with open_current(path) as con:
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = 'warehouse'"
                ).fetchall()
            ]
            return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    except Exception as err:  # noqa: BLE001 - a corrupt warehouse is what we count
        print(f"  cannot open: {err}", file=sys.stderr)
        return None


def garbage_bytes(path: Path) -> int:
    """Building copies, WALs, .tmp parts and unregistered parts, as the published file sees them."""
    from warehouse import open_current
    from warehouse.connection import PARTS_TABLES, part_path, parts_dir_for

    total = sum(p.stat().st_size for p in path.parent.glob(f"{path.name}.building-*"))
    parts = parts_dir_for(path)
    registered: set[str] = set()
    if path.exists():
        with open_current(path) as con:
            try:
                registered = {
                    part_path(r[0]) for r in con.execute("SELECT part_file FROM benchmark_request_part").fetchall()
                }
            except Exception:  # noqa: BLE001 - no benchmark tables yet
                registered = set()
    for folders in PARTS_TABLES.values():
        for name in folders:
            folder = parts / name
            if not folder.exists():
                continue
            for f in folder.rglob("*"):
                if f.is_file() and (f.name.endswith(".tmp") or f.relative_to(parts).as_posix() not in registered):
                    total += f.stat().st_size
    return total


def not_completed(path: Path) -> bool:
    from warehouse import open_current
    from warehouse.refresh_record import last_refresh_problem

    with open_current(path) as con:
        return last_refresh_problem(con, path) is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rows", type=int, default=3_000_000, help="per-request rows in the Parquet file imported")
    parser.add_argument(
        "--max-delay", type=float, default=None, help="latest kill, seconds (default: measured run time)"
    )
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    import duckdb

    from benchmarks.ingest_scale import GENERATE
    from warehouse import Warehouse
    from warehouse.refresh_record import running_marker

    work = args.workdir or Path(tempfile.mkdtemp(prefix="kill_garbage-"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / "w.duckdb"
    env = dict(os.environ, INFERNOMICS_OFFLINE="1", PYTHONPATH=str(ROOT))
    imports = []
    for i in range(3):  # distinct files, so each import adds a part
        f = work / f"requests_{i}.parquet"
        if not f.exists():
            duckdb.connect().execute(GENERATE.format(n=args.rows + i, path=f))
        imports.append(f)
    commands = {
        # --force: every refresh does all its work (its inputs do not change between kills,
        # so a plain one would skip most steps and finish before most kills)
        "refresh": [sys.executable, "-m", "pipeline.cli", "refresh", "--warehouse", str(path), "--wait", "--force"],
        "import": [
            sys.executable,
            "-m",
            "pipeline.cli",
            "import",
            *map(str, imports),
            str(ROOT / "sources" / "data" / "benchmarks"),
            "--warehouse",
            str(path),
        ],
    }
    durations = {}
    for kind, cmd in commands.items():  # one complete run of each: the time window kills fall in
        started = time.monotonic()
        subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=True)
        durations[kind] = time.monotonic() - started
    print(f"workdir {work}; one refresh {durations['refresh']:.1f}s, one import {durations['import']:.1f}s")
    totals = {
        "kills": 0,
        "corrupt": 0,
        "rows_lost": 0,
        "garbage_before": 0,
        "garbage_after": 0,
        "refresh_kills_reported": 0,
        "refresh_kills": 0,
    }
    for k in range(args.kills):
        kind = "refresh" if k % 2 == 0 else "import"
        if kind == "import":  # forget the imported files so the import writes parts again
            with Warehouse(path).writer() as con:
                con.execute("DELETE FROM benchmark_request_part WHERE layout = 'llmperf'")
                con.execute("DELETE FROM benchmark_file WHERE format = 'llmperf' AND requests_part IS NOT NULL")
            with Warehouse(path).writer():
                pass  # collect the parts just unregistered before measuring
        before = counts(path)
        delay = rng.uniform(0.2, args.max_delay or durations[kind])
        proc = subprocess.Popen(commands[kind], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        after = counts(path)
        gb = garbage_bytes(path)
        reported = not_completed(path) if kind == "refresh" and after is not None else False
        # it began when it wrote its `running` marker (the lock file beside the warehouse)
        marker = running_marker(path) if kind == "refresh" else None
        began = marker is not None and marker.pid == proc.pid
        with Warehouse(path).writer():
            pass  # the next writer cleans up
        ga = garbage_bytes(path)
        lost = (
            sum(
                max(0, n - after.get(t, 0))
                for t, n in before.items()
                if t not in ("benchmark_request_part", "benchmark_file")
            )
            if after is not None
            else 0
        )
        totals["kills"] += 0 if finished else 1
        totals["corrupt"] += after is None
        totals["rows_lost"] += lost
        totals["garbage_before"] += gb
        totals["garbage_after"] += ga
        # no marker of its own: killed before it wrote one, or after its end cleared it (the
        # summary printed, the process exiting): nothing was in flight either way
        if kind == "refresh" and not finished and began:
            totals["refresh_kills"] += 1
            totals["refresh_kills_reported"] += reported
        print(
            f"{k + 1:3d} {kind:7s} at {delay:5.1f}s {'(finished first)' if finished else 'killed':16s} "
            f"rows lost {lost}  garbage {gb / 1e6:7.1f} MB -> {ga / 1e6:5.1f} MB after the next writer"
            + (f"  reported not completed: {reported}" if kind == "refresh" and not finished and began else "")
            + (
                "  (no running marker: before it began or after its end)"
                if kind == "refresh" and not finished and not began
                else ""
            )
        )
    print(
        f"kills {totals['kills']} (of {args.kills} tries), corrupt warehouses {totals['corrupt']}, "
        f"rows lost {totals['rows_lost']}, garbage left by kills {totals['garbage_before'] / 1e6:.1f} MB in total, "
        f"garbage left after the next writer {totals['garbage_after']} bytes, "
        f"refreshes killed after their first write reported as not completed {totals['refresh_kills_reported']} "
        f"of {totals['refresh_kills']}"
    )


if __name__ == "__main__":
    main()
