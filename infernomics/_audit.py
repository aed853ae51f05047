"""The provenance chain of one figure, as data.

Interim home: the same walk as `infernomics audit` (pipeline/cli/commands/audit.py),
repeated here so the API needs neither the CLI nor Dagster. When `warehouse.audit`
(with `audit_chain(con, figure_id)`) exists, `infernomics.audit` uses that instead and
this module can be deleted.
"""

from __future__ import annotations

import duckdb

from warehouse import query_frame

MAX_DEPTH = 12


def audit_chain(con: duckdb.DuckDBPyConnection, figure_id: str) -> dict | None:
    """Nested dicts: the figure's provenance row, `cited_in`, `formula_doc`, `inputs` (each a chain)."""
    return _chain(con, figure_id, depth=0, seen=set())


def _chain(con, figure_id: str, depth: int, seen: set[str], role: str | None = None) -> dict | None:
    rows = query_frame(con, "SELECT * FROM figure_provenance WHERE figure_id = ?", [figure_id]).to_dicts()
    if not rows:
        return None
    node = rows[0] | {"role": role}
    node["cited_in"] = query_frame(
        con, "SELECT * EXCLUDE (figure_id) FROM figure_citation_detail WHERE figure_id = ? ORDER BY source_id",
        [figure_id]).to_dicts()
    inputs = query_frame(con, "SELECT role, input_figure_id, formula_doc FROM figure_lineage WHERE figure_id = ? "
                              "ORDER BY role, input_figure_id", [figure_id]).to_dicts()
    node["formula_doc"] = inputs[0]["formula_doc"] if inputs else None
    node["inputs"] = []
    if figure_id in seen or depth >= MAX_DEPTH:
        node["inputs_truncated"] = bool(inputs)
        return node
    for item in inputs:
        child = _chain(con, item["input_figure_id"], depth + 1, seen | {figure_id}, item["role"])
        node["inputs"].append(child or {"figure_id": item["input_figure_id"], "role": item["role"], "missing": True})
    return node
