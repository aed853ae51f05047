INSERT INTO asset_fingerprint
    (asset_key, fingerprint, data_version, code_version, inputs, upstream, dagster_run_id, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (asset_key) DO UPDATE SET
    fingerprint = excluded.fingerprint,
    data_version = excluded.data_version,
    code_version = excluded.code_version,
    inputs = excluded.inputs,
    upstream = excluded.upstream,
    dagster_run_id = excluded.dagster_run_id,
    recorded_at = excluded.recorded_at
