(
    -- llmperf per-request columns (seconds) -> canonical request columns (ms).
    SELECT '{run_id}' AS run_id, file_row_number AS request_index,
           error_code IS NULL AND coalesce(error_msg, '') = '' AS success,
           CASE WHEN error_code IS NOT NULL THEN error_code::VARCHAR || ': ' || coalesce(error_msg, '') END AS error,
           number_input_tokens::BIGINT AS input_tokens, number_output_tokens::BIGINT AS output_tokens,
           CASE WHEN error_code IS NULL THEN ttft_s * 1000 END AS ttft_ms,
           CASE WHEN error_code IS NULL AND number_output_tokens > 1
                THEN (end_to_end_latency_s - ttft_s) * 1000 / (number_output_tokens - 1) END AS tpot_ms,
           CASE WHEN error_code IS NULL THEN inter_token_latency_s * 1000 END AS itl_mean_ms,
           CASE WHEN error_code IS NULL THEN end_to_end_latency_s * 1000 END AS e2el_ms
    FROM read_parquet({path}, file_row_number = true)
)
