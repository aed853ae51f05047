"""The provenance chain of one figure as data: what `infernomics audit` prints.

Decisions:
- One function, `audit_chain(con, figure_id) -> dict`, Dagster-free and CLI-free, so the
  command, a Python API and tests read the same chain. The CLI only renders it.
- A chain is a tree of *nodes*, one per figure. Every node has the same keys, so an
  addition is one more key, never a new shape:
  - the figure and its source: every column of `figure_provenance` (value, unit, bound,
    qualifier, source title / class / URL, page, quote, snapshot, ingest run ...);
  - `role`: the input role under its parent (None at the top);
  - `cited_in`: documents that cite the figure, with their quote's check;
  - `also_reported_by`: other stored figures that report the same claim (from
    `figure_corroboration`), each with its source and an `agreement` dict;
  - `flags`: the figure's stored flags (disagreements, interpretations);
  - `status`: one-line statuses, each `{"kind": ..., "text": ...}` (e.g. `corroboration`:
    "primary source ... is unverified (no stored copy); corroborated by ..."). Other checks
    (a changed snapshot) add their own kind here;
  - `formula_doc`, `inputs` (child nodes, recursively), `inputs_truncated`.
- Recursion stops at a cycle or at MAX_DEPTH and says so (`inputs_truncated`); an input
  that is not stored appears as `{"figure_id", "role", "missing": True}`.
"""

from __future__ import annotations

import duckdb

from warehouse.integrity import figure_status
from warehouse.vocabulary import SOURCE_CLASSES

MAX_DEPTH = 12


class FigureNotFound(LookupError):
    """No stored figure has this id; the message suggests near ids."""

    def __init__(self, figure_id: str, suggestions: list[str]):
        self.figure_id, self.suggestions = figure_id, suggestions
        hint = f"; did you mean: {', '.join(suggestions)}" if suggestions else "; list ids with `infernomics figures`"
        super().__init__(f"no figure with id {figure_id!r}{hint}")


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    """Rows as dicts through DuckDB's own conversion: `audit` is a read users wait for, and
    polars + pyarrow (`query_frame`) would double its start-up for a few rows."""
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def audit_chain(con: duckdb.DuckDBPyConnection, figure_id: str) -> dict:
    """The whole chain of `figure_id` (see the module docstring for the node keys)."""
    node = _node(con, figure_id, depth=0, seen=frozenset())
    if node is None:
        near = [
            r[0]
            for r in con.execute(
                "SELECT figure_id FROM figure WHERE figure_id ILIKE ? ORDER BY figure_id LIMIT 5",
                [f"%{figure_id.strip('/').split('/')[-1]}%"],
            ).fetchall()
        ]
        raise FigureNotFound(figure_id, near)
    return node


def _node(con, figure_id: str, depth: int, seen: frozenset, role: str | None = None) -> dict | None:
    rows = _dicts(con, "SELECT * FROM figure_provenance WHERE figure_id = ?", [figure_id])
    if not rows:
        return None
    node = rows[0] | {"role": role}
    node["snapshot_integrity"] = figure_status(con, figure_id)  # a changed snapshot is shown, not hidden (issue 11)
    node["cited_in"] = _dicts(
        con,
        "SELECT * EXCLUDE (figure_id) FROM figure_citation_detail WHERE figure_id = ? ORDER BY source_id",
        [figure_id],
    )
    node["also_reported_by"] = also_reported_by(con, figure_id)
    node["flags"] = _dicts(
        con,
        "SELECT flag, other_figure_id, detail, locator FROM figure_flag WHERE figure_id = ? ORDER BY flag, other_figure_id",
        [figure_id],
    )
    node["status"] = [s for s in (corroboration_status(node),) if s]
    inputs = _dicts(
        con,
        "SELECT role, input_figure_id, formula_doc FROM figure_lineage WHERE figure_id = ? "
        "ORDER BY role, input_figure_id",
        [figure_id],
    )
    node["formula_doc"] = inputs[0]["formula_doc"] if inputs else None
    node["inputs"] = []
    if figure_id in seen or depth >= MAX_DEPTH:
        node["inputs_truncated"] = bool(inputs)
        return node
    for item in inputs:
        child = _node(con, item["input_figure_id"], depth + 1, seen | {figure_id}, item["role"])
        node["inputs"].append(child or {"figure_id": item["input_figure_id"], "role": item["role"], "missing": True})
    return node


def also_reported_by(con: duckdb.DuckDBPyConnection, figure_id: str) -> list[dict]:
    """Each stored figure linked to this one as reporting the same claim, with its source
    and the link's agreement check (never recomputed here: the stored result is shown)."""
    rows = _dicts(
        con,
        "SELECT * FROM figure_corroboration WHERE figure_id = ? ORDER BY other_source_class, other_figure_id",
        [figure_id],
    )
    return [
        {
            "figure_id": r["other_figure_id"],
            "relation": r["relation"],
            "direction": r["direction"],
            "source_id": r["other_source_id"],
            "source_title": r["other_source_title"],
            "publisher": r["other_publisher"],
            "source_class": r["other_source_class"],
            "source_kind": r["other_source_kind"],
            "date_published": r["other_date_published"],
            "url": r["other_url"],
            "cites_source_id": r["other_cites_source_id"],
            "page": r["other_page"],
            "locator": r["other_locator"],
            "quote": r["other_quote"],
            "value": r["other_value"],
            "value_low": r["other_value_low"],
            "value_high": r["other_value_high"],
            "unit": r["other_unit"],
            "bound": r["other_bound"],
            "as_of": r["other_as_of"],
            "period_start": r["other_period_start"],
            "period_end": r["other_period_end"],
            "qualifier": r["other_qualifier"],
            "verification": r["other_verification"],
            "agreement": {
                "agrees": r["agrees"],
                "differences": list(r["differences"]),
                "detail": r["check_detail"],
                "declared": r["declared"],
            },
            "scope_note": r["scope_note"],
            "note": r["note"],
            "asserted_by": r["asserted_by"],
            "asserted_on": r["asserted_on"],
            "link_locator": r["locator"],
        }
        for r in rows
    ]


def corroboration_status(node: dict) -> dict | None:
    """One line for a figure whose primary source is unverified but that other sources report."""
    others = [o for o in node["also_reported_by"] if o["source_id"] != node["source_id"]]
    if node.get("source_class") != "primary" or node.get("verification") == "verified" or not others:
        return None
    sources = {o["source_id"]: o["source_class"] for o in others}
    classes = ", ".join(
        f"{sum(1 for c in sources.values() if c == k)} {k}" for k in SOURCE_CLASSES if k in sources.values()
    )
    agree = sum(1 for o in others if o["agreement"]["agrees"])
    differ = sorted({d for o in others for d in o["agreement"]["differences"]})
    verdict = f"{agree} of {len(others)} agree" + (f"; differences named: {', '.join(differ)}" if differ else "")
    why = "no stored copy" if not node.get("snapshot_sha256") else node["verification"]
    return {
        "kind": "corroboration",
        "text": f"primary source {node['source_id']} is {node['verification']} ({why}); corroborated "
        f"by {len(sources)} other source{'s' if len(sources) != 1 else ''} ({classes}): {verdict}",
    }
