-- The points of the fits drawn; a derived point (an OpenRouter weekly total) is shown with
-- the source of its inputs. Parameter: the list of fit ids (twice). `upstream` groups only
-- the inputs of these fits' points, not every figure's lineage (half the query's time).
WITH upstream AS (
    SELECT i.figure_id, min(f.source_id) AS source_id
    FROM figure_input i JOIN figure f ON f.figure_id = i.input_figure_id
    WHERE i.figure_id IN (SELECT input_figure_id FROM fit_point WHERE list_contains(?, fit_id))
    GROUP BY i.figure_id
)
SELECT p.fit_id, p.input_figure_id, p.obs_date, p.value, p.used, p.label, p.note,
       s.source_id, s.title AS source_title, s.publisher, s.url, s.source_class, v.quote, v.locator, v.unit
FROM fit_point p JOIN figure_provenance v ON v.figure_id = p.input_figure_id
LEFT JOIN upstream u ON u.figure_id = p.input_figure_id AND v.kind = 'derived'
LEFT JOIN source s ON s.source_id = coalesce(u.source_id, v.source_id)
WHERE list_contains(?, p.fit_id) ORDER BY p.fit_id, p.obs_date
