-- The token_price rows the fixed-model and MMLU-tier price series can use, and only the
-- columns they read: standard prices placed in time by a real date basis (parameter 1:
-- analysis.trends.market_series.DATED), starting on or before the fitting day (parameter 2),
-- with a positive 3:1 blend. market_series applies the same rule again (_dated_standard);
-- reading it here keeps the step from loading the whole price history (a feed's daily
-- first_seen rows are most of it, and none of them is ever fitted).
SELECT price_id, source_id, provider_id, model_key, is_standard, date_basis,
       effective_from, effective_to, blended_usd_per_mtok, blended_figure_id
FROM token_price
WHERE is_standard
  AND effective_from IS NOT NULL
  AND list_contains(?, date_basis)
  AND effective_from <= ?
  AND blended_usd_per_mtok > 0
