"""The `figure` table's columns and types for the vectorised builders of the snapshot sources.

Decisions: this is `warehouse.figures.FIGURE_SCHEMA` itself, not a copy: `sources/` may import
`warehouse/` (the layer rule forbids only the other direction), and a second literal list of the
columns would drift from the table.
"""

from warehouse.figures import FIGURE_SCHEMA as FIGURE_COLUMNS

__all__ = ["FIGURE_COLUMNS"]
