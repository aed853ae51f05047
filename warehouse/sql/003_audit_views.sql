-- What `audit` shows: a figure's citing documents and its lineage, ready to walk.

CREATE VIEW figure_citation_detail AS
SELECT c.figure_id, c.source_id, s.title, s.publisher, s.url, s.source_class,
       c.locator, c.quote, c.verification, s.snapshot_sha256, s.snapshot_path
FROM figure_citation c LEFT JOIN source s USING (source_id);

CREATE VIEW figure_lineage AS
SELECT i.figure_id, i.role, i.input_figure_id, f.formula, fo.doc AS formula_doc
FROM figure_input i
JOIN figure f ON f.figure_id = i.figure_id
LEFT JOIN formula fo ON f.formula = fo.name || '@' || fo.version;
