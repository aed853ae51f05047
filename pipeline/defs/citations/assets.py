"""Citations: the source registry, cited figures with their citing documents, derived checks."""

import re

import dagster as dg
import polars as pl

from analysis.formulas import all_formulas
from analysis.recomputed_claims import INPUT_IDS, derived_claim_checks
from pipeline.defs import keys
from pipeline.defs.metadata import WRITTEN_BY_STEP, table_metadata
from pipeline.defs.resources import WRITER_POOL, WarehouseResource, ingest_metadata
from pipeline.defs.skip import fingerprinted
from pipeline.defs.step_checks import checked_asset
from pipeline.fingerprint import Bundled, Computed
from sources import citations, registry
from warehouse import query_frame
from warehouse.contracts import CitedFigure
from warehouse.corroboration import LINKS_SOURCE_ID, store_links, store_statements
from warehouse.figures import (
    figure_frame,
    store_citations,
    store_figures,
    store_formulas,
    store_lineage,
    store_snapshots,
    store_sources,
)


def registered_snapshots(ctx) -> dict[str, str]:
    """sha256 of every file a registry record names as its snapshot (what `snapshot` rows describe);
    the names are read off the YAML lines, not parsed: the fingerprint must cost little."""
    paths = [
        m.strip().strip("'\"")
        for path in registry.registry_files()
        for m in re.findall(r"^\s*-?\s*snapshot_path:\s*([^#\n]+)", path.read_text(encoding="utf-8"), re.M)
    ]
    paths = [p for p in paths if p and p not in ("null", "~")]
    out: dict[str, str] = {}
    for rel in sorted(set(paths)):
        out |= Bundled(rel).read(ctx)
    return out


REGISTRY_INPUTS = (Bundled("registry", "snapshots"), Computed("registered snapshots", registered_snapshots))


@checked_asset(key=keys.SOURCE, group_name="citations", pool=WRITER_POOL, kinds={"duckdb"})
@fingerprinted(*REGISTRY_INPUTS)
def source_registry(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every source record in sources/registry/*.yaml, and the snapshots they name."""
    frame = registry.load_registry()
    with warehouse.ingest(context, source_id="infernomics-registry") as (con, run):
        store_sources(con, run, frame)
        store_snapshots(con, run, registry.snapshot_records(frame))
        table = table_metadata(con, "source")
    return dg.MaterializeResult(metadata=ingest_metadata(run, sources=frame.height) | table)


@checked_asset(
    key=keys.CITED_FIGURE,
    deps=[keys.SOURCE],
    group_name="citations",
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
@fingerprinted(Bundled("data/citations/figures", "data/citations/cited_in", "data/citations/statements"))
def cited_figures(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Figures typed in from documents, plus the documents that cite them (quotes checked
    against the citing document's stored snapshot)."""
    figures, cited_in = citations.load_all()
    texts = registry.snapshot_texts(registry.load_registry())
    with warehouse.ingest(context) as (con, run):
        store_figures(con, run, figures, contract=CitedFigure)
        store_citations(con, run, citations.verify_quotes(cited_in, texts))
        store_statements(con, run, citations.verify_quotes(citations.load_statements(), texts))
        table = table_metadata(con, "figure", where=WRITTEN_BY_STEP, params=[run.step])
    return dg.MaterializeResult(metadata=ingest_metadata(run) | table)


@checked_asset(
    key=keys.FIGURE_LINK,
    deps=[keys.CITED_FIGURE],
    group_name="citations",
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
@fingerprinted(Bundled("data/citations/links"))
def corroboration_links(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Links from a figure to the stored figures that report the same claim (asserted in
    sources/data/citations/links/), each with its agreement check; disagreements as flags."""
    links, flags = citations.load_links()
    with warehouse.ingest(context, source_id=LINKS_SOURCE_ID) as (con, run):
        link_result, flag_result = store_links(con, run, links, flags)
        disagreeing = con.execute(
            "SELECT figure_id, other_figure_id, check_detail FROM figure_link WHERE NOT agrees ORDER BY ALL"
        ).fetchall()
        table = table_metadata(con, "figure_link")
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run,
            links=link_result.accepted,
            flags=flag_result.accepted,
            disagreements=dg.MetadataValue.md("\n".join(f"- {a} vs {b}: {d}" for a, b, d in disagreeing) or "none"),
        )
        | table
    )


@checked_asset(
    key=keys.RECOMPUTED_CLAIMS,
    deps=[keys.CITED_FIGURE],
    group_name="citations",
    pool=WRITER_POOL,
    kinds={"duckdb"},
)
@fingerprinted()
def recomputed_claims(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Recomputations of stated changes from their endpoints (ARK p34: $3.50 -> $0.32 = -90.9%)."""
    with warehouse.ingest(context) as (con, run):
        store_formulas(con, all_formulas())
        stored = query_frame(con, "SELECT * FROM figure WHERE list_contains(?, figure_id)", [list(INPUT_IDS)])
        by_id = {r["figure_id"]: r for r in stored.iter_rows(named=True)}
        figures, lineage = derived_claim_checks(by_id)
        if figures:
            store_figures(con, run, figure_frame(figures))
            store_lineage(con, run, pl.DataFrame(lineage))
        table = table_metadata(con, "figure", where=WRITTEN_BY_STEP, params=[run.step])
    return dg.MaterializeResult(
        metadata=ingest_metadata(
            run, checks=dg.MetadataValue.md("\n".join(f"- {f['figure_id']}: {f['notes']}" for f in figures))
        )
        | table
    )
