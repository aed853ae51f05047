-- Which source wins when several price the same model at the same provider on the same day.
-- Written precedence (docs/token_prices.md): 1 the provider's announcement (a cited primary page
-- dating the price: source_class primary, date_basis effective) > 2 the provider's own page (other
-- cited primary rows; OpenRouter's own API for provider openrouter) > 3 curated copies of provider
-- pages (cited copy/secondary rows, genai-prices) > 4 models.dev (dated when it recorded the price)
-- > 5 LiteLLM (the release snapshots and the live feed). Lower number wins; the losers stay stored.

CREATE VIEW token_price_ranked AS
SELECT p.*,
    CASE
        WHEN p.source_id IN ('litellm-releases', 'litellm-model-prices') THEN 5
        WHEN p.source_id = 'models-dev-cost-history' THEN 4
        WHEN p.source_id = 'genai-prices' THEN 3
        WHEN p.source_id = 'openrouter-models' THEN 2
        WHEN p.source_class = 'primary' AND p.date_basis = 'effective' THEN 1
        WHEN p.source_class = 'primary' THEN 2
        ELSE 3
    END AS precedence,
    CASE
        WHEN p.source_id IN ('litellm-releases', 'litellm-model-prices') THEN 'litellm'
        WHEN p.source_id = 'models-dev-cost-history' THEN 'models.dev'
        WHEN p.source_id = 'genai-prices' THEN 'curated copy'
        WHEN p.source_id = 'openrouter-models' THEN 'provider page'
        WHEN p.source_class = 'primary' AND p.date_basis = 'effective' THEN 'provider announcement'
        WHEN p.source_class = 'primary' THEN 'provider page'
        ELSE 'curated copy'
    END AS precedence_label
FROM token_price p;

-- A lower-precedence standard price overlapping a higher-precedence one for the same exact model
-- variant at the same provider, with a different price: the `winner` is what model_price_on uses.
CREATE VIEW price_precedence_conflict AS
WITH s AS (
    SELECT * FROM token_price_ranked
    WHERE is_standard AND effective_from IS NOT NULL AND model_variant IS NOT NULL
)
SELECT a.provider_id, a.model_key, a.model_variant,
       greatest(a.effective_from, b.effective_from) AS overlap_from,
       CASE WHEN a.effective_to IS NULL THEN b.effective_to
            WHEN b.effective_to IS NULL THEN a.effective_to
            ELSE least(a.effective_to, b.effective_to) END AS overlap_to,
       a.price_id AS winner_price_id, a.source_id AS winner_source_id, a.precedence_label AS winner_precedence,
       a.date_basis AS winner_date_basis, a.input_usd_per_mtok AS winner_input, a.output_usd_per_mtok AS winner_output,
       b.price_id AS other_price_id, b.source_id AS other_source_id, b.precedence_label AS other_precedence,
       b.date_basis AS other_date_basis, b.input_usd_per_mtok AS other_input, b.output_usd_per_mtok AS other_output,
       list_concat(a.figure_ids, b.figure_ids) AS figure_ids
FROM s a
JOIN s b
  ON a.provider_id = b.provider_id AND a.model_variant = b.model_variant AND a.precedence < b.precedence
 AND a.effective_from < coalesce(b.effective_to, DATE '9999-12-31')
 AND b.effective_from < coalesce(a.effective_to, DATE '9999-12-31')
WHERE a.input_usd_per_mtok IS DISTINCT FROM b.input_usd_per_mtok
   OR a.output_usd_per_mtok IS DISTINCT FROM b.output_usd_per_mtok;
