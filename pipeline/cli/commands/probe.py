"""`infernomics probe`: measure this machine's matmul throughput and memory bandwidth."""

from __future__ import annotations

import argparse
import json

import polars as pl

from pipeline.cli.common import add_command, print_rows, warehouse_from

SCALE = {"FLOP/s": (1e12, "TFLOP/s"), "byte/s": (1e9, "GB/s")}


def probe(args: argparse.Namespace) -> int:
    """Measure dense matmul throughput and memory bandwidth here (numpy on CPU; torch on
    CUDA in bf16 and fp32 when torch and a GPU are present, else skipped with the reason),
    store every raw sample as a measured figure with device, versions and timestamp, and
    compare the best sample with the device's spec-sheet peak when `gpu_spec_wide` knows
    the device (CPUs have no spec row: the fraction is left empty and says so).

    example:
      infernomics probe
      infernomics probe --quick --no-store --format json
    """
    from analysis.probe import SPEC_FOR_TEST, achieved_fraction, run_probe

    env, results = run_probe(quick=args.quick)
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
        note = (f"spec {spec_metric} = {spec[0]:g} ({spec[1]})" if spec else
                "no spec-sheet peak for CPUs" if r.device == "cpu" else
                f"device {r.device_name!r} not found in gpu_spec_wide" if spec_metric else "no spec metric")
        rows.append([r.device, r.device_name, r.test, r.best / scale, r.median / scale, unit, len(r.samples),
                     fraction, note])
    print_rows(["device", "name", "test", "best", "median", "unit", "samples", "fraction_of_peak", "note"],
               rows, args.format)
    if args.format == "table":
        for reason in env.skipped:
            print(f"skipped: {reason}")
        print(f"versions: {json.dumps(env.versions)}; at {env.timestamp.isoformat()}Z on {env.hostname}")
        if stored_source:
            print(f"stored as figures of source {stored_source} (try: infernomics figures --source {stored_source})")
    return 0


def _spec_lookup(con, results) -> dict:
    """(device, spec metric) -> (value, figure id or source) from gpu_spec_wide, if present."""
    from analysis.probe import SPEC_FOR_TEST

    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "gpu_spec_wide" not in names:
        return {}
    cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'gpu_spec_wide'").fetchall()]
    key = next((c for c in ("gpu_sku", "sku", "gpu", "name", "model") if c in cols), None)
    out = {}
    for r in results:
        if r.device == "cpu" or key is None:
            continue
        metric = SPEC_FOR_TEST.get(r.test, (None,))[0]
        if metric not in cols:
            continue
        found = con.execute(f'SELECT "{metric}", "{key}" FROM gpu_spec_wide WHERE ? ILIKE \'%\' || "{key}" || \'%\' '
                            f'OR "{key}" ILIKE \'%\' || ? || \'%\' ORDER BY length("{key}") DESC LIMIT 1',
                            [r.device_name, r.device_name.replace("NVIDIA ", "")]).fetchall()
        if found and found[0][0] is not None:
            out[(r.device, metric)] = (float(found[0][0]), f"gpu_spec_wide.{key} = {found[0][1]}")
    return out


def _store(args, env, results) -> tuple[str, dict]:
    from analysis.formulas import get
    from warehouse.figures import figure_frame, store_figures, store_formulas, store_lineage, store_sources

    stamp = env.timestamp.strftime("%Y%m%dT%H%M%S")
    sid = f"probe-{env.hostname or 'host'}-{stamp}".replace(" ", "-")
    wh = warehouse_from(args)
    with wh.ingest("cli/probe", source_id=sid) as (con, run):
        store_sources(con, run, pl.DataFrame([{
            "source_id": sid, "kind": "measurement", "title": f"infernomics probe on {env.hostname} at {stamp}Z",
            "publisher": "infernomics probe (local measurement)", "author": None,
            "citation_full": f"Local hardware probe: CPU {env.cpu} ({env.cpu_count} cores)"
                             + (f", GPU {env.gpu['name']}" if env.gpu else "") + f"; versions {json.dumps(env.versions)}",
            "url": None, "date_published": env.timestamp.date(), "date_accessed": env.timestamp.date(),
            "license": None, "source_class": "primary", "cites_source_id": None, "snapshot_path": None,
            "snapshot_sha256": None, "notes": "; ".join(env.skipped) or None,
        }]).with_columns(pl.col("date_published").cast(pl.Date), pl.col("date_accessed").cast(pl.Date),
                         pl.exclude("date_published", "date_accessed").cast(pl.String)))
        figures, lineage = [], []
        formula = get("probe_best_sample")
        store_formulas(con, [formula])
        for r in results:
            base = f"{sid}/{r.device}/{r.test}"
            qualifier = json.dumps(r.params | {"device_name": r.device_name}, sort_keys=True)
            for i, value in enumerate(r.samples):
                figures.append({"figure_id": f"{base}/sample-{i + 1}", "source_id": sid,
                                "metric": f"probe.{r.test}", "entity_kind": "device", "entity": r.device_name,
                                "value": value, "unit": r.unit, "bound": "=", "as_of": env.timestamp.date(),
                                "locator": f"{r.device} sample {i + 1} of {len(r.samples)}", "qualifier": qualifier,
                                "kind": "measured", "verification": "verified",
                                "notes": f"measured at {env.timestamp.isoformat()}Z"})
                lineage.append({"figure_id": f"{base}/best", "input_figure_id": f"{base}/sample-{i + 1}",
                                "role": "samples"})
            figures.append({"figure_id": f"{base}/best", "source_id": sid, "metric": f"probe.{r.test}.best",
                            "entity_kind": "device", "entity": r.device_name, "value": r.best, "unit": r.unit,
                            "bound": "=", "as_of": env.timestamp.date(), "locator": r.device, "qualifier": qualifier,
                            "kind": "derived", "verification": "verified", "formula": formula.key,
                            "notes": f"median {r.median:.6g}"})
        store_figures(con, run, figure_frame(figures))
        store_lineage(con, run, pl.DataFrame(lineage))
        specs = _spec_lookup(con, results)
    if run.rows_quarantined:
        print("warning: some probe figures were quarantined:\n  " + "\n  ".join(run.messages[:5]))
    return sid, specs


def register(subparsers) -> None:
    parser = add_command(subparsers, "probe", probe, tabular=True)
    parser.add_argument("--quick", action="store_true", help="small sizes, 3 samples (seconds, less accurate)")
    parser.add_argument("--no-store", action="store_true", help="measure and print only")
