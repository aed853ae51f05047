-- Synthetic weeks of LiteLLM live-feed price history (benchmarks/grow_warehouse.py).
-- Template: the stored `litellm-releases` price rows. Week k of the batch becomes, for every
-- template row, one closed price row of source `litellm-model-prices` (the daily feed),
-- effective for 7 days from {first_day} + 7k, its input and output figures and its 3:1
-- blended figure with lineage: the rows a year of feed snapshots adds, in the shapes the
-- feed's own code writes. Every row says it is synthetic (quote, notes, locator).
CREATE OR REPLACE TEMP TABLE _grow AS
SELECT
    t.*,
    w.k,
    CAST(DATE '{first_day}' + INTERVAL (7 * w.k) DAY AS DATE) AS d_from,
    CAST(DATE '{first_day}' + INTERVAL (7 * w.k + 7) DAY AS DATE) AS d_to,
    1 + ((w.k * 7 + hash(t.price_id)) % 23) / 100.0 AS factor,
    'litellm-model-prices/' || substr(t.price_id, length('litellm-releases/') + 1)
        || '@' || strftime(CAST(DATE '{first_day}' + INTERVAL (7 * w.k) DAY AS DATE), '%Y-%m-%d') AS new_id
FROM token_price t, range({week_start}, {week_stop}) w(k)
WHERE t.source_id = 'litellm-releases';

INSERT INTO figure BY NAME
SELECT new_id || '/input' AS figure_id, 'litellm-model-prices' AS source_id,
       first_seen_sha256 AS snapshot_sha256, 'token_price_input' AS metric, 'model_price' AS entity_kind,
       provider_id || '/' || model_id AS entity, round(input_usd_per_mtok * factor, 6) AS value,
       'USD per 1M tokens' AS unit, '=' AS bound, d_from AS as_of,
       'synthetic week ' || k || ' of ' || price_id || ' .input_cost_per_token' AS locator,
       qualifier, 'observed' AS kind, 'unverified' AS verification,
       'synthetic growth row (benchmarks/grow_warehouse.py), not a real price; row ' || new_id AS notes,
       '{run_id}' AS ingest_run_id
FROM _grow WHERE input_usd_per_mtok IS NOT NULL
UNION ALL
SELECT new_id || '/output', 'litellm-model-prices', first_seen_sha256, 'token_price_output', 'model_price',
       provider_id || '/' || model_id, round(output_usd_per_mtok * factor, 6), 'USD per 1M tokens', '=', d_from,
       'synthetic week ' || k || ' of ' || price_id || ' .output_cost_per_token', qualifier, 'observed',
       'unverified', 'synthetic growth row (benchmarks/grow_warehouse.py), not a real price; row ' || new_id,
       '{run_id}'
FROM _grow WHERE output_usd_per_mtok IS NOT NULL;

INSERT INTO figure BY NAME
SELECT 'infernomics-derived/token_price/' || new_id || '/blended-3to1' AS figure_id,
       'infernomics-derived' AS source_id, 'token_price_blended_3to1' AS metric, 'model_price' AS entity_kind,
       provider_id || '/' || model_id AS entity,
       (3 * round(input_usd_per_mtok * factor, 6) + round(output_usd_per_mtok * factor, 6)) / 4 AS value,
       'USD per 1M tokens' AS unit, '=' AS bound, d_from AS as_of, d_from AS period_start, d_to AS period_end,
       new_id AS locator, qualifier, 'derived' AS kind, 'unverified' AS verification,
       'token_price_blend_3to1@1' AS formula,
       '3:1 input:output blend of synthetic price row ' || new_id AS notes, '{run_id}' AS ingest_run_id
FROM _grow WHERE input_usd_per_mtok IS NOT NULL AND output_usd_per_mtok IS NOT NULL;

INSERT INTO figure_input BY NAME
SELECT 'infernomics-derived/token_price/' || new_id || '/blended-3to1' AS figure_id,
       new_id || '/' || role AS input_figure_id, role
FROM _grow, (VALUES ('input'), ('output')) r(role)
WHERE input_usd_per_mtok IS NOT NULL AND output_usd_per_mtok IS NOT NULL;

INSERT INTO token_price BY NAME
SELECT * EXCLUDE (k, d_from, d_to, factor, new_id) REPLACE (
        new_id AS price_id,
        'litellm-model-prices' AS source_id,
        d_from AS effective_from,
        d_to AS effective_to,
        'first_seen' AS date_basis,
        'changed' AS end_basis,
        round(input_usd_per_mtok * factor, 6) AS input_usd_per_mtok,
        round(output_usd_per_mtok * factor, 6) AS output_usd_per_mtok,
        round(cache_read_usd_per_mtok * factor, 6) AS cache_read_usd_per_mtok,
        round(cache_write_usd_per_mtok * factor, 6) AS cache_write_usd_per_mtok,
        CASE WHEN input_usd_per_mtok IS NOT NULL AND output_usd_per_mtok IS NOT NULL
             THEN (3 * round(input_usd_per_mtok * factor, 6) + round(output_usd_per_mtok * factor, 6)) / 4
        END AS blended_usd_per_mtok,
        CASE WHEN input_usd_per_mtok IS NOT NULL THEN new_id || '/input' END AS input_figure_id,
        CASE WHEN output_usd_per_mtok IS NOT NULL THEN new_id || '/output' END AS output_figure_id,
        NULL::VARCHAR AS cache_read_figure_id,
        NULL::VARCHAR AS cache_write_figure_id,
        CASE WHEN input_usd_per_mtok IS NOT NULL AND output_usd_per_mtok IS NOT NULL
             THEN 'infernomics-derived/token_price/' || new_id || '/blended-3to1' END AS blended_figure_id,
        list_filter([
            CASE WHEN input_usd_per_mtok IS NOT NULL THEN new_id || '/input' END,
            CASE WHEN output_usd_per_mtok IS NOT NULL THEN new_id || '/output' END,
            CASE WHEN input_usd_per_mtok IS NOT NULL AND output_usd_per_mtok IS NOT NULL
                 THEN 'infernomics-derived/token_price/' || new_id || '/blended-3to1' END
        ], lambda x: x IS NOT NULL) AS figure_ids,
        'synthetic growth row (benchmarks/grow_warehouse.py) from ' || price_id || ', not a real price' AS quote,
        CAST(d_from AS TIMESTAMP) AS first_seen_at,
        CAST(d_to AS TIMESTAMP) AS last_seen_at,
        '{run_id}' AS ingest_run_id
    )
FROM _grow;
