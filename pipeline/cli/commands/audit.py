"""`infernomics audit`: the whole provenance chain of one figure."""

from __future__ import annotations

import argparse
import json
import sys

from pipeline.cli.common import UserError, add_command, warehouse_from
from warehouse.audit import FigureNotFound, audit_chain
from warehouse.refresh_record import last_refresh_problem


def audit(args: argparse.Namespace) -> int:
    """Show where a number comes from: value, source, page, quote, snapshot, run, the other
    stored pages that report the same claim (with whether they agree), and for a derived
    figure its formula and every input, recursively, down to their sources.

    example:
      infernomics audit ark-big-ideas-2026/p24/ai-infrastructure-investment-2030
      infernomics audit infernomics-derived/ark-big-ideas-2026/p34/sw-dev-cost-change-pct --format json
    """
    warehouse = warehouse_from(args)
    with warehouse.reader() as con:
        if problem := last_refresh_problem(con, warehouse.path):
            print(f"note: {problem}", file=sys.stderr)
        try:
            chain = audit_chain(con, args.figure_id)
        except FigureNotFound as err:
            raise UserError(str(err)) from None
    if args.format == "json":
        print(json.dumps(chain, default=str, ensure_ascii=False, indent=1))
    else:
        _print(chain, indent="")
    return 0


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
    line("integrity", node.get("snapshot_integrity"))
    line("formula", f"{node['formula']}: {node['formula_doc']}" if node.get("formula") else None)
    line("source", f"{node['source_title']} ({node['publisher']}) [{node['source_class']}, {node['source_kind']}]")
    line(
        "quotes", f"{node['cites_source_id']} (this page cites that original)" if node.get("cites_source_id") else None
    )
    line("url", node["url"])
    line("published", node["date_published"])
    line("page", node["page"])
    line("locator", node["locator"])
    line("quote", f'"{node["quote"]}"' if node["quote"] else None)
    line("snapshot", node["snapshot_sha256"])
    line("notes", node["notes"])
    line("ingest run", f"{node['ingest_run_id']} at {node['ingested_at']} (code {node['code_version']})")
    for c in node.get("cited_in", []):
        print(f"{indent}  cited in     {c['title']} ({c['publisher']}) [{c['source_class']}] at {c['locator']}")
        print(
            f'{indent}               "{c["quote"]}" -> quote {c["verification"]} against snapshot {c["snapshot_sha256"] or "(none)"}'
        )
    for status in node.get("status", []):
        print(f"{indent}  {status['kind'] + ':':<13} {status['text']}")
    _print_also_reported_by(node, indent)
    for f in node.get("flags", []):
        other = (
            f" (vs {f['other_figure_id']})" if f["other_figure_id"] and f["other_figure_id"] not in f["detail"] else ""
        )
        print(f"{indent}  flag         {f['flag']}: {f['detail']}{other}")
    for child in node.get("inputs", []):
        _print(child, indent + "    ")
    if node.get("inputs_truncated"):
        print(f"{indent}    (inputs not expanded: cycle or depth limit)")


def _print_also_reported_by(node: dict, indent: str) -> None:
    others = node.get("also_reported_by", [])
    if not others:
        return
    pad = indent + " " * 17
    print(f"{indent}  also reported by ({len(others)}):")
    for o in others:
        verdict = (
            "agrees" if o["agreement"]["agrees"] else f"DIFFERS ({o['agreement']['detail'].removeprefix('differs: ')})"
        )
        print(f"{indent}    - {o['source_title']} ({o['publisher']}) [{o['source_class']}], {o['relation']}: {verdict}")
        print(f"{pad}{o['figure_id']}: {_value(o)}" + (f", {o['qualifier']}" if o.get("qualifier") else ""))
        when = f"published {o['date_published']}" if o["date_published"] else "date not recorded"
        print(f"{pad}{when}; {o['url'] or 'no URL recorded'}" + (f"; page {o['page']}" if o.get("page") else ""))
        if o["quote"]:
            print(f'{pad}"{o["quote"]}"')
        if o["scope_note"]:
            print(f"{pad}scope: {o['scope_note']}")
        print(f"{pad}link asserted by {o['asserted_by']} ({o['link_locator']})")


def register(subparsers) -> None:
    parser = add_command(subparsers, "audit", audit)
    parser.add_argument("figure_id", help="the figure to trace (see `infernomics figures`)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
