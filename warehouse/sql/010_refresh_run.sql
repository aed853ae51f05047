-- Each `infernomics refresh` as a whole: published as 'running' before its first step and
-- updated to 'ok' or 'failed' after its last. A 'running' row whose process is gone is a
-- refresh that did not complete (killed, out of memory, power cut): `sql`, `audit` and
-- the next refresh say so (warehouse/refresh_record.py).
CREATE TABLE refresh_run (
    refresh_id    VARCHAR PRIMARY KEY,
    pid           INTEGER NOT NULL,
    host          VARCHAR NOT NULL,
    selection     VARCHAR,               -- --select patterns; NULL = every asset
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR NOT NULL,      -- running, ok, failed, interrupted, incomplete (died: marked by the next refresh)
    steps_failed  INTEGER,
    message       VARCHAR
);
