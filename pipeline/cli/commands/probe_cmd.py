"""`infernomics probe`: measure this machine's matmul throughput and memory bandwidth."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.cli.common import UserError, add_command, print_rows, warehouse_from

SCALE = {"FLOP/s": (1e12, "TFLOP/s"), "byte/s": (1e9, "GB/s")}


def probe(args: argparse.Namespace) -> int:
    """Measure this machine's matmul throughput and memory bandwidth against its spec sheet.

    Dense matmul throughput and memory bandwidth are measured here (numpy on CPU; torch on
    CUDA in bf16 and fp32 when torch and a GPU are present, else skipped with the reason),
    store every raw sample as a measured figure with device, versions and timestamp, and
    compare the best sample with the device's spec-sheet peak (bf16 dense TFLOPS, memory
    bandwidth) when the hardware family knows the device (its name maps to a sku, or
    --sku names it); CPUs have no spec row: the fraction is left empty and says so.

    example:
      infernomics probe
      infernomics probe --quick --no-store --format json
      infernomics probe --sku h100-sxm
      infernomics probe --no-store --save gpu.json    # on a GPU box without the warehouse
      infernomics probe --from gpu.json --sku h100-sxm # store that measurement set here
    """
    from analysis.probe import SPEC_FOR_TEST, achieved_fraction, from_json, run_probe, to_json
    from pipeline.steps.probe import store_probe

    if args.from_file:
        try:
            env, results = from_json(json.loads(Path(args.from_file).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise UserError(f"cannot read probe file {args.from_file}: {err}") from None
    else:
        env, results = run_probe(quick=args.quick)
    if args.save:
        Path(args.save).write_text(json.dumps(to_json(env, results), indent=1), encoding="utf-8")
    specs = {}
    stored_source = None
    if not args.no_store:
        stored_source, specs, quarantined = store_probe(warehouse_from(args), env, results, args.sku)
        if quarantined:
            print("warning: some probe figures were quarantined:\n  " + "\n  ".join(quarantined[:5]))
    rows = []
    for r in results:
        scale, unit = SCALE[r.unit]
        spec_metric, spec_scale = SPEC_FOR_TEST.get(r.test, (None, 1))
        spec = specs.get((r.device, spec_metric))
        fraction = achieved_fraction(r, spec[0], spec_scale) if spec else None
        note = (
            f"{spec[2]} {spec_metric} = {spec[0]:g} ({spec[1]})"
            if spec
            else "no spec-sheet peak for CPUs"
            if r.device == "cpu"
            else f"no spec for {r.device_name!r} (pass --sku, a hardware sku key)"
            if spec_metric
            else "no spec attribute for this precision"
        )
        rows.append(
            [r.device, r.device_name, r.test, r.best / scale, r.median / scale, unit, len(r.samples), fraction, note]
        )
    print_rows(
        ["device", "name", "test", "best", "median", "unit", "samples", "fraction_of_peak", "note"], rows, args.format
    )
    if args.format == "table":
        for reason in env.skipped:
            print(f"skipped: {reason}")
        print(f"versions: {json.dumps(env.versions)}; at {env.timestamp.isoformat()}Z on {env.hostname}")
        if stored_source:
            print(f"stored as figures of source {stored_source} (try: infernomics figures --source {stored_source})")
    return 0


def register(subparsers) -> None:
    parser = add_command(subparsers, "probe", probe, tabular=True)
    parser.add_argument("--quick", action="store_true", help="small sizes, 3 samples (seconds, less accurate)")
    parser.add_argument("--no-store", action="store_true", help="measure and print only")
    parser.add_argument("--save", metavar="FILE", help="also write the measurement set as JSON")
    parser.add_argument(
        "--from",
        dest="from_file",
        metavar="FILE",
        help="store a measurement set saved with --save (e.g. on a GPU machine) instead of measuring",
    )
    parser.add_argument("--sku", help="hardware sku key of the GPU (e.g. h100-sxm) when its name does not map")
