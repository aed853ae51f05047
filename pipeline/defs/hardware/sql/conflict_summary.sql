-- Conflicts between sources on the same sku and attribute, for the asset's metadata.
SELECT sku, attribute, chosen_source_id, coalesce(CAST(chosen_value AS VARCHAR), CAST(chosen_date AS VARCHAR)) AS chosen,
       other_source_id, coalesce(CAST(other_value AS VARCHAR), CAST(other_date AS VARCHAR)) AS other,
       round(rel_diff, 4) AS rel_diff, gap_days
FROM spec_conflict
ORDER BY sku, attribute, other_source_id;
