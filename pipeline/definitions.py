"""The code location: every definition under `pipeline/defs/`, loaded by folder, with the
project's standard owners, tags and code versions on every asset (pipeline/defs/metadata.py)."""

from pathlib import Path

import dagster as dg

from pipeline.defs.metadata import standardize

defs = standardize(dg.load_from_defs_folder(path_within_project=Path(__file__).parent))
