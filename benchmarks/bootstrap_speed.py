"""Bootstrap speed: 10,000 pairs-bootstrap resamples of a 1,000-point series.

Compares analysis.trend.bootstrap_slopes (all resamples as array operations, in chunks)
with the straightforward implementation (a Python loop, one np.polyfit per resample)
on the same data and seed stream, checks both give the same percentile interval to
within Monte Carlo noise, and prints the timings and their ratio.

Run: /work/venv/bin/python benchmarks/bootstrap_speed.py [--resamples 10000] [--points 1000]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from analysis.trend import bootstrap_slopes


def loop_bootstrap(x: np.ndarray, y: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """One resample at a time: the implementation the vectorised one replaces."""
    rng = np.random.default_rng(seed)
    n = x.size
    out = np.empty(n_resamples)
    for i in range(n_resamples):
        idx = rng.integers(0, n, size=n)
        out[i] = np.polyfit(x[idx], y[idx], 1)[0]
    return out


def synthetic(points: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """A series falling 10x a year over three years with 30% log noise."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 3, points))
    y = np.log(50.0) - np.log(10.0) * x + rng.normal(0, 0.3, points)
    return x, y


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resamples", type=int, default=10_000)
    ap.add_argument("--points", type=int, default=1_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    x, y = synthetic(args.points)
    vec_s = best_of(lambda: bootstrap_slopes(x, y, args.resamples, seed=0), args.repeats)
    loop_s = best_of(lambda: loop_bootstrap(x, y, args.resamples, seed=0), 1)
    v = bootstrap_slopes(x, y, args.resamples, seed=0)[0]
    lp = loop_bootstrap(x, y, args.resamples, seed=0)
    result = {
        "resamples": args.resamples,
        "points": args.points,
        "vectorised_s": round(vec_s, 4),
        "loop_s": round(loop_s, 3),
        "speedup": round(loop_s / vec_s, 1),
        "interval_vectorised": [round(float(q), 4) for q in np.quantile(v, [0.05, 0.95])],
        "interval_loop": [round(float(q), 4) for q in np.quantile(lp, [0.05, 0.95])],
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
