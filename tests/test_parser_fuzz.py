"""Property-based fuzzing of every parser family on mutated real files (hypothesis).

For any one mutation of a bundled real file (a byte changed, inserted or cut, the file
truncated, brackets nested deep, a number swapped for -1, 1e308, Infinity, NaN, 10**40,
text, a list, an object or null), a parser either refuses the file with its own
ParseError (rule named) or returns runs of which the contract accepts only sound ones:
finite, non-negative measures and outcome counts within the file's own totals.
Examples are bounded and derandomized so CI stays fast and repeatable;
`benchmarks/fuzz_parsers.py` runs the same idea over >= 1,000 inputs.
"""

import json
import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.benchmarks import ParseError, parse_bytes
from sources.benchmarks.bundled import bundled_files, folder_context
from sources.benchmarks.common import RUN_SCHEMA
from sources.token_prices import litellm, openrouter
from warehouse.contracts_benchmarks import BenchmarkRun
from warehouse.store import validate

FIXTURES = Path(__file__).parent / "fixtures"
MAX_COUNT = 2**53  # no real run counts or measures beyond this
HOSTILE = [
    -1,
    -0.001,
    1e308,
    10**40,
    float("inf"),
    float("-inf"),
    float("nan"),
    "abc",
    "",
    None,
    [1, 2],
    {"a": 1},
    True,
    "-5",
    "1e999",
    "NaN",
]
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _files(folder: str, *extra: Path) -> list[tuple[str, bytes, str]]:
    real = [
        (f.path.name, f.path.read_bytes(), f.folder)
        for f in bundled_files()
        if f.folder == folder and f.path.stat().st_size < 200_000
    ]
    return real + [(p.name, p.read_bytes(), folder) for p in extra]


FAMILIES = {
    "vllm": _files("vllm", FIXTURES / "benchmarks" / "vllm_all_failed.json"),
    "sglang": _files("sglang"),
    "llmperf": _files("llmperf"),
    "genai-perf/aiperf": [
        (p.name, p.read_bytes(), "genai") for p in sorted((FIXTURES / "benchmarks").glob("profile_export_*"))
    ],
    "mlperf": _files("mlperf"),
}


def _numbers(doc, path=()):
    if isinstance(doc, dict):
        items = doc.items()
    elif isinstance(doc, list):
        items = list(enumerate(doc))[:3]
    else:
        return
    for k, v in items:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            yield path + (k,)
        elif isinstance(v, (dict, list)):
            yield from _numbers(v, path + (k,))


@st.composite
def mutated(draw, family: str):
    name, data, folder = draw(st.sampled_from(FAMILIES[family]))
    kind = draw(st.sampled_from(["byte", "insert", "cut", "truncate", "nest", "field", "field", "line"]))
    n = len(data)
    if kind == "byte" and n:
        i = draw(st.integers(0, n - 1))
        data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1 :]
    elif kind == "insert":
        i = draw(st.integers(0, n))
        data = (
            data[:i]
            + draw(st.sampled_from([b"{", b"[", b"]", b",", b'"', b"\x00", b"\xff", b"-", b"Infinity"]))
            + data[i:]
        )
    elif kind == "cut" and n:
        i = draw(st.integers(0, n - 1))
        data = data[:i] + data[i + draw(st.integers(1, 50)) :]
    elif kind == "truncate":
        data = data[: draw(st.integers(0, n))]
    elif kind == "nest":
        depth = draw(st.sampled_from([300, 3000, 30000]))
        data = (
            b"[" * depth + b"]" * depth
            if not data.lstrip().startswith(b"{")
            else b'{"deep": ' + b"[" * depth + b"]" * depth + b", " + data.lstrip()[1:]
        )
    elif kind == "line":
        lines = data.split(b"\n")
        i = draw(st.integers(0, len(lines) - 1))
        value = draw(st.sampled_from(["-1", "inf", "NaN", "1e308", "abc", "9" * 30, ""]))
        key = lines[i].split(b":")[0] if b":" in lines[i] else None
        lines[i] = (
            (key + b": " + value.encode())
            if key and b"," not in lines[i]
            else b",".join([value.encode()] + lines[i].split(b",")[1:])
        )
        data = b"\n".join(lines)
    elif kind == "field":
        jsonl = name.endswith(".jsonl")
        try:
            docs = [json.loads(x) for x in data.decode().splitlines() if x.strip()] if jsonl else [json.loads(data)]
        except ValueError:
            docs = []
        paths = [(d, p) for d, doc in enumerate(docs) for p in _numbers(doc)]
        if paths:
            d, p = draw(st.sampled_from(paths))
            node = docs[d]
            for k in p[:-1]:
                node = node[k]
            node[p[-1]] = draw(st.sampled_from(HOSTILE))
            body = [json.dumps(x) for x in docs]
            data = ("\n".join(body) + "\n").encode() if jsonl else body[0].encode()
    return name, data, folder


def _sound(run: dict) -> list[str]:
    wrong = []
    for col, dtype in RUN_SCHEMA.items():
        v = run.get(col)
        if v is None or dtype not in (pl.Float64, pl.Int64, pl.Int32):
            continue
        if (isinstance(v, float) and not math.isfinite(v)) or v < 0 or v > MAX_COUNT:
            wrong.append(f"{col} = {v}")
    ceiling = run["requests_sent"] if run["requests_sent"] is not None else run["n_request_rows"]
    outcomes = sum(run[c] or 0 for c in ("completed", "failed", "rejected"))
    if ceiling is not None and outcomes > ceiling:
        wrong.append(f"outcomes {outcomes} > {ceiling}")
    return wrong


def _check(name: str, data: bytes, folder: str) -> None:
    context = folder_context(folder) if folder in {"vllm", "sglang", "llmperf", "mlperf"} else None
    try:
        frames = parse_bytes(data, name, context=context)
    except ParseError as err:
        assert err.rule and str(err)  # refused with a rule, never another exception type
        return
    problems = validate(frames.runs, BenchmarkRun)
    accepted = frames.runs.with_row_index("_idx").filter(~pl.col("_idx").is_in(problems["_idx"].implode()))
    for run in accepted.to_dicts():
        assert not _sound(run), (run["locator"], _sound(run))
    stats = frames.stats.filter(pl.col("run_id").is_in(accepted["run_id"].implode()))
    assert stats.filter(
        pl.col("value").is_not_null() & (~pl.col("value").is_finite() | (pl.col("value") < 0))
    ).is_empty()


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_mutated_real_file_is_refused_or_stored_soundly(family):
    @FUZZ
    @given(mutated(family))
    def run(case):
        _check(*case)

    run()


@st.composite
def mutated_feed(draw):
    parser, path = draw(
        st.sampled_from(
            [(openrouter.parse, "openrouter_models_day1.json"), (litellm.parse, "litellm_model_prices.json")]
        )
    )
    doc = json.loads((FIXTURES / "token_prices" / path).read_text())
    node = doc
    for _ in range(draw(st.integers(1, 4))):
        if not isinstance(node, (dict, list)) or not node:
            break
        key = draw(st.sampled_from(list(node) if isinstance(node, dict) else list(range(len(node)))))
        if not isinstance(node[key], (dict, list)) or draw(st.booleans()):
            node[key] = draw(st.sampled_from(HOSTILE + [10**400, 1e20, "0.0000025"]))
            break
        node = node[key]
    data = json.dumps(doc).encode()
    if draw(st.integers(0, 9)) == 0:
        data = b"[" * 30000 + b"]" * 30000
    return parser, data


@FUZZ
@given(mutated_feed())
def test_a_mutated_price_feed_is_a_value_error_or_rows_with_rules(case):
    parser, data = case
    try:
        frame = parser(data)
    except ValueError as err:  # the load step records this as the feed's parse failure
        assert str(err)
        return
    good = frame.filter(pl.col("_errors").list.len() == 0)
    for col in ("input_usd_per_mtok", "output_usd_per_mtok"):
        values = good[col].drop_nulls()
        assert values.is_finite().all() and (values >= 0).all()
