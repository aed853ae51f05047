"""Target 6 of issue 12: a 1M-request per-request JSON file imported (validated and
stored) against DuckDB's own `read_json` of the same file into a table.

    python benchmarks/ingest_json_scale.py [--requests 1000000] [--format vllm|llmperf|both]
                                           [--workdir /tmp/infernomics-json-scale]

1. Generates a synthetic but format-true file (cached in --workdir), written the way the
   tools write it:
   * vLLM `vllm bench serve --save-result --save-detailed` (vllm/benchmarks/serve.py):
     one object, `json.dump(result_json, f)` (default separators), the run's fields, the
     per-request parallel arrays `input_lens`, `output_lens`, `ttfts`, `itls` (a list per
     request), `latencies`, `start_times`, `generated_texts`, `errors`, then the
     statistics (mean/median/std/p99 of ttft, tpot, itl, e2el) computed from those arrays
     the way vLLM computes them, so the importer's percentile checks pass.
     Output lengths 1-16 tokens (itls has output_len - 1 gaps), 5 characters a token.
   * llmperf `token_benchmark_ray.py` `*_individual_responses.json`:
     `json.dump(individual_responses, f, indent=4)`, one object per request with the
     keys its OpenAI client writes (`error_code`, `error_msg`, `inter_token_latency_s`,
     `ttft_s`, `end_to_end_latency_s`, ...).
   Both: 0.5% failed requests (vLLM: a ClientResponseError text, ttft 0 and no tokens;
   llmperf: HTTP 429), and 0.01% rows broken on purpose (a negative TTFT) so the row
   rules have something to quarantine. Values come from a seeded numpy generator.
2. Bare: `CREATE TABLE t AS SELECT * FROM read_json(file, maximum_object_size = <size>)`
   into a fresh DuckDB file, DuckDB's default settings.
3. Ours: `import_path` into a warehouse whose schema is already built (an empty write
   window first, not timed): sha256, the streamed parse (sources/benchmarks/streamed.py),
   run contract, stats and figures, the Parquet part with every bulk request rule, the
   quarantine counts, the view, the percentiles recomputed from the rows and checked
   against the file's own.
Each phase runs in its own process, so peak RSS (getrusage ru_maxrss) is its own.
Prints time, peak RSS, rows in/accepted/quarantined and the ratio ours/bare per format.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAIL_EVERY = 200  # 0.5% failed requests
BROKEN_EVERY = 10_000  # 0.01% rows with a negative TTFT (break `negative_latency`)
CHUNK = 100_000


def _floats(values) -> str:
    """A run of floats as json.dump writes them (repr, ", " between)."""
    return ", ".join(map(repr, values))


def generate_vllm(path: Path, n: int, seed: int = 7) -> None:
    """A vLLM `--save-detailed` document with `n` requests (see the module docstring)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    idx = np.arange(n)
    failed = idx % FAIL_EVERY == 7
    out_lens = np.where(failed, 0, rng.integers(1, 17, n))
    in_lens = rng.integers(100, 500, n)
    ttfts = np.where(failed, 0.0, 0.05 + rng.gamma(2.0, 0.02, n))
    broken = idx % BROKEN_EVERY == 3
    ttfts = np.where(broken, -0.1, ttfts)
    gaps = 0.018 + rng.gamma(2.0, 0.004, int(np.maximum(out_lens - 1, 0).sum()))
    bounds = np.concatenate([[0], np.cumsum(np.maximum(out_lens - 1, 0))])
    running = np.concatenate([[0.0], np.cumsum(gaps)])
    gap_sums = running[bounds[1:]] - running[bounds[:-1]]
    latencies = np.where(failed, 0.0, ttfts + gap_sums)
    starts = np.cumsum(rng.exponential(1 / 400.0, n))
    ok = ~failed & ~broken  # the statistics are over the requests a reader would keep
    ok_ttft = ttfts[ok] * 1000
    multi = ok & (out_lens > 1)
    tpots = (latencies[multi] - ttfts[multi]) / (out_lens[multi] - 1) * 1000
    ok_gaps = gaps[np.repeat(ok, np.maximum(out_lens - 1, 0))] * 1000
    e2els = latencies[ok] * 1000
    duration = float(starts[-1] + latencies[-1])
    head = {
        "date": "20250601-120000",
        "endpoint_type": "vllm",
        "backend": "vllm",
        "label": None,
        "model_id": "meta-llama/Llama-3.1-8B-Instruct",
        "tokenizer_id": "meta-llama/Llama-3.1-8B-Instruct",
        "num_prompts": n,
        "request_rate": 400.0,
        "burstiness": 1.0,
        "max_concurrency": None,
        "duration": duration,
        "completed": int((~failed).sum()),
        "failed": int(failed.sum()),
        "total_input_tokens": int(in_lens[~failed].sum()),
        "total_output_tokens": int(out_lens.sum()),
        "request_throughput": float(ok.sum() / duration),
        "request_goodput": None,
        "output_throughput": float(out_lens.sum() / duration),
        "total_token_throughput": float((in_lens[~failed].sum() + out_lens.sum()) / duration),
    }
    tail = {"max_output_tokens_per_s": 4000.0, "max_concurrent_requests": 64, "rtfx": 0.0}
    for name, values in (("ttft", ok_ttft), ("tpot", tpots), ("itl", ok_gaps), ("e2el", e2els)):
        tail[f"mean_{name}_ms"] = float(np.mean(values))
        tail[f"median_{name}_ms"] = float(np.median(values))
        tail[f"std_{name}_ms"] = float(np.std(values))
        tail[f"p99_{name}_ms"] = float(np.percentile(values, 99))
    texts = ["".join("tok. " for _ in range(k)) for k in range(17)]
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head)[:-1])
        for key, series in (("input_lens", in_lens), ("output_lens", out_lens)):
            out.write(f', "{key}": [')
            out.write(", ".join(", ".join(map(str, series[i : i + CHUNK].tolist())) for i in range(0, n, CHUNK)))
            out.write("]")
        out.write(', "ttfts": [' + _floats(ttfts.tolist()) + "]")
        out.write(', "itls": [')
        gap_list = gaps.tolist()
        for i in range(n):
            out.write(("[" if i == 0 else ", [") + _floats(gap_list[bounds[i] : bounds[i + 1]]) + "]")
        out.write("]")
        out.write(', "latencies": [' + _floats(latencies.tolist()) + "]")
        out.write(', "start_times": [' + _floats(starts.tolist()) + "]")
        out.write(', "generated_texts": [' + ", ".join(json.dumps(texts[k]) for k in out_lens.tolist()) + "]")
        error = json.dumps("ClientResponseError: 500, message='Internal Server Error'")
        out.write(', "errors": [' + ", ".join(error if f else '""' for f in failed.tolist()) + "]")
        out.write(", " + json.dumps(tail)[1:])


_LLMPERF_ROW = """    {{
        "error_code": {code},
        "error_msg": {msg},
        "inter_token_latency_s": {itl!r},
        "ttft_s": {ttft!r},
        "end_to_end_latency_s": {e2el!r},
        "request_output_throughput_token_per_s": {tput!r},
        "number_total_tokens": {total},
        "number_output_tokens": {out},
        "number_input_tokens": {inp}
    }}"""


def generate_llmperf(path: Path, n: int, seed: int = 11) -> None:
    """An llmperf individual-responses file with `n` responses, laid out as
    `json.dump(..., indent=4)` lays it out."""
    import numpy as np

    rng = np.random.default_rng(seed)
    idx = np.arange(n)
    failed = idx % FAIL_EVERY == 7
    inp = rng.integers(400, 700, n)
    out = np.where(failed, 0, rng.integers(100, 200, n))
    ttft = np.where(failed, 0.0, 0.15 + rng.gamma(2.0, 0.05, n))
    ttft = np.where(idx % BROKEN_EVERY == 3, -0.1, ttft)
    e2el = np.where(failed, 0.0, ttft + out * (0.004 + rng.gamma(2.0, 0.0005, n)))
    itl = np.where(out > 0, (e2el - ttft) / np.maximum(out, 1), 0.0)
    tput = np.where(e2el > 0, out / np.where(e2el > 0, e2el, 1), 0.0)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[\n")
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            rows = [
                _LLMPERF_ROW.format(
                    code=429 if f else "null",
                    msg='"Too Many Requests"' if f else '""',
                    itl=i,
                    ttft=t,
                    e2el=e,
                    tput=p,
                    total=a + b,
                    out=b,
                    inp=a,
                )
                for f, i, t, e, p, a, b in zip(
                    failed[start:stop].tolist(),
                    itl[start:stop].tolist(),
                    ttft[start:stop].tolist(),
                    e2el[start:stop].tolist(),
                    tput[start:stop].tolist(),
                    inp[start:stop].tolist(),
                    out[start:stop].tolist(),
                    strict=True,
                )
            ]
            handle.write((",\n" if start else "") + ",\n".join(rows))
        handle.write("\n]")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_generate(fmt: str, path: Path, n: int) -> dict:
    t = time.perf_counter()
    (generate_vllm if fmt == "vllm" else generate_llmperf)(path, n)
    return {"seconds": time.perf_counter() - t, "bytes": path.stat().st_size}


def phase_bare(path: Path, db: Path) -> dict:
    import duckdb

    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    t = time.perf_counter()
    con = duckdb.connect(str(db))
    size = path.stat().st_size + 1
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_json('{path}', maximum_object_size = {size})")
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    return {"seconds": time.perf_counter() - t, "peak_rss_mb": peak_rss_mb(), "table_rows": rows}


def phase_ours(path: Path, workdir: Path) -> dict:
    from pipeline.steps.benchmarks.ingest import import_path
    from warehouse import Warehouse

    folder = workdir / "warehouse"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    wh = Warehouse(folder / "warehouse.duckdb")
    with wh.ingest("benchmarks/ingest_json_scale/schema"):
        pass  # the schema, built before the clock starts: a user's warehouse exists already
    rss_before = peak_rss_mb()
    t = time.perf_counter()
    with wh.ingest("benchmarks/ingest_json_scale") as (con, run):
        outcome = import_path(con, wh.parts_dir, run, path)
        rows_in, accepted, quarantined = run.rows_in, run.rows_accepted, run.rows_quarantined
    seconds = time.perf_counter() - t
    with wh.reader() as con:
        stored = con.execute("SELECT count(*) FROM benchmark_request").fetchall()[0][0]
        rejected = con.execute("SELECT count(*) FROM benchmark_request_rejected").fetchall()[0][0]
        rules = con.execute(
            "SELECT rule, row_locator FROM quarantine WHERE target_table = 'benchmark_request' ORDER BY rule"
        ).fetchall()
        checks = con.execute("SELECT count(*), count(*) FILTER (WHERE ok = false) FROM benchmark_check").fetchall()[0]
        run_row = con.execute("SELECT requests_sent, completed, failed, rejected FROM benchmark_run").fetchall()
    return {
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_import_mb": rss_before,
        "status": outcome.status,
        "reason": outcome.reason,
        "format": outcome.format,
        "request_rows_in": stored + rejected,
        "request_rows_accepted": stored,
        "request_rows_quarantined": rejected,
        "ingest_rows": [rows_in, accepted, quarantined],
        "quarantine_rules": rules,
        "checks": list(checks),
        "run": run_row,
    }


def child(phase: str, args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, *args], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=1_000_000)
    ap.add_argument("--format", choices=["vllm", "llmperf", "both"], default="both")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/infernomics-json-scale"))
    ap.add_argument("--phase", choices=["generate", "bare", "ours"], help=argparse.SUPPRESS)
    a = ap.parse_args()
    a.workdir.mkdir(parents=True, exist_ok=True)
    formats = ["vllm", "llmperf"] if a.format == "both" else [a.format]
    if a.phase:
        fmt = formats[0]
        src = a.workdir / f"{fmt}_{a.requests}.json"
        if a.phase == "generate":
            result = phase_generate(fmt, src, a.requests)
        elif a.phase == "bare":
            result = phase_bare(src, a.workdir / "bare.duckdb")
        else:
            result = phase_ours(src, a.workdir)
        print(json.dumps(result, default=str))
        return
    for fmt in formats:
        common = ["--requests", str(a.requests), "--format", fmt, "--workdir", str(a.workdir)]
        src = a.workdir / f"{fmt}_{a.requests}.json"
        if not src.exists():
            gen = child("generate", common)
            print(f"[{fmt}] generated {a.requests:,} requests, {gen['bytes'] / 1e6:.0f} MB, in {gen['seconds']:.0f}s")
        size_mb = src.stat().st_size / 1e6
        bare = child("bare", common)
        ours = child("ours", common)
        print(f"[{fmt}] file              : {src.name}, {size_mb:.0f} MB")
        print(
            f"[{fmt}] bare DuckDB read_json into a table : {bare['seconds']:.2f}s  peak RSS {bare['peak_rss_mb']:.0f} MB"
            f"  ({bare['table_rows']:,} table rows)"
        )
        print(
            f"[{fmt}] infernomics import                 : {ours['seconds']:.2f}s  peak RSS {ours['peak_rss_mb']:.0f} MB"
            f"  (status {ours['status']}; {ours['request_rows_in']:,} request rows in = "
            f"{ours['request_rows_accepted']:,} accepted + {ours['request_rows_quarantined']:,} quarantined)"
        )
        print(
            f"[{fmt}] ratio ours/bare    : {ours['seconds'] / bare['seconds']:.2f}x   (target <= 1.5x, peak RSS < 1024 MB)"
        )
        print(
            f"[{fmt}] quarantine         : {ours['quarantine_rules']}; run (sent, completed, failed, rejected) = "
            f"{ours['run']}; percentile checks {ours['checks'][0]} ({ours['checks'][1]} failed)"
        )


if __name__ == "__main__":
    main()
