-- P50/P90/P95/P99 and mean per run from the per-request rows of one part (successful,
-- validated rows only). quantile_cont interpolates linearly, as numpy.percentile does.
WITH ok AS (
    SELECT * FROM read_parquet('{part}') WHERE _rule IS NULL AND success
), long AS (
    SELECT run_id, 'ttft' AS metric, ttft_ms AS v FROM ok
    UNION ALL SELECT run_id, 'tpot', tpot_ms FROM ok
    UNION ALL SELECT run_id, 'itl', itl_mean_ms FROM ok
    UNION ALL SELECT run_id, 'e2el', e2el_ms FROM ok
)
SELECT run_id, metric, count(v) AS n, avg(v) AS mean,
       quantile_cont(v, 0.5) AS p50, quantile_cont(v, 0.9) AS p90,
       quantile_cont(v, 0.95) AS p95, quantile_cont(v, 0.99) AS p99
FROM long WHERE v IS NOT NULL
GROUP BY run_id, metric
ORDER BY run_id, metric;
