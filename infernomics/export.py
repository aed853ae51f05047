"""Export a query or a table to Parquet, CSV or JSON with each row's provenance beside it.

Decisions:
- The file is written by this process from Arrow batches fetched over a read-only
  connection, never by DuckDB (`COPY ... TO`): the warehouse connection stays one that
  can neither write the database nor touch the file system, and the export works under
  the same rules as `infernomics sql`. Batches stream, so a large table is not held in
  memory at once, and the file appears under its name only when complete (written
  beside it, then renamed).
- Provenance joined by default, because a number without its source is what the project
  exists to prevent: every column named `figure_id` or ending in `_figure_id` (text) or
  `figure_ids` / `_figure_ids` (lists) is collected per row, and four aligned list
  columns are added: `provenance_figure_ids`, `provenance_source_ids`, `provenance_urls`
  and `provenance_locators` (a locator is the page, row or anchor inside the source).
  In CSV, lists are joined with " | ". A result with no figure id column is exported as
  is, and the caller is told so. `provenance=False` leaves the rows alone.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from infernomics.errors import Error

FORMATS = ("parquet", "csv", "json")
PROVENANCE_COLUMNS = ("provenance_figure_ids", "provenance_source_ids", "provenance_urls", "provenance_locators")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
BATCH_ROWS = 100_000
LOOKUP_SQL = (Path(__file__).parent / "sql" / "export_provenance.sql").read_text()
LIST_SEPARATOR = " | "


@dataclass
class Exported:
    path: Path
    rows: int
    columns: list[str]
    figure_id_columns: list[str]


def resolve(con: duckdb.DuckDBPyConnection, what: str) -> str:
    """A table or view name becomes `SELECT * FROM name`; anything else must be one SELECT."""
    text = what.strip().rstrip(";")
    if IDENTIFIER.match(text):
        known = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [text]).fetchall()[
            0
        ][0]
        if not known:
            raise Error(
                f'no table or view named {text!r}; list them with: infernomics sql "SELECT table_name '
                'FROM information_schema.tables ORDER BY 1"'
            )
        return f'SELECT * FROM "{text}"'
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as err:
        raise Error(str(err).strip().splitlines()[0]) from None
    if len(statements) != 1:
        raise Error(f"export takes one query or one table name, got {len(statements)} statements")
    kind = statements[0].type.name
    if kind != "SELECT":
        raise Error(
            f"refused: export runs one SELECT (or a table name), not {kind}; the file is written by "
            "infernomics itself, so there is no need for COPY"
        )
    return statements[0].query


def figure_id_columns(schema: pl.Schema) -> list[str]:
    out = []
    for name, dtype in schema.items():
        scalar = name == "figure_id" or name.endswith("_figure_id")
        listed = name == "figure_ids" or name.endswith("_figure_ids")
        if (scalar and dtype == pl.String) or (listed and dtype == pl.List(pl.String)):
            out.append(name)
    return out


def export(
    con: duckdb.DuckDBPyConnection,
    what: str,
    out: str | os.PathLike,
    fmt: str = "parquet",
    provenance: bool = True,
    batch_rows: int = BATCH_ROWS,
    lookup: duckdb.DuckDBPyConnection | None = None,
) -> Exported:
    """Write `what` (a SELECT or a table name) to `out` as `fmt`; returns what was written.

    `lookup`: a second connection to the same warehouse for the provenance look-ups that
    run while `con` streams (default: a cursor of `con` on the same catalog; a sandboxed
    `open_current` connection has its settings locked, so the CLI passes a second one)."""
    if fmt not in FORMATS:
        raise Error(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out = Path(out)
    if out.is_dir():
        raise Error(f"--out {out} is a folder; give a file name, e.g. {out / ('export.' + fmt)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    sql = resolve(con, what)
    own_lookup = lookup is None
    if own_lookup:  # look-ups run beside the streaming result
        database = con.execute("SELECT current_database()").fetchall()[0][0]
        lookup = con.cursor()
        lookup.execute(f'USE "{database}"')  # a cursor starts in the default catalog
    reader = con.sql(sql).to_arrow_reader(batch_rows)
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    writer = _Writer(partial, fmt)
    rows, id_columns, columns = 0, None, []
    try:
        for batch in reader:
            frame = pl.from_arrow(batch)
            if id_columns is None:
                id_columns = figure_id_columns(frame.schema) if provenance else []
                columns = frame.columns + (list(PROVENANCE_COLUMNS) if id_columns else [])
            if id_columns:
                frame = _with_provenance(lookup, frame, id_columns)
            writer.write(frame)
            rows += frame.height
        if id_columns is None:  # no rows at all: still write the columns
            empty = pl.from_arrow(reader.schema.empty_table())
            id_columns = figure_id_columns(empty.schema) if provenance else []
            if id_columns:
                empty = _with_provenance(lookup, empty, id_columns)
            columns = empty.columns
            writer.write(empty)
        writer.close()
        os.replace(partial, out)
    except BaseException:
        writer.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        if own_lookup:
            lookup.close()
    return Exported(out, rows, columns, id_columns)


def _with_provenance(lookup, frame: pl.DataFrame, id_columns: list[str]) -> pl.DataFrame:
    parts = [pl.col(c) if frame.schema[c] == pl.List(pl.String) else pl.concat_list(pl.col(c)) for c in id_columns]
    ids = frame.select(
        pl.concat_list(parts).list.drop_nulls().list.unique(maintain_order=True).alias("ids")
    ).with_row_index("_row")
    wanted = ids["ids"].explode().drop_nulls().unique().to_list()
    prov = (
        pl.from_arrow(lookup.sql(LOOKUP_SQL, params=[wanted]).to_arrow_table())
        if wanted
        else pl.DataFrame(
            schema={"figure_id": pl.String, "source_id": pl.String, "url": pl.String, "locator": pl.String}
        )
    )
    joined = (
        ids.explode("ids")
        .rename({"ids": "figure_id"})
        .join(prov, on="figure_id", how="left")
        .group_by("_row", maintain_order=True)
        .agg(
            pl.col("figure_id").drop_nulls().alias(PROVENANCE_COLUMNS[0]),
            pl.col("source_id").filter(pl.col("figure_id").is_not_null()).alias(PROVENANCE_COLUMNS[1]),
            pl.col("url").filter(pl.col("figure_id").is_not_null()).alias(PROVENANCE_COLUMNS[2]),
            pl.col("locator").filter(pl.col("figure_id").is_not_null()).alias(PROVENANCE_COLUMNS[3]),
        )
        .sort("_row")
        .drop("_row")
    )
    return pl.concat([frame, joined.with_columns(pl.all().cast(pl.List(pl.String)))], how="horizontal")


class _Writer:
    """Append polars batches to one Parquet, CSV or JSON (array of objects) file."""

    def __init__(self, path: Path, fmt: str):
        self.path, self.fmt = path, fmt
        self.parquet = None
        self.handle = None
        self.header_written = False
        self.json_rows = 0

    def write(self, frame: pl.DataFrame) -> None:
        if self.fmt == "parquet":
            import pyarrow.parquet as pq

            table = frame.to_arrow()
            if self.parquet is None:
                self.parquet = pq.ParquetWriter(str(self.path), table.schema)
            self.parquet.write_table(table.cast(self.parquet.schema))
            return
        if self.handle is None:
            self.handle = open(self.path, "w", encoding="utf-8", newline="")
            if self.fmt == "json":
                self.handle.write("[")
        if self.fmt == "csv":
            flat = frame.with_columns(
                [
                    pl.col(c).cast(pl.List(pl.String)).list.join(LIST_SEPARATOR)
                    for c, t in frame.schema.items()
                    if isinstance(t, pl.List)
                ]
            )
            flat = flat.with_columns(
                [pl.col(c).cast(pl.String) for c, t in flat.schema.items() if isinstance(t, (pl.Struct, pl.Array))]
            )
            self.handle.write(flat.write_csv(include_header=not self.header_written))
            self.header_written = True
        else:
            for line in frame.write_ndjson().splitlines():
                self.handle.write(("\n" if self.json_rows == 0 else ",\n") + line)
                self.json_rows += 1

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()
            self.parquet = None
        if self.handle is not None:
            if self.fmt == "json":
                self.handle.write("\n]\n")
            self.handle.close()
            self.handle = None
        elif self.fmt == "json" and not self.path.exists():
            self.path.write_text("[]\n", encoding="utf-8")
