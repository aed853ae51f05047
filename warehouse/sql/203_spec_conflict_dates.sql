-- spec_conflict, with release dates shown as dates: a release_date row used to carry the
-- decimal year (2024.88) in chosen_value/other_value. Now those two numeric columns are
-- NULL for release_date (the dates are in chosen_date/other_date), and every row gets
-- chosen_text/other_text: the ISO date at the precision the source gives ('2024-11-18',
-- '2024-11', '2024') for release dates, the number and unit otherwise ('192 GB').
-- Everything else is 201_hardware_views.sql's definition, unchanged.
CREATE OR REPLACE VIEW spec_conflict AS
SELECT o.sku, o.attribute, o.unit,
       c.figure_id AS chosen_figure_id, c.source_id AS chosen_source_id, c.tier AS chosen_tier,
       CASE WHEN o.attribute <> 'release_date' THEN c.value END AS chosen_value, c.value_date AS chosen_date,
       o.figure_id AS other_figure_id, o.source_id AS other_source_id, o.tier AS other_tier,
       CASE WHEN o.attribute <> 'release_date' THEN o.value END AS other_value, o.value_date AS other_date,
       CASE WHEN o.attribute <> 'release_date'
            THEN abs(c.value - o.value) / greatest(abs(c.value), abs(o.value)) END AS rel_diff,
       CASE WHEN o.attribute = 'release_date'
            THEN greatest(date_diff('day', c.end_date, o.value_date), date_diff('day', o.end_date, c.value_date), 0) END AS gap_days,
       'policy chose ' || c.source_id || ' (' || c.tier || ')' AS resolution,
       CASE WHEN o.attribute = 'release_date' THEN c.date_text
            ELSE format('{:.6g} {}', c.value, c.unit) END AS chosen_text,
       CASE WHEN o.attribute = 'release_date' THEN o.date_text
            ELSE format('{:.6g} {}', o.value, o.unit) END AS other_text
FROM (SELECT *, CASE date_precision WHEN 'year' THEN make_date(year(value_date), 12, 31)
                                    WHEN 'month' THEN last_day(value_date) ELSE value_date END AS end_date,
             CASE date_precision WHEN 'year' THEN strftime(value_date, '%Y')
                                 WHEN 'month' THEN strftime(value_date, '%Y-%m')
                                 ELSE strftime(value_date, '%Y-%m-%d') END AS date_text
      FROM gpu_spec_ranked) o
JOIN (SELECT *, CASE date_precision WHEN 'year' THEN make_date(year(value_date), 12, 31)
                                    WHEN 'month' THEN last_day(value_date) ELSE value_date END AS end_date,
             CASE date_precision WHEN 'year' THEN strftime(value_date, '%Y')
                                 WHEN 'month' THEN strftime(value_date, '%Y-%m')
                                 ELSE strftime(value_date, '%Y-%m-%d') END AS date_text
      FROM gpu_spec_ranked WHERE policy_rank = 1) c
  ON c.sku = o.sku AND c.attribute = o.attribute AND o.policy_rank > 1
WHERE (o.attribute <> 'release_date'
       AND abs(c.value - o.value) / greatest(abs(c.value), abs(o.value)) > 0.01)
   OR (o.attribute = 'release_date'
       AND greatest(date_diff('day', c.end_date, o.value_date), date_diff('day', o.end_date, c.value_date), 0) > 31);
