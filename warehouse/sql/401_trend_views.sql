-- The fits of each series from its most recent fitting run (older runs' fits of a series,
-- e.g. a threshold that no longer exists, stay in `fit` for history but drop out here).
CREATE VIEW latest_fits AS
WITH fit_run AS (
    SELECT f.*, r.started_at AS fitted_at
    FROM fit f JOIN ingest_run r ON r.run_id = f.ingest_run_id
),
latest AS (
    SELECT family, max(fitted_at) AS fitted_at FROM fit_run GROUP BY family
)
SELECT fit_run.* FROM fit_run JOIN latest USING (family, fitted_at);
