"""The closed vocabularies of the warehouse's tables, in one light module (no pandera import),
so the CLI can offer them as choices without slowing its start.

Decisions:
* The warehouse owns its vocabularies: the contracts (`warehouse/contracts*.py`) check
  against them and the adapters under `sources/` import them from here, so the import
  arrow runs sources -> warehouse, never back (import-linter checks it, `make layers`).
"""

BOUNDS = ["=", ">", "<", "~", "range"]
FIGURE_KINDS = ["observed", "estimate", "forecast", "assumption", "derived", "measured", "fit"]
VERIFICATION = ["unverified", "verified", "quote_not_found", "value_mismatch", "no_snapshot"]
SOURCE_KINDS = ["report", "web_page", "dataset", "package_data", "api", "benchmark_file", "book", "measurement"]
SOURCE_CLASSES = ["primary", "copy", "secondary"]
# figure_flag.flag: a named difference from a corroboration check, or a caveat a person asserted
FIGURE_FLAGS = [
    "disagrees_value",
    "disagrees_bound",
    "disagrees_unit",
    "disagrees_period",
    "scope_differs",
    "unit_interpreted",
]

# --- token prices (token_price) -----------------------------------------------------------

# Where a price row's start comes from, and why it ended (docs/token_prices.md).
PRICE_DATE_BASES = ["effective", "as_of", "start_date", "first_seen", "unknown", "release_listed", "recorded"]
PRICE_END_BASES = ["source", "next_price", "changed", "disappeared"]
BLEND_RULES = ["3:1"]

# --- benchmarks (benchmark_run) ----------------------------------------------------------

BENCHMARK_FORMATS = ["vllm", "sglang", "llmperf", "genai-perf", "aiperf", "mlperf"]
LOAD_MODES = [
    "rate",
    "burst",
    "concurrency",
    "offline",
    "server",
    "interactive",
    "single-stream",
    "multi-stream",
    "accuracy",
]

# --- trends (fit, claim_check, capability_path) --------------------------------------------

FIT_METHODS = ["ols", "bootstrap", "theil-sen", "epoch-ols"]
FIT_FAMILIES = ["capability_price", "capability_price_2026", "demand", "token_price", "gpu", "benchmark"]
# "consistent by some measures": a claim judged on many measures (thresholds x variants), at
# least one of which supports it; the check names how many and which (table claim_measure)
VERDICTS = ["consistent", "consistent by some measures", "inconsistent", "not testable"]
# how a capability path prices a model: the cheapest listing, its developer's, or the median
CAPABILITY_PRICE_BASES = ["cheapest", "first_party", "median"]

# --- scores (model_score) -----------------------------------------------------------------

SCORE_ORIGINS = ["epoch_run", "external", "eci", "stitching", "models_dev"]
SCORE_UNITS = ["fraction", "percent", "points", "elo", "minutes", "eci", "index"]

# --- hardware (gpu_spec, gpu_rental_price, gpu_purchase_price) -------------------------

# How close a spec figure is to the vendor, best first: the preference order of the
# `gpu_spec_wide` view (warehouse/sql/201_hardware_views.sql, docs/hardware.md).
HARDWARE_TIERS = ["vendor_datasheet", "curated_dataset", "secondary", "scraped"]
# How much of a date the source gave ("2022" is all of 2022, not 1 January).
DATE_PRECISIONS = ["day", "month", "year"]

# gpu_spec attribute -> (unit, precision, sparsity, compute_unit): a FLOPS figure always
# says its precision, dense or sparse, and tensor or shader; other attributes say none.
SPEC_ATTRIBUTES: dict[str, tuple[str, str | None, str | None, str | None]] = {
    "memory_gb": ("GB", None, None, None),
    "mem_bandwidth_tbps": ("TB/s", None, None, None),
    "bf16_dense_tflops": ("TFLOPS", "bf16", "dense", "tensor"),
    "bf16_sparse_tflops": ("TFLOPS", "fp16/bf16", "sparse", "tensor"),
    "fp8_dense_tflops": ("TFLOPS", "fp8", "dense", "tensor"),
    "fp16_tensor_dense_tflops": ("TFLOPS", "fp16", "dense", "tensor"),
    "fp16_bf16_tensor_dense_tflops": ("TFLOPS", "fp16/bf16", "dense", "tensor"),
    "fp16_shader_tflops": ("TFLOPS", "fp16", "dense", "shader"),
    "fp32_shader_tflops": ("TFLOPS", "fp32", "dense", "shader"),
    "fp64_shader_tflops": ("TFLOPS", "fp64", "dense", "shader"),
    "tdp_w": ("W", None, None, None),
    "release_date": ("year", None, None, None),
    "release_price_usd": ("USD", None, None, None),
}

RENTAL_KINDS = ["on_demand", "commit_1y", "commit_3y", "capacity_block", "marketplace", "market", "index"]
# A rental price is a point or a one-sided bound, never a range (one row is one price).
RENTAL_BOUNDS = ["=", "<", ">", "~"]
