-- Cost per million output tokens of each measured run (derived figures written by the
-- benchmarks family), with the run's model, GPU and load point.
SELECT f.figure_id, f.value, f.as_of, r.model, r.gpu_sku,
       trim(coalesce(r.load_mode, '') || ' ' || coalesce(CAST(r.target_rate_rps AS VARCHAR) || ' req/s', '')) AS load
FROM figure f
JOIN benchmark_run r ON r.run_id = f.entity
WHERE f.metric = 'usd_per_mtok_output' AND f.figure_id NOT LIKE '%-stated-price'   -- market price, not a sidecar price
ORDER BY f.as_of, f.figure_id
