-- For each headline GPU: its latest on-demand rental price (the lower median of that date)
-- and its preferred memory bandwidth, as figure ids, for the reference decode floor.
WITH wanted(sku) AS (VALUES ('h100-sxm'), ('h200-sxm'), ('a100-sxm-80gb'), ('b200'), ('mi300x'))
SELECT w.sku,
       (SELECT figure_id FROM gpu_rental_price_asof(w.sku, current_date, 'on_demand', NULL) WHERE chosen) AS price_figure_id,
       (SELECT figure_id FROM gpu_spec_preferred p WHERE p.sku = w.sku AND p.attribute = 'mem_bandwidth_tbps') AS bandwidth_figure_id
FROM wanted w
ORDER BY w.sku;
