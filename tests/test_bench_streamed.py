"""Large per-request JSON files (vLLM --save-detailed, llmperf individual responses) are
read by DuckDB, not whole into Python, and store exactly what the in-memory path stores."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.ingest_json_scale import generate_llmperf, generate_vllm
from sources.benchmarks.common import ParseError
from sources.benchmarks.streamed import top_level_members
from warehouse import open_current

ROOT = Path(__file__).parent.parent
DATA = ROOT / "sources" / "data" / "benchmarks"
REAL_PER_REQUEST_FILES = [
    DATA / "vllm" / "llmk8s__serving_meta-llama-Llama-3.3-70B-Instruct_tp8_pp1_sharegpt_qps_04.json",
    DATA / "vllm" / "llmk8s__serving_meta-llama-Llama-3.3-70B-Instruct_tp8_pp1_sharegpt_qps_inf.json",
    DATA / "llmperf" / "individual__groq_70b.json",
    ROOT / "tests" / "fixtures" / "benchmarks" / "vllm_all_failed.json",
]
STORED = {
    "runs": "SELECT * EXCLUDE (ingest_run_id) FROM benchmark_run ORDER BY run_id",
    "stats": "SELECT * FROM benchmark_run_stat ORDER BY ALL",
    "requests": "SELECT * FROM benchmark_request ORDER BY run_id, request_index",
    "figures": "SELECT * EXCLUDE (ingest_run_id) FROM figure WHERE entity_kind = 'benchmark_run' ORDER BY figure_id",
    "checks": "SELECT * FROM benchmark_check ORDER BY ALL",
    "quarantine": "SELECT target_table, source_id, row_locator, rule, reason FROM quarantine ORDER BY ALL",
    "files": "SELECT sha256, source_id, format, status, reason, runs_stored, runs_quarantined, request_rows, "
    "requests_part FROM benchmark_file ORDER BY sha256",
}


def stored(warehouse: Path) -> dict[str, pl.DataFrame]:
    con = open_current(warehouse)
    try:
        return {name: pl.from_arrow(con.sql(sql).to_arrow_table()) for name, sql in STORED.items()}
    finally:
        con.close()


def test_streamed_and_in_memory_imports_store_the_same_rows(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("INFERNOMICS_STREAM_MIN_BYTES", str(1 << 40))  # nothing is streamed
    code, _, err = cli("import", *REAL_PER_REQUEST_FILES, "--warehouse", tmp_path / "in_memory.duckdb")
    assert code in (0, 1), err  # 1: vllm_all_failed.json is quarantined, as it must be
    monkeypatch.setenv("INFERNOMICS_STREAM_MIN_BYTES", "0")  # everything that can be is streamed
    code_streamed, _, err = cli("import", *REAL_PER_REQUEST_FILES, "--warehouse", tmp_path / "streamed.duckdb")
    assert code_streamed == code, err
    before, after = stored(tmp_path / "in_memory.duckdb"), stored(tmp_path / "streamed.duckdb")
    assert before["requests"].height == 550 and before["runs"].height == 3
    for name in STORED:
        assert after[name].equals(before[name]), name


def test_a_large_vllm_detailed_file_is_streamed_validated_and_counted(tmp_path, cli):
    path = tmp_path / "vllm_detailed.json"
    generate_vllm(path, 40_000)  # ~11 MB: above the 8 MiB streaming threshold
    doc = json.loads(path.read_bytes())
    code, out, err = cli("import", path, "--warehouse", tmp_path / "w.duckdb", "--output", "json")
    assert code == 0, err
    [outcome] = json.loads(out)
    con = open_current(tmp_path / "w.duckdb")
    rows_in, rows_bad = con.execute("SELECT rows_in, rows_quarantined FROM benchmark_request_part").fetchall()[0]
    in_view = con.execute("SELECT count(*) FROM benchmark_request").fetchall()[0][0]
    [(rule, locator, reason)] = con.execute(
        "SELECT rule, row_locator, reason FROM quarantine WHERE target_table = 'benchmark_request'"
    ).fetchall()
    picks = con.execute(
        "SELECT request_index, success, input_tokens, output_tokens, ttft_ms, e2el_ms FROM benchmark_request "
        "WHERE request_index IN (0, 1, 7, 20001, 39999) ORDER BY request_index"
    ).fetchall()
    failed_checks = con.execute("SELECT count(*) FROM benchmark_check WHERE ok = false").fetchall()[0][0]
    con.close()
    # generator: every 10,000th request has a negative TTFT (4 rows), every 200th failed (200)
    assert outcome["status"] == "stored" and (rows_in, rows_bad, in_view) == (40_000, 4, 39_996)
    assert rule == "negative_latency" and locator.endswith("/run#3") and reason.startswith("4 request rows break")
    assert failed_checks == 0
    for i, ok, inp, outp, ttft, e2el in picks:  # row i is entry i of every array, in file order
        assert (ok, inp, outp) == (doc["errors"][i] == "", doc["input_lens"][i], doc["output_lens"][i])
        if ok:
            assert ttft == pytest.approx(doc["ttfts"][i] * 1000, rel=1e-12)
            assert e2el == pytest.approx((doc["ttfts"][i] + sum(doc["itls"][i])) * 1000, rel=1e-12)
        else:
            assert ttft is None and e2el is None


def test_a_streamed_file_is_not_held_to_the_whole_file_cap(tmp_path, cli):
    path = tmp_path / "llmperf_individual_responses.json"
    generate_llmperf(path, 25_000)  # ~10 MB, over a 1 MB cap that only whole-file reads need
    code, out, err = cli(
        "import", path, "--warehouse", tmp_path / "w.duckdb", "--output", "json", "--max-bytes", "1000000"
    )
    assert code == 0, err
    con = open_current(tmp_path / "w.duckdb")
    run = con.execute("SELECT format, requests_sent, completed, rejected, failed FROM benchmark_run").fetchall()
    con.close()
    assert json.loads(out)[0]["status"] == "stored"
    # every 200th response an HTTP 429 (rejected); the 3 rows with a negative TTFT succeeded
    # as requests (counted completed) and are quarantined as rows
    assert run == [("llmperf", 25_000, 25_000 - 125, 125, 0)]


def test_a_truncated_large_file_is_quarantined_whole(tmp_path, cli):
    whole = tmp_path / "whole.json"
    generate_vllm(whole, 80_000)  # half of it is still above the streaming threshold
    cut = tmp_path / "cut.json"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    code, out, _ = cli("import", cut, "--warehouse", tmp_path / "w.duckdb", "--output", "json")
    [row] = json.loads(out)
    assert code == 1 and row["status"] == "quarantined"
    assert "cut.json, file: not_the_format: not JSON (brackets or quotes do not balance" in row["reason"]
    con = open_current(tmp_path / "w.duckdb")
    assert con.execute("SELECT count(*) FROM benchmark_request_part").fetchall() == [(0,)]
    con.close()


def test_arrays_of_different_lengths_are_refused_not_padded(tmp_path, cli):
    path = tmp_path / "vllm_detailed.json"
    generate_vllm(path, 40_000)
    doc = json.loads(path.read_bytes())
    doc["input_lens"] = doc["input_lens"][:-1]
    path.write_text(json.dumps(doc))
    code, out, _ = cli("import", path, "--warehouse", tmp_path / "w.duckdb", "--output", "json")
    assert code == 1
    assert "per-request arrays differ in length: ttfts has 40000, input_lens has 39999" in json.loads(out)[0]["reason"]


def test_the_connection_gets_its_own_memory_settings_back(tmp_path):
    from pipeline.steps.benchmarks.ingest import import_path
    from warehouse import Warehouse

    path = tmp_path / "llmperf.json"
    generate_llmperf(path, 25_000)
    wh = Warehouse(tmp_path / "w.duckdb")
    setting = "SELECT current_setting('memory_limit'), current_setting('preserve_insertion_order')"
    with wh.ingest("test/streamed") as (con, run):
        con.execute("SET memory_limit = '3GB'; SET preserve_insertion_order = false")
        before = con.execute(setting).fetchall()
        outcome = import_path(con, wh.parts_dir, run, path)
        after = con.execute(setting).fetchall()
        leftovers = con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()[0][0]
    assert outcome.status == "stored" and outcome.request_rows == 25_000 - 3
    assert after == before and before[0][1] is False and leftovers == 0


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(alphabet='ab"\\[]{},: \n\u00e9', max_size=6))
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(alphabet='k"\\[}', max_size=3), inner, max_size=3)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    doc=st.dictionaries(st.text(alphabet='k"\\[]{} ', max_size=5), _json, max_size=6),
    indent=st.sampled_from([None, 4]),
    chunk=st.sampled_from([1, 2, 3, 7, 1 << 20]),
)
def test_the_structural_scan_finds_every_member_whatever_the_strings_hold(doc, indent, chunk):
    """Quotes, backslashes and brackets inside strings, split across chunk boundaries,
    never move a member's boundaries: each container member's bytes parse back to it."""
    text = json.dumps(doc, indent=indent).encode()
    scalars, members = top_level_members(text, chunk)
    spans = {m.key: json.loads(text[m.start : m.end]) for m in members}
    assert {k: spans.get(k, v) for k, v in scalars.items()} == doc


@pytest.mark.parametrize(
    "text",
    [b'{"a": [1, 2}', b'{"a": "x}', b'{"a": 1} {"b": 2}', b'{"a": [1]', b"[1, 2]", b'{"a": "\\\\"]"}x'],
)
def test_the_structural_scan_refuses_what_is_not_one_json_object(text):
    with pytest.raises(ParseError):
        top_level_members(text, 3)


def test_json_scale_script_runs_and_reports_the_ratio(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "ingest_json_scale.py"),
            "--requests",
            "30000",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    for fmt in ("vllm", "llmperf"):
        assert f"[{fmt}] ratio ours/bare" in out.stdout
        assert (
            f"[{fmt}] infernomics import" in out.stdout
            and "30,000 request rows in = 29,997 accepted + 3 quarantined" in out.stdout
        )
    assert duckdb.connect(str(tmp_path / "bare.duckdb")).execute("SELECT count(*) FROM t").fetchall()[0][0] == 30_000


def test_nan_written_by_json_dump_is_a_quarantined_row_on_both_paths(tmp_path, cli, monkeypatch):
    """Python's json.dump writes NaN, which DuckDB's JSON reader refuses: the streamed path
    reads it as the same non-finite number, so the row breaks `non_finite_latency` there too."""
    doc = json.loads(REAL_PER_REQUEST_FILES[0].read_bytes())
    doc["ttfts"][3] = float("nan")
    doc["itls"][5][0] = float("-inf")
    path = tmp_path / "vllm_with_nan.json"
    path.write_text(json.dumps(doc))
    monkeypatch.setenv("INFERNOMICS_STREAM_MIN_BYTES", str(1 << 40))
    cli("import", path, "--warehouse", tmp_path / "in_memory.duckdb")
    monkeypatch.setenv("INFERNOMICS_STREAM_MIN_BYTES", "0")
    cli("import", path, "--warehouse", tmp_path / "streamed.duckdb")
    before, after = stored(tmp_path / "in_memory.duckdb"), stored(tmp_path / "streamed.duckdb")
    assert sorted(before["quarantine"]["rule"].to_list()) == ["negative_latency", "non_finite_latency"]
    for name in STORED:
        assert after[name].equals(before[name]), name


def test_non_finite_tokens_are_quoted_across_chunk_boundaries(tmp_path, monkeypatch):
    import sources.benchmarks.streamed as streamed

    monkeypatch.setattr(streamed, "_CHUNK", 5)
    path = tmp_path / "numbers.json"
    path.write_bytes(b"[0.1, NaN, -Infinity, Infinity, -0.5, [1, NaN], 3]")
    assert streamed._quote_non_finite(path)
    mark = streamed._MARK
    assert json.loads(path.read_bytes()) == [
        0.1,
        f"{mark}NaN",
        f"{mark}-Infinity",
        f"{mark}Infinity",
        -0.5,
        [1, f"{mark}NaN"],
        3,
    ]


def test_a_string_saying_nan_is_not_taken_for_a_bare_nan(tmp_path):
    import sources.benchmarks.streamed as streamed

    path = tmp_path / "numbers.json"
    path.write_bytes(b'[NaN, "NaN", 0.5]')
    assert streamed._quote_non_finite(path)
    assert json.loads(path.read_bytes()) == [f"{streamed._MARK}NaN", "NaN", 0.5]


def _vllm_doc() -> dict:
    """A real vLLM --save-detailed document (200 requests)."""
    return json.loads(REAL_PER_REQUEST_FILES[0].read_text())


def _llmperf_rows() -> list[dict]:
    return json.loads((DATA / "llmperf" / "individual__groq_70b.json").read_text())[:20]


def _set(doc, key, index, value, inner=None):
    doc = json.loads(json.dumps(doc))
    if inner is None:
        doc[key][index] = value
    else:
        doc[key][index][inner] = value
    return doc


def _llmperf(edit):
    rows = _llmperf_rows()
    edit(rows)
    return rows


HOSTILE = {
    # vLLM per-request arrays: an entry of the wrong JSON type refuses the file
    "vllm_ttft_as_string.json": lambda: _set(_vllm_doc(), "ttfts", 2, "0.25"),
    "vllm_ttft_true.json": lambda: _set(_vllm_doc(), "ttfts", 1, True),
    "vllm_input_len_as_string.json": lambda: _set(_vllm_doc(), "input_lens", 3, "120"),
    "vllm_output_len_fraction.json": lambda: _set(_vllm_doc(), "output_lens", 0, 10.5),
    "vllm_output_len_beyond_64_bits.json": lambda: _set(_vllm_doc(), "output_lens", 4, 2**63),
    "vllm_itl_as_string.json": lambda: _set(_vllm_doc(), "itls", 1, "0.01", inner=0),
    "vllm_itls_a_number.json": lambda: _set(_vllm_doc(), "itls", 2, 0.01),
    "vllm_error_a_number.json": lambda: _set(_vllm_doc(), "errors", 1, 500),
    "vllm_nan_count.json": lambda: _set(_vllm_doc(), "input_lens", 1, float("nan")),
    # ... while null (a missing value) and NaN latencies are rows, judged by the row rules
    "vllm_null_ttft.json": lambda: _set(_vllm_doc(), "ttfts", 2, None),
    "vllm_null_output_len.json": lambda: _set(_vllm_doc(), "output_lens", 2, None),
    "vllm_null_error.json": lambda: _set(_vllm_doc(), "errors", 3, None),
    "vllm_nan_itl.json": lambda: _set(_vllm_doc(), "itls", 1, float("nan"), inner=0),
    # llmperf responses: a value of the wrong JSON type refuses the file
    "llmperf_ttft_as_string.json": lambda: _llmperf(lambda r: r[3].update(ttft_s="0.25")),
    "llmperf_tokens_as_string.json": lambda: _llmperf(lambda r: r[5].update(number_output_tokens="180")),
    "llmperf_tokens_fraction.json": lambda: _llmperf(lambda r: r[0].update(number_input_tokens=550.5)),
    "llmperf_code_as_string.json": lambda: _llmperf(lambda r: r[2].update(error_code="429", error_msg="x")),
    "llmperf_message_a_number.json": lambda: _llmperf(lambda r: r[2].update(error_msg=7)),
    "llmperf_latency_true.json": lambda: _llmperf(lambda r: r[1].update(end_to_end_latency_s=True)),
    # a response without ttft_s, or one that is not an object: not an individual-responses list
    "llmperf_without_ttft.json": lambda: _llmperf(lambda r: r[4].pop("ttft_s")),
    "llmperf_a_number_among_responses.json": lambda: _llmperf(lambda r: r.insert(6, 3.5)),
    # a key some responses lack, or null: a missing value on both paths
    "llmperf_without_e2el.json": lambda: _llmperf(lambda r: r[4].pop("end_to_end_latency_s")),
    "llmperf_null_ttft.json": lambda: _llmperf(lambda r: r[4].update(ttft_s=None)),
}
REFUSED_WHOLE = {
    name for name in HOSTILE if "null" not in name and "nan_itl" not in name and "without_e2el" not in name
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_gets_the_same_verdict_streamed_and_in_memory(name, tmp_path, cli, monkeypatch):
    """The same bytes through the in-memory reader and the streamed one: the same file
    verdict (refused with the same rule, row and words, or stored), the same rows."""
    path = tmp_path / name
    path.write_text(json.dumps(HOSTILE[name]()))
    monkeypatch.setenv("INFERNOMICS_STREAM_MIN_BYTES", str(1 << 40))
    cli("import", path, "--warehouse", tmp_path / "in_memory.duckdb")
    monkeypatch.setenv("INFERNOMICS_STREAM_MIN_BYTES", "0")
    cli("import", path, "--warehouse", tmp_path / "streamed.duckdb")
    before, after = stored(tmp_path / "in_memory.duckdb"), stored(tmp_path / "streamed.duckdb")
    for table in STORED:
        assert after[table].equals(before[table]), table
    status, reason = before["files"].select("status", "reason").row(0)
    if name in REFUSED_WHOLE:
        assert status == "quarantined" and name in reason
        assert ("wrong_type" in reason) != ("not_the_format" in reason), reason
        assert before["runs"].height == 0 and before["requests"].height == 0
    else:
        assert status == "stored" and before["requests"].height > 0
