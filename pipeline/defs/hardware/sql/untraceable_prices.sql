-- Rental prices that do not trace to a stored figure with the page it was read from.
SELECT p.figure_id, f.figure_id IS NULL AS no_figure, coalesce(f.locator, s.url) IS NULL AS no_url
FROM gpu_rental_price p
LEFT JOIN figure f USING (figure_id)
LEFT JOIN source s ON s.source_id = f.source_id
WHERE f.figure_id IS NULL OR coalesce(f.locator, s.url) IS NULL;
