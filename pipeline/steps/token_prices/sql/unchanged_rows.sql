-- Which incoming rows (`_incoming`, numbered by `_row`) are stored exactly so already:
-- the same key and every other compared column not distinct (NULL = NULL), among the stored
-- rows that `{stored}` selects (this source's rows only, so the scan follows the source, not
-- the table). Filled in by `pipeline/steps/token_prices/snapshots.py` (`_unchanged`).
SELECT i._row
FROM _incoming i
JOIN (SELECT {columns} FROM "{table}" WHERE {stored}) t
  ON {key_match}
WHERE {same_values}
