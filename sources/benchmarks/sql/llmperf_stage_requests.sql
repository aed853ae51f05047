-- llmperf `*_individual_responses.json` (a JSON array of per-request objects) -> canonical
-- request columns, one row per response, in file order, read by DuckDB element by element.
-- The expressions are those of sources.benchmarks.llmperf._individual: success = no
-- numeric error code and an empty message; seconds -> ms; tpot = (e2el - ttft) / (tokens - 1).
-- `rejected` marks HTTP 429/503 (the server refused the request).
-- Each value is read as JSON and checked before it is cast, so the file is refused where
-- the in-memory reader refuses it: `wrong_<key>` marks a value whose own JSON type is not
-- what llmperf writes there (llmperf.RESPONSE_ENTRIES). A key a response lacks reads as
-- NULL, as JSON null does: `no_ttft` lets the caller tell a response without `ttft_s`
-- (refused, as in memory) from one whose `ttft_s` is null (a row without a value).
CREATE OR REPLACE TABLE {table} AS
WITH raw AS (
    SELECT *, {wrong} FROM read_json({path}, format = 'array', maximum_object_size = {max_object}, columns = {{
        error_code: 'JSON', error_msg: 'JSON', ttft_s: 'JSON', end_to_end_latency_s: 'JSON',
        inter_token_latency_s: 'JSON', number_input_tokens: 'JSON', number_output_tokens: 'JSON'}})
), typed AS (
    SELECT TRY_CAST(error_code AS DOUBLE) AS code, error_code::VARCHAR AS error_code, error_msg ->> '$' AS error_msg,
           ttft_s IS NULL AS no_ttft, TRY_CAST(ttft_s AS DOUBLE) AS ttft_s,
           TRY_CAST(end_to_end_latency_s AS DOUBLE) AS end_to_end_latency_s,
           TRY_CAST(inter_token_latency_s AS DOUBLE) AS inter_token_latency_s,
           TRY_CAST(number_input_tokens AS BIGINT) AS in_tokens, TRY_CAST(number_output_tokens AS BIGINT) AS out_tokens,
           {wrong_columns}
    FROM raw
), judged AS (
    SELECT *, code IS NULL AND coalesce(error_msg, '') = '' AS ok FROM typed
)
SELECT ok AS success,
       CASE WHEN NOT ok THEN error_code || ': ' || error_msg END AS error,
       in_tokens AS input_tokens,
       out_tokens AS output_tokens,
       CASE WHEN ok THEN ttft_s * 1000 END AS ttft_ms,
       CASE WHEN ok AND out_tokens > 1
            THEN (end_to_end_latency_s * 1000 - ttft_s * 1000) / (out_tokens - 1) END AS tpot_ms,
       CASE WHEN ok THEN inter_token_latency_s * 1000 END AS itl_mean_ms,
       CASE WHEN ok THEN end_to_end_latency_s * 1000 END AS e2el_ms,
       coalesce(code IN ({reject_codes}), false) AS rejected,
       no_ttft, {wrong_columns}
FROM judged;
