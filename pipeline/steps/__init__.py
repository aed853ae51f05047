"""Write steps: what an asset or a CLI command does to the warehouse, without Dagster.

Decisions:
* `pipeline/defs/` holds Dagster definitions only (assets, checks, sensors, schedules,
  resources); the work they do lives here, one module or package per family, so the
  `import` and `verify` commands run the same code as the assets without importing
  Dagster. Pure computations (frames in, frames out; no warehouse, no sources) live in
  `analysis/` instead.
* A step's SQL sits beside it (`pipeline/steps/<family>/sql/`).
* import-linter holds the line: `pipeline.steps` imports no Dagster (pyproject.toml).
"""
