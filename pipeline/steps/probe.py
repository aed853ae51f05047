"""Store a probe's measurement set: a source, its raw samples as measured figures, the best
sample per test and, where the hardware family knows the device, its fraction of the spec peak.

No Dagster here: the `probe` command (pipeline/cli/commands/probe_cmd.py) calls it; it opens
its own write window (step `cli/probe`), so a test or another tool can call it the same way.
"""

from __future__ import annotations

import json

import polars as pl

from warehouse import Warehouse


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


def store_probe(wh: Warehouse, env, results, sku: str | None = None) -> tuple[str, dict, list[str]]:
    """(source id, spec peaks by (device, attribute), quarantine messages) of one stored probe."""
    from analysis.formulas import all_formulas
    from analysis.formulas.benchmarks import probe_best_sample, probe_fraction_of_peak
    from analysis.probe import SPEC_FOR_TEST
    from warehouse.figures import figure_frame, store_figures, store_formulas, store_lineage, store_sources
    from warehouse.tables import SOURCE

    stamp = env.timestamp.strftime("%Y%m%dT%H%M%S")
    sid = f"probe-{env.hostname or 'host'}-{stamp}".replace(" ", "-")
    with wh.ingest("cli/probe", source_id=sid) as (con, run):
        store_sources(
            con,
            run,
            SOURCE.frame(
                [
                    {
                        "source_id": sid,
                        "kind": "measurement",
                        "title": f"infernomics probe on {env.hostname} at {stamp}Z",
                        "publisher": "infernomics probe (local measurement)",
                        "citation_full": f"Local hardware probe: CPU {env.cpu} ({env.cpu_count} cores)"
                        + (f", GPU {env.gpu['name']}" if env.gpu else "")
                        + f"; versions {json.dumps(env.versions)}",
                        "date_published": env.timestamp.date(),
                        "date_accessed": env.timestamp.date(),
                        "source_class": "primary",
                        "notes": "; ".join(env.skipped) or None,
                    }
                ]
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
        specs = _spec_lookup(con, results, sku)
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
    return sid, specs, run.messages if run.rows_quarantined else []
