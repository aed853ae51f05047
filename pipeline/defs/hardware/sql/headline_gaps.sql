-- Headline GPUs missing any of memory, bandwidth, BF16 dense FLOPS, TDP or release date.
WITH wanted(sku) AS (VALUES ('h100-sxm'), ('h200-sxm'), ('a100-sxm-80gb'), ('b200'), ('mi300x'))
SELECT w.sku,
       (v.memory_gb IS NULL) AS no_memory, (v.mem_bandwidth_tbps IS NULL) AS no_bandwidth,
       (v.bf16_dense_tflops IS NULL) AS no_bf16, (v.tdp_w IS NULL) AS no_tdp,
       (v.release_date IS NULL) AS no_release_date
FROM wanted w LEFT JOIN gpu_spec_wide v USING (sku)
WHERE v.sku IS NULL OR v.memory_gb IS NULL OR v.mem_bandwidth_tbps IS NULL OR v.bf16_dense_tflops IS NULL
   OR v.tdp_w IS NULL OR v.release_date IS NULL;
