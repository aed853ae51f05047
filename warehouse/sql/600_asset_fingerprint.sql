-- What each asset's last successful materialization was computed from (pipeline/fingerprint.py).
-- Written inside the asset's own write window, so a fingerprint is published together with
-- the rows it describes, or not at all; `infernomics refresh` skips an asset whose
-- fingerprint, computed again before it runs, equals this one.
CREATE TABLE IF NOT EXISTS asset_fingerprint (
    asset_key VARCHAR PRIMARY KEY,      -- 'clean/trends/llm_price_observation'
    fingerprint VARCHAR NOT NULL,       -- sha256 over code_version, inputs and upstream
    data_version VARCHAR NOT NULL,      -- what downstream fingerprints include (= fingerprint, except live feeds)
    code_version VARCHAR NOT NULL,      -- package version + hash of the modules the asset runs
    inputs JSON NOT NULL,               -- {input name: sha256 or value}
    upstream JSON NOT NULL,             -- {upstream asset key: its data_version}
    dagster_run_id VARCHAR,
    recorded_at TIMESTAMP NOT NULL
);
