"""Pure analysis: registered formulas for derived figures, trend fits, bands and plots.

Nothing here touches the warehouse or Dagster: functions take numbers, arrays or frames
and return results, so they are tested with plain calls.
"""
