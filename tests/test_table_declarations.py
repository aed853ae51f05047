"""Each table is declared once (`warehouse/tables.py`); the migrations' DDL must say the same.

After every migration, DuckDB's own catalogue (information_schema, duckdb_constraints) is
compared with each declaration: column names in order, types, NOT NULL and the primary key.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from warehouse import Warehouse
from warehouse.tables import FIGURE, SOURCE, TABLES
from warehouse.vocabulary import BOUNDS, FIGURE_KINDS, SOURCE_CLASSES, VERIFICATION

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> tuple[dict[str, list[tuple]], dict[str, list[str]]]:
    path = tmp_path_factory.mktemp("declarations") / "w.duckdb"
    with Warehouse(path).writer() as con:
        rows = con.execute(
            "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_catalog, table_schema, table_name) "
            "WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position"
        ).fetchall()
        keys = con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    columns: dict[str, list[tuple]] = {}
    for table, column, data_type, nullable in rows:
        columns.setdefault(table, []).append((column, data_type, nullable == "NO"))
    return columns, {table: list(cols) for table, cols in keys}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_declaration_matches_the_migrated_table(catalogue, name):
    columns, keys = catalogue
    declared = [(c.name, c.type, not c.nullable) for c in TABLES[name].columns]
    assert name in columns, f"{name} is declared but no migration creates it"
    assert declared == columns[name]
    assert list(TABLES[name].key) == keys[name]


def test_allowed_values_are_the_vocabularies():
    assert FIGURE.column("bound").allowed == tuple(BOUNDS)
    assert FIGURE.column("kind").allowed == tuple(FIGURE_KINDS)
    assert FIGURE.column("verification").allowed == tuple(VERIFICATION)
    assert SOURCE.column("source_class").allowed == tuple(SOURCE_CLASSES)


def test_conform_pads_casts_and_orders_a_builders_frame():
    built = pl.DataFrame(
        {
            "unit": ["USD"],
            "figure_id": ["a/b"],
            "value": [3],
            "as_of": [dt.date(2025, 6, 1)],
            "_locator": ["x.csv:2"],
            "tmp": [1],
        }
    )
    out = FIGURE.conform(built)
    assert out.columns == [*FIGURE.names, "_locator"]
    assert out.schema["value"] == pl.Float64 and out["value"][0] == 3.0
    assert out["as_of"][0] == dt.date(2025, 6, 1)
    assert out["metric"].dtype == pl.String and out["metric"][0] is None
    assert "tmp" in FIGURE.conform(built, keep_extra=True).columns


def test_conform_refuses_a_value_it_cannot_cast():
    with pytest.raises(pl.exceptions.InvalidOperationError):
        FIGURE.conform(pl.DataFrame({"value": ["three"]}))


def test_the_generated_contract_checks_the_declared_vocabulary():
    import pandera.polars as pa

    from warehouse.contracts import Figure

    row = FIGURE.frame(
        [
            {
                "figure_id": "x/y",
                "source_id": "x",
                "metric": "m",
                "entity_kind": "k",
                "entity": "e",
                "value": 1.0,
                "unit": "USD",
                "bound": "about",
                "kind": "observed",
                "verification": "unverified",
                "ingest_run_id": "r",
            }
        ]
    )
    with pytest.raises(pa.errors.SchemaErrors) as err:
        Figure.validate(row, lazy=True)
    assert err.value.failure_cases["column"].to_list() == ["bound"]


def _literal_lists(path: Path) -> list[tuple[int, list[str]]]:
    """(line, strings) of every literal list, tuple or set of strings in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)])
        for node in ast.walk(tree)
        if isinstance(node, ast.List | ast.Tuple | ast.Set)
    ]


# the layers that build rows (the CLI's report pages only display them)
MODULES = [
    *ROOT.glob("warehouse/*.py"),
    *ROOT.glob("sources/**/*.py"),
    *ROOT.glob("pipeline/defs/**/*.py"),
    *ROOT.glob("pipeline/steps/**/*.py"),
]


def test_no_module_writes_the_figure_or_source_columns_out_again():
    """A literal list or tuple holding most of the figure (or source) columns anywhere but the
    declaration is a second copy that would drift."""
    copies = []
    for path in MODULES:
        if path.name == "tables.py":
            continue
        for line, items in _literal_lists(path):
            for table in (FIGURE, SOURCE):
                if len(set(items) & set(table.names)) >= len(table.names) - 4:
                    copies.append(f"{path.relative_to(ROOT)}:{line} ({table.name})")
    assert copies == []


def test_source_classes_are_spelled_once():
    """The closed list lives in warehouse/vocabulary.py; nobody retypes it."""
    retyped = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in MODULES
        if path.name != "vocabulary.py"
        for line, items in _literal_lists(path)
        if sorted(items) == sorted(SOURCE_CLASSES)
    ]
    assert retyped == []


def test_every_table_is_declared(catalogue):
    """A new table is declared in warehouse/tables.py, or this fails."""
    columns, _ = catalogue
    assert set(columns) - {"schema_migration"} == set(TABLES)
