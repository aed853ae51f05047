-- Trend family, data through 2026: the capability-adjusted method on Epoch AI's Benchmarking
-- Hub scores joined with the stored price history (analysis/capability_price.py), the
-- window measures claim checks are judged on, and demand curves (quantity against the
-- capability-adjusted price index).

-- Every kept point of every threshold's cheapest-so-far path, per variant (fitted or not:
-- a path with fewer than 4 points is not fitted but still says what a capability cost).
CREATE TABLE capability_path (
    series             VARCHAR NOT NULL,        -- capability_price_2026/<variant>/<benchmark>/ge-<score>
    variant            VARCHAR NOT NULL,        -- reasoning-excluded/cheapest, ...
    reasoning          VARCHAR NOT NULL,        -- excluded, included
    price_basis        VARCHAR NOT NULL,        -- cheapest, first_party, median
    benchmark          VARCHAR NOT NULL,        -- GPQA Diamond, SWE-bench Verified, MATH Level 5, ECI
    lower              DOUBLE NOT NULL,         -- threshold (score of the model that set it)
    threshold_model    VARCHAR NOT NULL,
    threshold_version  VARCHAR,                 -- the model version (effort suffix) whose score it is
    obs_id             VARCHAR NOT NULL,        -- <model_base>@<date>
    obs_date           DATE NOT NULL,
    model              VARCHAR NOT NULL,        -- model_base
    model_version      VARCHAR,                 -- the version whose score met the threshold
    model_key          VARCHAR NOT NULL,
    provider           VARCHAR,
    price_usd_per_mtok DOUBLE NOT NULL,         -- blended 3:1
    price_figure_ids   VARCHAR[] NOT NULL,
    score              DOUBLE NOT NULL,
    score_figure_id    VARCHAR NOT NULL,
    date_note          VARCHAR,
    fitted             BOOLEAN NOT NULL,        -- the path has >= 4 points and a stored fit
    ingest_run_id      VARCHAR NOT NULL,
    PRIMARY KEY (series, obs_id)
);

-- One measure of a claim: a capability level's price at the window's start and end, and the
-- window fit's multiple with its interval; `supports` says whether it supports the claim.
CREATE TABLE claim_measure (
    measure_id         VARCHAR PRIMARY KEY,     -- <check_id>/<series>
    check_id           VARCHAR NOT NULL,
    series             VARCHAR NOT NULL,
    variant            VARCHAR NOT NULL,
    benchmark          VARCHAR NOT NULL,
    lower              DOUBLE NOT NULL,
    threshold_model    VARCHAR NOT NULL,
    window_start       DATE NOT NULL,
    window_end         DATE NOT NULL,
    start_price        DOUBLE NOT NULL,
    end_price          DOUBLE NOT NULL,
    start_model        VARCHAR NOT NULL,
    end_model          VARCHAR NOT NULL,
    start_provider     VARCHAR,                 -- whose price it was (cheapest variant: any listing provider)
    end_provider       VARCHAR,
    observed_multiple  DOUBLE NOT NULL,         -- x cheaper, start_price / end_price
    n                  BIGINT NOT NULL,         -- points in the window fit
    fit_multiple       DOUBLE,                  -- OLS over the window (n >= 4), x cheaper
    fit_low            DOUBLE,
    fit_high           DOUBLE,
    level              DOUBLE NOT NULL,
    supports           BOOLEAN NOT NULL,
    how                VARCHAR NOT NULL,        -- the rule that decided `supports`
    measure_figure_id  VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
    ingest_run_id      VARCHAR NOT NULL
);

-- A demand curve: log quantity against log capability-adjusted price at matching dates.
-- An association of two trending series, never a causal elasticity.
CREATE TABLE demand_curve (
    curve_id           VARCHAR PRIMARY KEY,     -- demand_curve/<quantity series>/<price series>
    quantity_series    VARCHAR NOT NULL,
    price_series       VARCHAR NOT NULL,
    n                  BIGINT NOT NULL,
    distinct_prices    BIGINT NOT NULL,
    date_start         DATE NOT NULL,
    date_end           DATE NOT NULL,
    slope              DOUBLE,                  -- d ln(quantity) / d ln(price)
    slope_low          DOUBLE,
    slope_high         DOUBLE,
    level              DOUBLE NOT NULL,
    method             VARCHAR NOT NULL,        -- pairs bootstrap of OLS on logs
    seed               BIGINT,
    n_resamples        BIGINT,
    r2                 DOUBLE,
    selected           BOOLEAN NOT NULL,        -- the one drawn for this quantity series
    refused            VARCHAR,                 -- why no slope, when refused
    curve_figure_id    VARCHAR,                 -- the slope as a figure (null when refused)
    caveat             VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
    ingest_run_id      VARCHAR NOT NULL
);

-- The pairs a demand curve used: quantity figure and the price in force on its date.
CREATE TABLE demand_curve_point (
    curve_id            VARCHAR NOT NULL,
    obs_date            DATE NOT NULL,
    quantity            DOUBLE NOT NULL,
    quantity_figure_id  VARCHAR NOT NULL,
    price               DOUBLE NOT NULL,
    price_figure_id     VARCHAR NOT NULL,
    price_label         VARCHAR,
    PRIMARY KEY (curve_id, quantity_figure_id)
);

-- A claim judged on measures: how many (its data_low/data_high are then the range of the
-- measures' observed multiples, not an interval; the measures are in claim_measure).
ALTER TABLE claim_check ADD COLUMN n_measures BIGINT;
