-- Token prices: effective-dated price rows, each number a figure (`*_figure_id`, `figure_ids`),
-- and the alias table that maps every model name seen to its canonical key.

CREATE TABLE token_price (
    price_id                  VARCHAR PRIMARY KEY,   -- <source>/<provider>/<model>[/<condition>]/<start>[.<sha8>]
    source_id                 VARCHAR NOT NULL,
    provider                  VARCHAR,               -- as the source names it
    provider_id               VARCHAR NOT NULL,      -- canonical
    model                     VARCHAR,               -- as the source names it
    model_id                  VARCHAR NOT NULL,      -- the API id priced
    model_key                 VARCHAR,               -- canonical model key; null = unmapped
    model_variant             VARCHAR,               -- exact model (dates kept), for conflicts
    alias_rule                VARCHAR,
    condition                 VARCHAR NOT NULL,      -- '' = plain price; else tier / context / time window / service tier
    is_standard               BOOLEAN NOT NULL,      -- the plain list price (lowest tier, no discount window, no batch)
    effective_from            DATE,                  -- null only when the start is unknown (date_basis = unknown)
    effective_to              DATE,                  -- exclusive; null = current
    date_basis                VARCHAR NOT NULL,      -- effective, as_of, start_date, first_seen, unknown
    end_basis                 VARCHAR,               -- source, next_price, changed, disappeared
    source_start              DATE,                  -- start as the source states it
    source_end                DATE,
    input_usd_per_mtok        DOUBLE,
    output_usd_per_mtok       DOUBLE,
    cache_read_usd_per_mtok   DOUBLE,
    cache_write_usd_per_mtok  DOUBLE,
    blended_usd_per_mtok      DOUBLE,                -- by blend_rule
    blend_rule                VARCHAR NOT NULL,      -- input:output weights, '3:1'
    input_figure_id           VARCHAR,
    output_figure_id          VARCHAR,
    cache_read_figure_id      VARCHAR,
    cache_write_figure_id     VARCHAR,
    blended_figure_id         VARCHAR,
    figure_ids                VARCHAR[] NOT NULL,
    source_url                VARCHAR,               -- cited page, feed URL, or the provider's pricing URL (genai-prices)
    source_class              VARCHAR,
    quote                     VARCHAR,
    qualifier                 VARCHAR,
    listed_at                 DATE,                  -- OpenRouter `created`: listing date, NOT a release date
    deprecation_date          DATE,                  -- LiteLLM `deprecation_date` as announced
    first_seen_sha256         VARCHAR,
    first_seen_at             TIMESTAMP,
    last_seen_sha256          VARCHAR,
    last_seen_at              TIMESTAMP,
    ingest_run_id             VARCHAR NOT NULL
);

CREATE TABLE model_alias (
    source_id    VARCHAR NOT NULL,
    provider_id  VARCHAR NOT NULL,
    model        VARCHAR NOT NULL,     -- the name as that source spells it
    model_key    VARCHAR,              -- null = unmapped (listed, not guessed)
    rule         VARCHAR NOT NULL,     -- which rules of sources/token_prices/models.py applied
    PRIMARY KEY (source_id, provider_id, model)
);

-- When each source was last refreshed successfully and what it held (the freshness check reads it).
CREATE TABLE token_price_feed_state (
    source_id          VARCHAR PRIMARY KEY,
    last_attempt_at    TIMESTAMP,
    last_success_at    TIMESTAMP,      -- last snapshot parsed and applied
    last_sha256        VARCHAR,
    last_status        VARCHAR,        -- ok, partial, fetch_failed, parse_failed, offline
    last_message       VARCHAR,
    rows_open          BIGINT,         -- open rows the last applied snapshot confirmed
    pending_sha256     VARCHAR,        -- fetched and stored, not yet folded into the history
    pending_retrieved_at TIMESTAMP
);
