-- Scores of models that map to a price key, with the identity mapping's reasoning flag:
-- Epoch-run Benchmarking Hub scores (GPQA Diamond, SWE-bench Verified, MATH Level 5, the
-- same runs from benchmark-stitching), the Epoch Capabilities Index (the later copy wins
-- where both copies list a model version), and models.dev's Artificial Analysis Coding
-- Index (the coding measure ARK's p34 chart says it is based on). Third-party leaderboard
-- rows are left out: other harnesses, other scales.
SELECT s.model_base, s.model_version, s.model_key, s.benchmark, s.score, s.score_fraction,
       s.reasoning_effort, s.release_date, s.score_figure_id,
       coalesce(i.is_reasoning, false) AS is_reasoning
FROM model_score s
LEFT JOIN model_identity i USING (model_base)
WHERE s.model_key IS NOT NULL
  AND ((s.benchmark IN ('GPQA Diamond', 'SWE-bench Verified', 'MATH Level 5') AND s.origin IN ('epoch_run', 'stitching'))
       OR (s.benchmark = 'ECI' AND s.origin = 'eci')
       OR (s.benchmark = 'Artificial Analysis Coding Index' AND s.origin = 'models_dev'))
QUALIFY s.benchmark <> 'ECI'
     OR row_number() OVER (PARTITION BY s.model_version ORDER BY (s.source_id = 'epoch-eci-later-copy') DESC, s.score_id) = 1
ORDER BY s.model_base, s.benchmark, s.score_id
