-- Standard list prices of every mapped model key and provider over time, for the
-- capability-adjusted trend: the data half's view `model_price_interval` (token_price ranked
-- by source precedence, first-party flag from model_identity), with each row's blended-price
-- figure from token_price. Only rows placed in time by a real date basis (effective,
-- start_date, as_of, a LiteLLM release listing, a models.dev commit); a feed's first_seen day
-- and unknown starts are left out. The view lists overlapping rows of one provider from
-- several sources; analysis.capability_price.price_steps keeps, per provider and day, only
-- the highest-precedence rows live then.
SELECT v.model_key, v.provider_id, v.effective_from AS valid_from, v.effective_to AS valid_to,
       v.blended_usd_per_mtok, p.blended_figure_id, v.is_first_party, v.provider_is_reseller,
       v.precedence, v.source_id, v.date_basis
FROM model_price_interval v
JOIN token_price p USING (price_id)
WHERE v.blended_usd_per_mtok > 0 AND p.blended_figure_id IS NOT NULL
  AND v.date_basis NOT IN ('first_seen', 'unknown')
  AND (v.effective_to IS NULL OR v.effective_to > v.effective_from)
ORDER BY v.model_key, v.provider_id, v.effective_from, v.price_id
