"""Cited figures typed in from documents, and the documents that cite them.

Files (both CSV, UTF-8, one row per figure):
- `sources/data/citations/figures/*.csv`: the figure as its original source states it
  (the columns of the `figure` table, `warehouse.tables.FIGURE`; the files use `figure_id,
  source_id, metric, entity_kind, entity, value, value_low, value_high, unit, bound, as_of,
  period_start, period_end, page, locator, quote, qualifier, kind, verification, notes`). Values are magnitudes; direction lives in the metric
  (`..._decline_pct` = 91), so the contract can reject a negative value as a typo.
- `sources/data/citations/cited_in/*.csv`: a second link, a document that cites the figure
  (`figure_id, source_id, locator, quote`). The chapter cites ARK's pages; ARK's report
  is not stored, so the ARK figure stays `unverified`, while the chapter's own sentence
  is checked against the chapter's stored snapshot (`verified` or `quote_not_found`).

- `sources/data/citations/links/corroboration.csv`: links between stored figures that
  report the same claim (`figure_id, other_figure_id, relation, declared, asserted_by,
  asserted_on, scope_note, note`), asserted by people; `flags.csv`: flags asserted on a
  figure (`figure_id, flag, detail, asserted_by, asserted_on`), e.g. a unit read into a
  wording. See docs/citations.md.
- `sources/data/citations/statements/*.csv`: statements a document attributes to a source
  without a number (`statement_id, source_id, cited_source_id, locator, quote, note`).

Parsing decides nothing silently: a value or date that does not parse is kept as an
`_errors` entry naming the rule, so the row is quarantined with its reason.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from sources import cells
from sources.paths import package_path, relative_locator
from warehouse.tables import FIGURE

# The CSV's columns are the figure table's own (`warehouse.tables.FIGURE`), less the one the
# store fills; a column a file leaves out is NULL.
FIGURE_COLUMNS = [c for c in FIGURE.names if c != "ingest_run_id"]
NUMBER_COLUMNS = tuple(FIGURE.columns_of_type("DOUBLE"))
DATE_COLUMNS = tuple(FIGURE.columns_of_type("DATE"))
FIGURE_SCHEMA = FIGURE.polars_schema(*FIGURE_COLUMNS) | {
    "_locator": pl.String,
    "_raw": pl.String,
    "_errors": pl.List(pl.String),
}


def figure_files() -> list[Path]:
    return sorted(package_path("data", "citations", "figures").glob("*.csv"))


def cited_in_files() -> list[Path]:
    return sorted(package_path("data", "citations", "cited_in").glob("*.csv"))


def link_files() -> list[Path]:
    return sorted(package_path("data", "citations", "links").glob("corroboration*.csv"))


def flag_files() -> list[Path]:
    return sorted(package_path("data", "citations", "links").glob("flags*.csv"))


def statement_files() -> list[Path]:
    return sorted(package_path("data", "citations", "statements").glob("*.csv"))


LINK_COLUMNS = [
    "figure_id",
    "other_figure_id",
    "relation",
    "declared",
    "asserted_by",
    "asserted_on",
    "scope_note",
    "note",
]
FLAG_COLUMNS = ["figure_id", "flag", "detail", "asserted_by", "asserted_on"]
STATEMENT_COLUMNS = ["statement_id", "source_id", "cited_source_id", "locator", "quote", "note"]


def _rows(data: bytes, name: str, columns: list[str], required: list[str]) -> pl.DataFrame:
    """Rows of a small CSV as strings (empty = null) with `_locator` and `_raw`; a date column
    `asserted_on` that does not parse becomes an `_errors` entry."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{name}: missing required columns {missing}")
    rows = []
    for line_no, raw in enumerate(reader, start=2):
        row: dict = {c: (raw.get(c) or "").strip() or None for c in columns}
        errors: list[str] = []
        for c in required:
            cells.present(row[c], c, errors)
        if "asserted_on" in row:
            row["asserted_on"] = cells.date(row["asserted_on"], "asserted_on", errors)
        rows.append(row | {"_locator": f"{name}:{line_no}", "_raw": _json(raw), "_errors": errors})
    schema = {c: pl.String for c in columns} | {"_locator": pl.String, "_raw": pl.String, "_errors": pl.List(pl.String)}
    if "asserted_on" in columns:
        schema["asserted_on"] = pl.Date
    return pl.DataFrame(rows, schema=schema, orient="row")


def parse_links_csv(data: bytes, name: str) -> pl.DataFrame:
    return _rows(data, name, LINK_COLUMNS, ["figure_id", "other_figure_id", "relation", "declared", "asserted_by"])


def parse_flags_csv(data: bytes, name: str) -> pl.DataFrame:
    return _rows(data, name, FLAG_COLUMNS, ["figure_id", "flag", "detail", "asserted_by"])


def parse_statements_csv(data: bytes, name: str) -> pl.DataFrame:
    return _rows(data, name, STATEMENT_COLUMNS, ["statement_id", "source_id", "cited_source_id", "quote"])


def load_links() -> tuple[pl.DataFrame, pl.DataFrame]:
    """(links, asserted flags) from every bundled link file."""
    links = [parse_links_csv(p.read_bytes(), relative_locator(p)) for p in link_files()]
    flags = [parse_flags_csv(p.read_bytes(), relative_locator(p)) for p in flag_files()]
    return pl.concat(links), pl.concat(flags)


def load_statements() -> pl.DataFrame:
    return pl.concat([parse_statements_csv(p.read_bytes(), relative_locator(p)) for p in statement_files()])


def parse_figures_csv(data: bytes, name: str) -> pl.DataFrame:
    """Parse one cited-figures CSV into the figure shape; bad cells become `_errors`."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    missing = [c for c in ("figure_id", "source_id", "value", "unit") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{name}: missing required columns {missing}")
    rows = []
    for line_no, raw in enumerate(reader, start=2):
        errors: list[str] = []
        row: dict = {c: (raw.get(c) or "").strip() or None for c in FIGURE_COLUMNS}
        for col in NUMBER_COLUMNS:
            row[col] = cells.number(row[col], col, errors, thousands=True)
        for col in DATE_COLUMNS:
            row[col] = cells.date(row[col], col, errors)
        row["verification"] = row["verification"] or "unverified"
        row["bound"] = row["bound"] or "="
        row["_locator"] = f"{name}:{line_no}"
        row["_raw"] = _json(raw)
        row["_errors"] = errors
        rows.append(row)
    return pl.DataFrame(rows, schema=FIGURE_SCHEMA, orient="row")


def parse_cited_in_csv(data: bytes, name: str) -> pl.DataFrame:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    rows = [
        {
            "figure_id": r["figure_id"],
            "source_id": r["source_id"],
            "locator": r.get("locator") or None,
            "quote": r.get("quote") or None,
            "_locator": f"{name}:{i}",
        }
        for i, r in enumerate(reader, start=2)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "figure_id": pl.String,
            "source_id": pl.String,
            "locator": pl.String,
            "quote": pl.String,
            "_locator": pl.String,
        },
        orient="row",
    )


def verify_quotes(citations: pl.DataFrame, snapshot_text: dict[str, str]) -> pl.DataFrame:
    """Mark each citation `verified` if its quote occurs in the citing source's stored
    text, `quote_not_found` if it does not, `no_snapshot` if the source has no snapshot."""

    def status(source_id: str, quote: str | None) -> str:
        text = snapshot_text.get(source_id)
        if text is None:
            return "no_snapshot"
        return "verified" if quote and _normalise(quote) in _normalise(text) else "quote_not_found"

    return citations.with_columns(
        pl.struct("source_id", "quote")
        .map_elements(lambda r: status(r["source_id"], r["quote"]), return_dtype=pl.String)
        .alias("verification")
    )


def load_all() -> tuple[pl.DataFrame, pl.DataFrame]:
    """(figures, cited_in) from every bundled citation file."""
    figures = [parse_figures_csv(p.read_bytes(), relative_locator(p)) for p in figure_files()]
    cited = [parse_cited_in_csv(p.read_bytes(), relative_locator(p)) for p in cited_in_files()]
    return pl.concat(figures), pl.concat(cited)


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _json(raw: dict) -> str:
    import json

    return json.dumps(raw, ensure_ascii=False)
