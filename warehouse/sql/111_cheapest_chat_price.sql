-- cheapest_by_provider(d), redefined now that the LiteLLM release history and models.dev add
-- thousands of rows. Per provider, the cheapest text-generation list price on d, where:
-- - curated prices answer where they exist: if a provider has any row on d from the provider's
--   announcements or pages or a curated copy (precedence 1-3 of token_price_ranked, migration 110),
--   only those compete; the snapshot sources (models.dev, LiteLLM: precedence 4-5) answer for
--   providers nobody curated. (LiteLLM keeps stale entries of retired models, some mispriced.)
-- - a model priced by several of the competing sources takes its best-precedence price;
-- - LiteLLM rows of other modes (embedding, moderation, rerank, audio, image: qualifier `mode=...`)
--   and zero prices (free tiers, subscription plans) never count. Ties by model.
CREATE OR REPLACE MACRO cheapest_by_provider(d) AS TABLE
WITH candidates AS (
    SELECT p.*, r.precedence AS _precedence, CASE WHEN r.precedence <= 3 THEN 0 ELSE 1 END AS _snapshot
    FROM price_on(d) p
    JOIN token_price_ranked r USING (price_id)
    WHERE p.is_standard AND p.blended_usd_per_mtok > 0 AND p.model_key IS NOT NULL
      AND (r.qualifier IS NULL OR r.qualifier NOT LIKE 'mode=%' OR r.qualifier IN ('mode=chat', 'mode=completion', 'mode=responses'))
), tier AS (
    SELECT * FROM candidates QUALIFY _snapshot = min(_snapshot) OVER (PARTITION BY provider_id)
), best AS (
    SELECT * FROM tier QUALIFY _precedence = min(_precedence) OVER (PARTITION BY provider_id, model_key)
)
SELECT * EXCLUDE (_precedence, _snapshot) FROM best
QUALIFY row_number() OVER (PARTITION BY provider_id ORDER BY blended_usd_per_mtok, model_key, source_id) = 1;
