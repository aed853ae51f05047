-- Views for people: one figure with its whole provenance in one row.

CREATE VIEW figure_provenance AS
SELECT
    f.figure_id, f.metric, f.entity_kind, f.entity, f.value, f.unit, f.bound,
    f.value_low, f.value_high, f.as_of, f.period_start, f.period_end,
    f.page, f.locator, f.quote, f.qualifier, f.kind, f.verification, f.formula,
    f.notes, f.source_id, s.title AS source_title, s.publisher, s.author,
    s.citation_full, s.url, s.date_published, s.date_accessed, s.license,
    s.source_class, s.kind AS source_kind, s.cites_source_id,
    coalesce(f.snapshot_sha256, s.snapshot_sha256) AS snapshot_sha256,
    f.ingest_run_id, r.started_at AS ingested_at, r.code_version
FROM figure f
LEFT JOIN source s USING (source_id)
LEFT JOIN ingest_run r ON r.run_id = f.ingest_run_id;

-- Figures whose source is missing from the registry: must always be empty.
CREATE VIEW orphan_figure AS
SELECT f.* FROM figure f ANTI JOIN source s USING (source_id);

CREATE VIEW quarantine_summary AS
SELECT target_table, source_id, rule, count(*) AS rows, max(run_id) AS last_run_id
FROM quarantine GROUP BY ALL ORDER BY rows DESC;
