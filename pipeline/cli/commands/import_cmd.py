"""`infernomics import`: benchmark result files into the warehouse."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import FORMATS as OUTPUT_FORMATS
from pipeline.cli.common import Progress, UserError, add_command, print_rows, warehouse_from
from sources.benchmarks import FORMATS

#: New runs get their USD/Mtok figures from the derived asset, not at import (docs/benchmarks.md).
COST_HINT = (
    "new runs stored; their cost per million tokens appears after: "
    "infernomics refresh --select derived/benchmarks/cost_per_mtok --warehouse {warehouse}"
)
CONTEXT_FLAGS = {
    "gpu": "gpu_sku",
    "gpus": "gpus_per_node",
    "nodes": "nodes",
    "engine": "engine",
    "engine_version": "engine_version",
    "model": "model",
    "quantization": "quantization",
    "dataset": "dataset",
    "price": "price_usd_per_gpu_hour",
    "run_date": "run_date",
}


def import_files(args: argparse.Namespace) -> int:
    """Import benchmark results (vLLM, SGLang, llmperf, genai-perf, AIPerf, MLPerf).

    Each file is detected (or read as --format), validated and stored with its sha256,
    source and context; the report says per file: stored, skipped (same sha256 already
    stored; context flags given are then not applied), quarantined (and why) or context (a
    sidecar/script, not a result). Folders are walked. Context the file lacks (GPU, count, engine version, price) comes from a
    sidecar (`--context`, or x.json.context.yaml / context.yaml beside the file) or flags.
    Each file is its own unit: a bad file (corrupt, not the format, a FIFO or device, over
    --max-bytes) is quarantined whole with its reason and the others are still stored.
    Exit status 1 when any file was quarantined. Cost per million tokens of new runs (from
    --gpu/--gpus and the stored rental prices, or --price) is computed by the refresh asset
    derived/benchmarks/cost_per_mtok: run `infernomics refresh --select derived/benchmarks/cost_per_mtok`.

    example:
      infernomics import results/vllm_qps4.json --gpu h100-sxm --gpus 8 --price 2.49
      infernomics import runs/ --context runs/context.yaml
      infernomics import profile_export_aiperf.csv --format aiperf --output json
    """
    from pipeline.steps.benchmarks.ingest import UnreadableFile, expand_paths, import_path, max_bytes_default

    if args.max_bytes is not None and args.max_bytes <= 0:
        raise UserError(f"--max-bytes must be positive, got {args.max_bytes}")
    try:
        max_bytes = args.max_bytes or max_bytes_default()
    except UnreadableFile as err:
        raise UserError(str(err)) from None
    missing = [str(p) for p in args.paths if not Path(p).exists() and not Path(p).is_symlink()]
    if missing:
        raise UserError(f"no such file or folder: {', '.join(missing)}")
    if args.context and not Path(args.context).is_file():
        raise UserError(f"context sidecar not found: {args.context}")
    cli_context = {field: getattr(args, flag) for flag, field in CONTEXT_FLAGS.items()}
    files = expand_paths([Path(p) for p in args.paths])
    if not files:
        raise UserError("no files to import")
    wh = warehouse_from(args)
    outcomes = []
    progress = Progress(len(files), "import")  # on a terminal only: file N of M, elapsed
    with wh.ingest("cli/import") as (con, run):
        for path in files:
            progress.step(str(path))
            outcomes.append(
                import_path(
                    con,
                    wh.parts_dir,
                    run,
                    path,
                    args.format,
                    Path(args.context) if args.context else None,
                    cli_context,
                    max_bytes=max_bytes,
                )
            )
    progress.close()
    given = [f"--{flag.replace('_', '-')}" for flag in CONTEXT_FLAGS if getattr(args, flag) is not None]
    given += ["--context"] if args.context else []
    for o in outcomes:
        if o.status == "skipped" and given:
            o.reason = "; ".join(
                filter(
                    None, [o.reason, f"same sha256 already imported; context flags not applied ({', '.join(given)})"]
                )
            )
    rows = [
        [
            o.path,
            o.status,
            o.format,
            o.source_id,
            o.runs_stored,
            o.runs_quarantined,
            o.request_rows,
            "; ".join(filter(None, [o.reason, *(f"check failed: {c}" for c in o.checks_failed)])),
        ]
        for o in outcomes
    ]
    print_rows(
        ["file", "status", "format", "source_id", "runs", "runs_quarantined", "request_rows", "reason"],
        rows,
        args.output,
    )
    counts = {s: sum(o.status == s for o in outcomes) for s in ("stored", "skipped", "quarantined", "context")}
    if args.output == "table":
        print(", ".join(f"{n} {s}" for s, n in counts.items() if n) + f" (warehouse {wh.path})")
    if sum(o.runs_stored or 0 for o in outcomes if o.status == "stored"):
        print(COST_HINT.format(warehouse=wh.path), file=sys.stdout if args.output == "table" else sys.stderr)
    return 1 if counts["quarantined"] else 0


def register(subparsers) -> None:
    parser = add_command(subparsers, "import", import_files)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="result files or folders")
    parser.add_argument(
        "--format", choices=("auto", *FORMATS), default="auto", help="the tool that wrote the files (default: detect)"
    )
    parser.add_argument("--context", metavar="CTX", help="context sidecar (YAML/JSON) for every file")
    parser.add_argument(
        "--max-bytes",
        type=int,
        dest="max_bytes",
        metavar="N",
        help="refuse result files larger than N bytes (default $INFERNOMICS_IMPORT_MAX_BYTES "
        "or 256 MiB; Parquet request files and vLLM/llmperf per-request JSON of 8 MiB or more "
        "are streamed and not capped)",
    )
    parser.add_argument("--output", choices=OUTPUT_FORMATS, default="table", help="report format (default: table)")
    group = parser.add_argument_group("context flags (win over the sidecar; the file itself wins over both)")
    group.add_argument("--gpu", help="GPU: a hardware sku key (h100-sxm, a100-sxm-40gb) joins specs and prices")
    group.add_argument("--gpus", type=int, help="GPUs per node")
    group.add_argument("--nodes", type=int)
    group.add_argument("--engine")
    group.add_argument("--engine-version", dest="engine_version")
    group.add_argument("--model")
    group.add_argument("--quantization")
    group.add_argument("--dataset")
    group.add_argument("--price", type=float, help="USD per GPU-hour paid for this run")
    group.add_argument("--run-date", dest="run_date", help="YYYY-MM-DD when the file does not say")
