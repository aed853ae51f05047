-- Who else reports each claimed figure. Parameter: the list of claim figure ids. Written as
-- list_contains(?, figure_id) so DuckDB filters before the view's GROUP BY over every figure
-- (a join against claim_check would aggregate all ~80,000 first: 5x the time, +110 MB).
SELECT figure_id AS claim_figure_id, independent_sources, primary_sources, copy_sources, secondary_sources,
       agreement AS corroboration, differences_named
FROM claim_corroboration WHERE list_contains(?, figure_id)
