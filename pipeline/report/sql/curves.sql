SELECT c.*, p.obs_date, p.quantity, p.price, p.price_label, p.quantity_figure_id, p.price_figure_id
FROM demand_curve c JOIN demand_curve_point p USING (curve_id) WHERE c.selected ORDER BY curve_id, obs_date
