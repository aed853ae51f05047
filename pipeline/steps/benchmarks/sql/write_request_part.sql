-- Write one content-addressed Parquet part of per-request rows, with the bulk validation
-- verdict of each row in _rule (NULL = good). One pass over the input; no Python per row.
-- Placeholders: source (a relation with the canonical request columns), rule_case, target.
COPY (
    SELECT run_id::VARCHAR AS run_id, request_index::BIGINT AS request_index, success::BOOLEAN AS success,
           error::VARCHAR AS error, input_tokens::BIGINT AS input_tokens, output_tokens::BIGINT AS output_tokens,
           ttft_ms::DOUBLE AS ttft_ms, tpot_ms::DOUBLE AS tpot_ms, itl_mean_ms::DOUBLE AS itl_mean_ms,
           e2el_ms::DOUBLE AS e2el_ms,
           {rule_case} AS _rule
    FROM {source}
) TO '{target}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000);
