-- Every claim check with the claim's own figure and source (its corroboration: corroboration.sql).
SELECT c.*, v.value AS claim_value, v.unit AS claim_unit, v.quote AS claim_quote, v.url AS claim_url,
       v.source_title AS claim_source, v.source_class AS claim_class, v.page AS claim_page,
       v.source_id AS claim_source_id
FROM claim_check c LEFT JOIN figure_provenance v ON v.figure_id = c.claim_figure_id
ORDER BY c.verdict, c.check_id
