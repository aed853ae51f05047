"""The report: the static website `infernomics report` writes, rebuilt by the daily schedule."""
