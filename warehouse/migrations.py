"""Numbered SQL migrations (`warehouse/sql/NNN_name.sql`), each applied once and recorded.

Number ranges keep source families apart: 0xx core, 1xx token prices, 2xx hardware,
3xx benchmarks, 4xx trends. A migration is applied in one transaction with its record.
"""

from __future__ import annotations

import re
from importlib import resources

import duckdb

_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[str, str]]:
    """(name, sql) for every migration, in order."""
    folder = resources.files("warehouse") / "sql"
    names = sorted(p.name for p in folder.iterdir() if _NAME.match(p.name))
    return [(name, (folder / name).read_text(encoding="utf-8")) for name in names]


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded; return their names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        " name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    done = {row[0] for row in con.execute("SELECT name FROM schema_migration").fetchall()}
    applied = []
    for name, sql in migration_files():
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migration (name) VALUES (?)", [name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
