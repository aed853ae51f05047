"""Scale check for per-request benchmark rows: N synthetic requests, stored the way
`infernomics import` stores them, against a bare DuckDB load of the same file.

    python benchmarks/ingest_scale.py --rows 10000000 [--workdir /tmp/scale]

1. Generates N rows in llmperf's per-request schema (`error_code`, `error_msg`,
   `ttft_s`, `end_to_end_latency_s`, `inter_token_latency_s`, token counts, ...) as one
   Parquet file, with 0.5% HTTP 429 rejections and 0.01% rows that break a rule
   (negative TTFT), so validation has something to find.
2. Bare: `CREATE TABLE t AS SELECT * FROM read_parquet(file)` into a fresh DuckDB file.
3. Ours, in a warehouse write window (lock, copy, migrate, publish): sha256 of the file,
   one pass that converts seconds to ms, derives tpot, applies every bulk rule of
   `warehouse.contracts_benchmarks.REQUEST_RULES` and writes the content-addressed
   Parquet part; rejected rows counted per rule into `quarantine`; the part registered
   and the `benchmark_request` view refreshed.
Each phase runs in its own process so its peak RSS is its own. Prints rows/s, peak RSS
and the time ratio ours/bare. Percentile derivation over the part is timed separately.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GENERATE = """
COPY (
    SELECT
        CASE WHEN i % 200 = 7 THEN 429 END AS error_code,
        CASE WHEN i % 200 = 7 THEN 'Too Many Requests' ELSE '' END AS error_msg,
        0.004 + (hash(i) % 1000) / 1e6 AS inter_token_latency_s,
        CASE WHEN i % 10000 = 3 THEN -0.1 ELSE 0.15 + (hash(i * 7) % 100000) / 1e6 END AS ttft_s,
        0.8 + (hash(i * 13) % 400000) / 1e6 AS end_to_end_latency_s,
        150 + (hash(i * 17) % 60)::DOUBLE AS request_output_throughput_token_per_s,
        (550 + 150)::BIGINT AS number_total_tokens,
        150::BIGINT AS number_output_tokens,
        550::BIGINT AS number_input_tokens
    FROM range({n}) t(i)
) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
"""

# llmperf per-request columns -> canonical request columns (one SELECT; no Python per row).
LLMPERF_TO_CANONICAL = """(
    SELECT '{run_id}' AS run_id, file_row_number AS request_index,
           error_code IS NULL AND coalesce(error_msg, '') = '' AS success,
           CASE WHEN error_code IS NOT NULL THEN error_code::VARCHAR || ': ' || error_msg END AS error,
           number_input_tokens AS input_tokens, number_output_tokens AS output_tokens,
           CASE WHEN error_code IS NULL THEN ttft_s * 1000 END AS ttft_ms,
           CASE WHEN error_code IS NULL AND number_output_tokens > 1
                THEN (end_to_end_latency_s - ttft_s) * 1000 / (number_output_tokens - 1) END AS tpot_ms,
           CASE WHEN error_code IS NULL THEN inter_token_latency_s * 1000 END AS itl_mean_ms,
           CASE WHEN error_code IS NULL THEN end_to_end_latency_s * 1000 END AS e2el_ms
    FROM read_parquet('{path}', file_row_number = true)
)"""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_generate(path: Path, n: int) -> dict:
    import duckdb

    t = time.perf_counter()
    duckdb.connect().execute(GENERATE.format(n=n, path=path))
    return {"seconds": time.perf_counter() - t, "bytes": path.stat().st_size}


def phase_bare(path: Path, db: Path) -> dict:
    import duckdb

    db.unlink(missing_ok=True)
    t = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{path}')")
    con.close()
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def phase_ours(path: Path, db: Path) -> dict:
    from pipeline.steps.benchmarks.ingest import derive_percentiles, import_path
    from warehouse import Warehouse
    from warehouse.connection import part_path

    wh = Warehouse(db)
    t = time.perf_counter()
    with wh.ingest("benchmarks/ingest_scale") as (con, run):
        outcome = import_path(con, wh.parts_dir, run, path, fmt="llmperf", derive=False)
    seconds = time.perf_counter() - t
    rss_ingest = peak_rss_mb()
    t1 = time.perf_counter()
    with wh.ingest("benchmarks/ingest_scale/derive") as (con, run):
        part = con.execute("SELECT part_file FROM benchmark_request_part").fetchall()[0][0]
        derive_percentiles(con, wh.parts_dir / part_path(part), run, "llmperf")
    derive_seconds = time.perf_counter() - t1
    t2 = time.perf_counter()
    with wh.reader() as con:
        pct = con.execute(
            "SELECT quantile_cont(ttft_ms, [0.5, 0.95, 0.99]) FROM benchmark_request WHERE success"
        ).fetchall()[0][0]
        rules = con.execute("SELECT rule, reason FROM quarantine WHERE target_table = 'benchmark_request'").fetchall()
        stored = con.execute("SELECT count(*) FROM benchmark_request").fetchall()[0][0]
    return {
        "seconds": seconds,
        "peak_rss_mb": rss_ingest,
        "derive_seconds": derive_seconds,
        "peak_rss_with_derive_mb": peak_rss_mb(),
        "rows": outcome.request_rows + sum(int(r[1].split()[0]) for r in rules),
        "rows_quarantined": sum(int(r[1].split()[0]) for r in rules),
        "rows_in_view": stored,
        "status": outcome.status,
        "query_seconds": time.perf_counter() - t2,
        "ttft_p50_p95_p99_ms": pct,
        "quarantine": rules,
    }


def child(phase: str, args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/infernomics-scale"))
    ap.add_argument("--phase", choices=["generate", "bare", "ours"])
    ap.add_argument("--repeat", type=int, default=1, help="alternate bare/ours this many times; best of each")
    a = ap.parse_args()
    a.workdir.mkdir(parents=True, exist_ok=True)
    src = a.workdir / f"llmperf_requests_{a.rows}.parquet"
    if a.phase == "generate":
        print(json.dumps(phase_generate(src, a.rows)))
        return
    if a.phase == "bare":
        print(json.dumps(phase_bare(src, a.workdir / "bare.duckdb")))
        return
    if a.phase == "ours":
        for stale in a.workdir.glob("warehouse*"):
            if stale.is_file():
                stale.unlink()
            else:
                import shutil

                shutil.rmtree(stale)
        print(json.dumps(phase_ours(src, a.workdir / "warehouse.duckdb"), default=str))
        return
    common = ["--rows", str(a.rows), "--workdir", str(a.workdir)]
    if not src.exists():
        gen = child("generate", common)
        print(f"generated {a.rows:,} rows ({gen['bytes'] / 1e6:.0f} MB Parquet) in {gen['seconds']:.1f}s")
    bares, ours = [], []
    for _ in range(a.repeat):
        bares.append(child("bare", common))
        ours.append(child("ours", common))
    bare = min(bares, key=lambda r: r["seconds"])
    mine = min(ours, key=lambda r: r["seconds"])
    n = a.rows
    print(
        f"bare DuckDB CTAS : {bare['seconds']:.2f}s  {n / bare['seconds'] / 1e6:.2f} M rows/s  peak RSS {bare['peak_rss_mb']:.0f} MB"
    )
    print(
        f"infernomics      : {mine['seconds']:.2f}s  {n / mine['seconds'] / 1e6:.2f} M rows/s  peak RSS {mine['peak_rss_mb']:.0f} MB"
        f"  ({mine['rows']:,} rows in, {mine['rows'] - mine['rows_quarantined']:,} accepted, {mine['rows_quarantined']:,} quarantined)"
    )
    print(f"ratio ours/bare  : {mine['seconds'] / bare['seconds']:.2f}x   (target <= 1.5x, peak < 2048 MB)")
    print(
        f"derived P50/P90/P95/P99 + mean of 4 metrics as figures (separate window): {mine['derive_seconds']:.2f}s, "
        f"peak RSS incl. that {mine['peak_rss_with_derive_mb']:.0f} MB"
    )
    print(
        f"then, reading the stored rows back: {mine['rows_in_view']:,} rows in benchmark_request; "
        f"p50/p95/p99 over them in {mine['query_seconds']:.2f}s, TTFT ms = "
        f"{', '.join(f'{v:.1f}' for v in mine['ttft_p50_p95_p99_ms'])}"
    )
    print(
        f"all runs (s): bare {[round(r['seconds'], 2) for r in bares]}, ours {[round(r['seconds'], 2) for r in ours]}"
    )


if __name__ == "__main__":
    main()
