"""Would running independent steps at once make a refresh faster? Two trend steps'
computes, one after another and then in two threads, in one run.

Issue 12 target 3's remaining lever looked like a threaded executor (independent steps of
a refresh at once on the machine's two cores). The steps are Python-heavy, so the GIL
decides: this runs each pair of computes (what the step would store; nothing is written,
see `benchmarks/trend_compute.py`) serially, then both at once in two threads, and prints
threads / serial. Near 1.0 or above: the steps would not overlap.

  python benchmarks/thread_overlap.py --warehouse data/warehouse.duckdb
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = [("trend/gpu", "trend/capability_price_2026"), ("trend/demand_curve", "trend/capability_price_2026")]


def main(argv: list[str] | None = None) -> list[float]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True, help="a refreshed warehouse file (read only)")
    parser.add_argument("--runs", type=int, default=3, help="rounds per pair; medians are printed (default 3)")
    args = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
    import trend_compute

    from warehouse import open_current

    con = open_current(args.warehouse)
    computes = trend_compute.steps(con, dt.date.today(), ROOT)
    ratios = []
    for a, b in PAIRS:
        for name in (a, b):  # imports and caches warmed before anything is timed
            computes[name]()
        serial, threaded = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            computes[a]()
            computes[b]()
            serial.append(time.perf_counter() - start)
            workers = [threading.Thread(target=computes[name]) for name in (a, b)]
            start = time.perf_counter()
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            threaded.append(time.perf_counter() - start)
        s, t = statistics.median(serial), statistics.median(threaded)
        ratios.append(t / s)
        print(f"{a} + {b}: serial {s:.2f} s, two threads {t:.2f} s, threads / serial = {t / s:.2f}")
    return ratios


if __name__ == "__main__":
    main()
