-- Views and macros over token_price. Dates are half-open: a row holds on d when
-- effective_from <= d < effective_to (effective_to null = still current).

-- Every price row that held on date d, with the 1:1 blend beside the stored 3:1 one.
-- Rows with an unknown start (date_basis = 'unknown') cannot be placed and are left out.
CREATE MACRO price_on(d) AS TABLE
SELECT
    p.price_id, p.source_id, p.provider_id, p.provider, p.model_key, p.model, p.model_id, p.condition,
    p.is_standard, p.effective_from, p.effective_to, p.date_basis,
    p.input_usd_per_mtok, p.output_usd_per_mtok, p.cache_read_usd_per_mtok, p.cache_write_usd_per_mtok,
    p.blended_usd_per_mtok, p.blend_rule,
    (p.input_usd_per_mtok + p.output_usd_per_mtok) / 2 AS blended_1to1_usd_per_mtok,
    p.figure_ids, p.source_url, p.source_class
FROM token_price p
WHERE p.effective_from IS NOT NULL
  AND p.effective_from <= CAST(d AS DATE)
  AND (p.effective_to IS NULL OR CAST(d AS DATE) < p.effective_to);

-- The cheapest standard (list) price per provider on date d, by the 3:1 blend; ties by model.
CREATE MACRO cheapest_by_provider(d) AS TABLE
SELECT * FROM price_on(d)
WHERE is_standard AND blended_usd_per_mtok IS NOT NULL AND model_key IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY provider_id ORDER BY blended_usd_per_mtok, model_key, source_id) = 1;

-- Two sources pricing the same model variant at the same provider on overlapping dates,
-- with different standard prices. Relative difference = |a - b| / min(a, b).
CREATE VIEW price_conflict AS
WITH s AS (
    SELECT * FROM token_price
    WHERE is_standard AND effective_from IS NOT NULL AND model_variant IS NOT NULL
)
SELECT
    a.provider_id, a.model_key, a.model_variant,
    greatest(a.effective_from, b.effective_from) AS overlap_from,
    CASE WHEN a.effective_to IS NULL THEN b.effective_to
         WHEN b.effective_to IS NULL THEN a.effective_to
         ELSE least(a.effective_to, b.effective_to) END AS overlap_to,
    a.source_id AS source_a, b.source_id AS source_b,
    a.source_class AS class_a, b.source_class AS class_b,
    a.input_usd_per_mtok AS input_a, b.input_usd_per_mtok AS input_b,
    a.output_usd_per_mtok AS output_a, b.output_usd_per_mtok AS output_b,
    abs(a.input_usd_per_mtok - b.input_usd_per_mtok) / nullif(least(a.input_usd_per_mtok, b.input_usd_per_mtok), 0) AS input_rel_diff,
    abs(a.output_usd_per_mtok - b.output_usd_per_mtok) / nullif(least(a.output_usd_per_mtok, b.output_usd_per_mtok), 0) AS output_rel_diff,
    a.price_id AS price_id_a, b.price_id AS price_id_b,
    list_concat(a.figure_ids, b.figure_ids) AS figure_ids
FROM s a
JOIN s b
  ON a.provider_id = b.provider_id AND a.model_variant = b.model_variant AND a.source_id < b.source_id
 AND a.effective_from < coalesce(b.effective_to, DATE '9999-12-31')
 AND b.effective_from < coalesce(a.effective_to, DATE '9999-12-31')
WHERE a.input_usd_per_mtok IS DISTINCT FROM b.input_usd_per_mtok
   OR a.output_usd_per_mtok IS DISTINCT FROM b.output_usd_per_mtok;

-- Names no rule could map: listed for a person to add to models.EXPLICIT, never guessed.
CREATE VIEW model_alias_unmapped AS
SELECT * FROM model_alias WHERE model_key IS NULL ORDER BY source_id, provider_id, model;

-- A price row with its provenance in one line: what `audit` shows for a price.
CREATE VIEW token_price_provenance AS
SELECT p.price_id, p.provider_id, p.model, p.model_key, p.condition, p.effective_from, p.effective_to,
       p.date_basis, p.input_usd_per_mtok, p.output_usd_per_mtok, p.source_id, s.title AS source_title,
       s.publisher, coalesce(p.source_url, s.url) AS source_url, coalesce(p.source_class, s.source_class) AS source_class,
       p.quote, p.first_seen_sha256, sn.url AS snapshot_url, sn.retrieved_at AS snapshot_retrieved_at, p.figure_ids
FROM token_price p
LEFT JOIN source s USING (source_id)
LEFT JOIN snapshot sn ON sn.sha256 = p.first_seen_sha256;

-- Freshness per source: age of the last good snapshot.
CREATE VIEW token_price_freshness AS
SELECT source_id, last_success_at, last_attempt_at, last_status, last_message, rows_open,
       date_diff('hour', last_success_at, current_timestamp::TIMESTAMP) AS hours_since_success
FROM token_price_feed_state;
