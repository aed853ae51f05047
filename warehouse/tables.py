"""One declaration per table: columns, types, key, allowed values, nullability.

The polars schema (`Table.polars_schema()`), the pandera model (`Table.model()`, the column
half of a contract) and `Table.conform(frame)` all come from the declaration here, in the
way PUDL generates its schemas from `RESOURCE_METADATA`; nobody writes a table's columns out
a second time. `tests/test_table_declarations.py` holds every declaration to what DuckDB's
`information_schema` says after all migrations (names, order, types, NOT NULL, primary key).

Decisions:
* The migrations stay the DDL of record (an applied migration is never edited, and DuckDB
  needs SQL anyway); the declaration is the Python side, and the test above is what keeps
  the two equal. Generating DDL from the declaration would leave the existing migrations
  as a second copy that nothing checks.
* Types are spelled as `information_schema.columns.data_type` spells them (`VARCHAR`,
  `DOUBLE`, `VARCHAR[]`), so the comparison is a plain string equality.
* A column's checks are the ones a single cell can fail (allowed values, a pattern, a
  non-empty string, a lower bound, unique); checks across columns (a range has low <= high)
  stay hand-written `@pa.dataframe_check`s on the contract class in `warehouse/contracts*.py`,
  which subclasses `Table.model()`. Check names are the `quarantine.rule` a row records
  (`<column>:<check>`), so the generated fields take the same pandera arguments the
  hand-written fields took.
* `conform(frame)` adds the declared columns a builder did not set (typed NULLs), casts
  the others to their declared type (strictly: a value that does not cast raises, it is
  never nulled) and orders them as the table does; the store's bookkeeping columns
  (`_locator`, `_raw`, `_errors`) are kept, anything else dropped unless `keep_extra`.
* Allowed values are the closed vocabularies of `warehouse/vocabulary.py` (imported, never
  retyped). This module imports polars only; pandera is imported when a model is built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import polars as pl

from warehouse.rules import RULES
from warehouse.vocabulary import (
    BENCHMARK_FORMATS,
    BLEND_RULES,
    BOUNDS,
    CAPABILITY_PRICE_BASES,
    DATE_PRECISIONS,
    FIGURE_FLAGS,
    FIGURE_KINDS,
    FIT_FAMILIES,
    FIT_METHODS,
    HARDWARE_TIERS,
    LOAD_MODES,
    PRICE_DATE_BASES,
    PRICE_END_BASES,
    RENTAL_BOUNDS,
    RENTAL_KINDS,
    SCORE_ORIGINS,
    SCORE_UNITS,
    SOURCE_CLASSES,
    SOURCE_KINDS,
    SPEC_ATTRIBUTES,
    VERDICTS,
    VERIFICATION,
)

if TYPE_CHECKING:
    import pandera.polars as pa

BOOKKEEPING = ("_locator", "_raw", "_errors")

# DuckDB type (as information_schema spells it) -> polars dtype, pandera annotation.
_TYPES: dict[str, tuple[Any, Any]] = {
    "VARCHAR": (pl.String, str),
    "DOUBLE": (pl.Float64, float),
    "DATE": (pl.Date, pl.Date),
    "BIGINT": (pl.Int64, int),
    "INTEGER": (pl.Int32, pl.Int32),
    "BOOLEAN": (pl.Boolean, bool),
    "TIMESTAMP": (pl.Datetime("us"), pl.Datetime),
    "VARCHAR[]": (pl.List(pl.String), pl.List(pl.String)),
    "JSON": (pl.String, str),  # JSON text (asset_fingerprint.inputs)
}

NO_SPACE = r"^\S+$"


@dataclass(frozen=True)
class Column:
    """One column: its DuckDB type, NOT NULL, and the checks one cell can fail."""

    name: str
    type: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    non_empty: bool = False
    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    lt: float | None = None
    unique: bool = False
    #: the contract refuses NULL although the table allows it (a gpu_spec row without a value
    #: is quarantined, never stored), so the DDL and the contract differ on purpose
    reject_null: bool = False
    #: checked by the generated pandera model (False: the store fills it, e.g. `ingest_run_id`,
    #: or nothing a builder hands in carries it)
    checked: bool = True
    doc: str = ""

    @property
    def dtype(self) -> Any:
        return _TYPES[self.type][0]

    def field(self) -> Any:
        """The pandera `Field` with this column's checks (same arguments the hand-written
        contracts used, so the rule names in `quarantine` do not change)."""
        import pandera.polars as pa

        kwargs: dict[str, Any] = {"nullable": self.nullable and not self.reject_null}
        if self.allowed is not None:
            kwargs["isin"] = list(self.allowed)
        if self.pattern is not None:
            kwargs["str_matches"] = self.pattern
        if self.non_empty:
            kwargs["str_length"] = {"min_value": 1}
        if self.ge is not None:
            kwargs["ge"] = self.ge
        if self.le is not None:
            kwargs["le"] = self.le
        if self.gt is not None:
            kwargs["gt"] = self.gt
        if self.lt is not None:
            kwargs["lt"] = self.lt
        if self.unique:
            kwargs["unique"] = True
        return pa.Field(**kwargs)


@dataclass(frozen=True)
class Table:
    """One warehouse table, declared once."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str = ""
    _by_name: dict[str, Column] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})
        unknown = [k for k in self.key if k not in self._by_name]
        if unknown:
            raise ValueError(f"{self.name}: key columns {unknown} are not declared")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return self._by_name[name]

    def polars_schema(self, *names: str) -> dict[str, Any]:
        """name -> polars dtype, for every column (or the `names` given, in that order)."""
        return {n: self._by_name[n].dtype for n in (names or self.names)}

    def columns_of_type(self, sql_type: str) -> list[str]:
        return [c.name for c in self.columns if c.type == sql_type]

    def conform(self, frame: pl.DataFrame, *, keep_extra: bool = False) -> pl.DataFrame:
        """`frame` in the table's shape: missing columns as typed NULLs, every declared
        column cast (strictly) to its type, in table order; bookkeeping columns kept."""
        missing = [pl.lit(None, c.dtype).alias(c.name) for c in self.columns if c.name not in frame.columns]
        frame = frame.with_columns(missing)
        declared = set(self.names)
        rest = [c for c in frame.columns if c not in declared and (keep_extra or c in BOOKKEEPING)]
        return frame.select([pl.col(c.name).cast(c.dtype) for c in self.columns] + [pl.col(c) for c in rest])

    def frame(self, rows: list[dict]) -> pl.DataFrame:
        """Rows (dicts, missing keys = NULL) as a frame of this table's types; bookkeeping keys
        that start with `_` come along (`_errors` as a list of strings, the others as strings)."""
        extra: dict[str, Any] = {k: pl.String for r in rows for k in r if k.startswith("_") and k != "_errors"}
        extra |= {"_errors": pl.List(pl.String)} if any("_errors" in r for r in rows) else {}
        schema = self.polars_schema() | extra
        dated = {c.name: c.type for c in self.columns if c.type in ("DATE", "TIMESTAMP")}

        def cell(k: str, value: Any) -> Any:
            """An ISO string for a date (a YAML record may quote one); a day for a timestamp is its midnight."""
            if k in dated and isinstance(value, str):
                return (dt.date if dated[k] == "DATE" else dt.datetime).fromisoformat(value)
            if dated.get(k) == "TIMESTAMP" and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return dt.datetime.combine(value, dt.time())
            return value

        return pl.DataFrame([{k: cell(k, r.get(k)) for k in schema} for r in rows], schema=schema, orient="row")

    def model(self, *names: str) -> type[pa.DataFrameModel]:
        """The pandera model of the declared columns (`strict=False`): subclass it to add
        the checks that span columns. `names` restricts it to those columns (a frame that
        holds part of a row, like a parsed price before its history). Built once."""
        return _model(self.name, names)


@cache
def _model(table: str, names: tuple[str, ...] = ()) -> type[pa.DataFrameModel]:
    import pandera.polars as pa

    decl = TABLES[table]
    checked = [decl.column(n) for n in names] if names else [c for c in decl.columns if c.checked]
    namespace: dict[str, Any] = {
        "__annotations__": {c.name: _TYPES[c.type][1] for c in checked},
        "__module__": __name__,
        "__doc__": f"The declared columns of `{table}` (warehouse/tables.py).",
        "Config": type("Config", (), {"strict": False}),
    }
    namespace |= {c.name: c.field() for c in checked}
    class_name = "".join(part.title() for part in table.split("_")) + ("Part" if names else "Columns")
    return type(class_name, (pa.DataFrameModel,), namespace)


def _v(*names: str, **kw: Any) -> tuple[Column, ...]:
    """Plain nullable VARCHAR columns (the common case), to keep the declarations short."""
    return tuple(Column(n, "VARCHAR", **kw) for n in names)


RUN_ID = Column("ingest_run_id", "VARCHAR", nullable=False, checked=False, doc="the ingest_run that wrote the row")

SOURCE = Table(
    "source",
    (
        Column("source_id", "VARCHAR", nullable=False, pattern=NO_SPACE, unique=True),
        Column("kind", "VARCHAR", nullable=False, allowed=tuple(SOURCE_KINDS)),
        Column("title", "VARCHAR", nullable=False, non_empty=True),
        Column("publisher", "VARCHAR", nullable=False, non_empty=True),
        Column("author", "VARCHAR"),
        Column("citation_full", "VARCHAR", nullable=False, non_empty=True),
        Column("url", "VARCHAR", pattern=r"^(https?://|unrecorded-url$|package:|file:)"),
        Column("date_published", "DATE"),
        Column("date_accessed", "DATE"),
        Column("license", "VARCHAR"),
        Column("source_class", "VARCHAR", nullable=False, allowed=tuple(SOURCE_CLASSES)),
        Column("cites_source_id", "VARCHAR", doc="for a copy or secondary page: the original it quotes"),
        *_v("snapshot_path", "snapshot_sha256", "notes"),
    ),
    key=("source_id",),
    doc="One record per source (sources/registry/<family>.yaml, or registered by an import).",
)

SNAPSHOT = Table(
    "snapshot",
    (
        Column("sha256", "VARCHAR", nullable=False),
        Column("source_id", "VARCHAR", nullable=False),
        Column("url", "VARCHAR"),
        Column("retrieved_at", "TIMESTAMP"),
        Column("media_type", "VARCHAR"),
        Column("bytes", "BIGINT"),
        Column("path", "VARCHAR"),
    ),
    key=("sha256",),
    doc="A content-addressed stored copy of a source.",
)

FIGURE = Table(
    "figure",
    (
        Column("figure_id", "VARCHAR", nullable=False, pattern=NO_SPACE, unique=True),
        Column("source_id", "VARCHAR", nullable=False, non_empty=True),
        Column("snapshot_sha256", "VARCHAR"),
        Column("metric", "VARCHAR", nullable=False, non_empty=True),
        Column("entity_kind", "VARCHAR", nullable=False, non_empty=True),
        Column("entity", "VARCHAR", nullable=False, non_empty=True),
        Column("value", "DOUBLE", doc="null only for a range (bound = 'range')"),
        Column("unit", "VARCHAR", nullable=False, non_empty=True),
        Column("bound", "VARCHAR", nullable=False, allowed=tuple(BOUNDS)),
        Column("value_low", "DOUBLE"),
        Column("value_high", "DOUBLE"),
        Column("as_of", "DATE"),
        Column("period_start", "DATE"),
        Column("period_end", "DATE"),
        *_v("page", "locator", "quote", "qualifier"),
        Column("kind", "VARCHAR", nullable=False, allowed=tuple(FIGURE_KINDS)),
        Column("verification", "VARCHAR", nullable=False, allowed=tuple(VERIFICATION)),
        Column("formula", "VARCHAR", doc="for kind = derived/fit: registered formula name@version"),
        Column("notes", "VARCHAR"),
        RUN_ID,
    ),
    key=("figure_id",),
    doc="The atom: every number, cited, derived, measured or fitted (docs/ARCHITECTURE.md).",
)

FIGURE_CITATION = Table(
    "figure_citation",
    (
        Column("figure_id", "VARCHAR", nullable=False),
        Column("source_id", "VARCHAR", nullable=False),
        Column("locator", "VARCHAR"),
        Column("quote", "VARCHAR"),
        Column("verification", "VARCHAR", nullable=False, allowed=tuple(VERIFICATION)),
        RUN_ID,
    ),
    key=("figure_id", "source_id"),
    doc="A second (third...) document that cites a stored figure.",
)

FORMULA = Table(
    "formula",
    (
        Column("name", "VARCHAR", nullable=False),
        Column("version", "INTEGER", nullable=False),
        Column("doc", "VARCHAR", nullable=False),
        Column("function", "VARCHAR", doc="dotted path of the registered function (630_formula_function.sql)"),
    ),
    key=("name", "version"),
    doc="Each registered formula with its docstring (audit shows it) and the function that computes it.",
)

FIGURE_INPUT = Table(
    "figure_input",
    (
        Column("figure_id", "VARCHAR", nullable=False),
        Column("input_figure_id", "VARCHAR", nullable=False),
        Column("role", "VARCHAR", nullable=False),
    ),
    key=("figure_id", "role", "input_figure_id"),
    doc="Lineage: the figures a derived figure was computed from, with their role.",
)

INGEST_RUN = Table(
    "ingest_run",
    (
        Column("run_id", "VARCHAR", nullable=False),
        Column("dagster_run_id", "VARCHAR"),
        Column("step", "VARCHAR", nullable=False, doc="the asset or command that wrote"),
        Column("source_id", "VARCHAR"),
        Column("started_at", "TIMESTAMP", nullable=False),
        Column("finished_at", "TIMESTAMP"),
        Column("code_version", "VARCHAR", nullable=False),
        Column("rows_in", "BIGINT", nullable=False),
        Column("rows_accepted", "BIGINT", nullable=False),
        Column("rows_quarantined", "BIGINT", nullable=False),
        Column("status", "VARCHAR", nullable=False, allowed=("running", "ok", "partial", "failed")),
        Column("message", "VARCHAR"),
    ),
    key=("run_id",),
    doc="One write step (an asset or a command) and its counts: rows_in = accepted + quarantined.",
)

QUARANTINE = Table(
    "quarantine",
    (
        Column("target_table", "VARCHAR", nullable=False),
        Column("source_id", "VARCHAR", nullable=False),
        Column("row_locator", "VARCHAR", nullable=False, doc="file:row, json path, ..."),
        Column(
            "rule",
            "VARCHAR",
            nullable=False,
            allowed=tuple(RULES),
            checked=False,
            doc="a name of warehouse.rules.RULES, or `<column>:<check>` for a contract's column check",
        ),
        Column("reason", "VARCHAR", nullable=False),
        Column("raw", "VARCHAR", nullable=False, doc="the row as JSON"),
        Column("snapshot_sha256", "VARCHAR"),
        Column("run_id", "VARCHAR", nullable=False),
    ),
    key=("target_table", "source_id", "row_locator", "rule"),
    doc="Rejected rows: one row per (table, source, row, rule).",
)

FIGURE_LINK = Table(
    "figure_link",
    (
        Column("figure_id", "VARCHAR", nullable=False, pattern=NO_SPACE),
        Column("other_figure_id", "VARCHAR", nullable=False, pattern=NO_SPACE),
        Column("relation", "VARCHAR", nullable=False, doc="same_claim, restates, derived_from"),
        Column("source_id", "VARCHAR", nullable=False, checked=False),
        Column("asserted_by", "VARCHAR", nullable=False, non_empty=True),
        Column("asserted_on", "DATE", checked=False),
        Column("declared", "VARCHAR", nullable=False, pattern=r"^(agrees|differs: .+)$"),
        *_v("scope_note", "note", checked=False),
        Column("agrees", "BOOLEAN", nullable=False),
        Column("differences", "VARCHAR[]", nullable=False, checked=False),
        Column("check_detail", "VARCHAR", nullable=False, non_empty=True),
        Column("locator", "VARCHAR", nullable=False, checked=False),
        RUN_ID,
    ),
    key=("figure_id", "other_figure_id"),
    doc="A person's link between two figures that report the same claim, with the agreement check.",
)

FIGURE_FLAG = Table(
    "figure_flag",
    (
        Column("figure_id", "VARCHAR", nullable=False, pattern=NO_SPACE),
        Column("flag", "VARCHAR", nullable=False, allowed=tuple(FIGURE_FLAGS)),
        Column("other_figure_id", "VARCHAR", nullable=False, checked=False, doc="'' when it names no other figure"),
        Column("detail", "VARCHAR", nullable=False, non_empty=True),
        Column("source_id", "VARCHAR", nullable=False, checked=False),
        Column("locator", "VARCHAR", nullable=False, checked=False),
        RUN_ID,
    ),
    key=("figure_id", "flag", "other_figure_id"),
    doc="A named difference or caveat on a figure (from a link's check, or asserted).",
)

CITED_STATEMENT = Table(
    "cited_statement",
    (
        Column("statement_id", "VARCHAR", nullable=False, pattern=NO_SPACE),
        Column("source_id", "VARCHAR", nullable=False, non_empty=True),
        Column("cited_source_id", "VARCHAR", nullable=False, non_empty=True),
        Column("locator", "VARCHAR", checked=False),
        Column("quote", "VARCHAR", nullable=False, non_empty=True),
        Column("verification", "VARCHAR", nullable=False, allowed=tuple(VERIFICATION)),
        Column("note", "VARCHAR", checked=False),
        RUN_ID,
    ),
    key=("statement_id", "cited_source_id"),
    doc="A statement a document attributes to a source, without a number of its own.",
)

REFRESH_RUN = Table(
    "refresh_run",
    (
        Column("refresh_id", "VARCHAR", nullable=False),
        Column("pid", "INTEGER", nullable=False),
        Column("host", "VARCHAR", nullable=False),
        Column("selection", "VARCHAR", doc="--select patterns; NULL = every asset"),
        Column("started_at", "TIMESTAMP", nullable=False),
        Column("finished_at", "TIMESTAMP"),
        Column("status", "VARCHAR", nullable=False, doc="running, ok, failed, interrupted, incomplete"),
        Column("steps_failed", "INTEGER"),
        Column("message", "VARCHAR"),
    ),
    key=("refresh_id",),
    doc="Each refresh, so readers can say when the last one did not complete (warehouse/refresh_record.py).",
)

SNAPSHOT_INTEGRITY = Table(
    "snapshot_integrity",
    (
        Column("path", "VARCHAR", nullable=False, doc="as recorded: sources/..., or under the warehouse folder"),
        Column("family", "VARCHAR", nullable=False),
        Column("kind", "VARCHAR", nullable=False, doc="registry, curated, snapshot, part"),
        Column("source_ids", "VARCHAR[]", doc="sources whose figures rest on the file"),
        Column("expected_sha256", "VARCHAR", nullable=False, doc="the hash it was registered with"),
        Column("actual_sha256", "VARCHAR", doc="what it hashes to now (NULL when missing)"),
        Column("status", "VARCHAR", nullable=False, doc="ok, changed, missing"),
        Column("checked_at", "TIMESTAMP", nullable=False),
        Column("checked_by", "VARCHAR", nullable=False, doc="refresh, verify"),
    ),
    key=("path", "expected_sha256"),
    doc="The re-hash of every registered file (warehouse/integrity.py).",
)

ASSET_FINGERPRINT = Table(
    "asset_fingerprint",
    (
        Column("asset_key", "VARCHAR", nullable=False, doc="clean/trends/llm_price_observation"),
        Column("fingerprint", "VARCHAR", nullable=False, doc="sha256 over code_version, inputs and upstream"),
        Column("data_version", "VARCHAR", nullable=False, doc="what downstream fingerprints include"),
        Column("code_version", "VARCHAR", nullable=False, doc="package version + hash of the modules it runs"),
        Column("inputs", "JSON", nullable=False, doc="{input name: sha256 or value}"),
        Column("upstream", "JSON", nullable=False, doc="{upstream asset key: its data_version}"),
        Column("dagster_run_id", "VARCHAR"),
        Column("recorded_at", "TIMESTAMP", nullable=False),
    ),
    key=("asset_key",),
    doc="What each asset's last successful run was computed from; a refresh skips an unchanged one (pipeline/fingerprint.py).",
)

# --- token prices (warehouse/sql/101_token_prices.sql) ------------------------------------


def _price(name: str) -> Column:
    """A token price in USD per million tokens: a magnitude, and never a unit error (<= 10,000)."""
    return Column(name, "DOUBLE", ge=0, le=10_000)


TOKEN_PRICE = Table(
    "token_price",
    (
        Column("price_id", "VARCHAR", nullable=False, pattern=NO_SPACE, unique=True),
        Column("source_id", "VARCHAR", nullable=False, pattern=NO_SPACE),
        Column("provider", "VARCHAR", checked=False, doc="as the source names it"),
        Column("provider_id", "VARCHAR", nullable=False, pattern=NO_SPACE, doc="canonical"),
        Column("model", "VARCHAR", checked=False, doc="as the source names it"),
        Column("model_id", "VARCHAR", nullable=False, non_empty=True, doc="the API id priced"),
        Column("model_key", "VARCHAR", checked=False, doc="canonical model key; null = unmapped"),
        Column("model_variant", "VARCHAR", checked=False, doc="exact model (dates kept), for conflicts"),
        Column("alias_rule", "VARCHAR", checked=False),
        Column("condition", "VARCHAR", nullable=False, doc="'' = plain price; else tier, context, window"),
        Column("is_standard", "BOOLEAN", nullable=False, doc="the plain list price"),
        Column("effective_from", "DATE", doc="null only when the start is unknown (date_basis = unknown)"),
        Column("effective_to", "DATE", doc="exclusive; null = current"),
        Column("date_basis", "VARCHAR", nullable=False, allowed=tuple(PRICE_DATE_BASES)),
        Column("end_basis", "VARCHAR", allowed=tuple(PRICE_END_BASES)),
        Column("source_start", "DATE", checked=False, doc="start as the source states it"),
        Column("source_end", "DATE", checked=False),
        _price("input_usd_per_mtok"),
        _price("output_usd_per_mtok"),
        _price("cache_read_usd_per_mtok"),
        _price("cache_write_usd_per_mtok"),
        Column("blended_usd_per_mtok", "DOUBLE", checked=False, doc="by blend_rule"),
        Column("blend_rule", "VARCHAR", nullable=False, allowed=tuple(BLEND_RULES), doc="input:output weights"),
        *_v(
            "input_figure_id",
            "output_figure_id",
            "cache_read_figure_id",
            "cache_write_figure_id",
            "blended_figure_id",
            checked=False,
        ),
        Column("figure_ids", "VARCHAR[]", nullable=False),
        Column("source_url", "VARCHAR", checked=False),
        Column("source_class", "VARCHAR", allowed=tuple(SOURCE_CLASSES)),
        *_v("quote", "qualifier", checked=False),
        Column("listed_at", "DATE", checked=False, doc="OpenRouter `created`: listing date, NOT a release date"),
        Column("deprecation_date", "DATE", checked=False, doc="LiteLLM `deprecation_date` as announced"),
        Column("first_seen_sha256", "VARCHAR", checked=False),
        Column("first_seen_at", "TIMESTAMP", checked=False),
        Column("last_seen_sha256", "VARCHAR", checked=False),
        Column("last_seen_at", "TIMESTAMP", checked=False),
        RUN_ID,
    ),
    key=("price_id",),
    doc="Effective-dated token prices, each number a figure.",
)

MODEL_ALIAS = Table(
    "model_alias",
    (
        Column("source_id", "VARCHAR", nullable=False),
        Column("provider_id", "VARCHAR", nullable=False),
        Column("model", "VARCHAR", nullable=False, doc="the name as that source spells it"),
        Column("model_key", "VARCHAR", doc="null = unmapped (listed, not guessed)"),
        Column("rule", "VARCHAR", nullable=False, doc="which rules of sources/token_prices/models.py applied"),
    ),
    key=("source_id", "provider_id", "model"),
    doc="Every model name seen, mapped to its canonical key.",
)

TOKEN_PRICE_FEED_STATE = Table(
    "token_price_feed_state",
    (
        Column("source_id", "VARCHAR", nullable=False),
        Column("last_attempt_at", "TIMESTAMP"),
        Column("last_success_at", "TIMESTAMP", doc="last snapshot parsed and applied"),
        Column("last_sha256", "VARCHAR"),
        Column("last_status", "VARCHAR", doc="ok, partial, fetch_failed, parse_failed, offline"),
        Column("last_message", "VARCHAR"),
        Column("rows_open", "BIGINT", doc="open rows the last applied snapshot confirmed"),
        Column("pending_sha256", "VARCHAR", doc="fetched and stored, not yet folded into the history"),
        Column("pending_retrieved_at", "TIMESTAMP"),
    ),
    key=("source_id",),
    doc="When each price feed was last refreshed and what it held (the freshness check reads it).",
)

# --- hardware (warehouse/sql/200_hardware.sql) ---------------------------------------------

GPU_SKU = Table(
    "gpu_sku",
    (
        Column("sku", "VARCHAR", nullable=False, doc="canonical key (sources/hardware/sku.py)"),
        Column("vendor", "VARCHAR", nullable=False),
        Column("label", "VARCHAR", nullable=False),
        Column("bf16", "BOOLEAN", nullable=False, doc="has BF16 tensor cores"),
        Column("family", "BOOLEAN", nullable=False, doc="a family key (form factor not stated): prices only"),
    ),
    key=("sku",),
    doc="The catalogue of GPU parts and families (warehouse/skus.py).",
)

_HARDWARE_ROW = (
    Column("figure_id", "VARCHAR", nullable=False, pattern=NO_SPACE, unique=True),
    Column("source_id", "VARCHAR", nullable=False, non_empty=True),
    Column("sku", "VARCHAR", doc="null: name not mapped (see gpu_sku_unmapped)"),
    Column("hardware_name", "VARCHAR", nullable=False, non_empty=True, doc="the name as the source spells it"),
)

GPU_SPEC = Table(
    "gpu_spec",
    (
        *_HARDWARE_ROW,
        Column("attribute", "VARCHAR", nullable=False, allowed=tuple(sorted(SPEC_ATTRIBUTES))),
        Column("value", "DOUBLE", reject_null=True, doc="release_date: decimal year of value_date"),
        Column("unit", "VARCHAR", nullable=False, allowed=tuple(sorted({u for u, *_ in SPEC_ATTRIBUTES.values()}))),
        Column("value_date", "DATE", checked=False, doc="release_date only"),
        Column("date_precision", "VARCHAR", allowed=tuple(DATE_PRECISIONS), doc="release_date only"),
        Column("precision", "VARCHAR", doc="bf16, fp8, fp16, fp16/bf16, fp32, fp64 (FLOPS only)"),
        Column("sparsity", "VARCHAR", allowed=("dense", "sparse"), doc="FLOPS only"),
        Column("compute_unit", "VARCHAR", allowed=("tensor", "shader"), doc="FLOPS only"),
        Column("derived_from_sparse", "BOOLEAN", nullable=False, doc="dense value computed as half the sparse one"),
        Column("tier", "VARCHAR", nullable=False, allowed=tuple(HARDWARE_TIERS)),
        Column("source_class", "VARCHAR", nullable=False, allowed=tuple(SOURCE_CLASSES)),
        Column("as_stated", "VARCHAR", checked=False, doc="the cell as the source wrote it"),
        *_v("page", "locator", checked=False),
        RUN_ID,
    ),
    key=("figure_id",),
    doc="GPU specs, long: one row per (source, part, attribute), each a figure.",
)

GPU_RENTAL_PRICE = Table(
    "gpu_rental_price",
    (
        *_HARDWARE_ROW,
        *_v("provider", "location", checked=False),
        Column("date", "DATE", nullable=False),
        Column("date_precision", "VARCHAR", nullable=False, allowed=tuple(DATE_PRECISIONS)),
        Column("pricing_kind", "VARCHAR", nullable=False, allowed=tuple(RENTAL_KINDS)),
        Column("pricing_detail", "VARCHAR", checked=False),
        Column("usd_per_gpu_hour", "DOUBLE", nullable=False, gt=0, lt=1000),
        Column("bound", "VARCHAR", nullable=False, allowed=tuple(RENTAL_BOUNDS)),
        Column("gpus_in_offer", "BIGINT", checked=False),
        Column("source_url", "VARCHAR", checked=False, doc="the page the price was read from"),
        RUN_ID,
    ),
    key=("figure_id",),
    doc="GPU rental prices per GPU-hour, each a figure.",
)

GPU_PURCHASE_PRICE = Table(
    "gpu_purchase_price",
    (
        *_HARDWARE_ROW,
        Column("date", "DATE", nullable=False),
        Column("date_precision", "VARCHAR", nullable=False, allowed=tuple(DATE_PRECISIONS)),
        Column("usd", "DOUBLE", nullable=False, gt=0, doc="per chip, as Epoch records it"),
        Column("gpus_in_offer", "BIGINT", checked=False),
        *_v("source_url", "notes", checked=False),
        RUN_ID,
    ),
    key=("figure_id",),
    doc="GPU purchase prices per chip, each a figure.",
)

# --- scores (warehouse/sql/500_scores.sql) ------------------------------------------------

MODEL_SCORE = Table(
    "model_score",
    (
        Column("score_id", "VARCHAR", nullable=False, pattern=NO_SPACE, unique=True, doc="= score_figure_id"),
        Column("source_id", "VARCHAR", nullable=False, pattern=NO_SPACE),
        Column("origin", "VARCHAR", nullable=False, allowed=tuple(SCORE_ORIGINS)),
        Column("benchmark", "VARCHAR", nullable=False, non_empty=True, doc="canonical name (GPQA Diamond, ...)"),
        Column("benchmark_file", "VARCHAR", nullable=False, checked=False),
        Column("model_version", "VARCHAR", nullable=False, non_empty=True, doc="with its effort suffix"),
        Column("model_base", "VARCHAR", nullable=False, non_empty=True, doc="the effort suffix removed"),
        Column("reasoning_effort", "VARCHAR", checked=False),
        Column("score", "DOUBLE", nullable=False, doc="as published, in score_unit"),
        Column("score_unit", "VARCHAR", nullable=False, allowed=tuple(SCORE_UNITS)),
        Column("score_fraction", "DOUBLE", ge=0, le=1, doc="0-1 for fraction and percent scores"),
        Column("stderr", "DOUBLE", ge=0, doc="same unit as score"),
        Column("release_date", "DATE"),
        *_v("organization", "country", "run_id", checked=False),
        Column("run_date", "DATE", checked=False),
        Column("locator", "VARCHAR", nullable=False, checked=False),
        *_v("secondary_source", "secondary_source_url", "model_key", checked=False),
        Column("score_figure_id", "VARCHAR", nullable=False, checked=False),
        Column("stderr_figure_id", "VARCHAR", checked=False),
        Column("figure_ids", "VARCHAR[]", nullable=False, checked=False),
        Column("snapshot_sha256", "VARCHAR", checked=False),
        RUN_ID,
    ),
    key=("score_id",),
    doc="Benchmark scores of model versions, each score and stderr a figure.",
)

MODEL_IDENTITY = Table(
    "model_identity",
    (
        Column("model_base", "VARCHAR", nullable=False, non_empty=True, unique=True),
        Column("model_key", "VARCHAR", pattern=NO_SPACE, doc="token_price.model_key; null = no price source lists it"),
        Column("first_party_provider", "VARCHAR", pattern=NO_SPACE, doc="token_price.provider_id of its developer"),
        Column("is_reasoning", "BOOLEAN", checked=False),
        Column("note", "VARCHAR", checked=False),
        Column("source_id", "VARCHAR", nullable=False, checked=False),
        Column("locator", "VARCHAR", nullable=False, checked=False),
        RUN_ID,
    ),
    key=("model_base",),
    doc="The committed mapping of model names to price keys (sources/data/scores/model_identity.csv).",
)

# --- benchmarks (warehouse/sql/301_benchmarks.sql, 310_benchmark_part_hash.sql) ---------------

BENCHMARK_FILE = Table(
    "benchmark_file",
    (
        Column("sha256", "VARCHAR", nullable=False),
        Column("source_id", "VARCHAR", nullable=False),
        Column("file_name", "VARCHAR", nullable=False),
        Column("path", "VARCHAR", doc="where it was imported from (path or URL)"),
        Column("bytes", "BIGINT", nullable=False),
        Column("format", "VARCHAR", doc="vllm, sglang, llmperf, genai-perf, aiperf, mlperf"),
        Column("status", "VARCHAR", nullable=False, doc="stored, quarantined"),
        Column("reason", "VARCHAR", doc="why quarantined / what was partly rejected"),
        Column("runs_stored", "INTEGER", nullable=False),
        Column("runs_quarantined", "INTEGER", nullable=False),
        Column("request_rows", "BIGINT", nullable=False),
        Column("requests_part", "VARCHAR", doc="file name under <warehouse>_parts/benchmark_request/"),
        Column("context_path", "VARCHAR", doc="sidecar used, if any"),
        RUN_ID,
        Column("ingested_at", "TIMESTAMP", nullable=False),
    ),
    key=("sha256",),
    doc="One row per benchmark result file seen: what happened to it.",
)


def _count(name: str, minimum: float = 0) -> Column:
    return Column(name, "BIGINT", ge=minimum)


def _measure(name: str, **kw: Any) -> Column:
    """A run's measure: checked by the contract's checks across columns (non-negative, finite)."""
    return Column(name, "DOUBLE", checked=False, **kw)


BENCHMARK_RUN = Table(
    "benchmark_run",
    (
        Column("run_id", "VARCHAR", nullable=False, pattern=r"^[0-9a-f]{16}/\S+$", unique=True),
        Column("source_id", "VARCHAR", nullable=False, non_empty=True),
        Column("file_sha256", "VARCHAR", nullable=False, pattern=r"^[0-9a-f]{64}$"),
        Column("file_name", "VARCHAR", nullable=False, checked=False),
        Column("locator", "VARCHAR", nullable=False, checked=False, doc="run, L3 (JSONL line), row5 (CSV row)"),
        Column("format", "VARCHAR", nullable=False, allowed=tuple(BENCHMARK_FORMATS)),
        *_v("format_variant", "format_version", checked=False),
        Column("parser_version", "INTEGER", nullable=False, checked=False),
        *_v("repo", "commit", checked=False),
        Column("started_at", "TIMESTAMP", checked=False),
        Column("run_date", "DATE", checked=False),
        *_v("engine", "engine_version", "model", "quantization", "gpu_sku", checked=False),
        Column("gpus_per_node", "INTEGER", ge=1),
        Column("nodes", "INTEGER", checked=False),
        Column("dataset", "VARCHAR", checked=False),
        Column("input_len", "BIGINT", checked=False),
        Column("output_len", "BIGINT", checked=False),
        _measure("price_usd_per_gpu_hour"),
        Column("context_sources", "VARCHAR", checked=False, doc="JSON: field -> origin"),
        Column("load_mode", "VARCHAR", allowed=tuple(LOAD_MODES)),
        _measure("target_rate_rps"),
        _count("max_concurrency", minimum=1),
        Column("valid", "BOOLEAN", nullable=False),
        Column("validity_note", "VARCHAR", checked=False),
        Column("error_rate", "DOUBLE", ge=0, le=1),
        Column("goodput_slo", "VARCHAR", checked=False),
        _measure("duration_s"),
        _count("requests_sent"),
        _count("completed"),
        _count("failed"),
        _count("rejected"),
        _measure("request_throughput_rps"),
        _measure("output_tok_s"),
        _measure("total_tok_s"),
        _count("input_tokens_total"),
        _count("output_tokens_total"),
        _measure("goodput_rps"),
        Column("prefix_cache_hit_rate", "DOUBLE", ge=0, le=1),
        _measure("mean_inflight"),
        *[
            _measure(f"{m}_{s}_ms")
            for m in ("ttft", "tpot", "itl", "e2el")
            for s in ("mean", "p50", "p90", "p95", "p99")
        ],
        _count("n_request_rows"),
        Column("duplicate_of", "VARCHAR", checked=False, doc="same run reported twice (MLPerf -99 / -99.9)"),
        Column("unmapped", "VARCHAR", checked=False, doc="JSON: fields of the file no column holds"),
        Column("figure_ids", "VARCHAR[]", checked=False, doc="every figure stated for this run"),
        RUN_ID,
    ),
    key=("run_id",),
    doc="One benchmark run: its context, load and the summary measures its file states.",
)

BENCHMARK_RUN_STAT = Table(
    "benchmark_run_stat",
    (
        Column("run_id", "VARCHAR", nullable=False, non_empty=True),
        Column("metric", "VARCHAR", nullable=False, non_empty=True, doc="ttft, tpot, itl, e2el, completed, ..."),
        Column("stat", "VARCHAR", nullable=False, non_empty=True, doc="mean, std, min, max, p50, p99, value, ..."),
        Column("value", "DOUBLE", doc="canonical unit (null when the raw value is inf)"),
        Column("unit", "VARCHAR", nullable=False),
        Column("raw_key", "VARCHAR", nullable=False, non_empty=True),
        *_v("raw_value", "raw_unit", checked=False),
        Column("figure_id", "VARCHAR", pattern=NO_SPACE, doc="null only when the value is not finite"),
    ),
    key=("run_id", "metric", "stat"),
    doc="Every statistic a result file states for a run, as written and in canonical units.",
)

BENCHMARK_REQUEST_PART = Table(
    "benchmark_request_part",
    (
        Column("part_file", "VARCHAR", nullable=False, doc="relative to the parts folder"),
        Column("file_sha256", "VARCHAR", nullable=False),
        Column("layout", "VARCHAR", nullable=False, doc="canonical, llmperf"),
        Column("run_id", "VARCHAR", doc="for single-run native layouts"),
        Column("rows_in", "BIGINT", nullable=False),
        Column("rows_quarantined", "BIGINT", nullable=False),
        RUN_ID,
    ),
    key=("part_file",),
    doc="Each Parquet part of per-request rows, with its counts.",
)

BENCHMARK_CHECK = Table(
    "benchmark_check",
    (
        Column("run_id", "VARCHAR", nullable=False),
        Column("metric", "VARCHAR", nullable=False),
        Column("stat", "VARCHAR", nullable=False),
        Column("from_file", "DOUBLE"),
        Column("from_requests", "DOUBLE"),
        Column("rel_diff", "DOUBLE"),
        Column("tolerance", "DOUBLE", nullable=False),
        Column("ok", "BOOLEAN"),
        Column("figure_id", "VARCHAR", nullable=False, doc="the derived figure (kind = derived)"),
    ),
    key=("run_id", "metric", "stat"),
    doc="A percentile recomputed from per-request rows against the file's own figure.",
)

BENCHMARK_PART_HASH = Table(
    "benchmark_part_hash",
    (
        Column("part_file", "VARCHAR", nullable=False),
        Column("sha256", "VARCHAR", nullable=False),
        Column("bytes", "BIGINT", nullable=False),
        Column("hashed_at", "TIMESTAMP", nullable=False),
    ),
    key=("part_file",),
    doc="The sha256 of each Parquet part as written, so a rewritten part is detected.",
)

# --- trends (warehouse/sql/400_trends.sql, 410_capability_2026.sql) ---------------------------


def _score(name: str) -> Column:
    """A benchmark score in percent."""
    return Column(name, "DOUBLE", ge=0, le=100)


LLM_PRICE_OBSERVATION = Table(
    "llm_price_observation",
    (
        Column(
            "obs_id",
            "VARCHAR",
            nullable=False,
            pattern=r"^epoch-llm-prices-[a-z]+/\S+@\d{4}-\d{2}-\d{2}$",
            unique=True,
            doc="<source_id>/<model-slug>@<date>",
        ),
        Column("source_id", "VARCHAR", nullable=False),
        Column("model", "VARCHAR", nullable=False, non_empty=True),
        Column("release_date", "DATE", nullable=False),
        Column("price_usd_per_mtok", "DOUBLE", gt=0, doc="blended 3 input : 1 output"),
        _score("mmlu"),
        _score("gpqa_diamond"),
        _score("humaneval"),
        _score("math_500"),
        Column("lmsys_arena_elo", "DOUBLE", ge=500, le=3000),
        _score("math_5"),
        *[
            Column(c, "DOUBLE", checked=False)
            for c in ("tokens_per_second", "prefill_latency_s", "prompt_length_tokens")
        ],
        Column("price_figure_id", "VARCHAR", checked=False),
        Column("figure_ids", "VARCHAR[]", nullable=False, checked=False, doc="price and every score"),
        RUN_ID,
    ),
    key=("obs_id",),
    doc="Epoch AI's LLM price observations with their benchmark scores.",
)

DEMAND_OBSERVATION = Table(
    "demand_observation",
    (
        Column("figure_id", "VARCHAR", nullable=False, unique=True),
        Column("source_id", "VARCHAR", nullable=False),
        Column("series", "VARCHAR", nullable=False, pattern=r"^[A-Za-z0-9_]+$"),
        Column("period_end_date", "DATE", nullable=False),
        Column("value", "DOUBLE", nullable=False, ge=0),
        Column("unit", "VARCHAR", nullable=False, non_empty=True),
        Column("bound", "VARCHAR", nullable=False, allowed=tuple(b for b in BOUNDS if b != "range")),
        Column("source_class", "VARCHAR", nullable=False, allowed=tuple(SOURCE_CLASSES)),
        Column("duplicate_of", "VARCHAR", checked=False, doc="same datum reported by another page"),
        RUN_ID,
    ),
    key=("figure_id",),
    doc="Cited demand figures (tokens, users, messages), one source per page quoted.",
)

OPENROUTER_AUTHOR_WEEK = Table(
    "openrouter_author_week",
    (
        Column("figure_id", "VARCHAR", nullable=False, unique=True),
        Column("source_id", "VARCHAR", nullable=False, checked=False),
        Column("week_label", "DATE", nullable=False),
        Column("author", "VARCHAR", nullable=False, non_empty=True),
        Column("tokens", "DOUBLE", nullable=False, ge=0),
        Column("share", "DOUBLE", ge=0, le=1),
        RUN_ID,
    ),
    key=("figure_id",),
    doc="Tokens per author and week from the OpenRouter rankings scrape.",
)

OPENROUTER_WEEK = Table(
    "openrouter_week",
    (
        Column("week_label", "DATE", nullable=False, unique=True),
        Column("figure_id", "VARCHAR", nullable=False, checked=False, doc="derived: sum of the author figures"),
        Column("source_id", "VARCHAR", nullable=False, checked=False),
        Column("tokens", "DOUBLE", nullable=False, ge=0),
        Column("share_sum", "DOUBLE", checked=False),
        Column("authors", "BIGINT", nullable=False, ge=1),
        Column("flags", "VARCHAR[]", nullable=False, checked=False),
        Column("fit_ok", "BOOLEAN", nullable=False),
        RUN_ID,
    ),
    key=("week_label",),
    doc="OpenRouter tokens per week (the sum of its authors), flagged where a week is not whole.",
)

FIT = Table(
    "fit",
    (
        Column("fit_id", "VARCHAR", nullable=False, pattern=r"^trend/\S+$", unique=True, doc="trend/<series>/<method>"),
        *_v("series", "series_label", nullable=False, checked=False),
        Column("family", "VARCHAR", nullable=False, allowed=tuple(FIT_FAMILIES)),
        Column("method", "VARCHAR", nullable=False, allowed=tuple(FIT_METHODS)),
        Column("level", "DOUBLE", nullable=False, gt=0, lt=1),
        Column("seed", "BIGINT", checked=False),
        Column("n_resamples", "BIGINT", checked=False),
        Column("n", "BIGINT", nullable=False, ge=4),
        Column("date_start", "DATE", nullable=False, checked=False),
        Column("date_end", "DATE", nullable=False, checked=False),
        Column("span_years", "DOUBLE", nullable=False, checked=False),
        Column("slope_per_year", "DOUBLE", nullable=False, checked=False, doc="natural log units per year"),
        Column("intercept", "DOUBLE", nullable=False, checked=False, doc="log(value) at date_start"),
        Column("factor_per_year", "DOUBLE", nullable=False, gt=0, doc="exp(slope): 0.1 = falls 10x a year"),
        Column("factor_low", "DOUBLE", nullable=False, gt=0),
        Column("factor_high", "DOUBLE", nullable=False, gt=0),
        Column("r2", "DOUBLE", checked=False),
        Column("resid_sd", "DOUBLE", checked=False),
        Column("direction", "VARCHAR", nullable=False, allowed=("decline", "growth")),
        *[
            Column(c, "DOUBLE", checked=False)
            for c in ("halving_or_doubling_years", "halving_or_doubling_low", "halving_or_doubling_high")
        ],
        Column("value_unit", "VARCHAR", nullable=False, checked=False, doc="unit of the fitted values"),
        Column("flags", "VARCHAR[]", nullable=False, checked=False),
        Column("rate_figure_id", "VARCHAR", nullable=False, checked=False, doc="the fit as a figure (kind = 'fit')"),
        Column("params", "VARCHAR", checked=False, doc="JSON: method-specific extras (threshold, AIC ...)"),
        Column("source_id", "VARCHAR", nullable=False, checked=False),
        RUN_ID,
    ),
    key=("fit_id",),
    doc="A fitted trend with its interval (analysis/trends).",
)

FIT_POINT = Table(
    "fit_point",
    (
        Column("fit_id", "VARCHAR", nullable=False),
        Column("input_figure_id", "VARCHAR", nullable=False),
        Column("obs_date", "DATE", nullable=False),
        Column("value", "DOUBLE", nullable=False, gt=0),
        Column("used", "BOOLEAN", nullable=False),
        *_v("label", "note", checked=False),
    ),
    key=("fit_id", "input_figure_id"),
    doc="The points a fit saw, each an input figure.",
)

FIT_BAND = Table(
    "fit_band",
    (
        Column("fit_id", "VARCHAR", nullable=False),
        Column("band_date", "DATE", nullable=False),
        Column("fitted", "DOUBLE", nullable=False, gt=0),
        *[
            Column(c, "DOUBLE", nullable=False, checked=False)
            for c in ("conf_low", "conf_high", "pred_low", "pred_high")
        ],
        Column("extrapolated", "BOOLEAN", nullable=False, checked=False),
    ),
    key=("fit_id", "band_date"),
    doc="A fit's confidence and prediction bands by date.",
)

CLAIM_CHECK = Table(
    "claim_check",
    (
        Column("check_id", "VARCHAR", nullable=False, unique=True),
        Column("claim_figure_id", "VARCHAR", nullable=False),
        Column("claim", "VARCHAR", nullable=False, checked=False, doc="the claim in words"),
        *[Column(c, "DOUBLE", checked=False) for c in ("claimed_multiple", "claimed_low", "claimed_high")],
        Column("claim_bound", "VARCHAR", checked=False, doc="=, >, ~, range"),
        Column("window_start", "DATE", checked=False),
        Column("window_end", "DATE", checked=False),
        Column("series_definition", "VARCHAR", nullable=False, checked=False),
        *[Column(c, "DOUBLE", checked=False) for c in ("data_multiple", "data_low", "data_high", "level")],
        Column("fit_id", "VARCHAR", checked=False),
        Column("extrapolated", "BOOLEAN", nullable=False, checked=False),
        Column("verdict", "VARCHAR", nullable=False, allowed=tuple(VERDICTS)),
        Column("reason", "VARCHAR", nullable=False, non_empty=True),
        Column("testable_with", "VARCHAR", checked=False, doc="what data would make it testable"),
        Column("check_figure_id", "VARCHAR", checked=False, doc="derived figure with lineage"),
        Column("source_id", "VARCHAR", nullable=False, checked=False),
        RUN_ID,
        Column("n_measures", "BIGINT", checked=False, doc="added by 410: measures the verdict rests on"),
    ),
    key=("check_id",),
    doc="Every cited decline or growth claim checked against the data, with a verdict.",
)

FIT_REFUSAL = Table(
    "fit_refusal",
    (
        Column("series", "VARCHAR", nullable=False),
        Column("family", "VARCHAR", nullable=False),
        Column("reason", "VARCHAR", nullable=False),
        Column("n_points", "BIGINT", nullable=False),
        RUN_ID,
    ),
    key=("series",),
    doc="A series the fitter refused, and why.",
)

CAPABILITY_PATH = Table(
    "capability_path",
    (
        Column(
            "series",
            "VARCHAR",
            nullable=False,
            pattern=r"^capability_price_2026/reasoning-(excluded|included)/\S+/ge-\S+$",
        ),
        Column("variant", "VARCHAR", nullable=False, checked=False, doc="reasoning-excluded/cheapest, ..."),
        Column("reasoning", "VARCHAR", nullable=False, allowed=("excluded", "included")),
        Column("price_basis", "VARCHAR", nullable=False, allowed=tuple(CAPABILITY_PRICE_BASES)),
        Column("benchmark", "VARCHAR", nullable=False, checked=False),
        Column("lower", "DOUBLE", nullable=False, checked=False, doc="threshold (score of the model that set it)"),
        Column("threshold_model", "VARCHAR", nullable=False, checked=False),
        Column("threshold_version", "VARCHAR", checked=False),
        Column("obs_id", "VARCHAR", nullable=False, pattern=r"^\S.*@\d{4}-\d{2}-\d{2}$", doc="<model_base>@<date>"),
        Column("obs_date", "DATE", nullable=False),
        Column("model", "VARCHAR", nullable=False, checked=False, doc="model_base"),
        Column("model_version", "VARCHAR", checked=False),
        Column("model_key", "VARCHAR", nullable=False, checked=False),
        Column("provider", "VARCHAR", checked=False),
        Column("price_usd_per_mtok", "DOUBLE", nullable=False, gt=0, doc="blended 3:1"),
        Column("price_figure_ids", "VARCHAR[]", nullable=False, checked=False),
        Column("score", "DOUBLE", nullable=False, ge=0),
        Column("score_figure_id", "VARCHAR", nullable=False, non_empty=True),
        Column("date_note", "VARCHAR", checked=False),
        Column("fitted", "BOOLEAN", nullable=False, doc="the path has >= 4 points and a stored fit"),
        RUN_ID,
    ),
    key=("series", "obs_id"),
    doc="The cheapest model at or above a capability threshold, over time (the 2026 method).",
)

CLAIM_MEASURE = Table(
    "claim_measure",
    (
        Column("measure_id", "VARCHAR", nullable=False, unique=True, doc="<check_id>/<series>"),
        Column("check_id", "VARCHAR", nullable=False),
        *_v("series", "variant", "benchmark", nullable=False, checked=False),
        Column("lower", "DOUBLE", nullable=False, checked=False),
        Column("threshold_model", "VARCHAR", nullable=False, checked=False),
        Column("window_start", "DATE", nullable=False, checked=False),
        Column("window_end", "DATE", nullable=False, checked=False),
        Column("start_price", "DOUBLE", nullable=False, gt=0),
        Column("end_price", "DOUBLE", nullable=False, gt=0),
        *_v("start_model", "end_model", nullable=False, checked=False),
        *_v("start_provider", "end_provider", checked=False),
        Column("observed_multiple", "DOUBLE", nullable=False, gt=0, doc="x cheaper, start_price / end_price"),
        Column("n", "BIGINT", nullable=False, ge=1, doc="points in the window fit"),
        *[Column(c, "DOUBLE", checked=False) for c in ("fit_multiple", "fit_low", "fit_high")],
        Column("level", "DOUBLE", nullable=False, checked=False),
        Column("supports", "BOOLEAN", nullable=False),
        Column("how", "VARCHAR", nullable=False, non_empty=True, doc="the rule that decided `supports`"),
        Column("measure_figure_id", "VARCHAR", nullable=False, checked=False),
        Column("source_id", "VARCHAR", nullable=False, checked=False),
        RUN_ID,
    ),
    key=("measure_id",),
    doc="One measure of a claim: a threshold and variant's price path over the claim's window.",
)

DEMAND_CURVE = Table(
    "demand_curve",
    (
        Column("curve_id", "VARCHAR", nullable=False, pattern=r"^demand_curve/\S+$", unique=True),
        *_v("quantity_series", "price_series", nullable=False, checked=False),
        Column("n", "BIGINT", nullable=False, ge=0),
        Column("distinct_prices", "BIGINT", nullable=False, checked=False),
        Column("date_start", "DATE", nullable=False, checked=False),
        Column("date_end", "DATE", nullable=False, checked=False),
        *[Column(c, "DOUBLE", checked=False) for c in ("slope", "slope_low", "slope_high")],
        Column("level", "DOUBLE", nullable=False, gt=0, lt=1),
        Column("method", "VARCHAR", nullable=False, checked=False, doc="pairs bootstrap of OLS on logs"),
        Column("seed", "BIGINT", checked=False),
        Column("n_resamples", "BIGINT", checked=False),
        Column("r2", "DOUBLE", checked=False),
        Column("selected", "BOOLEAN", nullable=False, doc="the one drawn for this quantity series"),
        Column("refused", "VARCHAR", checked=False, doc="why no slope, when refused"),
        Column("curve_figure_id", "VARCHAR", checked=False, doc="the slope as a figure (null when refused)"),
        Column("caveat", "VARCHAR", nullable=False, non_empty=True),
        Column("source_id", "VARCHAR", nullable=False, checked=False),
        RUN_ID,
    ),
    key=("curve_id",),
    doc="A log-log demand curve: quantity against price, with its slope or why none.",
)

DEMAND_CURVE_POINT = Table(
    "demand_curve_point",
    (
        Column("curve_id", "VARCHAR", nullable=False),
        Column("obs_date", "DATE", nullable=False),
        Column("quantity", "DOUBLE", nullable=False),
        Column("quantity_figure_id", "VARCHAR", nullable=False),
        Column("price", "DOUBLE", nullable=False),
        Column("price_figure_id", "VARCHAR", nullable=False),
        Column("price_label", "VARCHAR"),
    ),
    key=("curve_id", "quantity_figure_id"),
    doc="The (price, quantity) points of a demand curve, each an input figure.",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        SOURCE,
        SNAPSHOT,
        FIGURE,
        FIGURE_CITATION,
        FORMULA,
        FIGURE_INPUT,
        INGEST_RUN,
        QUARANTINE,
        FIGURE_LINK,
        FIGURE_FLAG,
        CITED_STATEMENT,
        REFRESH_RUN,
        SNAPSHOT_INTEGRITY,
        ASSET_FINGERPRINT,
        TOKEN_PRICE,
        MODEL_ALIAS,
        TOKEN_PRICE_FEED_STATE,
        GPU_SKU,
        GPU_SPEC,
        GPU_RENTAL_PRICE,
        GPU_PURCHASE_PRICE,
        MODEL_SCORE,
        MODEL_IDENTITY,
        BENCHMARK_FILE,
        BENCHMARK_RUN,
        BENCHMARK_RUN_STAT,
        BENCHMARK_REQUEST_PART,
        BENCHMARK_CHECK,
        BENCHMARK_PART_HASH,
        LLM_PRICE_OBSERVATION,
        DEMAND_OBSERVATION,
        OPENROUTER_AUTHOR_WEEK,
        OPENROUTER_WEEK,
        FIT,
        FIT_POINT,
        FIT_BAND,
        CLAIM_CHECK,
        FIT_REFUSAL,
        CAPABILITY_PATH,
        CLAIM_MEASURE,
        DEMAND_CURVE,
        DEMAND_CURVE_POINT,
    )
}
