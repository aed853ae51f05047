"""Dagster's standard asset metadata, owners, tags, code versions and freshness, in one place.

Every table asset reports what the Dagster UI knows how to show (row count, column schema,
table name) instead of names of our own, and the whole code location gets owners, tags and
code versions by family, so an asset added by any family speaks the same language with at
most one line of its own:

    return dg.MaterializeResult(metadata=ingest_metadata(run, ...) | table_metadata(con, "gpu_spec"))

(called inside the `with warehouse.ingest(...) as (con, run)` block, while `con` is open).

Decisions:
- Row counts and column schemas are read from DuckDB's own catalog (`information_schema`)
  inside the write window, so they describe exactly what this write is about to publish,
  with no second connection and no list of columns kept by hand beside the migrations.
- `dagster/table_name` is `<catalog>.main.<table>`, the catalog being the name DuckDB gives the
  file (its stem, `warehouse` for `data/warehouse.duckdb`): the name a reader types in
  `infernomics sql` or `duckdb.connect(path)`.
- A table several assets write (`figure`, `token_price`, `fit`, `snapshot`) is reported as
  the slice this asset owns (`where=`): `dagster/row_count` counts those rows, and the
  `row_filter` entry says which slice it is.
- Metadata values are Dagster types (`int`, `json`, `md`, `text`), never `str()` of a Python
  object: `json_value` turns lists, dicts, tuples and dates into a JSON value the UI renders.
- Owners and tags follow the asset's group (its family) and stage (the first key part);
  `code_version` is the package version plus a hash of the asset's module and every
  project module it imports, transitively, with the `.sql`/`.yaml` files beside them
  (`pipeline.fingerprint.code_version`): the UI marks an asset "code changed" when its
  body or a helper it calls (`sources/`, `analysis/`, `warehouse/`) changes, and the same
  string is part of the fingerprint a refresh compares to skip it (pipeline/defs/skip.py).
  What else it reads is listed in its `infernomics/inputs` metadata. All of it is applied
  to the loaded code location by `standardize` (pipeline/definitions.py), not repeated in
  every decorator.
- Freshness: assets fed by a live feed or rebuilt to fold one in carry `DAILY_FEED` (a
  time-window policy: the schedules run daily, so warn after 25 h, fail after 30 h). The
  policy measures when the asset last materialized; whether the feed itself answered is the
  `feed_is_fresh` check's job (an offline run materializes and records a stale feed).
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Sequence
from typing import Any

import dagster as dg
import duckdb

from pipeline.defs.skip import spec_of
from pipeline.fingerprint import code_version
from warehouse.version import package_version  # not the git commit: a commit must not mark every asset changed

# Who answers for each family's assets (Dagster owners are e-mails or `team:` names).
FAMILY_OWNERS = {
    "citations": "team:citations",
    "token_prices": "team:token-prices",
    "hardware": "team:hardware",
    "benchmarks": "team:benchmarks",
    "trends": "team:trends",
    "scores": "team:scores",
    "report": "team:trends",
    "integrity": "team:infernomics",
}
DEFAULT_OWNER = "team:infernomics"

# The daily schedules (05:30 live feeds, 06:00 full refresh, UTC) keep these assets under a day old.
DAILY_FEED = dg.FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=30), warn_window=dt.timedelta(hours=25))

# Rows of a shared table that a given write step (asset key) wrote last: `store` rewrites
# every row it upserts, so `ingest_run_id` always names the latest writer.
WRITTEN_BY_STEP = "ingest_run_id IN (SELECT run_id FROM ingest_run WHERE step = ?)"

_COLUMNS_SQL = """
SELECT column_name, data_type, is_nullable, column_comment
FROM information_schema.columns
WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = ?
ORDER BY ordinal_position
"""


def table_metadata(
    con: duckdb.DuckDBPyConnection, table: str, *, where: str | None = None, params: Sequence[Any] | None = None
) -> dict[str, Any]:
    """`dagster/table_name`, `dagster/row_count` and `dagster/column_schema` of one warehouse table or view.

    `where` (SQL, with `?` placeholders bound from `params`) narrows the row count to the
    slice of a shared table this asset owns. Raises ValueError for a table the catalog lacks,
    so a renamed table fails the asset instead of reporting nothing.
    """
    columns = con.execute(_COLUMNS_SQL, [table]).fetchall()
    if not columns:
        raise ValueError(f"table_metadata: no table or view main.{table} in the warehouse catalog")
    catalog = con.execute("SELECT current_database()").fetchone()[0]
    count_sql = f'SELECT count(*) FROM "{table}"' + (f" WHERE {where}" if where else "")
    row_count = con.execute(count_sql, list(params or [])).fetchone()[0]
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=name,
                type=data_type,
                description=comment,
                constraints=dg.TableColumnConstraints(nullable=nullable == "YES"),
            )
            for name, data_type, nullable, comment in columns
        ]
    )
    metadata: dict[str, Any] = {
        "dagster/table_name": dg.MetadataValue.text(f"{catalog}.main.{table}"),
        "dagster/row_count": dg.MetadataValue.int(int(row_count)),
        "dagster/column_schema": dg.MetadataValue.table_schema(schema),
    }
    if where:
        metadata["row_filter"] = dg.MetadataValue.text(_bind(where, params))
    return metadata


def json_value(value: Any) -> dg.MetadataValue:
    """A JSON metadata value from lists, dicts, tuples, dates and numbers (dates as ISO text)."""
    return dg.MetadataValue.json(json.loads(json.dumps(value, default=_json_default)))


def standardize(defs: dg.Definitions) -> dg.Definitions:
    """The code location with owners, tags and a code version on every asset (see the module docstring)."""
    versions = {
        key: _code_version(assets_def)
        for assets_def in defs.assets or []
        if isinstance(assets_def, dg.AssetsDefinition)
        for key in assets_def.keys
    }
    declared = {
        key: [item.describe() for item in found[0].inputs_of(key.to_user_string())] + ["upstream assets' data versions"]
        for assets_def in defs.assets or []
        if isinstance(assets_def, dg.AssetsDefinition) and (found := spec_of(assets_def))
        for key in assets_def.keys
    }

    def with_standards(spec: dg.AssetSpec) -> dg.AssetSpec:
        family = spec.group_name or "default"
        inputs = declared.get(spec.key)
        return spec.replace_attributes(
            metadata={**spec.metadata, **({"infernomics/inputs": json_value(inputs)} if inputs is not None else {})},
            owners=list(spec.owners) or [FAMILY_OWNERS.get(family, DEFAULT_OWNER)],
            tags={
                **{k: v for k, v in spec.tags.items() if not k.startswith("dagster/kind/")},
                "family": family,
                "stage": spec.key.path[0],
            },
            code_version=spec.code_version or versions.get(spec.key),
        )

    with warnings.catch_warnings():  # Definitions.map_asset_specs is marked preview in 1.13
        warnings.simplefilter("ignore", category=dg.PreviewWarning)
        return defs.map_asset_specs(func=with_standards)


def _code_version(assets_def: dg.AssetsDefinition) -> str | None:
    fn = getattr(getattr(assets_def.op, "compute_fn", None), "decorated_fn", None)
    if fn is None:
        return None
    try:
        return code_version(fn.__module__)
    except (OSError, SyntaxError):  # no source shipped (a zipped or compiled install): the package version alone
        return package_version()


def _bind(where: str, params: Sequence[Any] | None) -> str:
    """The filter with its parameters written in, for display only."""
    text = where
    for value in params or []:
        text = text.replace("?", repr(value) if isinstance(value, str) else str(value), 1)
    return text


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)
