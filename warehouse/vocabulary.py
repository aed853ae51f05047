"""The closed vocabularies of the core tables, in one light module (no pandera import),
so the CLI can offer them as choices without slowing its start."""

BOUNDS = ["=", ">", "<", "~", "range"]
FIGURE_KINDS = ["observed", "estimate", "forecast", "assumption", "derived", "measured", "fit"]
VERIFICATION = ["unverified", "verified", "quote_not_found", "value_mismatch", "no_snapshot"]
SOURCE_KINDS = ["report", "web_page", "dataset", "package_data", "api", "benchmark_file", "book", "measurement"]
SOURCE_CLASSES = ["primary", "copy", "secondary"]
