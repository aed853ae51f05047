-- A statement a document attributes to a source but that carries no number of its own
-- ("the chapter's 'human equivalent' wording follows Aschenbrenner's Situational Awareness").
-- Numbers go to `figure`; these are the rest, so every attribution in a document is stored.
-- The quote is the citing document's own sentence, checked against its stored snapshot.

CREATE TABLE cited_statement (
    statement_id     VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,    -- the citing document (the chapter)
    cited_source_id  VARCHAR NOT NULL,    -- the work it names
    locator          VARCHAR,
    quote            VARCHAR NOT NULL,
    verification     VARCHAR NOT NULL,    -- verified / quote_not_found / no_snapshot, against the citing document
    note             VARCHAR,
    ingest_run_id    VARCHAR NOT NULL,
    PRIMARY KEY (statement_id, cited_source_id)
);

-- Every work a document cites, with what it is cited for: figures (through figure_citation)
-- and statements without a number.
CREATE VIEW document_citation AS
SELECT c.source_id AS citing_source_id, f.source_id AS cited_source_id, 'figure' AS what,
       c.figure_id AS item_id, c.locator, c.quote, c.verification
FROM figure_citation c JOIN figure f USING (figure_id)
UNION ALL
SELECT source_id, cited_source_id, 'statement', statement_id, locator, quote, verification
FROM cited_statement;
