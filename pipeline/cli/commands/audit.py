"""`infernomics audit`: the whole provenance chain of one figure."""

from __future__ import annotations

import argparse
import json
import sys

from pipeline.cli.common import UserError, add_command, warehouse_from
from warehouse import query_frame
from warehouse.refresh_record import last_refresh_problem

MAX_DEPTH = 12


def audit(args: argparse.Namespace) -> int:
    """Show where a number comes from: value, source, page, quote, snapshot, run, and for a
    derived figure its formula and every input, recursively, down to their sources.

    example:
      infernomics audit ark-big-ideas-2026/p34/sw-dev-cost-dec-2025
      infernomics audit infernomics-derived/ark-big-ideas-2026/p34/sw-dev-cost-change-pct --format json
    """
    with warehouse_from(args).reader() as con:
        if problem := last_refresh_problem(con):
            print(f"note: {problem}", file=sys.stderr)
        chain = _chain(con, args.figure_id, depth=0, seen=set())
        if chain is None:
            raise UserError(_not_found(con, args.figure_id))
    if args.format == "json":
        print(json.dumps(chain, default=str, ensure_ascii=False, indent=1))
    else:
        _print(chain, indent="")
    return 0


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


def _value(node: dict) -> str:
    if node["bound"] == "range":
        return f"{node['value_low']:g} to {node['value_high']:g} {node['unit']}"
    bound = "" if node["bound"] == "=" else node["bound"] + " "
    return f"{bound}{node['value']:.6g} {node['unit']}"


def _print(node: dict, indent: str) -> None:
    def line(label: str, value) -> None:
        if value not in (None, "", []):
            text = str(value).replace("\n", "\n" + indent + " " * 16)
            print(f"{indent}  {label:<13} {text}")

    head = f"[{node['role']}] " if node.get("role") else ""
    if node.get("missing"):
        print(f"{indent}{head}{node['figure_id']}  (NOT STORED: lineage is broken)")
        return
    print(f"{indent}{head}{node['figure_id']}")
    line("value", _value(node))
    line("metric", f"{node['metric']} of {node['entity']} ({node['entity_kind']})")
    period = " to ".join(str(d) for d in (node["period_start"], node["period_end"]) if d)
    line("as of", node["as_of"])
    line("period", period)
    line("qualifier", node["qualifier"])
    line("kind", node["kind"])
    line("verification", node["verification"])
    line("formula", f"{node['formula']}: {node['formula_doc']}" if node.get("formula") else None)
    line("source", f"{node['source_title']} ({node['publisher']}) [{node['source_class']}, {node['source_kind']}]")
    line("quotes", f"{node['cites_source_id']} (this page cites that original)" if node.get("cites_source_id") else None)
    line("url", node["url"])
    line("published", node["date_published"])
    line("page", node["page"])
    line("locator", node["locator"])
    line("quote", f"\"{node['quote']}\"" if node["quote"] else None)
    line("snapshot", node["snapshot_sha256"])
    line("notes", node["notes"])
    line("ingest run", f"{node['ingest_run_id']} at {node['ingested_at']} (code {node['code_version']})")
    for c in node.get("cited_in", []):
        print(f"{indent}  cited in     {c['title']} ({c['publisher']}) [{c['source_class']}] at {c['locator']}")
        print(f"{indent}               \"{c['quote']}\" -> quote {c['verification']} against snapshot {c['snapshot_sha256'] or '(none)'}")
    for child in node.get("inputs", []):
        _print(child, indent + "    ")
    if node.get("inputs_truncated"):
        print(f"{indent}    (inputs not expanded: cycle or depth limit)")


def _not_found(con, figure_id: str) -> str:
    near = [r[0] for r in con.execute(
        "SELECT figure_id FROM figure WHERE figure_id ILIKE ? ORDER BY figure_id LIMIT 5",
        [f"%{figure_id.strip('/').split('/')[-1]}%"]).fetchall()]
    hint = f"; did you mean: {', '.join(near)}" if near else "; list ids with `infernomics figures`"
    return f"no figure with id {figure_id!r}{hint}"


def register(subparsers) -> None:
    parser = add_command(subparsers, "audit", audit)
    parser.add_argument("figure_id", help="the figure to trace (see `infernomics figures`)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
