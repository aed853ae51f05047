-- Mean and P50/P90/P95/P99 per run from the per-request rows of one part (`relation`:
-- successful, validated rows only), one pass, one list of quantiles per metric.
-- quantile_cont interpolates linearly, as numpy.percentile does by default.
SELECT run_id, count(*) AS n_rows,
       count(ttft_ms) AS ttft_n, avg(ttft_ms) AS ttft_mean, quantile_cont(ttft_ms, [0.5, 0.9, 0.95, 0.99]) AS ttft_q,
       count(tpot_ms) AS tpot_n, avg(tpot_ms) AS tpot_mean, quantile_cont(tpot_ms, [0.5, 0.9, 0.95, 0.99]) AS tpot_q,
       count(itl_mean_ms) AS itl_n, avg(itl_mean_ms) AS itl_mean, quantile_cont(itl_mean_ms, [0.5, 0.9, 0.95, 0.99]) AS itl_q,
       count(e2el_ms) AS e2el_n, avg(e2el_ms) AS e2el_mean, quantile_cont(e2el_ms, [0.5, 0.9, 0.95, 0.99]) AS e2el_q
FROM {relation}
WHERE _rule IS NULL AND success
GROUP BY run_id
ORDER BY run_id;
