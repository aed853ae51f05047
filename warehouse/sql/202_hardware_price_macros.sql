-- The rental price a cost scenario uses, chosen in SQL so every caller chooses alike:
-- prices for the sku and pricing kind dated on or before p_until (optionally one provider,
-- ILIKE pattern), keep the latest date, and mark the lower median of that date's prices
-- (chosen = true). A month- or year-precision price counts from its first day.
CREATE MACRO gpu_rental_price_asof(p_sku, p_until, p_kind, p_provider) AS TABLE
WITH c AS (
    SELECT p.* FROM gpu_rental_price p
    WHERE p.sku = p_sku AND p.pricing_kind = p_kind AND p.date <= p_until
      AND (p_provider IS NULL OR p.provider ILIKE p_provider)
), latest AS (
    SELECT * FROM c WHERE date = (SELECT max(date) FROM c)
)
SELECT l.*,
       row_number() OVER (ORDER BY l.usd_per_gpu_hour, l.figure_id) AS price_rank,
       count(*) OVER () AS candidates,
       row_number() OVER (ORDER BY l.usd_per_gpu_hour, l.figure_id) = (count(*) OVER () + 1) // 2 AS chosen
FROM latest l;
