-- Views over benchmark runs: de-duplicated valid runs, outcome rates, SLO ceilings.

-- Valid runs, each reported once (MLPerf -99.9 copies of -99 rows drop out).
CREATE VIEW benchmark_run_unique AS
SELECT * FROM benchmark_run WHERE valid AND duplicate_of IS NULL;

-- Outcome rates: rejection (429/503 and the like), error, success; cache hit rate.
CREATE VIEW benchmark_run_outcome AS
SELECT run_id, source_id, format, engine, model, gpu_sku, load_mode, target_rate_rps, max_concurrency,
       requests_sent, completed, failed, rejected,
       rejected::DOUBLE / nullif(requests_sent, 0) AS rejection_rate,
       coalesce(error_rate, failed::DOUBLE / nullif(requests_sent, 0)) AS error_rate,
       completed::DOUBLE / nullif(requests_sent, 0) AS success_rate,
       prefix_cache_hit_rate AS cache_hit_rate,
       goodput_rps, goodput_slo, valid
FROM benchmark_run;

-- The load axis of a run, for ordering load points of one sweep.
CREATE VIEW benchmark_load_point AS
SELECT *,
       coalesce(max_concurrency::DOUBLE, target_rate_rps, mean_inflight,
                CASE WHEN load_mode = 'burst' THEN 'inf'::DOUBLE END) AS load_level,
       concat_ws(' | ', source_id, coalesce(engine, '?'), coalesce(model, '?'), coalesce(gpu_sku, '?'),
                 coalesce(dataset, '?'), coalesce(input_len::VARCHAR, '?'), coalesce(output_len::VARCHAR, '?'),
                 CASE WHEN max_concurrency IS NOT NULL THEN 'concurrency' ELSE 'rate' END) AS sweep
FROM benchmark_run_unique;

-- Concurrency ceiling: per sweep, the highest load point whose p99 TTFT and p99 TPOT
-- (NULL limits are ignored) meet the SLO. Usage: SELECT * FROM benchmark_ceiling(500, 50).
CREATE MACRO benchmark_ceiling(ttft_p99_limit_ms, tpot_p99_limit_ms) AS TABLE
WITH points AS (
    SELECT sweep, run_id, load_mode, load_level, output_tok_s, ttft_p99_ms, tpot_p99_ms,
           (ttft_p99_limit_ms IS NULL OR ttft_p99_ms <= ttft_p99_limit_ms)
           AND (tpot_p99_limit_ms IS NULL OR tpot_p99_ms <= tpot_p99_limit_ms) AS meets
    FROM benchmark_load_point
    WHERE load_level IS NOT NULL
      AND (ttft_p99_limit_ms IS NULL OR ttft_p99_ms IS NOT NULL)
      AND (tpot_p99_limit_ms IS NULL OR tpot_p99_ms IS NOT NULL)
)
SELECT sweep,
       count(*) AS load_points,
       max(load_level) FILTER (WHERE meets) AS ceiling_load_level,
       arg_max(run_id, load_level) FILTER (WHERE meets) AS ceiling_run_id,
       arg_max(output_tok_s, load_level) FILTER (WHERE meets) AS ceiling_output_tok_s,
       min(load_level) FILTER (WHERE NOT meets) AS first_failing_load_level
FROM points
GROUP BY sweep;
