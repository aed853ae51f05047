"""`infernomics probe`: measure this machine's matmul throughput and memory bandwidth."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polars as pl

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
        stored_source, specs = _store(args, env, results)
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


def device_sku(name: str, explicit: str | None) -> str | None:
    """The hardware sku key of a device: --sku, else the hardware family's name mapping."""
    if explicit:
        return explicit
    try:
        from sources.hardware.sku import to_sku
    except ImportError:  # the hardware family is not installed: only --sku can name the part
        return None
    return to_sku(name)


def _spec_lookup(con, results, explicit_sku: str | None) -> dict:
    """(device, attribute) -> (value, figure_id, sku) from the hardware family's preferred
    spec figures (`gpu_spec_preferred`), when that view exists and knows the device."""
    from analysis.probe import SPEC_FOR_TEST

    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "gpu_spec_preferred" not in names:
        return {}
    out = {}
    for r in results:
        attribute = SPEC_FOR_TEST.get(r.test, (None,))[0]
        sku = device_sku(r.device_name, explicit_sku) if r.device != "cpu" else None
        if attribute is None or sku is None:
            continue
        found = con.execute(
            "SELECT value, figure_id FROM gpu_spec_preferred WHERE sku = ? AND attribute = ?", [sku, attribute]
        ).fetchall()
        if found and found[0][0]:
            out[(r.device, attribute)] = (float(found[0][0]), found[0][1], sku)
    return out


def _store(args, env, results) -> tuple[str, dict]:
    from analysis.formulas import all_formulas
    from analysis.formulas.benchmarks import probe_best_sample, probe_fraction_of_peak
    from analysis.probe import SPEC_FOR_TEST
    from warehouse.figures import figure_frame, store_figures, store_formulas, store_lineage, store_sources

    stamp = env.timestamp.strftime("%Y%m%dT%H%M%S")
    sid = f"probe-{env.hostname or 'host'}-{stamp}".replace(" ", "-")
    wh = warehouse_from(args)
    with wh.ingest("cli/probe", source_id=sid) as (con, run):
        store_sources(
            con,
            run,
            pl.DataFrame(
                [
                    {
                        "source_id": sid,
                        "kind": "measurement",
                        "title": f"infernomics probe on {env.hostname} at {stamp}Z",
                        "publisher": "infernomics probe (local measurement)",
                        "author": None,
                        "citation_full": f"Local hardware probe: CPU {env.cpu} ({env.cpu_count} cores)"
                        + (f", GPU {env.gpu['name']}" if env.gpu else "")
                        + f"; versions {json.dumps(env.versions)}",
                        "url": None,
                        "date_published": env.timestamp.date(),
                        "date_accessed": env.timestamp.date(),
                        "license": None,
                        "source_class": "primary",
                        "cites_source_id": None,
                        "snapshot_path": None,
                        "snapshot_sha256": None,
                        "notes": "; ".join(env.skipped) or None,
                    }
                ]
            ).with_columns(
                pl.col("date_published").cast(pl.Date),
                pl.col("date_accessed").cast(pl.Date),
                pl.exclude("date_published", "date_accessed").cast(pl.String),
            ),
        )
        figures, lineage = [], []
        store_formulas(con, all_formulas())
        for r in results:
            base = f"{sid}/{r.device}/{r.test}"
            qualifier = json.dumps(r.params | {"device_name": r.device_name}, sort_keys=True)
            for i, value in enumerate(r.samples):
                figures.append(
                    {
                        "figure_id": f"{base}/sample-{i + 1}",
                        "source_id": sid,
                        "metric": f"probe.{r.test}",
                        "entity_kind": "device",
                        "entity": r.device_name,
                        "value": value,
                        "unit": r.unit,
                        "bound": "=",
                        "as_of": env.timestamp.date(),
                        "locator": f"{r.device} sample {i + 1} of {len(r.samples)}",
                        "qualifier": qualifier,
                        "kind": "measured",
                        "verification": "verified",
                        "notes": f"measured at {env.timestamp.isoformat()}Z",
                    }
                )
                lineage.append(
                    {"figure_id": f"{base}/best", "input_figure_id": f"{base}/sample-{i + 1}", "role": "samples"}
                )
            figures.append(
                {
                    "figure_id": f"{base}/best",
                    "source_id": sid,
                    "metric": f"probe.{r.test}.best",
                    "entity_kind": "device",
                    "entity": r.device_name,
                    "value": probe_best_sample(r.samples),
                    "unit": r.unit,
                    "bound": "=",
                    "as_of": env.timestamp.date(),
                    "locator": r.device,
                    "qualifier": qualifier,
                    "kind": "derived",
                    "verification": "verified",
                    "formula": probe_best_sample.key,
                    "notes": f"median {r.median:.6g}",
                }
            )
        store_figures(con, run, figure_frame(figures))
        store_lineage(con, run, pl.DataFrame(lineage))
        specs = _spec_lookup(con, results, args.sku)
        for r in results:
            attribute = SPEC_FOR_TEST.get(r.test, (None,))[0]
            spec = specs.get((r.device, attribute))
            if spec is None:
                continue
            base = f"{sid}/{r.device}/{r.test}"
            store_figures(
                con,
                run,
                figure_frame(
                    [
                        {
                            "figure_id": f"{base}/fraction-of-peak",
                            "source_id": sid,
                            "metric": f"probe.{r.test}.fraction_of_peak",
                            "entity_kind": "device",
                            "entity": r.device_name,
                            "value": probe_fraction_of_peak(probe_best_sample(r.samples), spec[0]),
                            "unit": "ratio",
                            "bound": "=",
                            "as_of": env.timestamp.date(),
                            "locator": r.device,
                            "qualifier": f"{spec[2]} {attribute}",
                            "kind": "derived",
                            "verification": "verified",
                            "formula": probe_fraction_of_peak.key,
                        }
                    ]
                ),
            )
            store_lineage(
                con,
                run,
                pl.DataFrame(
                    [
                        {
                            "figure_id": f"{base}/fraction-of-peak",
                            "input_figure_id": f"{base}/best",
                            "role": "measured",
                        },
                        {"figure_id": f"{base}/fraction-of-peak", "input_figure_id": spec[1], "role": "spec_peak"},
                    ]
                ),
            )
    if run.rows_quarantined:
        print("warning: some probe figures were quarantined:\n  " + "\n  ".join(run.messages[:5]))
    return sid, specs


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
