"""Run the hardware probe with only numpy (and torch, if present) and save it as JSON.

For a GPU machine that lacks the warehouse's dependencies: run this there, bring the file
back, and store it with `infernomics probe --from FILE [--sku SKU]`.

usage: python benchmarks/probe_to_json.py OUT.json [--quick]
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.probe import run_probe, to_json  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    env, results = run_probe(quick="--quick" in sys.argv)
    Path(sys.argv[1]).write_text(json.dumps(to_json(env, results), indent=1), encoding="utf-8")
    for r in results:
        print(f"{r.device:7} {r.test:12} best {r.best:.4g} {r.unit}  median {r.median:.4g}  ({len(r.samples)} samples)")
    for reason in env.skipped:
        print("skipped:", reason)
