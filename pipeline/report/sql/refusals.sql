SELECT * FROM fit_refusal ORDER BY family, series
