-- Provenance of the figures one export batch references ($1: list of figure ids).
SELECT figure_id, source_id, url, locator
FROM figure_provenance
WHERE list_contains($1, figure_id)
