-- Measured benchmarks: files, runs (one row per load point), the lossless long form,
-- per-request rows (Parquet parts beside the database, read through a view), and checks.

-- One row per imported file (by content): what happened to it.
CREATE TABLE benchmark_file (
    sha256            VARCHAR PRIMARY KEY,
    source_id         VARCHAR NOT NULL,
    file_name         VARCHAR NOT NULL,
    path              VARCHAR,               -- where it was imported from (path or URL)
    bytes             BIGINT NOT NULL,
    format            VARCHAR,               -- vllm, sglang, llmperf, genai-perf, aiperf, mlperf
    status            VARCHAR NOT NULL,      -- stored, quarantined
    reason            VARCHAR,               -- why quarantined / what was partly rejected
    runs_stored       INTEGER NOT NULL DEFAULT 0,
    runs_quarantined  INTEGER NOT NULL DEFAULT 0,
    request_rows      BIGINT NOT NULL DEFAULT 0,
    requests_part     VARCHAR,               -- file name under <warehouse>_parts/benchmark_request/
    context_path      VARCHAR,               -- sidecar used, if any
    ingest_run_id     VARCHAR NOT NULL,
    ingested_at       TIMESTAMP NOT NULL
);

CREATE TABLE benchmark_run (
    run_id                  VARCHAR PRIMARY KEY,   -- <sha256[:16]>/<locator>
    source_id               VARCHAR NOT NULL,
    file_sha256             VARCHAR NOT NULL,
    file_name               VARCHAR NOT NULL,
    locator                 VARCHAR NOT NULL,      -- run, L3 (JSONL line), row5 (CSV row)
    format                  VARCHAR NOT NULL,
    format_variant          VARCHAR,
    format_version          VARCHAR,
    parser_version          INTEGER NOT NULL,
    repo                    VARCHAR,
    "commit"                VARCHAR,
    started_at              TIMESTAMP,
    run_date                DATE,
    -- context (context_sources says where each value came from)
    engine                  VARCHAR,
    engine_version          VARCHAR,
    model                   VARCHAR,
    quantization            VARCHAR,
    gpu_sku                 VARCHAR,
    gpus_per_node           INTEGER,
    nodes                   INTEGER,
    dataset                 VARCHAR,
    input_len               BIGINT,
    output_len              BIGINT,
    price_usd_per_gpu_hour  DOUBLE,
    context_sources         VARCHAR,               -- JSON: field -> origin
    -- load
    load_mode               VARCHAR,               -- rate, burst, concurrency, offline, server, interactive, accuracy
    target_rate_rps         DOUBLE,
    max_concurrency         BIGINT,
    -- outcome
    valid                   BOOLEAN NOT NULL,
    validity_note           VARCHAR,
    error_rate              DOUBLE,
    goodput_slo             VARCHAR,
    duration_s              DOUBLE,
    requests_sent           BIGINT,
    completed               BIGINT,
    failed                  BIGINT,
    rejected                BIGINT,
    -- throughput and cache
    request_throughput_rps  DOUBLE,
    output_tok_s            DOUBLE,
    total_tok_s             DOUBLE,
    input_tokens_total      BIGINT,
    output_tokens_total     BIGINT,
    goodput_rps             DOUBLE,
    prefix_cache_hit_rate   DOUBLE,
    mean_inflight           DOUBLE,
    -- latency summary (ms), as the file states it
    ttft_mean_ms DOUBLE, ttft_p50_ms DOUBLE, ttft_p90_ms DOUBLE, ttft_p95_ms DOUBLE, ttft_p99_ms DOUBLE,
    tpot_mean_ms DOUBLE, tpot_p50_ms DOUBLE, tpot_p90_ms DOUBLE, tpot_p95_ms DOUBLE, tpot_p99_ms DOUBLE,
    itl_mean_ms  DOUBLE, itl_p50_ms  DOUBLE, itl_p90_ms  DOUBLE, itl_p95_ms  DOUBLE, itl_p99_ms  DOUBLE,
    e2el_mean_ms DOUBLE, e2el_p50_ms DOUBLE, e2el_p90_ms DOUBLE, e2el_p95_ms DOUBLE, e2el_p99_ms DOUBLE,
    n_request_rows          BIGINT,
    duplicate_of            VARCHAR,               -- same run reported twice (MLPerf -99 / -99.9)
    unmapped                VARCHAR,               -- JSON: fields of the file no column holds
    figure_ids              VARCHAR[],             -- every figure stated for this run
    ingest_run_id           VARCHAR NOT NULL
);

-- Lossless long form: every number the file states, canonical and raw.
CREATE TABLE benchmark_run_stat (
    run_id      VARCHAR NOT NULL,
    metric      VARCHAR NOT NULL,     -- ttft, tpot, itl, e2el, output_throughput, completed, ...
    stat        VARCHAR NOT NULL,     -- mean, std, min, max, p50, p99, p99_9, value, ...
    value       DOUBLE,               -- canonical unit (null when the raw value is inf)
    unit        VARCHAR NOT NULL,
    raw_key     VARCHAR NOT NULL,
    raw_value   VARCHAR,
    raw_unit    VARCHAR,
    figure_id   VARCHAR,              -- null only when the value is not finite (rate "inf")
    PRIMARY KEY (run_id, metric, stat)
);

-- Per-request rows live in content-addressed Parquet parts; this table lists them.
-- layout 'canonical': written by the importer with the canonical columns and _rule;
-- layout 'llmperf': the imported Parquet file itself (llmperf per-request columns), stored
-- unchanged under its sha256 and converted to canonical columns by the view.
CREATE TABLE benchmark_request_part (
    part_file         VARCHAR PRIMARY KEY,  -- name under <warehouse>_parts/benchmark_request/
    file_sha256       VARCHAR NOT NULL,
    layout            VARCHAR NOT NULL,
    run_id            VARCHAR,              -- for single-run native layouts
    rows_in           BIGINT NOT NULL,
    rows_quarantined  BIGINT NOT NULL,
    ingest_run_id     VARCHAR NOT NULL
);

-- Replaced by the importer with a view over the parts (absolute paths); empty until then.
CREATE VIEW benchmark_request AS
SELECT NULL::VARCHAR AS run_id, NULL::BIGINT AS request_index, NULL::BOOLEAN AS success,
       NULL::VARCHAR AS error, NULL::BIGINT AS input_tokens, NULL::BIGINT AS output_tokens,
       NULL::DOUBLE AS ttft_ms, NULL::DOUBLE AS tpot_ms, NULL::DOUBLE AS itl_mean_ms,
       NULL::DOUBLE AS e2el_ms
WHERE false;

-- Percentiles recomputed from per-request rows, next to what the file states.
CREATE TABLE benchmark_check (
    run_id         VARCHAR NOT NULL,
    metric         VARCHAR NOT NULL,
    stat           VARCHAR NOT NULL,
    from_file      DOUBLE,
    from_requests  DOUBLE,
    rel_diff       DOUBLE,
    tolerance      DOUBLE NOT NULL,
    ok             BOOLEAN,
    figure_id      VARCHAR NOT NULL,     -- the derived figure (kind = derived)
    PRIMARY KEY (run_id, metric, stat)
);
