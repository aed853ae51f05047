-- vLLM `--save-detailed` per-request arrays -> canonical request columns, one row per
-- request, in file order. Each relation below is one top-level array of the document read
-- element by element (read_json format 'array' over a byte-range copy of that array), or
-- an empty relation when the document lacks it; POSITIONAL JOIN lines them up by position
-- (and pads a shorter array with NULLs: `present_*` tells the padding apart).
-- Each array is read as JSON and cast here: `wrong_*` marks an entry whose own JSON type
-- is not what the array holds (sources.benchmarks.common.REQUEST_ARRAY_ENTRIES), so the
-- file is refused as the in-memory reader refuses it, never cast into shape.
-- The expressions are those of sources.benchmarks.common.bench_serving_requests:
-- e2el = ttft + sum(itls), tpot = sum(itls) / (output_len - 1), seconds -> ms, and a failed
-- request (non-empty error) keeps null latencies.
CREATE OR REPLACE TABLE {table} AS
WITH joined AS (
    SELECT t.json AS ttft_s, t.present AS present_ttfts, t.wrong AS wrong_ttfts,
           i.json AS input_tokens, i.present AS present_input_lens, i.wrong AS wrong_input_lens,
           o.json AS output_tokens, o.present AS present_output_lens, o.wrong AS wrong_output_lens,
           l.json AS itls, l.present AS present_itls, l.wrong AS wrong_itls,
           e.json AS raw_error, e.present AS present_errors, e.wrong AS wrong_errors
    FROM {ttfts} AS t
    POSITIONAL JOIN {input_lens} AS i
    POSITIONAL JOIN {output_lens} AS o
    POSITIONAL JOIN {itls} AS l
    POSITIONAL JOIN {errors} AS e
), judged AS (
    SELECT *, coalesce(raw_error, '') = '' AS ok, coalesce(list_sum(itls), 0) AS itl_sum FROM joined
)
SELECT ok AS success,
       CASE WHEN NOT ok THEN raw_error END AS error,
       input_tokens, output_tokens,
       CASE WHEN ok THEN ttft_s * 1000 END AS ttft_ms,
       CASE WHEN ok AND output_tokens > 1 THEN itl_sum * 1000 / (output_tokens - 1) END AS tpot_ms,
       CASE WHEN ok AND len(itls) > 0 THEN list_avg(itls) * 1000 END AS itl_mean_ms,
       CASE WHEN ok THEN (ttft_s + itl_sum) * 1000 END AS e2el_ms,
       present_ttfts, present_input_lens, present_output_lens, present_itls, present_errors,
       wrong_ttfts, wrong_input_lens, wrong_output_lens, wrong_itls, wrong_errors
FROM judged;
