-- llmperf `*_individual_responses.json` (a JSON array of per-request objects) -> canonical
-- request columns, one row per response, in file order, read by DuckDB element by element.
-- The expressions are those of sources.benchmarks.llmperf._individual: success = no
-- numeric error code and an empty message; seconds -> ms; tpot = (e2el - ttft) / (tokens - 1).
-- `rejected` marks HTTP 429/503 (the server refused the request).
CREATE OR REPLACE TABLE {table} AS
WITH raw AS (
    SELECT * FROM read_json({path}, format = 'array', maximum_object_size = {max_object}, columns = {{
        error_code: 'VARCHAR', error_msg: 'VARCHAR', ttft_s: 'DOUBLE', end_to_end_latency_s: 'DOUBLE',
        inter_token_latency_s: 'DOUBLE', number_input_tokens: 'DOUBLE', number_output_tokens: 'DOUBLE'}})
), judged AS (
    SELECT *, TRY_CAST(error_code AS DOUBLE) AS code,
           TRY_CAST(error_code AS DOUBLE) IS NULL AND coalesce(error_msg, '') = '' AS ok,
           TRY_CAST(trunc(number_output_tokens) AS BIGINT) AS out_tokens
    FROM raw
)
SELECT ok AS success,
       CASE WHEN NOT ok THEN error_code || ': ' || error_msg END AS error,
       TRY_CAST(trunc(number_input_tokens) AS BIGINT) AS input_tokens,
       out_tokens AS output_tokens,
       CASE WHEN ok THEN ttft_s * 1000 END AS ttft_ms,
       CASE WHEN ok AND out_tokens > 1
            THEN (end_to_end_latency_s * 1000 - ttft_s * 1000) / (out_tokens - 1) END AS tpot_ms,
       CASE WHEN ok THEN inter_token_latency_s * 1000 END AS itl_mean_ms,
       CASE WHEN ok THEN end_to_end_latency_s * 1000 END AS e2el_ms,
       coalesce(code IN ({reject_codes}), false) AS rejected
FROM judged;
