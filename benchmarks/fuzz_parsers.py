"""Feed mutated real benchmark files to the parsers; count what gets through wrongly.

Usage:
    .venv/bin/python benchmarks/fuzz_parsers.py [--n 1200] [--seed 11] [--timeout 10] [--import-sample 60]

Every input starts from a bundled real result file (sources/data/benchmarks/, the same
bytes the refresh imports) and gets one mutation: a byte flipped, inserted or deleted, the
file truncated, a line duplicated or dropped, deep bracket nesting, a number field swapped
for a hostile value (-1, 1e308, Infinity, NaN, a huge integer, a string, a list, a dict,
null), a key deleted, or a CSV cell rewritten. Each input is parsed by `parse_bytes` and
its runs validated by the same contract `import` stores them with.

It reports, for the whole set:
* uncaught: any exception other than the parsers' own ParseError (target 0);
* hangs: a parse that did not finish within --timeout seconds (target 0);
* stored wrongly: a run the contract accepts although it holds a negative, non-finite or
  out-of-range measure, counts beyond its own totals, or although the mutation put a
  hostile value (negative, infinite, NaN, beyond 2**53) in a field the parser reads
  from the original file (the value must not vanish into NULL or be accepted) (target 0).

It then swaps, one at a time, every number the parser reads from each real JSON file for
-1, 1e308, 10**40, Infinity, -Infinity and NaN, and counts the swaps stored anyway.

With --import-sample N it also imports N mutated files plus the original real ones into
one fresh warehouse in ONE `import` call and checks that every good file is stored, every
bad file is quarantined whole, counts in = accepted + quarantined, and no Parquet part is
left that no stored row references.

Timing is one run on this machine; the numbers that matter are the three counts.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from sources.benchmarks import ParseError, parse_bytes  # noqa: E402
from sources.benchmarks.bundled import bundled_files, folder_context  # noqa: E402
from sources.benchmarks.common import MAX_COUNT, RUN_SCHEMA  # noqa: E402
from warehouse.contracts_benchmarks import BenchmarkRun, BenchmarkRunStat  # noqa: E402
from warehouse.store import validate  # noqa: E402

HOSTILE_NUMBERS = [-1, -0.5, 1e308, 10**30, float("inf"), float("-inf"), float("nan")]
OTHER_VALUES = ["abc", "", None, [1, 2], {"a": 1}, True, "1e999", "-5", 10**400]
COUNT_COLUMNS = [
    "requests_sent",
    "completed",
    "failed",
    "rejected",
    "input_tokens_total",
    "output_tokens_total",
    "n_request_rows",
]


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def _dumps(doc) -> bytes:
    return json.dumps(doc, allow_nan=True).encode()


def _numeric_paths(doc, prefix=()):
    """Paths to every number in a JSON document (lists of numbers: their first element)."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                yield prefix + (k,)
            elif isinstance(v, (dict, list)):
                yield from _numeric_paths(v, prefix + (k,))
    elif isinstance(doc, list) and doc:
        for i, v in enumerate(doc[:3]):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                yield prefix + (i,)
            elif isinstance(v, (dict, list)):
                yield from _numeric_paths(v, prefix + (i,))


def _set(doc, path, value):
    node = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


def mutate(rng: random.Random, data: bytes, name: str) -> tuple[bytes, str, dict | None]:
    """(mutated bytes, what was done, field swap info or None)."""
    kind = rng.choice(
        [
            "flip",
            "insert",
            "delete",
            "truncate",
            "nest",
            "dup_line",
            "drop_line",
            "field",
            "field",
            "field",
            "field",
            "del_key",
            "csv_cell",
            "splice",
        ]
    )
    n = len(data)
    if kind == "flip" and n:
        i = rng.randrange(n)
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :], f"flip byte {i}", None
    if kind == "insert":
        i = rng.randrange(n + 1)
        junk = rng.choice([b"{", b"[", b"]", b"}", b",", b'"', b"\x00", b"\xff\xfe", b"-", b"Infinity", b"NaN", b"\n"])
        return data[:i] + junk + data[i:], f"insert {junk!r} at {i}", None
    if kind == "delete" and n:
        i = rng.randrange(n)
        k = rng.randint(1, 64)
        return data[:i] + data[i + k :], f"delete {k} bytes at {i}", None
    if kind == "truncate":
        i = rng.randrange(n + 1)
        return data[:i], f"truncate at {i}", None
    if kind == "nest":
        depth = rng.choice([500, 5000, 100000])
        bracket = rng.choice(["[", '{"a":'])
        closing = "]" if bracket == "[" else "}"
        payload = (bracket * depth + "1" + closing * depth).encode()
        if name.endswith((".json", ".jsonl")) and data.lstrip()[:1] == b"{":
            i = data.index(b"{") + 1
            return data[:i] + b'"deep": ' + payload + b"," + data[i:], f"nest {depth} deep", None
        return payload, f"replace with {depth}-deep nesting", None
    if kind in {"dup_line", "drop_line"}:
        lines = data.split(b"\n")
        if len(lines) > 1:
            i = rng.randrange(len(lines))
            if kind == "dup_line":
                lines.insert(i, lines[i])
            else:
                del lines[i]
            return b"\n".join(lines), f"{kind} {i}", None
    if kind == "splice":
        i, j = sorted(rng.randrange(n + 1) for _ in range(2))
        return data[:i] + data[j:] + data[i:j], f"move bytes {i}:{j} to the end", None
    if kind in {"field", "del_key"}:
        jsonl = name.endswith(".jsonl")
        try:
            docs = (
                [json.loads(line) for line in data.decode().splitlines() if line.strip()]
                if jsonl
                else [json.loads(data)]
            )
        except (ValueError, UnicodeDecodeError):
            docs = None
        if docs:
            which = rng.randrange(len(docs))
            paths = list(_numeric_paths(docs[which]))
            if paths:
                path = rng.choice(paths)
                if kind == "del_key":
                    node = docs[which]
                    for p in path[:-1]:
                        node = node[p]
                    if isinstance(node, dict):
                        del node[path[-1]]
                    else:
                        node[path[-1]] = None
                    info = None
                    what = f"delete {path}"
                else:
                    value = rng.choice(HOSTILE_NUMBERS + OTHER_VALUES)
                    _set(docs[which], path, value)
                    locator = f"L{which + 1}" if jsonl else (f"row{path[0]}" if isinstance(docs[0], list) else None)
                    info = {"doc": which, "path": path, "value": value, "locator": locator}
                    what = f"set {path} = {value!r:.40}"
                body = b"\n".join(_dumps(d) for d in docs) + b"\n" if jsonl else _dumps(docs[0])
                return body, what, info
        kind = "csv_cell"
    if kind == "csv_cell":
        text = data.decode("utf-8", errors="replace")
        lines = text.splitlines()
        if len(lines) > 1:
            i = rng.randrange(1, len(lines))
            cells = lines[i].split(",")
            j = rng.randrange(len(cells))
            value = rng.choice(
                [
                    "-1",
                    "-0.001",
                    "1e308",
                    "inf",
                    "Infinity",
                    "NaN",
                    "abc",
                    "",
                    '"',
                    "9" * 40,
                    "1" * 2000,
                    "{'rouge1': -1}",
                ]
            )
            # ': ' separated text (MLPerf logs) gets the value after the colon
            if ":" in lines[i] and "," not in lines[i]:
                key = lines[i].split(":")[0]
                lines[i] = f"{key}: {value}"
                once = sum(1 for ln in lines if ln.split(":")[0].strip() == key.strip()) == 1
                # a key stated twice: the parser reads the first, so only a unique key is a read field
                info = {"line_key": key.strip(), "value": value, "locator": None} if once else None
                return "\n".join(lines).encode(), f"set line {i} value = {value[:20]!r}", info
            cells[j] = value
            lines[i] = ",".join(cells)
            return "\n".join(lines).encode(), f"set line {i} cell {j} = {value[:20]!r}", None
    return data + b"\x00", "append NUL", None


def _bad_measures(run: dict) -> list[str]:
    """What is wrong with an accepted run, by rules written apart from the contract."""
    out = []
    for col, dtype in RUN_SCHEMA.items():
        v = run.get(col)
        if v is None or dtype not in (pl.Float64, pl.Int64, pl.Int32):
            continue
        if isinstance(v, float) and not math.isfinite(v):
            out.append(f"{col} not finite")
        elif v < 0:
            out.append(f"{col} negative ({v})")
        elif col in COUNT_COLUMNS and v > MAX_COUNT:
            out.append(f"{col} beyond 2**53")
    sent = run.get("requests_sent")
    total = sum(run.get(c) or 0 for c in ("completed", "failed", "rejected"))
    ceiling = sent if sent is not None else run.get("n_request_rows")
    if ceiling is not None and total > ceiling:
        out.append(f"outcomes {total} > sent {ceiling}")
    return out


def _hostile(value) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return value < 0 or value > MAX_COUNT
    if isinstance(value, float):
        return not math.isfinite(value) or value < 0 or value > MAX_COUNT
    if isinstance(value, str):
        try:
            f = float(value.strip())
        except ValueError:
            return False
        return not math.isfinite(f) or f < 0 or f > MAX_COUNT
    return False


def accepted_runs(frames) -> pl.DataFrame:
    problems = validate(frames.runs, BenchmarkRun)
    return frames.runs.with_row_index("_idx").filter(~pl.col("_idx").is_in(problems["_idx"].implode()))


def check_one(
    data: bytes, name: str, folder: str, info: dict | None, original_keys: set[str], timeout: int
) -> tuple[str, str]:
    """('ok'|'runs_refused'|'parse_error'|'uncaught'|'hang'|'wrong', detail)."""
    signal.alarm(timeout)
    try:
        frames = parse_bytes(data, name, context=folder_context(folder))
        ok = accepted_runs(frames)
        stats_ok = frames.stats.filter(pl.col("run_id").is_in(ok["run_id"].implode())).with_columns(
            pl.lit(None, pl.String).alias("figure_id")
        )  # ids are given at store time
        stat_problems = validate(stats_ok, BenchmarkRunStat)
    except ParseError as err:
        return "parse_error", f"{err.rule}: {err}"
    except Hang:
        return "hang", f"no result after {timeout}s"
    except Exception as err:  # noqa: BLE001 (this is what the fuzzer counts)
        return "uncaught", f"{type(err).__name__}: {str(err)[:200]}"
    finally:
        signal.alarm(0)
    wrong = []
    for run in ok.to_dicts():
        wrong += [f"{run['locator']}: {w}" for w in _bad_measures(run)]
    if stat_problems.height:
        bad_stats = stats_ok.with_row_index("_idx").filter(pl.col("_idx").is_in(stat_problems["_idx"].implode()))
        wrong += [f"stat {r['raw_key']} = {r['value']} accepted with its run" for r in bad_stats.to_dicts()[:3]]
    target = ok if info is None or info.get("locator") is None else ok.filter(pl.col("locator") == info["locator"])
    if info is not None and target.height:
        key = info.get("line_key") or (str(info["path"][-1]) if "path" in info else None)
        unbounded_rate = key == "request_rate" and str(info["value"]).strip().lower() in {"inf", "infinity"}
        if key in original_keys and _hostile(info["value"]) and not unbounded_rate:  # rate inf = burst, by design
            # the parser reads this field; a hostile value in it must quarantine the run
            wrong.append(f"hostile value {info['value']!r:.30} in read field {key!r} accepted")
    if wrong:
        return "wrong", "; ".join(wrong)
    return ("ok", "") if ok.height == frames.runs.height else ("runs_refused", "")


SWAP_VALUES = [-1, 1e308, 10**40, float("inf"), float("-inf"), float("nan")]


def one_field_swaps(bases, timeout: int) -> tuple[int, int, list[str]]:
    """Every number the parser reads from a real JSON/JSONL file (its raw key is a stat of
    the unmutated parse), swapped in turn for each of SWAP_VALUES: (tried, stored wrongly,
    examples). The issue's attack: 89 of 167 such swaps were stored."""
    tried, wrong, examples = 0, 0, []
    for f, data, keys in bases:
        name = f.path.name
        if not name.endswith((".json", ".jsonl")):
            continue
        jsonl = name.endswith(".jsonl")
        docs = [json.loads(x) for x in data.decode().splitlines() if x.strip()] if jsonl else [json.loads(data)]
        for d, doc in enumerate(docs[:2]):
            for path in _numeric_paths(doc):
                if str(path[-1]) not in keys or (isinstance(path[0], int) and path[0] > 1):
                    continue  # per-request arrays and unread fields: not a summary figure
                for value in SWAP_VALUES:
                    if str(path[-1]) == "request_rate" and value == float("inf"):
                        continue  # burst, by design
                    copy = json.loads(json.dumps(docs))
                    _set(copy[d], path, value)
                    body = b"\n".join(_dumps(x) for x in copy) + b"\n" if jsonl else _dumps(copy[0])
                    locator = f"L{d + 1}" if jsonl else (f"row{path[0]}" if isinstance(copy[0], list) else None)
                    info = {"path": path, "value": value, "locator": locator}
                    verdict, detail = check_one(body, name, f.folder, info, keys, timeout)
                    tried += 1
                    if verdict in {"wrong", "uncaught", "hang"}:
                        wrong += 1
                        if len(examples) < 5:
                            examples.append(f"{name} {path} = {value!r}: {verdict} {detail}")
    return tried, wrong, examples


def run_import_sample(samples: list[tuple[str, bytes, str]], originals: list) -> dict:
    """Import mutated files and the real ones in ONE import call; check the batch held."""
    from pipeline.steps.benchmarks.ingest import import_path
    from warehouse import Warehouse
    from warehouse.connection import part_path

    with tempfile.TemporaryDirectory(prefix="fuzz-import-") as tmp:
        root = Path(tmp)
        files = []
        for i, (name, data, folder) in enumerate(samples):
            target = root / "in" / folder / f"m{i:04d}__{name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files.append((target, folder))
        for f in originals:
            target = root / "in" / f.folder / f.path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.path.read_bytes())
            files.append((target, f.folder))
        wh = Warehouse(root / "w.duckdb")
        outcomes, crashed = [], None
        try:
            with wh.ingest("fuzz/import") as (con, run):
                for path, folder in files:
                    outcomes.append(import_path(con, wh.parts_dir, run, path, bundled_folder=folder))
        except Exception as err:  # noqa: BLE001
            crashed = f"{type(err).__name__}: {err}"
        if crashed:
            return {"crashed": crashed}
        with wh.reader() as con:
            referenced = {
                part_path(r[0]) for r in con.execute("SELECT part_file FROM benchmark_request_part").fetchall()
            }
            runs = con.execute(
                "SELECT rows_in, rows_accepted, rows_quarantined FROM ingest_run WHERE step = 'fuzz/import'"
            ).fetchall()[0]
        folder = wh.parts_dir / "benchmark_request"
        on_disk = (
            {p.relative_to(wh.parts_dir).as_posix() for p in folder.rglob("*") if p.is_file()}
            if folder.exists()
            else set()
        )
        real_names = {f.path.name for f in originals}
        real_stored = sum(1 for o in outcomes if Path(o.path).name in real_names and o.status == "stored")
        return {
            "files": len(files),
            **{s: sum(o.status == s for o in outcomes) for s in ("stored", "quarantined", "skipped", "context")},
            "real_files_stored": f"{real_stored}/{len(originals)}",
            "counts_balance": runs[0] == runs[1] + runs[2],
            "orphan_parts": sorted(on_disk - referenced),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1200, help="mutated inputs to try (default 1200)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=int, default=10, help="seconds before a parse counts as a hang")
    parser.add_argument(
        "--import-sample", type=int, default=60, help="mutated files to also import in one call (0: skip)"
    )
    parser.add_argument("--show", type=int, default=5, help="examples to print per failing class")
    args = parser.parse_args()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(args.seed)
    originals = [f for f in bundled_files()]
    bases = []
    for f in originals:
        data = f.path.read_bytes()
        frames = parse_bytes(data, f.path.name, context=folder_context(f.folder))
        keys = set(frames.stats["raw_key"].to_list())
        bases.append((f, data, keys))
    counts = {"ok": 0, "runs_refused": 0, "parse_error": 0, "uncaught": 0, "hang": 0, "wrong": 0}
    examples: dict[str, list[str]] = {"uncaught": [], "hang": [], "wrong": []}
    samples = []
    started = time.perf_counter()
    for i in range(args.n):
        f, data, keys = bases[i % len(bases)]
        mutated, what, info = mutate(rng, data, f.path.name)
        verdict, detail = check_one(mutated, f.path.name, f.folder, info, keys, args.timeout)
        counts[verdict] += 1
        if verdict in examples and len(examples[verdict]) < args.show:
            examples[verdict].append(f"{f.path.name} [{what}]: {detail}")
        if len(samples) < args.import_sample and rng.random() < 0.2 and len(mutated) < 2_000_000:
            samples.append((f.path.name, mutated, f.folder))
    elapsed = time.perf_counter() - started
    print(
        f"fuzz_parsers: {args.n} mutated inputs from {len(bases)} bundled real files (seed {args.seed}), "
        f"{elapsed:.1f} s"
    )
    print(
        f"  every run accepted: {counts['ok']}, some runs refused by a contract rule: {counts['runs_refused']}, "
        f"whole file refused with ParseError: {counts['parse_error']}"
    )
    print(f"  uncaught: {counts['uncaught']}  hangs: {counts['hang']}  stored wrongly: {counts['wrong']}")
    for key, lines in examples.items():
        for line in lines:
            print(f"  {key}: {line}")
    tried, wrong, swap_examples = one_field_swaps(bases, args.timeout)
    print(
        f"  one-field swaps of read numbers (-1, 1e308, 10**40, inf, -inf, nan): {tried} tried, "
        f"{wrong} stored wrongly or crashed"
    )
    for line in swap_examples:
        print(f"  swap: {line}")
    counts["wrong"] += wrong
    if args.import_sample:
        result = run_import_sample(samples, originals)
        print(f"  one import call of {len(samples)} mutated + {len(originals)} real files: {json.dumps(result)}")
    return 0 if counts["uncaught"] == counts["hang"] == counts["wrong"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
