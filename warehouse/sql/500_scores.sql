-- Benchmark scores of model versions (Epoch AI's Benchmarking Hub, the ECI, benchmark-stitching
-- runs), each score and stderr a figure, and the committed mapping of model names to price keys.

CREATE TABLE model_score (
    score_id              VARCHAR PRIMARY KEY,   -- = score_figure_id
    source_id             VARCHAR NOT NULL,      -- the vendored file's source record
    origin                VARCHAR NOT NULL,      -- epoch_run, external, eci, stitching
    benchmark             VARCHAR NOT NULL,      -- canonical name (GPQA Diamond, SWE-bench Verified, ECI, ...)
    benchmark_file        VARCHAR NOT NULL,
    model_version         VARCHAR NOT NULL,      -- as Epoch spells it, with its effort suffix (o3-2025-04-16_high)
    model_base            VARCHAR NOT NULL,      -- the effort suffix removed
    reasoning_effort      VARCHAR,               -- high, low, 32K, unknown, ... ; null = no suffix
    score                 DOUBLE NOT NULL,       -- as published, in score_unit
    score_unit            VARCHAR NOT NULL,      -- fraction, percent, points, elo, minutes, eci
    score_fraction        DOUBLE,                -- 0-1 for fraction and percent scores
    stderr                DOUBLE,                -- same unit as score
    release_date          DATE,
    organization          VARCHAR,
    country               VARCHAR,
    run_id                VARCHAR,               -- Epoch run id or record id
    run_date              DATE,                  -- when the run started (Epoch-run files, stitching)
    locator               VARCHAR NOT NULL,      -- file:line id=...
    secondary_source      VARCHAR,               -- third-party rows: the leaderboard Epoch copied
    secondary_source_url  VARCHAR,
    model_key             VARCHAR,               -- price key from model_identity; null = unmapped
    score_figure_id       VARCHAR NOT NULL,
    stderr_figure_id      VARCHAR,
    figure_ids            VARCHAR[] NOT NULL,
    snapshot_sha256       VARCHAR,
    ingest_run_id         VARCHAR NOT NULL
);

-- sources/data/scores/model_identity.csv as loaded: one row per Epoch model name (effort suffix removed).
CREATE TABLE model_identity (
    model_base            VARCHAR PRIMARY KEY,
    model_key             VARCHAR,               -- token_price.model_key; null = no price source lists it
    first_party_provider  VARCHAR,               -- token_price.provider_id of the model's developer
    is_reasoning          BOOLEAN,
    note                  VARCHAR,
    source_id             VARCHAR NOT NULL,
    locator               VARCHAR NOT NULL,
    ingest_run_id         VARCHAR NOT NULL
);

-- Score rows whose model has no price key: either not in the mapping file, or mapped to null.
CREATE VIEW model_score_unmapped AS
SELECT s.model_base,
       CASE WHEN i.model_base IS NULL THEN 'not in mapping file' ELSE 'mapped to no price key' END AS why,
       count(*) AS scores, list(DISTINCT s.benchmark ORDER BY s.benchmark) AS benchmarks,
       min(s.release_date) AS release_date, any_value(s.organization) AS organization, any_value(i.note) AS note
FROM model_score s
LEFT JOIN model_identity i USING (model_base)
WHERE s.model_key IS NULL
GROUP BY s.model_base, why;
