"""pandera contracts for benchmark tables; the check name is the quarantine rule."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from warehouse.tables import BENCHMARK_RUN, BENCHMARK_RUN_STAT
from warehouse.vocabulary import BENCHMARK_FORMATS as FORMATS  # noqa: F401 (re-exported)
from warehouse.vocabulary import LOAD_MODES  # noqa: F401 (re-exported)

_NON_NEGATIVE = [
    "duration_s",
    "request_throughput_rps",
    "output_tok_s",
    "total_tok_s",
    "goodput_rps",
    "target_rate_rps",
    "mean_inflight",
    "price_usd_per_gpu_hour",
    *[f"{m}_{s}_ms" for m in ("ttft", "tpot", "itl", "e2el") for s in ("mean", "p50", "p90", "p95", "p99")],
]


class BenchmarkRun(BENCHMARK_RUN.model()):  # type: ignore[misc]
    """A run: columns and their checks are `warehouse.tables.BENCHMARK_RUN`."""

    @pa.dataframe_check(name="non_negative_measures")
    def non_negative_measures(cls, data: pa.PolarsData) -> pl.LazyFrame:
        cols = [c for c in _NON_NEGATIVE if c in data.lazyframe.collect_schema().names()]
        return data.lazyframe.select(pl.all_horizontal([pl.col(c).is_null() | (pl.col(c) >= 0) for c in cols]))

    @pa.dataframe_check(name="measures_finite")
    def measures_finite(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """No infinite or NaN measure: `Infinity` in a file is refused, never stored as NULL
        or as a number no average survives."""
        schema = data.lazyframe.collect_schema()
        cols = [c for c, t in schema.items() if t == pl.Float64]
        return data.lazyframe.select(pl.all_horizontal([pl.col(c).is_null() | pl.col(c).is_finite() for c in cols]))

    @pa.dataframe_check(name="counts_within_file_totals")
    def counts_within_file_totals(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Outcome counts never exceed what the file itself says was sent (its request
        count, else its number of per-request rows); per-request rows never exceed it."""
        total = pl.col("completed").fill_null(0) + pl.col("failed").fill_null(0) + pl.col("rejected").fill_null(0)
        ceiling = pl.coalesce("requests_sent", "n_request_rows")
        return data.lazyframe.select(
            (ceiling.is_null() | (total <= ceiling))
            & (
                pl.col("requests_sent").is_null()
                | pl.col("n_request_rows").is_null()
                | (pl.col("n_request_rows") <= pl.col("requests_sent"))
            )
        )

    @pa.dataframe_check(name="counts_add_up")
    def counts_add_up(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """completed + failed + rejected never exceeds what was sent."""
        total = pl.col("completed").fill_null(0) + pl.col("failed").fill_null(0) + pl.col("rejected").fill_null(0)
        return data.lazyframe.select(pl.col("requests_sent").is_null() | (total <= pl.col("requests_sent")))

    @pa.dataframe_check(name="percentiles_ordered")
    def percentiles_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """p50 <= p90 <= p95 <= p99 for each latency metric, where stated."""
        checks = []
        for m in ("ttft", "tpot", "itl", "e2el"):
            cols = [f"{m}_{s}_ms" for s in ("p50", "p90", "p95", "p99")]
            for lo in range(len(cols)):
                for hi in range(lo + 1, len(cols)):
                    checks.append(
                        pl.col(cols[lo]).is_null()
                        | pl.col(cols[hi]).is_null()
                        | (pl.col(cols[lo]) <= pl.col(cols[hi]) * (1 + 1e-9))
                    )
        return data.lazyframe.select(pl.all_horizontal(checks))

    @pa.dataframe_check(name="rate_mode_has_rate")
    def rate_mode_has_rate(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("load_mode") != "rate").fill_null(True) | pl.col("target_rate_rps").is_not_null()
        )


class BenchmarkRunStat(BENCHMARK_RUN_STAT.model()):  # type: ignore[misc]
    """A stated statistic: columns and their checks are `warehouse.tables.BENCHMARK_RUN_STAT`."""

    @pa.dataframe_check(name="value_finite")
    def value_finite(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value").is_null() | pl.col("value").is_finite())

    @pa.dataframe_check(name="value_non_negative")
    def value_non_negative(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every benchmark statistic (latency, std, duration, throughput, count, score) is >= 0."""
        return data.lazyframe.select(pl.col("value").is_null() | (pl.col("value") >= 0))


# Per-request rows are validated in bulk in SQL (see pipeline/steps/benchmarks/sql/validate_part.sql):
# a pandera pass over tens of millions of rows would dominate the load.
REQUEST_RULES = {
    "negative_latency": "ttft_ms < 0 OR tpot_ms < 0 OR itl_mean_ms < 0 OR e2el_ms < 0",
    "non_finite_latency": "NOT isfinite(ttft_ms) OR NOT isfinite(tpot_ms) OR NOT isfinite(itl_mean_ms) "
    "OR NOT isfinite(e2el_ms)",
    "ttft_after_e2el": "ttft_ms > e2el_ms * (1 + 1e-9)",
    "latency_placeholder": "success AND e2el_ms = 0",
    "missing_latency": "success AND ttft_ms IS NULL AND e2el_ms IS NULL",
    "negative_tokens": "input_tokens < 0 OR output_tokens < 0",
    "missing_run_id": "run_id IS NULL",
}
