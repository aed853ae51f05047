-- Epoch-run Benchmarking Hub scores (and the ECI) of models that map to a price key, with the
-- identity mapping's reasoning flag. Third-party leaderboard rows are left out: other
-- harnesses, other scales.
SELECT s.model_base, s.model_version, s.model_key, s.benchmark, s.score, s.score_fraction,
       s.reasoning_effort, s.release_date, s.score_figure_id,
       coalesce(i.is_reasoning, false) AS is_reasoning
FROM model_score s
LEFT JOIN model_identity i USING (model_base)
WHERE s.benchmark IN ('GPQA Diamond', 'SWE-bench Verified', 'MATH Level 5', 'ECI')
  AND s.origin IN ('epoch_run', 'eci', 'stitching')
  AND s.model_key IS NOT NULL
ORDER BY s.model_base, s.benchmark, s.score_id
