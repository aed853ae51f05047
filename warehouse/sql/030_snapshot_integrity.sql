-- Integrity alarms (issue 11): the last re-hash of every registered snapshot and part,
-- written by each refresh (asset clean/integrity/snapshots) and by `infernomics verify`.
CREATE TABLE snapshot_integrity (
    path             VARCHAR NOT NULL,     -- as recorded: sources/..., or under the warehouse folder
    family           VARCHAR NOT NULL,     -- citations, hardware, token_prices, trends, benchmarks
    kind             VARCHAR NOT NULL,     -- registry, curated, snapshot, part
    source_ids       VARCHAR[],            -- sources whose figures rest on the file
    expected_sha256  VARCHAR NOT NULL,     -- the hash it was registered with
    actual_sha256    VARCHAR,              -- what it hashes to now (NULL when missing)
    status           VARCHAR NOT NULL,     -- ok, changed, missing
    checked_at       TIMESTAMP NOT NULL,
    checked_by       VARCHAR NOT NULL,     -- refresh, verify
    PRIMARY KEY (path, expected_sha256)
);

-- Per figure: does it rest on a snapshot that changed since it was registered? A figure
-- rests on its own snapshot (figure.snapshot_sha256), on its source's files and on the
-- files of the sources that cite it (the chapter a quote was checked against).
CREATE VIEW figure_integrity AS
WITH rests_on AS (
    SELECT f.figure_id, i.path, i.status, i.checked_at
    FROM figure f JOIN snapshot_integrity i
      ON i.expected_sha256 = f.snapshot_sha256 OR list_contains(i.source_ids, f.source_id)
    UNION
    SELECT c.figure_id, i.path, i.status, i.checked_at
    FROM figure_citation c JOIN snapshot_integrity i ON list_contains(i.source_ids, c.source_id)
)
SELECT figure_id,
       CASE WHEN bool_or(status <> 'ok') THEN 'changed_snapshot' ELSE 'snapshot_ok' END AS snapshot_integrity,
       string_agg(CASE WHEN status <> 'ok' THEN path || ' (' || status || ')' END, '; ' ORDER BY path) AS changed_files,
       max(checked_at) AS checked_at
FROM rests_on
GROUP BY figure_id;
