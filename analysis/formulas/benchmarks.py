"""Figures derived from measured runs: statistics recomputed from per-request rows, and the
`infernomics probe` summaries.

Decisions:
- The request statistics of an imported run are computed in SQL, one pass over the
  run's Parquet part (`pipeline/defs/benchmarks/sql/request_percentiles.sql`: DuckDB's
  `avg` and `quantile_cont`), because a run can hold a million requests. The functions
  here are the same statistics over a list; the figure names them, and
  tests/test_bench_import.py holds the SQL to them on a real file. They are the one place
  where the stored value is not computed by calling the registered function, and their
  docstrings say so.
- A mean is not a percentile: the two statistics are two formulas.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis.formulas import formula


@formula("benchmark_percentile_from_requests", 1)
def percentile_from_requests(requests: Sequence[float], *, q: float) -> float:
    """A latency percentile of one run recomputed from its successful, validated per-request
    rows (role `requests`), with linear interpolation between order statistics
    (numpy.percentile's default, DuckDB's quantile_cont); `q` in [0, 1]. Lineage role
    `checked_against` names the file's own figure when it states one. The stored value is
    computed by the same statistic in SQL over the run's Parquet part
    (pipeline/defs/benchmarks/sql/request_percentiles.sql); the tests hold the SQL to this."""
    return float(np.percentile(np.asarray(requests, dtype=float), q * 100))


@formula("benchmark_mean_from_requests", 1)
def mean_from_requests(requests: Sequence[float]) -> float:
    """The mean of a latency metric over one run's successful, validated per-request rows
    (role `requests`). Lineage role `checked_against` names the file's own mean when it
    states one. The stored value is computed by DuckDB's avg over the run's Parquet part
    (pipeline/defs/benchmarks/sql/request_percentiles.sql); the tests hold the SQL to this."""
    return float(np.mean(np.asarray(requests, dtype=float)))


@formula("probe_fraction_of_peak", 1)
def probe_fraction_of_peak(measured: float, spec_peak: float) -> float:
    """Achieved fraction of a spec-sheet peak: the best measured throughput (FLOP/s or
    byte/s, role `measured`) over the spec figure (TFLOPS or TB/s, role `spec_peak`,
    hence x 1e12)."""
    if spec_peak <= 0:
        raise ValueError("probe_fraction_of_peak: spec peak must be positive")
    return measured / (spec_peak * 1e12)


@formula("probe_best_sample", 1)
def probe_best_sample(samples: Sequence[float]) -> float:
    """The best (largest) of repeated throughput samples of one probe (role `samples`): the
    figure compared with a spec-sheet peak, which is also a best case."""
    return float(max(samples))
