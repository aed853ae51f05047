"""Trend series, fits' records and claim checks: pure computations over warehouse frames.

Decisions:
* Frames and figure dicts in, records out: nothing here reads the warehouse, a source file
  or Dagster, so the trend assets (pipeline/defs/trends) and tests call the same code. The
  write steps that store what these build are in `pipeline.steps.trends`.
* `analysis.trend` is the fitting maths (one series, one method); this package turns
  warehouse frames into series and a fit's outputs into rows (`records`).
"""
