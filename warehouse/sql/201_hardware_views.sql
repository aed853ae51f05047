-- Reconciliation of GPU specs across sources, by one written policy (docs/hardware.md):
--   1. tier: vendor_datasheet > curated_dataset > secondary > scraped
--   2. source class: primary > copy > secondary
--   3. a value the source states beats one derived (dense = half of sparse)
--   4. a finer date (day > month > year), then the figure id (deterministic)

CREATE VIEW gpu_spec_ranked AS
SELECT s.*,
       row_number() OVER (
           PARTITION BY s.sku, s.attribute
           ORDER BY CASE s.tier WHEN 'vendor_datasheet' THEN 1 WHEN 'curated_dataset' THEN 2
                                WHEN 'secondary' THEN 3 ELSE 4 END,
                    CASE s.source_class WHEN 'primary' THEN 1 WHEN 'copy' THEN 2 ELSE 3 END,
                    s.derived_from_sparse,
                    CASE s.date_precision WHEN 'day' THEN 1 WHEN 'month' THEN 2 WHEN 'year' THEN 3 ELSE 0 END,
                    s.figure_id) AS policy_rank,
       count(*) OVER (PARTITION BY s.sku, s.attribute) AS n_figures
FROM gpu_spec s
WHERE s.sku IS NOT NULL;

-- One preferred figure per (sku, attribute), long form, with its source.
CREATE VIEW gpu_spec_preferred AS
SELECT r.sku, r.attribute, r.value, r.unit, r.value_date, r.date_precision, r.precision,
       r.sparsity, r.compute_unit, r.derived_from_sparse, r.tier, r.source_class,
       r.source_id, r.figure_id, r.locator, r.n_figures
FROM gpu_spec_ranked r
WHERE r.policy_rank = 1;

-- One row per sku: the preferred value of each headline attribute and where it comes from.
CREATE VIEW gpu_spec_wide AS
SELECT k.sku, k.vendor, k.label,
       max(CASE WHEN p.attribute = 'memory_gb' THEN p.value END)                 AS memory_gb,
       max(CASE WHEN p.attribute = 'memory_gb' THEN p.source_id END)             AS memory_gb_source,
       max(CASE WHEN p.attribute = 'mem_bandwidth_tbps' THEN p.value END)        AS mem_bandwidth_tbps,
       max(CASE WHEN p.attribute = 'mem_bandwidth_tbps' THEN p.source_id END)    AS mem_bandwidth_tbps_source,
       max(CASE WHEN p.attribute = 'bf16_dense_tflops' THEN p.value END)         AS bf16_dense_tflops,
       max(CASE WHEN p.attribute = 'bf16_dense_tflops' THEN p.source_id END)     AS bf16_dense_tflops_source,
       bool_or(CASE WHEN p.attribute = 'bf16_dense_tflops' THEN p.derived_from_sparse END) AS bf16_dense_derived_from_sparse,
       max(CASE WHEN p.attribute = 'fp8_dense_tflops' THEN p.value END)          AS fp8_dense_tflops,
       max(CASE WHEN p.attribute = 'fp8_dense_tflops' THEN p.source_id END)      AS fp8_dense_tflops_source,
       max(CASE WHEN p.attribute = 'tdp_w' THEN p.value END)                     AS tdp_w,
       max(CASE WHEN p.attribute = 'tdp_w' THEN p.source_id END)                 AS tdp_w_source,
       max(CASE WHEN p.attribute = 'release_date' THEN p.value_date END)         AS release_date,
       max(CASE WHEN p.attribute = 'release_date' THEN p.date_precision END)     AS release_date_precision,
       max(CASE WHEN p.attribute = 'release_date' THEN p.source_id END)          AS release_date_source,
       max(CASE WHEN p.attribute = 'release_price_usd' THEN p.value END)         AS release_price_usd,
       max(CASE WHEN p.attribute = 'release_price_usd' THEN p.source_id END)     AS release_price_usd_source
FROM gpu_sku k
JOIN gpu_spec_preferred p ON p.sku = k.sku
GROUP BY k.sku, k.vendor, k.label;

-- Every figure that disagrees with the policy's choice for its (sku, attribute) by more
-- than the tolerance: numbers by relative difference |a-b|/max(|a|,|b|) > 1%, release
-- dates by more than 31 days between the periods they can mean ("2022" covers all 2022).
CREATE VIEW spec_conflict AS
SELECT o.sku, o.attribute, o.unit,
       c.figure_id AS chosen_figure_id, c.source_id AS chosen_source_id, c.tier AS chosen_tier,
       c.value AS chosen_value, c.value_date AS chosen_date,
       o.figure_id AS other_figure_id, o.source_id AS other_source_id, o.tier AS other_tier,
       o.value AS other_value, o.value_date AS other_date,
       CASE WHEN o.attribute <> 'release_date'
            THEN abs(c.value - o.value) / greatest(abs(c.value), abs(o.value)) END AS rel_diff,
       CASE WHEN o.attribute = 'release_date'
            THEN greatest(date_diff('day', c.end_date, o.value_date), date_diff('day', o.end_date, c.value_date), 0) END AS gap_days,
       'policy chose ' || c.source_id || ' (' || c.tier || ')' AS resolution
FROM (SELECT *, CASE date_precision WHEN 'year' THEN make_date(year(value_date), 12, 31)
                                    WHEN 'month' THEN last_day(value_date) ELSE value_date END AS end_date
      FROM gpu_spec_ranked) o
JOIN (SELECT *, CASE date_precision WHEN 'year' THEN make_date(year(value_date), 12, 31)
                                    WHEN 'month' THEN last_day(value_date) ELSE value_date END AS end_date
      FROM gpu_spec_ranked WHERE policy_rank = 1) c
  ON c.sku = o.sku AND c.attribute = o.attribute AND o.policy_rank > 1
WHERE (o.attribute <> 'release_date'
       AND abs(c.value - o.value) / greatest(abs(c.value), abs(o.value)) > 0.01)
   OR (o.attribute = 'release_date'
       AND greatest(date_diff('day', c.end_date, o.value_date), date_diff('day', o.end_date, c.value_date), 0) > 31);

-- Names no sku rule maps, per source and table: listed, never guessed.
CREATE VIEW gpu_sku_unmapped AS
SELECT 'gpu_spec' AS in_table, source_id, hardware_name, count(*) AS rows
FROM gpu_spec WHERE sku IS NULL GROUP BY ALL
UNION ALL
SELECT 'gpu_rental_price', source_id, hardware_name, count(*)
FROM gpu_rental_price WHERE sku IS NULL GROUP BY ALL
UNION ALL
SELECT 'gpu_purchase_price', source_id, hardware_name, count(*)
FROM gpu_purchase_price WHERE sku IS NULL GROUP BY ALL;
