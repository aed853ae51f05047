-- Standard list prices of every model key and provider over time, for the capability-adjusted
-- trend. Only rows placed in time by a real date basis (effective, start_date, as_of, a LiteLLM
-- release listing, a models.dev commit); a feed's first_seen day and unknown starts are left
-- out. Rows are not resolved by source precedence here: the cheapest-provider reading takes
-- the lowest live price anyway, and the median takes each provider's lowest live price first.
WITH first_party AS (
    SELECT model_key, list(DISTINCT first_party_provider) AS providers
    FROM model_identity WHERE model_key IS NOT NULL AND first_party_provider IS NOT NULL
    GROUP BY model_key
)
SELECT p.model_key, p.provider_id, p.effective_from AS valid_from, p.effective_to AS valid_to,
       p.blended_usd_per_mtok, p.blended_figure_id,
       coalesce(list_contains(f.providers, p.provider_id), false) AS is_first_party,
       p.provider_id = 'openrouter' AS provider_is_reseller
FROM token_price p
LEFT JOIN first_party f USING (model_key)
WHERE p.is_standard AND p.model_key IS NOT NULL AND p.blended_usd_per_mtok > 0
  AND p.blended_figure_id IS NOT NULL AND p.effective_from IS NOT NULL
  AND p.date_basis NOT IN ('first_seen', 'unknown')
  AND (p.effective_to IS NULL OR p.effective_to > p.effective_from)
ORDER BY p.model_key, p.provider_id, p.effective_from, p.price_id
