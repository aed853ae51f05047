-- The citation store: sources, snapshots, figures, lineage, quarantine, ingest runs.
-- Every number in any domain table names a figure; every figure names a source.

CREATE TABLE source (
    source_id        VARCHAR PRIMARY KEY,
    kind             VARCHAR NOT NULL,      -- report, web_page, dataset, package_data, api, benchmark_file, book
    title            VARCHAR NOT NULL,
    publisher        VARCHAR NOT NULL,
    author           VARCHAR,
    citation_full    VARCHAR NOT NULL,
    url              VARCHAR,
    date_published   DATE,
    date_accessed    DATE,
    license          VARCHAR,
    source_class     VARCHAR NOT NULL,      -- primary, copy, secondary
    cites_source_id  VARCHAR,               -- for a copy or secondary page: the original it quotes
    snapshot_path    VARCHAR,
    snapshot_sha256  VARCHAR,
    notes            VARCHAR
);

CREATE TABLE snapshot (
    sha256        VARCHAR PRIMARY KEY,
    source_id     VARCHAR NOT NULL,
    url           VARCHAR,
    retrieved_at  TIMESTAMP,
    media_type    VARCHAR,
    bytes         BIGINT,
    path          VARCHAR
);

CREATE TABLE figure (
    figure_id        VARCHAR PRIMARY KEY,
    source_id        VARCHAR NOT NULL,
    snapshot_sha256  VARCHAR,
    metric           VARCHAR NOT NULL,
    entity_kind      VARCHAR NOT NULL,
    entity           VARCHAR NOT NULL,
    value            DOUBLE,               -- null only for a range (bound = 'range')
    unit             VARCHAR NOT NULL,
    bound            VARCHAR NOT NULL,     -- =, >, <, ~, range
    value_low        DOUBLE,
    value_high       DOUBLE,
    as_of            DATE,
    period_start     DATE,
    period_end       DATE,
    page             VARCHAR,
    locator          VARCHAR,
    quote            VARCHAR,
    qualifier        VARCHAR,
    kind             VARCHAR NOT NULL,     -- observed, estimate, forecast, assumption, derived, measured, fit
    verification     VARCHAR NOT NULL,     -- unverified, verified, quote_not_found, value_mismatch, no_snapshot
    formula          VARCHAR,              -- for kind = derived/fit: registered formula name@version
    notes            VARCHAR,
    ingest_run_id    VARCHAR NOT NULL
);

-- A second (third...) document that cites the same figure: the chapter citing ARK p20.
CREATE TABLE figure_citation (
    figure_id        VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,
    locator          VARCHAR,
    quote            VARCHAR,
    verification     VARCHAR NOT NULL,
    ingest_run_id    VARCHAR NOT NULL,
    PRIMARY KEY (figure_id, source_id)
);

CREATE TABLE formula (
    name      VARCHAR NOT NULL,
    version   INTEGER NOT NULL,
    doc       VARCHAR NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE TABLE figure_input (
    figure_id        VARCHAR NOT NULL,
    input_figure_id  VARCHAR NOT NULL,
    role             VARCHAR NOT NULL,
    PRIMARY KEY (figure_id, role, input_figure_id)
);

CREATE TABLE ingest_run (
    run_id            VARCHAR PRIMARY KEY,
    dagster_run_id    VARCHAR,
    step              VARCHAR NOT NULL,   -- the asset or command that wrote
    source_id         VARCHAR,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    code_version      VARCHAR NOT NULL,
    rows_in           BIGINT NOT NULL DEFAULT 0,
    rows_accepted     BIGINT NOT NULL DEFAULT 0,
    rows_quarantined  BIGINT NOT NULL DEFAULT 0,
    status            VARCHAR NOT NULL,   -- running, ok, partial, failed
    message           VARCHAR
);

-- Rejected rows. One row per (table, source, row, rule): a re-run that rejects the
-- same row for the same rule updates run_id instead of adding a duplicate.
CREATE TABLE quarantine (
    target_table     VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,
    row_locator      VARCHAR NOT NULL,    -- file:row, json path, ...
    rule             VARCHAR NOT NULL,
    reason           VARCHAR NOT NULL,
    raw              VARCHAR NOT NULL,    -- the row as JSON
    snapshot_sha256  VARCHAR,
    run_id           VARCHAR NOT NULL,
    PRIMARY KEY (target_table, source_id, row_locator, rule)
);
