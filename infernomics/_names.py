"""Name filters for people: `--provider lambda` finds "Lambda Labs".

Decisions:
- A filter is a case-insensitive substring of the stored name (`lambda` matches
  "Lambda Labs" and "lambda"), because users type what they remember, not the stored
  spelling. The caller is told which stored names matched, so a filter that matched more
  (or other) names than meant is visible rather than silent.
- No match is an error that lists the stored names, never an empty result: an empty
  table after a typo reads as "no data".
"""

from __future__ import annotations

import difflib

import duckdb

from infernomics.errors import Error


def match_names(con: duckdb.DuckDBPyConnection, relation: str, column: str, text: str, what: str) -> list[str]:
    """Stored values of `relation.column` containing `text` (case-insensitive), sorted.

    `relation` and `column` come from the caller's code, never from user input."""
    needle = text.strip()
    if not needle:
        raise Error(f"{what} is empty")
    rows = con.execute(
        f'SELECT DISTINCT "{column}" FROM {relation} WHERE "{column}" IS NOT NULL '
        f'AND contains(lower("{column}"), lower(?)) ORDER BY 1',
        [needle],
    ).fetchall()
    if rows:
        return [r[0] for r in rows]
    known = [
        r[0]
        for r in con.execute(
            f'SELECT DISTINCT "{column}" FROM {relation} WHERE "{column}" IS NOT NULL ORDER BY 1'
        ).fetchall()
    ]
    near = difflib.get_close_matches(needle, known, n=3, cutoff=0.5)
    hint = (
        f"did you mean {', '.join(near)}?"
        if near
        else f"stored names: {', '.join(known[:30])}" + (f" and {len(known) - 30} more" if len(known) > 30 else "")
    )
    raise Error(f"{what} {needle!r} is in no stored name; {hint}")
