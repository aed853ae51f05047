-- The `benchmark_request` view when no part is registered (as migration 301 creates it):
-- restored when the only part is withdrawn after a failed import.
CREATE OR REPLACE VIEW benchmark_request AS
SELECT NULL::VARCHAR AS run_id, NULL::BIGINT AS request_index, NULL::BOOLEAN AS success,
       NULL::VARCHAR AS error, NULL::BIGINT AS input_tokens, NULL::BIGINT AS output_tokens,
       NULL::DOUBLE AS ttft_ms, NULL::DOUBLE AS tpot_ms, NULL::DOUBLE AS itl_mean_ms,
       NULL::DOUBLE AS e2el_ms
WHERE false
