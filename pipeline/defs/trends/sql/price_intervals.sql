-- Precedence-resolved standard prices of every model key and provider over time
-- (the token-price family's view; one row per stretch of constant price).
SELECT model_key, provider_id, valid_from, valid_to, blended_usd_per_mtok, blended_figure_id,
       is_first_party, provider_is_reseller
FROM model_price_interval
WHERE model_key IS NOT NULL AND blended_usd_per_mtok > 0
ORDER BY model_key, provider_id, valid_from
