"""Store corroboration links, their agreement checks and the flags they raise.

Decisions:
- A link names two stored figures; the check (`analysis.corroboration.check_agreement`)
  runs here, on the figures as stored, so what the warehouse says about agreement is
  always about the numbers it holds. The link file only *declares* what the check finds
  (`agrees` or `differs: bound`); a declaration the check refutes is refused into
  quarantine (rule `declared_agreement_holds`), so a reviewer's claim of agreement can
  never outlive a change to either figure.
- Refused rows, each with file:row and rule: a figure that is not stored
  (`link_figures_exist`), a figure linked to itself (`link_not_self`), the same pair twice
  in either direction (`link_unique`), an unknown relation (`relation_known`), an
  unreadable declaration (`declared_is_readable`).
- Every named difference becomes a flag on both figures (`disagrees_<dimension>`, naming
  the other figure), and a link's `scope_note` a `scope_differs` flag: disagreements are
  stored where a reader of either figure meets them, never reconciled.
- Links and flags are rewritten whole on each run (the files are the truth), so a link
  removed from the file leaves the warehouse too.
"""

from __future__ import annotations

import duckdb
import polars as pl

from analysis.corroboration import RELATIONS, check_agreement, parse_declared
from warehouse import query_frame
from warehouse.contracts import FIGURE_FLAGS, CitedStatement, FigureFlag, FigureLink
from warehouse.store import IngestRun, StoreResult, store

LINKS_SOURCE_ID = "infernomics-corroboration"


def check_links(links: pl.DataFrame, figures_by_id: dict[str, dict]) -> pl.DataFrame:
    """The link rows with `agrees`, `differences`, `check_detail` and the rules each row breaks."""
    out, seen = [], {}
    for row in links.iter_rows(named=True):
        errors = list(row.get("_errors") or [])
        a, b = row["figure_id"], row["other_figure_id"]
        missing = [f for f in (a, b) if f and f not in figures_by_id]
        if missing:
            errors.append(f"link_figures_exist: {', '.join(missing)} is not a stored figure")
        if a and a == b:
            errors.append(f"link_not_self: {a} is linked to itself")
        pair = frozenset((a, b))
        if a and b and pair in seen:
            errors.append(f"link_unique: {a} <-> {b} is already linked at {seen[pair]}")
        seen.setdefault(pair, row["_locator"])
        if row["relation"] and row["relation"] not in RELATIONS:
            errors.append(f"relation_known: {row['relation']!r} is not one of {', '.join(RELATIONS)}")
        declared, why = parse_declared(row["declared"])
        if declared is None and row["declared"]:
            errors.append(f"declared_is_readable: {why}")
        differences, detail = [], ""
        if a in figures_by_id and b in figures_by_id and a != b:
            result = check_agreement(figures_by_id[a], figures_by_id[b])
            differences, detail = list(result.differences), result.summary()
            if declared is not None and declared != set(differences):
                said = "agreement" if not declared else "differences in " + ", ".join(sorted(declared))
                # (store() keeps a reason only up to its next ": ", so the finding is written without one)
                found = "agreement" if result.agrees else "; ".join(d.replace(": ", " ", 1) for d in result.details)
                errors.append(f"declared_agreement_holds: the file declares {said}, the check finds {found}")
        out.append(
            row
            | {
                "agrees": not differences,
                "differences": differences,
                "check_detail": detail or "not checked",
                "source_id": LINKS_SOURCE_ID,
                "locator": row["_locator"],
                "_errors": errors,
            }
        )
    schema = dict(links.schema) | {
        "agrees": pl.Boolean,
        "differences": pl.List(pl.String),
        "check_detail": pl.String,
        "source_id": pl.String,
        "locator": pl.String,
        "_errors": pl.List(pl.String),
    }
    return pl.DataFrame(out, schema=schema, orient="row")


def flags_from_links(links: list[dict]) -> list[dict]:
    """Flags on both figures of each stored link: one per named difference, one for a scope note."""
    flags = []
    for link in links:
        details = link["check_detail"].removeprefix("differs: ").split("; ") if link["differences"] else []
        by_dim = {d.split(": ", 1)[0]: d for d in details}
        ends = ((link["figure_id"], link["other_figure_id"]), (link["other_figure_id"], link["figure_id"]))
        for mine, other in ends:
            common = {
                "figure_id": mine,
                "other_figure_id": other,
                "source_id": LINKS_SOURCE_ID,
                "locator": link["locator"],
            }
            for dim in link["differences"]:
                flags.append(
                    common
                    | {
                        "flag": f"disagrees_{dim}",
                        "detail": f"{by_dim.get(dim, dim)} ({link['figure_id']} vs {link['other_figure_id']})",
                    }
                )
            if link["scope_note"]:
                flags.append(common | {"flag": "scope_differs", "detail": link["scope_note"]})
    return flags


def store_links(
    con: duckdb.DuckDBPyConnection, run: IngestRun, links: pl.DataFrame, asserted_flags: pl.DataFrame
) -> tuple[StoreResult, StoreResult]:
    """Check and store the links, then every flag (from the stored links and asserted)."""
    ids = list(
        set(links["figure_id"].drop_nulls())
        | set(links["other_figure_id"].drop_nulls())
        | set(asserted_flags["figure_id"].drop_nulls())
    )
    stored = query_frame(con, "SELECT * FROM figure WHERE list_contains(?, figure_id)", [ids])
    by_id = {r["figure_id"]: r for r in stored.iter_rows(named=True)}
    checked = check_links(links, by_id)
    con.execute("DELETE FROM figure_link")
    con.execute("DELETE FROM figure_flag")
    link_result = store(
        con,
        run,
        "figure_link",
        checked.with_columns(pl.lit(run.run_id).alias("ingest_run_id")),
        FigureLink,
        key=["figure_id", "other_figure_id"],
    )
    kept = query_frame(con, "SELECT * FROM figure_link").to_dicts()
    flags = pl.DataFrame(
        flags_from_links(kept),
        schema={
            "figure_id": pl.String,
            "flag": pl.String,
            "other_figure_id": pl.String,
            "detail": pl.String,
            "source_id": pl.String,
            "locator": pl.String,
        },
        orient="row",
    ).with_columns(pl.col("locator").alias("_locator"), pl.lit([], pl.List(pl.String)).alias("_errors"))
    asserted = asserted_flags.select(
        "figure_id",
        "flag",
        pl.lit("").alias("other_figure_id"),
        "detail",
        pl.lit(LINKS_SOURCE_ID).alias("source_id"),
        pl.col("_locator").alias("locator"),
        "_locator",
        pl.struct("figure_id", "flag", "_errors")
        .map_elements(
            lambda r: (
                list(r["_errors"] or [])
                + (
                    [f"flag_figure_exists: {r['figure_id']} is not a stored figure"]
                    if r["figure_id"] not in by_id
                    else []
                )
                + (
                    [f"flag_known: {r['flag']!r} is not one of {', '.join(FIGURE_FLAGS)}"]
                    if r["flag"] not in FIGURE_FLAGS
                    else []
                )
            ),
            return_dtype=pl.List(pl.String),
        )
        .alias("_errors"),
    )
    all_flags = pl.concat([flags, asserted], how="vertical_relaxed").with_columns(
        pl.lit(run.run_id).alias("ingest_run_id")
    )
    flag_result = store(con, run, "figure_flag", all_flags, FigureFlag, key=["figure_id", "flag", "other_figure_id"])
    return link_result, flag_result


def store_statements(con: duckdb.DuckDBPyConnection, run: IngestRun, statements: pl.DataFrame) -> StoreResult:
    """Cited statements (quotes already checked); the cited work must be a registered source."""
    known = {r[0] for r in con.execute("SELECT source_id FROM source").fetchall()}
    statements = statements.with_columns(
        pl.lit(run.run_id).alias("ingest_run_id"),
        pl.struct("cited_source_id", "_errors")
        .map_elements(
            lambda r: (
                list(r["_errors"] or [])
                + (
                    []
                    if r["cited_source_id"] in known
                    else [f"cited_source_registered: {r['cited_source_id']!r} is not in the source registry"]
                )
            ),
            return_dtype=pl.List(pl.String),
        )
        .alias("_errors"),
    )
    return store(con, run, "cited_statement", statements, CitedStatement, key=["statement_id", "cited_source_id"])
