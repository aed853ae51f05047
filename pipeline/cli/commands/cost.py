"""`infernomics cost`: dollars per million tokens for a GPU deployment, with lineage."""

from __future__ import annotations

import argparse
import hashlib
import sys

import polars as pl

from analysis import cost as cost_model
from analysis.formulas import DERIVED_SOURCE_ID, all_formulas, derive
from infernomics._cost import PROVENANCE, assumption, end_of, scenario
from pipeline.cli.common import UserError, add_command, print_rows, warehouse_from
from warehouse import query_frame
from warehouse.figures import figure_frame, store_figures, store_formulas, store_lineage
from warehouse.vocabulary import RENTAL_KINDS


def cost(args: argparse.Namespace) -> int:
    """Cost per million tokens = gpus * USD per GPU-hour / (tokens/s * 3600) * 1e6, from a stored
    rental price and a throughput you give (or a stored throughput figure), with every input's source.

    The price is the lower median of the latest prices for the GPU and pricing kind dated on or
    before --price-date (a YYYY-MM means the end of that month), of every provider or of those
    whose name contains --provider (it says which matched); pin one with --price-figure, or
    bring your own with --price USD_PER_GPU_HOUR (stored as an assumption figure with --store).
    The throughput is the whole deployment's tokens/s: output tokens (--basis output, default)
    or input + output tokens (--basis total). Numbers you type are recorded as figures of kind
    `assumption`; with --store the result is saved as a derived figure that `audit` walks down
    to the rental price's page and the throughput's source. --floor-params-b adds the
    memory-bandwidth floor for decode on the same GPU and price (see docs/hardware.md).

    The chapter's framework instead of a GPU scenario: --framework human_equivalent_ratio |
    cost_ratio | optimisation_roi with one --input ROLE=VALUE[:UNIT] (an assumption) or
    ROLE=figure:ID (a stored figure, e.g. a $/Mtok result) per input.

    example:
      infernomics cost --gpu h100-sxm --price-date 2025-06 --tokens-per-s 2400 --gpus 8
      infernomics cost --gpu h100-sxm --price-date 2025-06 --tokens-per-s 2400 --gpus 8 --store
      infernomics cost --gpu h100-sxm --price-date 2025-06 --provider lambda --tokens-per-s 2400 --gpus 8
      infernomics cost --gpu h100-sxm --price 2.99 --tokens-per-s 2400 --gpus 8 --store
      infernomics cost --gpu a100-sxm-80gb --price-date 2024-12 --pricing-kind commit_1y \\
          --tokens-per-s 900 --gpus 4 --floor-params-b 70 --floor-batch 32 --context-tokens 2048
      infernomics cost --framework optimisation_roi --input cost_before=120000:USD \\
          --input cost_after=48000:USD --input investment=30000:USD --store
    """
    if args.framework:
        return _framework(args)
    if not args.gpu:
        raise UserError("--gpu is required (or use --framework)")
    if args.price is None and not args.price_date:
        raise UserError("--price-date is required to choose a stored price (or bring one: --price USD_PER_GPU_HOUR)")
    with warehouse_from(args).reader() as con:
        s = scenario(
            con,
            args.gpu,
            gpus=args.gpus,
            tokens_per_s=args.tokens_per_s,
            throughput_figure=args.throughput_figure,
            price_date=args.price_date,
            price_usd_per_gpu_hour=args.price,
            price_figure=args.price_figure,
            pricing_kind=args.pricing_kind,
            provider=args.provider,
            basis=args.basis,
            tag_extra=(
                args.floor_params_b,
                args.weight_bytes,
                args.floor_batch,
                args.context_tokens,
                args.kv_bytes_per_token,
            ),
        )
        bandwidth = _bandwidth(con, s.sku) if args.floor_params_b else None
    if s.providers_matched:
        print(f"--provider {args.provider!r} matched: {', '.join(s.providers_matched)}", file=sys.stderr)
    if s.price.get("after_price_date"):
        print(
            f"warning: --price-figure {args.price_figure} is dated {s.price['as_of']}, after --price-date "
            f"{end_of(args.price_date)}",
            file=sys.stderr,
        )
    results = [(s.figure, s.lineage)]
    assumptions = list(s.assumptions)
    if bandwidth is not None:
        results.append(_floor(s.tag, s.sku, args, s.price, bandwidth, assumptions))
    _print(args, s, results, bandwidth)
    if args.store:
        _store(args, assumptions, results)
    return 0


def _bandwidth(con, sku: str) -> dict:
    rows = query_frame(
        con, "SELECT figure_id FROM gpu_spec_preferred WHERE sku = ? AND attribute = 'mem_bandwidth_tbps'", [sku]
    )
    if rows.is_empty():
        raise UserError(f"no memory bandwidth stored for {sku}; the decode floor needs one")
    return query_frame(con, PROVENANCE, [rows.item(0, 0)]).row(0, named=True)


def _floor(tag, sku, args, price, bandwidth, assumptions) -> tuple[dict, list[dict]]:
    values = {
        "params_b": (
            args.floor_params_b,
            "B params",
            "model parameters read per decode step, billions",
            "--floor-params-b",
        ),
        "weight_bytes_per_param": (
            args.weight_bytes,
            "bytes",
            "bytes per weight (2 = BF16, 1 = FP8)",
            "--weight-bytes",
        ),
        "batch": (args.floor_batch, "sequences", "decode batch size", "--floor-batch"),
        "context_tokens": (args.context_tokens, "tokens", "context per sequence", "--context-tokens"),
        "kv_bytes_per_token": (args.kv_bytes_per_token, "bytes", "KV-cache bytes per token", "--kv-bytes-per-token"),
    }
    inputs = {"usd_per_gpu_hour": price, "mem_bandwidth_tbps": bandwidth}
    for role, (value, unit, what, flag) in values.items():
        fig = assumption(
            tag, role, value, unit, sku, what, allow_zero=role in ("context_tokens", "kv_bytes_per_token"), flag=flag
        )
        assumptions.append(fig)
        inputs[role] = fig
    return derive(
        f"{DERIVED_SOURCE_ID}/cost/{sku}/decode-floor/{tag}",
        cost_model.decode_floor_usd_per_mtok,
        inputs,
        metric="decode_floor_usd_per_mtok",
        entity_kind="gpu_deployment",
        entity=sku,
        unit="USD/Mtok",
        as_of=price["as_of"],
        notes="lower bound: memory-bound decode at full datasheet bandwidth",
    )


def _source(fig: dict) -> str:
    where = fig.get("locator") or fig.get("url") or ""
    return " ".join(x for x in (fig.get("source_id"), f"[{fig.get('kind')}]", where) if x)


def _print(args, s, results, bandwidth) -> None:
    results_rows = [(f["metric"], f["value"], f["unit"], f["formula"], f["figure_id"]) for f, _ in results]
    inputs = [("usd_per_gpu_hour", s.price), (f"{args.basis}_tokens_per_s", s.throughput), ("gpus", s.gpus)]
    if bandwidth is not None:
        inputs.append(("mem_bandwidth_tbps", bandwidth))
    input_rows = [
        (role, fig["value"], fig["unit"], fig.get("as_of"), _source(fig), fig["figure_id"]) for role, fig in inputs
    ]
    if args.format != "table":
        columns = ["part", "name", "value", "unit", "formula_or_date", "source", "figure_id"]
        rows = [("result", m, v, u, f, "infernomics-derived [derived]", i) for m, v, u, f, i in results_rows]
        rows += [("input", *row) for row in input_rows]
        print_rows(columns, rows, args.format)
        return
    print_rows(["result", "value", "unit", "formula", "figure_id"], results_rows, "table")
    print(f"\ninputs ({s.sku}, {args.basis} tokens; price: {s.price_choice})")
    print_rows(["input", "value", "unit", "date", "source", "figure_id"], input_rows, "table")
    if not args.store:
        print("(not stored; add --store to save the result and its inputs as figures)")


def _framework(args) -> int:
    inputs: dict = {}
    with warehouse_from(args).reader() as con:
        for item in args.input or []:
            role, sep, given = item.partition("=")
            if not sep:
                raise UserError(f"--input {item!r} is not ROLE=VALUE[:UNIT] or ROLE=figure:ID")
            if given.startswith("figure:"):
                rows = query_frame(con, PROVENANCE, [given[len("figure:") :]])
                if rows.is_empty():
                    raise UserError(f"--input {role}: no figure with id {given[len('figure:') :]!r}")
                inputs[role] = rows.row(0, named=True)
            else:
                number, _, unit = given.partition(":")
                try:
                    inputs[role] = (float(number), unit or None)
                except ValueError:
                    raise UserError(f"--input {role}: {number!r} is not a number") from None
    tag = hashlib.sha256(
        repr(sorted((k, str(v.get("figure_id")) if isinstance(v, dict) else v) for k, v in inputs.items())).encode()
    ).hexdigest()[:12]
    try:
        created, figure, lineage = cost_model.derive_framework(args.framework, inputs, tag=tag)
    except ValueError as err:
        raise UserError(str(err)) from None
    rows = [
        (
            "result",
            figure["metric"],
            figure["value"],
            figure["unit"],
            figure["formula"],
            "infernomics-derived [derived]",
            figure["figure_id"],
        )
    ]
    by_role = {r["role"]: r["input_figure_id"] for r in lineage}
    fig_by_id = {f["figure_id"]: f for f in [*created, *(v for v in inputs.values() if isinstance(v, dict))]}
    rows += [
        ("input", role, fig_by_id[fid]["value"], fig_by_id[fid]["unit"], None, _source(fig_by_id[fid]), fid)
        for role, fid in sorted(by_role.items())
    ]
    print_rows(["part", "name", "value", "unit", "formula", "source", "figure_id"], rows, args.format)
    if args.store:
        _store(args, created, [(figure, lineage)])
    return 0


def _store(args, assumptions: list[dict], results) -> None:
    with warehouse_from(args).ingest("cli/cost") as (con, run):
        store_formulas(con, all_formulas())
        store_figures(con, run, figure_frame(assumptions + [f for f, _ in results]))
        store_lineage(con, run, pl.DataFrame([row for _, lineage in results for row in lineage]))
    if run.rows_quarantined:
        raise UserError("some figures were quarantined: " + "; ".join(run.messages[:3]))
    for figure, _ in results:
        print(f"stored {figure['figure_id']}; trace it with: infernomics audit {figure['figure_id']}")


def register(subparsers) -> None:
    parser = add_command(subparsers, "cost", cost, tabular=True)
    parser.add_argument("--gpu", help="GPU sku, e.g. h100-sxm, h200-sxm, a100-sxm-80gb, b200, mi300x")
    parser.add_argument("--price-date", help="YYYY-MM (end of month) or YYYY-MM-DD: latest price on or before")
    parser.add_argument("--pricing-kind", default="on_demand", choices=RENTAL_KINDS, help="default: on_demand")
    parser.add_argument(
        "--provider",
        default=None,
        help="only providers whose name contains this (case-insensitive: lambda finds Lambda Labs)",
    )
    parser.add_argument(
        "--price",
        type=float,
        default=None,
        metavar="USD_PER_GPU_HOUR",
        help="your own rental price instead of a stored one (recorded as an assumption figure)",
    )
    parser.add_argument("--price-figure", default=None, help="use this gpu_rental_price figure id instead of choosing")
    parser.add_argument(
        "--tokens-per-s", type=float, default=None, help="throughput of the whole deployment (assumption)"
    )
    parser.add_argument("--throughput-figure", default=None, help="a stored throughput figure (unit tokens/s) instead")
    parser.add_argument(
        "--basis",
        choices=cost_model.BASES,
        default="output",
        help="which tokens the throughput counts: output (default) or total (input + output)",
    )
    parser.add_argument("--gpus", type=float, default=1.0, help="GPUs in the deployment (default 1)")
    parser.add_argument(
        "--floor-params-b",
        type=float,
        default=None,
        help="also compute the decode floor for a model this size (billions)",
    )
    parser.add_argument(
        "--weight-bytes", type=float, default=2.0, help="bytes per weight for the floor (default 2 = BF16)"
    )
    parser.add_argument("--floor-batch", type=float, default=1.0, help="decode batch for the floor (default 1)")
    parser.add_argument(
        "--context-tokens", type=float, default=0.0, help="context per sequence for the floor (default 0)"
    )
    parser.add_argument("--kv-bytes-per-token", type=float, default=0.0, help="KV-cache bytes per token (default 0)")
    parser.add_argument(
        "--framework",
        choices=sorted(cost_model.FRAMEWORK),
        default=None,
        help="compute a framework ratio from --input values instead of a GPU scenario",
    )
    parser.add_argument(
        "--input",
        action="append",
        metavar="ROLE=VALUE[:UNIT]|ROLE=figure:ID",
        help="an input of --framework (repeat per role)",
    )
    parser.add_argument("--store", action="store_true", help="save the result, its assumptions and lineage")
