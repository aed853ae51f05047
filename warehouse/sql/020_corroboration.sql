-- Corroboration: a figure linked to other stored figures that report the same claim
-- (ARK p24 "$1.4 trillion by 2030" and ARK Invest Europe's "annual ... pass $1.4 trillion").
-- Links are asserted by people in a committed data file (sources/data/citations/links/),
-- never found by fuzzy matching; each carries the result of an agreement check (value
-- within the stated rounding, same bound, same unit, same period) computed at ingest.

CREATE TABLE figure_link (
    figure_id        VARCHAR NOT NULL,    -- the figure that is corroborated (ARK p24)
    other_figure_id  VARCHAR NOT NULL,    -- a figure that reports the same claim
    relation         VARCHAR NOT NULL,    -- same_claim, restates, derived_from
    source_id        VARCHAR NOT NULL,    -- the link file's registered source (who asserted it)
    asserted_by      VARCHAR NOT NULL,    -- the person or review that asserted the link
    asserted_on      DATE,
    declared         VARCHAR NOT NULL,    -- what the link file says the check finds: agrees | differs: unit, bound
    scope_note       VARCHAR,             -- a difference of scope a person noted (U.S. GDP vs GDP); stored as a flag
    note             VARCHAR,
    agrees           BOOLEAN NOT NULL,    -- the check: no named difference
    differences      VARCHAR[] NOT NULL,  -- named: value, bound, unit, period
    check_detail     VARCHAR NOT NULL,    -- one line per difference, with both sides' values
    locator          VARCHAR NOT NULL,    -- file:row of the link
    ingest_run_id    VARCHAR NOT NULL,
    PRIMARY KEY (figure_id, other_figure_id)
);

-- Disagreements and interpretations, as flags on the figures themselves. A flag from a
-- link names the other figure; an asserted flag (a unit read into a wording) has none.
CREATE TABLE figure_flag (
    figure_id        VARCHAR NOT NULL,
    flag             VARCHAR NOT NULL,    -- disagrees_value, disagrees_bound, disagrees_unit, disagrees_period, scope_differs, unit_interpreted
    other_figure_id  VARCHAR NOT NULL,    -- '' for a flag that names no other figure
    detail           VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,
    locator          VARCHAR NOT NULL,
    ingest_run_id    VARCHAR NOT NULL,
    PRIMARY KEY (figure_id, flag, other_figure_id)
);

-- Both directions of every link, with the other figure's source: what `audit` lists under
-- "also reported by" (an ARK figure lists the pages that repeat it; a page lists ARK).
CREATE VIEW figure_corroboration AS
WITH both_ways AS (
    SELECT figure_id, other_figure_id, relation, 'forward' AS direction, asserted_by, asserted_on,
           declared, scope_note, note, agrees, differences, check_detail, locator
    FROM figure_link
    UNION ALL
    SELECT other_figure_id, figure_id, relation, 'reverse', asserted_by, asserted_on,
           declared, scope_note, note, agrees, differences, check_detail, locator
    FROM figure_link
)
SELECT b.figure_id, b.other_figure_id, b.relation, b.direction, b.agrees, b.differences,
       b.check_detail, b.scope_note, b.note, b.asserted_by, b.asserted_on, b.declared, b.locator,
       o.source_id AS other_source_id, s.title AS other_source_title, s.publisher AS other_publisher,
       s.source_class AS other_source_class, s.kind AS other_source_kind, s.date_published AS other_date_published,
       s.url AS other_url, s.cites_source_id AS other_cites_source_id, o.page AS other_page,
       o.locator AS other_locator, o.quote AS other_quote, o.value AS other_value, o.value_low AS other_value_low,
       o.value_high AS other_value_high, o.unit AS other_unit, o.bound AS other_bound, o.as_of AS other_as_of,
       o.period_start AS other_period_start, o.period_end AS other_period_end, o.qualifier AS other_qualifier,
       o.verification AS other_verification
FROM both_ways b
JOIN figure o ON o.figure_id = b.other_figure_id
LEFT JOIN source s ON s.source_id = o.source_id;

-- For every stored claim (a figure typed in from a document): how many other sources report
-- it, of which classes, and whether they agree. "Independent" counts distinct source records
-- other than the figure's own; a copy of the same report counts, with class 'copy', so a
-- reader sees that it is the publisher's own words rather than a second opinion.
CREATE VIEW claim_corroboration AS
SELECT f.figure_id, f.source_id, s.source_class, f.verification,
       count(DISTINCT c.other_source_id) FILTER (WHERE c.other_source_id <> f.source_id) AS independent_sources,
       count(DISTINCT c.other_source_id) FILTER (WHERE c.other_source_class = 'primary' AND c.other_source_id <> f.source_id) AS primary_sources,
       count(DISTINCT c.other_source_id) FILTER (WHERE c.other_source_class = 'copy' AND c.other_source_id <> f.source_id) AS copy_sources,
       count(DISTINCT c.other_source_id) FILTER (WHERE c.other_source_class = 'secondary' AND c.other_source_id <> f.source_id) AS secondary_sources,
       count(c.other_figure_id) AS links,
       count(c.other_figure_id) FILTER (WHERE c.agrees) AS links_agreeing,
       count(c.other_figure_id) FILTER (WHERE NOT c.agrees) AS links_disagreeing,
       CASE WHEN count(c.other_figure_id) = 0 THEN 'uncorroborated'
            WHEN bool_and(c.agrees) THEN 'all agree'
            WHEN bool_or(c.agrees) THEN 'some disagree'
            ELSE 'all disagree' END AS agreement,
       coalesce(list_sort(list_distinct(flatten(list(c.differences)))), []::VARCHAR[]) AS differences_named
FROM figure f
JOIN source s USING (source_id)
LEFT JOIN figure_corroboration c ON c.figure_id = f.figure_id
WHERE f.kind NOT IN ('derived', 'fit', 'measured')
GROUP BY f.figure_id, f.source_id, s.source_class, f.verification;
