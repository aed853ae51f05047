-- Trend family: the observations it owns (Epoch LLM prices, demand series, the OpenRouter
-- weekly scrape) and the fits, bands and claim checks it derives. Every numeric cell names
-- the figure it came from (`*_figure_id`, `figure_ids`), so `infernomics audit` works on it.

-- One price observation from Epoch AI's two files (a price change is a new row).
CREATE TABLE llm_price_observation (
    obs_id               VARCHAR PRIMARY KEY,   -- <source_id>/<model-slug>@<date>
    source_id            VARCHAR NOT NULL,
    model                VARCHAR NOT NULL,
    release_date         DATE NOT NULL,
    price_usd_per_mtok   DOUBLE,                -- blended 3 input : 1 output
    mmlu                 DOUBLE,
    gpqa_diamond         DOUBLE,
    humaneval            DOUBLE,
    math_500             DOUBLE,
    lmsys_arena_elo      DOUBLE,
    math_5               DOUBLE,
    tokens_per_second    DOUBLE,
    prefill_latency_s    DOUBLE,
    prompt_length_tokens DOUBLE,
    price_figure_id      VARCHAR,
    figure_ids           VARCHAR[] NOT NULL,    -- price and every score
    ingest_run_id        VARCHAR NOT NULL
);

-- A cited demand figure (tokens, users, messages ...), one series per (scope, unit).
CREATE TABLE demand_observation (
    figure_id        VARCHAR PRIMARY KEY,
    source_id        VARCHAR NOT NULL,
    series           VARCHAR NOT NULL,
    period_end_date  DATE NOT NULL,
    value            DOUBLE NOT NULL,
    unit             VARCHAR NOT NULL,
    bound            VARCHAR NOT NULL,         -- =, >, ~
    source_class     VARCHAR NOT NULL,         -- primary, secondary
    duplicate_of     VARCHAR,                  -- same datum reported by another page
    ingest_run_id    VARCHAR NOT NULL
);

-- The third-party OpenRouter scrape: tokens per author per week label.
CREATE TABLE openrouter_author_week (
    figure_id      VARCHAR PRIMARY KEY,
    source_id      VARCHAR NOT NULL,
    week_label     DATE NOT NULL,
    author         VARCHAR NOT NULL,
    tokens         DOUBLE NOT NULL,
    share          DOUBLE,
    ingest_run_id  VARCHAR NOT NULL
);

-- Weekly totals with the reasons a week is not fitted (partial, overlapping, mismatched).
CREATE TABLE openrouter_week (
    week_label     DATE PRIMARY KEY,
    figure_id      VARCHAR NOT NULL,           -- derived figure: sum of the author figures
    source_id      VARCHAR NOT NULL,
    tokens         DOUBLE NOT NULL,
    share_sum      DOUBLE,
    authors        BIGINT NOT NULL,
    flags          VARCHAR[] NOT NULL,
    fit_ok         BOOLEAN NOT NULL,
    ingest_run_id  VARCHAR NOT NULL
);

-- One fitted trend: log(value) against time (or Epoch's log10 price on day number).
CREATE TABLE fit (
    fit_id            VARCHAR PRIMARY KEY,     -- trend/<series>/<method>
    series            VARCHAR NOT NULL,
    series_label      VARCHAR NOT NULL,
    family            VARCHAR NOT NULL,        -- capability_price, demand, token_price, gpu, benchmark
    method            VARCHAR NOT NULL,        -- ols, bootstrap, theil-sen, epoch-ols
    level             DOUBLE NOT NULL,
    seed              BIGINT,
    n_resamples       BIGINT,
    n                 BIGINT NOT NULL,
    date_start        DATE NOT NULL,
    date_end          DATE NOT NULL,
    span_years        DOUBLE NOT NULL,
    slope_per_year    DOUBLE NOT NULL,         -- natural log units per year
    intercept         DOUBLE NOT NULL,         -- log(value) at date_start
    factor_per_year   DOUBLE NOT NULL,         -- exp(slope): 0.1 = falls 10x a year
    factor_low        DOUBLE NOT NULL,
    factor_high       DOUBLE NOT NULL,
    r2                DOUBLE,
    resid_sd          DOUBLE,
    direction         VARCHAR NOT NULL,        -- decline, growth
    halving_or_doubling_years DOUBLE,
    halving_or_doubling_low   DOUBLE,
    halving_or_doubling_high  DOUBLE,
    value_unit        VARCHAR NOT NULL,        -- unit of the fitted values
    flags             VARCHAR[] NOT NULL,
    rate_figure_id    VARCHAR NOT NULL,        -- the fit as a figure (kind = 'fit')
    params            VARCHAR,                 -- JSON: method-specific extras (threshold, AIC ...)
    source_id         VARCHAR NOT NULL,
    ingest_run_id     VARCHAR NOT NULL
);

-- The observations a fit saw; `used` false with a `note` for those shown but not fitted.
CREATE TABLE fit_point (
    fit_id           VARCHAR NOT NULL,
    input_figure_id  VARCHAR NOT NULL,
    obs_date         DATE NOT NULL,
    value            DOUBLE NOT NULL,
    used             BOOLEAN NOT NULL,
    label            VARCHAR,
    note             VARCHAR,
    PRIMARY KEY (fit_id, input_figure_id)
);

-- Fitted line with confidence and prediction bands on a date grid (values, not logs).
CREATE TABLE fit_band (
    fit_id        VARCHAR NOT NULL,
    band_date     DATE NOT NULL,
    fitted        DOUBLE NOT NULL,
    conf_low      DOUBLE NOT NULL,
    conf_high     DOUBLE NOT NULL,
    pred_low      DOUBLE NOT NULL,
    pred_high     DOUBLE NOT NULL,
    extrapolated  BOOLEAN NOT NULL,
    PRIMARY KEY (fit_id, band_date)
);

-- A cited claim beside what the stored data says over the same window and definition.
CREATE TABLE claim_check (
    check_id           VARCHAR PRIMARY KEY,
    claim_figure_id    VARCHAR NOT NULL,
    claim              VARCHAR NOT NULL,        -- the claim in words
    claimed_multiple   DOUBLE,                  -- as a multiple over its window (x cheaper / x more)
    claimed_low        DOUBLE,
    claimed_high       DOUBLE,
    claim_bound        VARCHAR,                 -- =, >, ~, range
    window_start       DATE,
    window_end         DATE,
    series_definition  VARCHAR NOT NULL,
    data_multiple      DOUBLE,
    data_low           DOUBLE,
    data_high          DOUBLE,
    level              DOUBLE,
    fit_id             VARCHAR,
    extrapolated       BOOLEAN NOT NULL,
    verdict            VARCHAR NOT NULL,        -- consistent, inconsistent, not testable
    reason             VARCHAR NOT NULL,
    testable_with      VARCHAR,                 -- what data would make it testable
    check_figure_id    VARCHAR,                 -- derived figure with lineage (null when not testable)
    source_id          VARCHAR NOT NULL,
    ingest_run_id      VARCHAR NOT NULL
);

-- Series that were looked at and not fitted, with the reason (fewer than 4 points, ...).
CREATE TABLE fit_refusal (
    series         VARCHAR PRIMARY KEY,
    family         VARCHAR NOT NULL,
    reason         VARCHAR NOT NULL,
    n_points       BIGINT NOT NULL,
    ingest_run_id  VARCHAR NOT NULL
);
