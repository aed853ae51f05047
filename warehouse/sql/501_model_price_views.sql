-- Price of a benchmark model on a date: token_price rows (precedence-ranked) joined to the
-- committed model mapping. Standard (plain list) prices only; a zero price (a free tier or a
-- subscription plan's token price) is kept but never counts as the cheapest or in the median.

-- Every standard, priced row of a mapped model with its precedence and whether the provider is
-- the model's own developer: join on `effective_from <= d AND (effective_to IS NULL OR d < effective_to)`.
CREATE VIEW model_price_interval AS
SELECT r.model_key, r.provider_id, r.price_id, r.source_id, r.precedence, r.precedence_label, r.date_basis,
       r.effective_from, r.effective_to, r.model_id, r.model_variant,
       r.input_usd_per_mtok, r.output_usd_per_mtok, r.blended_usd_per_mtok, r.figure_ids,
       coalesce(r.provider_id = i.first_party_provider, false) AS is_first_party,
       r.provider_id = 'openrouter' AS provider_is_reseller
FROM token_price_ranked r
LEFT JOIN (SELECT model_key, any_value(first_party_provider) AS first_party_provider
           FROM model_identity WHERE model_key IS NOT NULL GROUP BY model_key) i USING (model_key)
WHERE r.is_standard AND r.model_key IS NOT NULL AND r.effective_from IS NOT NULL
  AND (r.input_usd_per_mtok IS NOT NULL OR r.output_usd_per_mtok IS NOT NULL);

-- One row per (model_key, provider_id) on date d: the highest-precedence row holding that day;
-- within one source, the cheapest listed variant (gpt-4o-2024-08-06 beside gpt-4o-2024-05-13).
CREATE MACRO model_price_on(d) AS TABLE
SELECT * FROM model_price_interval
WHERE effective_from <= CAST(d AS DATE) AND (effective_to IS NULL OR CAST(d AS DATE) < effective_to)
QUALIFY row_number() OVER (PARTITION BY model_key, provider_id
                           ORDER BY precedence, blended_usd_per_mtok NULLS LAST, price_id) = 1;

-- One row per model_key on date d: cheapest provider, first-party price, median across providers.
CREATE MACRO model_price_summary_on(d) AS TABLE
SELECT model_key,
       min(blended_usd_per_mtok) FILTER (WHERE blended_usd_per_mtok > 0) AS cheapest_blended_usd_per_mtok,
       arg_min(provider_id, blended_usd_per_mtok) FILTER (WHERE blended_usd_per_mtok > 0) AS cheapest_provider_id,
       arg_min(price_id, blended_usd_per_mtok) FILTER (WHERE blended_usd_per_mtok > 0) AS cheapest_price_id,
       min(blended_usd_per_mtok) FILTER (WHERE is_first_party) AS first_party_blended_usd_per_mtok,
       arg_min(price_id, blended_usd_per_mtok) FILTER (WHERE is_first_party) AS first_party_price_id,
       median(blended_usd_per_mtok) FILTER (WHERE blended_usd_per_mtok > 0 AND NOT provider_is_reseller) AS median_blended_usd_per_mtok,
       count(*) AS n_providers
FROM model_price_on(d)
GROUP BY model_key;
