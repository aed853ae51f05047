"""Asset keys one module names in another (deps, checks, selections), each typed once here.

Decisions:
* A key here is one that crosses a module: a dependency of another family, the target of
  a check or of an integrity check, the report's inputs. The asset that defines it uses the
  same constant (`key=keys.GPU_SPEC`), so the string is written once and a typo fails at
  import, not as a dangling dependency. Keys only their own module names stay there
  (`raw/token_prices/<feed>_feed`, `derived/hardware/decode_floor`, `report/site`).
* Keys are user-visible (the UI, `dg launch --assets`, docs/*.md): renaming one is an
  interface change, so the docs and tests name the same strings.
"""

import dagster as dg

# citations
SOURCE = dg.AssetKey(["clean", "citations", "source"])  # every family's registry records
CITED_FIGURE = dg.AssetKey(["clean", "citations", "figure"])
FIGURE_LINK = dg.AssetKey(["clean", "citations", "figure_link"])
RECOMPUTED_CLAIMS = dg.AssetKey(["derived", "recomputed_claims"])

# hardware
GPU_SPEC = dg.AssetKey(["clean", "hardware", "gpu_spec"])
GPU_RENTAL_PRICE = dg.AssetKey(["clean", "hardware", "gpu_rental_price"])

# token prices: one clean asset per feed or history, all writing `token_price`
TOKEN_PRICE_TABLES = {
    name: dg.AssetKey(["clean", "token_prices", name])
    for name in ("cited", "genai_prices", "openrouter", "litellm", "litellm_releases", "models_dev")
}
GENAI_PRICES = TOKEN_PRICE_TABLES["genai_prices"]

# benchmarks
BENCH_BUNDLED = dg.AssetKey(["clean", "benchmarks", "bundled"])
BENCH_DROPPED = dg.AssetKey(["clean", "benchmarks", "dropped"])
BENCH_COST_PER_MTOK = dg.AssetKey(["derived", "benchmarks", "cost_per_mtok"])

# scores
MODEL_SCORE = dg.AssetKey(["clean", "scores", "model_score"])  # writes model_identity too

# integrity: the re-hash of every registered file, checked on its own asset
INTEGRITY_SNAPSHOTS = dg.AssetKey(["clean", "integrity", "snapshots"])

# trends: observations, then the fitted series the report draws
LLM_PRICE_OBSERVATION = dg.AssetKey(["clean", "trends", "llm_price_observation"])
DEMAND_OBSERVATION = dg.AssetKey(["clean", "trends", "demand_observation"])
OPENROUTER_WEEK = dg.AssetKey(["clean", "trends", "openrouter_week"])
TREND_CAPABILITY_PRICE = dg.AssetKey(["trend", "capability_price"])
TREND_CAPABILITY_PRICE_2026 = dg.AssetKey(["trend", "capability_price_2026"])
TREND_TOKEN_PRICE = dg.AssetKey(["trend", "token_price"])
TREND_GPU = dg.AssetKey(["trend", "gpu"])
TREND_BENCHMARK = dg.AssetKey(["trend", "benchmark"])
TREND_DEMAND = dg.AssetKey(["trend", "demand"])
TREND_DEMAND_CURVE = dg.AssetKey(["trend", "demand_curve"])
TREND_CLAIM_CHECKS = dg.AssetKey(["trend", "claim_checks"])
TRENDS = [
    TREND_CAPABILITY_PRICE,
    TREND_CAPABILITY_PRICE_2026,
    TREND_TOKEN_PRICE,
    TREND_GPU,
    TREND_BENCHMARK,
    TREND_DEMAND,
    TREND_DEMAND_CURVE,
    TREND_CLAIM_CHECKS,
]
