"""The code location: every definition under `pipeline/defs/`, loaded by folder, with the
project's standard owners, tags and code versions on every asset; how and why in
pipeline/code_location.py (`infernomics refresh` builds the same definitions there)."""

from pipeline.code_location import build

defs = build()
