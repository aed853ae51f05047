-- Runs a cost per million output tokens can be computed for: valid, counted once, with a
-- GPU sku, a GPU count, a date and a stated output throughput (its figure is an input).
SELECT r.run_id, r.source_id, r.locator, r.file_sha256, r.run_date, r.gpu_sku,
       r.gpus_per_node * coalesce(r.nodes, 1) AS gpus, r.gpus_per_node, r.nodes, r.context_sources,
       r.price_usd_per_gpu_hour,
       s.figure_id AS throughput_figure_id, s.value AS output_tok_s
FROM benchmark_run_unique r
JOIN benchmark_run_stat s ON s.run_id = r.run_id AND s.metric = 'output_throughput' AND s.stat = 'value'
WHERE (r.run_date IS NOT NULL AND r.gpu_sku IS NOT NULL OR r.price_usd_per_gpu_hour IS NOT NULL)
  AND r.gpus_per_node IS NOT NULL
  AND s.value > 0 AND s.figure_id IS NOT NULL
ORDER BY r.run_id;
