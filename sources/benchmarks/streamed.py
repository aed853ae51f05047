"""Large per-request result files read by DuckDB, never whole into Python.

Two real layouts hold one row per request and reach hundreds of MB at a million requests:

* vLLM's ``--save-result --save-detailed`` document (``vllm bench serve``,
  ``benchmarks/benchmark_serving.py``): ONE JSON object whose per-request fields are
  parallel arrays (``input_lens``, ``output_lens``, ``ttfts``, ``itls`` a list per request,
  ``generated_texts``, ``errors``, newer ``start_times``/``latencies``/``queue_times``)
  between the run's scalar fields.
* llmperf's ``*_individual_responses.json``: a JSON array of per-request objects
  (``json.dump(..., indent=4)`` of ``token_benchmark_ray.py``).

``stream_parse(path, ...)`` returns the run's frames (runs and stats, exactly what the
in-memory parser gives for the same bytes) and stages the per-request rows, with the
canonical request columns in file order, as a Parquet file in a private folder; the
caller writes them as the file's Parquet part (bulk rule checks, quarantine counts) and
calls ``close()``. Nothing here touches the warehouse.

Decisions:
* DuckDB reads a single JSON object whole (``read_json`` needs ``maximum_object_size``
  above the file size, and its parse tree of a 240 MB vLLM document peaks near 1.9 GB).
  So the object is split first: one vectorised pass (numpy, 16 MiB at a time) finds the quotes that are not escaped and the brackets outside strings, which
  gives each top-level member's byte range (the file is read with os.pread, never held whole). The run's scalar fields (everything but the
  per-request arrays) are parsed with ``json.loads`` from the few KB left, so the run is
  built by the same code as the in-memory path (``vllm.parse_result``). Each per-request
  array is copied (``os.copy_file_range``, in the kernel) to a file of its own that
  DuckDB reads element by element (``format = 'array'``), and POSITIONAL JOIN lines the
  arrays up by position, as vLLM wrote them.
* Every per-request array is parsed, the ones the warehouse does not keep
  (``generated_texts``, ``start_times``, ...) too: a file is stored only when all of it is
  JSON, as on the in-memory path. Arrays the rows come from must have one entry per
  request (``ttfts`` sets the count), else the file is refused (``ParseError``), never
  truncated or padded.
* Memory: the parse runs in a private in-memory DuckDB with ``memory_limit`` (512 MB by
  default) and a ``temp_directory`` of its own, so peak RSS stays under 1 GB whatever
  the file size and the warehouse connection's settings are never changed. The staged
  rows (10 scalar columns) are small beside the file; writing them as the part is the
  caller's, on its own connection.
* Only files of at least ``STREAM_MIN_BYTES`` (``$INFERNOMICS_STREAM_MIN_BYTES``, 8 MiB
  by default) take this path; smaller ones keep the in-memory parsers. Both give the
  same runs, stats and request rows (``tests/test_bench_streamed.py`` holds them to it on
  the real vendored files), so the choice is speed only. Streamed files are not held to
  the import size cap (``--max-bytes``), as per-request Parquet is not: the cap exists
  because the other path reads a file whole.
* Nothing is cast into shape: every per-request entry is read as JSON and its own JSON
  type checked (``json_type``) before the cast, against the same table the in-memory
  readers check (``common.REQUEST_ARRAY_ENTRIES``, ``llmperf.RESPONSE_ENTRIES``): a
  number written as a string, true for a latency, a fraction for a token count, a
  response without ``ttft_s`` refuse the file on both paths, with the same rule
  (``wrong_type``), row (``ttfts[3]``, ``response 7``) and words; null is a missing
  value on both. ``tests/test_bench_streamed.py`` feeds the same hostile files to both.
* Hostile bytes end in ``ParseError`` with a rule, like every parser: unbalanced
  brackets (``not_the_format``), a DuckDB conversion error (``wrong_type``), arrays of
  different lengths (``not_the_format``, the in-memory message).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import tempfile
from pathlib import Path, PurePath
from typing import Any

import duckdb
import numpy as np

from sources.benchmarks import llmperf, vllm
from sources.benchmarks.common import REQUEST_ARRAY_ENTRIES, Frames, ParseContext, ParseError, finish, wrong_entry
from sources.benchmarks.detect import FORMATS, detect

SQL_DIR = Path(__file__).parent / "sql"
MIN_BYTES_ENV = "INFERNOMICS_STREAM_MIN_BYTES"
DEFAULT_MIN_BYTES = 8 * 1024 * 1024
MEMORY_LIMIT = "512MB"
_CHUNK = 16 * 1024 * 1024
# The run's own fields (all but the per-request arrays) are read into Python: a document
# whose non-array part is bigger than this is not a benchmark result.
MAX_HEAD_BYTES = 16 * 1024 * 1024
# vLLM arrays the request rows come from, with the type of one entry.
_VLLM_ROW_ARRAYS = {
    "ttfts": "DOUBLE",
    "input_lens": "BIGINT",
    "output_lens": "BIGINT",
    "itls": "DOUBLE[]",
    "errors": "VARCHAR",
}


def stream_min_bytes() -> int:
    """$INFERNOMICS_STREAM_MIN_BYTES, else 8 MiB: files this big or bigger are streamed."""
    text = os.environ.get(MIN_BYTES_ENV, "").strip()
    if not text:
        return DEFAULT_MIN_BYTES
    try:
        return max(0, int(text))
    except ValueError:
        raise ValueError(f"{MIN_BYTES_ENV}={text!r} is not a whole number of bytes") from None


@dataclasses.dataclass
class Streamed:
    """A streamed file: its run frames (no request rows) and its canonical request rows
    staged as a Parquet file in a private folder (`close()` removes it)."""

    frames: Frames
    staged: Path
    rows: int
    workdir: Path

    def requests_sql(self) -> str:
        """The staged rows as a relation with the canonical request columns, in file order."""
        run_id = self.frames.runs["run_id"][0].replace("'", "''")
        return (
            f"(SELECT '{run_id}' AS run_id, request_index, success, error, input_tokens, output_tokens, "
            f"ttft_ms, tpot_ms, itl_mean_ms, e2el_ms FROM read_parquet({_quote(self.staged)}))"
        )

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


def _sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def _quote(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def sniff(path: Path) -> str | None:
    """'vllm' or 'llmperf' when the first bytes look like a layout this module streams
    (a JSON object, a JSON array whose first object has `ttft_s`), else None. The
    content decides for good once it is read (`stream_parse`)."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "vllm"
    if head.startswith(b"[") and b'"ttft_s"' in head:
        return "llmperf"
    return None


@dataclasses.dataclass
class Member:
    """One top-level member of a JSON object whose value is an array or object:
    the value's bytes are `[start, end)` of the file."""

    key: str
    start: int
    end: int


def top_level_members(source: bytes | int, chunk: int = _CHUNK) -> tuple[dict[str, Any], list[Member]]:
    """Split one JSON object into its scalar members (parsed, as a dict in file order) and
    its container members (byte ranges), without parsing the containers.

    One pass, 16 MiB at a time: quotes not preceded by an odd run of backslashes open and
    close strings; brackets outside strings change the depth; a container member starts
    where the depth goes from 1 to 2 and ends where it comes back to 1. The text between
    containers (keys and scalars) is parsed by json.loads with a marker string in place of
    each container, which also checks that text is JSON.

    `source` is the document's bytes or an open file descriptor (read with os.pread, a
    chunk at a time: the file is never held whole)."""
    if isinstance(source, int):
        fd = source
        n = os.fstat(fd).st_size

        def read(offset: int, size: int) -> bytes:
            return os.pread(fd, size, offset)
    else:
        data = source
        n = len(data)

        def read(offset: int, size: int) -> bytes:
            return bytes(data[offset : offset + size])

    in_string = False
    trailing_backslashes = 0
    depth = 0
    opens: list[int] = []
    closes: list[int] = []
    top_open = top_close = -1
    for offset in range(0, n, chunk):
        size = min(chunk, n - offset)
        b = np.frombuffer(read(offset, size), np.uint8)
        if len(b) != size:
            raise ParseError("the file shrank while it was read", rule="file_changed")
        quotes = np.flatnonzero(b == 34)
        if quotes.size:
            escaped = [int(p) for p in quotes[quotes > 0][b[quotes[quotes > 0] - 1] == 92]]
            if quotes[0] == 0 and trailing_backslashes % 2:
                escaped.append(0)
            inside = []  # quotes that are part of a string (\" after an odd run of backslashes)
            for p in escaped:
                run, k = 0, p - 1
                while k >= 0 and b[k] == 92:
                    run, k = run + 1, k - 1
                if k < 0:
                    run += trailing_backslashes
                if run % 2:
                    inside.append(p)
            if inside:
                quotes = np.setdiff1d(quotes, np.asarray(inside, dtype=quotes.dtype), assume_unique=True)
        brackets = np.flatnonzero((b == 91) | (b == 93) | (b == 123) | (b == 125))
        if brackets.size:
            quotes_before = np.searchsorted(quotes, brackets) + (1 if in_string else 0)
            brackets = brackets[quotes_before % 2 == 0]
        if brackets.size:
            kinds = b[brackets]
            step = np.where((kinds == 91) | (kinds == 123), 1, -1).astype(np.int64)
            after = depth + np.cumsum(step)
            before = after - step
            if int(after.min()) < 0:
                raise ParseError("not JSON (a closing bracket without its opening one)")
            for pos, d_before, d_after in zip(
                (brackets[(before <= 1) | (after <= 1)] + offset).tolist(),
                before[(before <= 1) | (after <= 1)].tolist(),
                after[(before <= 1) | (after <= 1)].tolist(),
                strict=True,
            ):
                if d_before == 0:
                    if top_open >= 0:
                        raise ParseError("not JSON (more than one value at the top level)")
                    top_open = pos
                elif d_after == 0:
                    top_close = pos
                elif d_before == 1:
                    opens.append(pos)
                else:
                    closes.append(pos)
            depth = int(after[-1])
        if quotes.size % 2:
            in_string = not in_string
        tail = 0
        while tail < size and b[size - 1 - tail] == 92:
            tail += 1
        trailing_backslashes = tail if tail < size else trailing_backslashes + tail
    if depth != 0 or in_string or top_open < 0 or top_close < 0 or len(opens) != len(closes):
        raise ParseError("not JSON (brackets or quotes do not balance; truncated?)")
    if read(0, top_open).strip(b"\xef\xbb\xbf \t\r\n") or read(top_close + 1, n).strip():
        raise ParseError("not JSON (text outside the top-level value)")
    if read(top_open, 1) != b"{":
        raise ParseError("not a JSON object at the top level")
    pieces, last = [], top_open
    head_bytes = 0
    for i, (start, end) in enumerate(zip(opens, closes, strict=True)):
        pieces.append(read(last, start - last))
        pieces.append(f'"\\u0000member:{i}"'.encode())
        head_bytes += start - last
        last = end + 1
        if head_bytes > MAX_HEAD_BYTES:
            break
    pieces.append(read(last, top_close + 1 - last))
    if head_bytes + top_close + 1 - last > MAX_HEAD_BYTES:
        raise ParseError(
            f"the run's own fields take more than {MAX_HEAD_BYTES} bytes: not a benchmark result",
            rule="value_too_large",
        )
    try:
        doc = json.loads(b"".join(pieces))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        raise ParseError(f"not JSON ({err})") from None
    members = []
    scalars: dict[str, Any] = {}
    for key, value in doc.items():
        if isinstance(value, str) and value.startswith("\x00member:"):
            i = int(value.split(":", 1)[1])
            members.append(Member(key, opens[i], closes[i] + 1))
        scalars[key] = value
    return scalars, members


def _private_connection(workdir: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB of its own for the parse: its `memory_limit` and
    `temp_directory` bound the work whatever the file size, and the warehouse
    connection's settings are never touched. Insertion order is kept: file order is
    the request order."""
    return duckdb.connect(
        config={
            "memory_limit": memory_limit,
            "temp_directory": str(workdir / "spill"),
            "preserve_insertion_order": True,
            "enable_external_access": True,
        }
    )


def _copy_range(src: int, target: Path, start: int, end: int) -> None:
    with target.open("wb") as out:
        offset = start
        while offset < end:
            sent = os.copy_file_range(src, out.fileno(), end - offset, offset)
            if sent == 0:
                raise ParseError("the file shrank while it was read", rule="file_changed")
            offset += sent


def stream_parse(
    path: Path,
    sha256: str,
    source_id: str,
    fmt: str = "auto",
    context: Any = None,
    directory_parts: tuple[str, ...] | None = None,
    memory_limit: str = MEMORY_LIMIT,
) -> Streamed | None:
    """Parse one large vLLM detailed result or llmperf individual-responses file through
    DuckDB (see the module docstring). Returns None when the file is neither (the caller
    uses the in-memory parsers, with their size cap); raises ParseError for a file that is
    one of them but broken. The caller stores `requests_sql()` and then calls `close()`."""
    kind = sniff(path)
    if kind is None or fmt not in ("auto", kind):
        return None
    ctx = ParseContext(
        file_name=PurePath(path).name,
        sha256=sha256,
        source_id=source_id,
        context=context,
        directory_parts=directory_parts if directory_parts is not None else path.parent.parts,
    )
    workdir = Path(tempfile.mkdtemp(prefix="infernomics-stream-"))
    result: Streamed | None = None
    try:
        con = _private_connection(workdir, memory_limit)
        try:
            result = _llmperf(con, path, ctx, workdir, fmt) if kind == "llmperf" else _vllm(con, path, ctx, workdir)
        finally:
            con.close()
        return result
    except duckdb.Error as err:
        message = str(err).splitlines()[0][:300]
        if "Malformed JSON" in message or "JSON" in message and "parse" in message.lower():
            raise ParseError(f"not JSON ({message})") from None
        raise ParseError(f"per-request values DuckDB cannot read ({message})", rule="wrong_type") from None
    finally:
        if result is None:
            shutil.rmtree(workdir, ignore_errors=True)


_TABLE = "requests"


def _stage(con: duckdb.DuckDBPyConnection, workdir: Path) -> Path:
    """The staged table as Parquet, `request_index` = position in the file (rowid of a
    table built in insertion order)."""
    staged = workdir / "requests.parquet"
    con.execute(
        f"COPY (SELECT rowid AS request_index, success, error, input_tokens, output_tokens, ttft_ms, tpot_ms, "
        f"itl_mean_ms, e2el_ms FROM {_TABLE}) TO {_quote(staged)} (FORMAT parquet)"
    )
    return staged


def _llmperf(con: duckdb.DuckDBPyConnection, path: Path, ctx: ParseContext, workdir: Path, fmt: str) -> Streamed:
    table = _TABLE
    keys = list(llmperf.RESPONSE_ENTRIES)
    # what the in-memory path says of a list that is not all objects with `ttft_s`
    unshaped = ParseError(
        f"format not recognised (try --format {'|'.join(FORMATS)})"
        if fmt == "auto"
        else "not an llmperf summary (no results_* keys) nor an individual-responses list"
    )
    try:
        con.execute(
            _sql("llmperf_stage_requests.sql").format(
                table=table,
                path=_quote(path),
                max_object=64 * 1024 * 1024,
                reject_codes=", ".join(f"{c}.0" for c in sorted(llmperf.REJECT_CODES)),
                wrong=", ".join(
                    f"coalesce({_wrong_sql(key, expected)}, false) AS wrong_{key}"
                    for key, expected in llmperf.RESPONSE_ENTRIES.items()
                ),
                wrong_columns=", ".join(f"wrong_{key}" for key in keys),
            )
        )
    except duckdb.InvalidInputException as err:
        if "Expected OBJECT" in str(err):  # an entry of the list that is not a response
            raise unshaped from None
        raise
    sent, ok, rejected, no_ttft = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE success), count(*) FILTER (WHERE rejected), "
        f"count(*) FILTER (WHERE no_ttft) FROM {table}"
    ).fetchone()  # type: ignore[misc]
    if sent == 0 or (no_ttft and _lacks_key(con, path, "ttft_s")):
        raise unshaped
    first = con.execute(
        f"SELECT rowid, {', '.join(f'wrong_{k}' for k in keys)} FROM {table} "
        f"WHERE {' OR '.join(f'wrong_{k}' for k in keys)} ORDER BY rowid LIMIT 1"
    ).fetchone()
    if first is not None:  # the in-memory reader's order: response by response, key by key
        raise llmperf.wrong_value(first[0], next(k for k, bad in zip(keys, first[1:], strict=True) if bad))
    b = llmperf.individual_run(ctx, sent, ok, rejected)
    frames = finish(ctx, [b], None, llmperf.FORMAT)
    frames.format = llmperf.FORMAT
    return Streamed(frames, _stage(con, workdir), sent, workdir)


def _vllm(con: duckdb.DuckDBPyConnection, path: Path, ctx: ParseContext, workdir: Path) -> Streamed | None:
    table = _TABLE
    small: dict[str, Any] = {}
    with path.open("rb") as handle:
        fd = handle.fileno()
        scalars, members = top_level_members(fd)
        chosen = detect(json.dumps({k: v for k, v in scalars.items() if not _is_marker(v)}).encode(), ctx.file_name)
        if chosen != vllm.FORMAT or not any(m.key == "ttfts" for m in members):
            return None
        slices: dict[str, Path] = {}
        for m in members:
            if m.key in vllm.PER_REQUEST and os.pread(fd, 1, m.start) == b"[":
                slices[m.key] = workdir / f"{len(slices)}.json"
                _copy_range(fd, slices[m.key], m.start, m.end)
            else:
                small[m.key] = _load_small(fd, m)
        # the run's fields, with the small containers back in place (e.g. rps_change_events)
        doc = {k: small.get(k, v) if _is_marker(v) else v for k, v in scalars.items() if k not in slices}
    for key, value in doc.items():
        if key in _VLLM_ROW_ARRAYS and value not in (None, [], {}) and not isinstance(value, list):
            raise ParseError(f"per-request field {key} is {type(value).__name__}, not a list", rule="wrong_type")
    try:
        con.execute(_vllm_stage(table, slices, non_finite=False))
    except duckdb.InvalidInputException as err:
        # Python's json.dump writes NaN/Infinity, which DuckDB's reader refuses: rewritten as
        # marked strings, they read as the same non-finite doubles (the row rules then
        # quarantine those rows); a string the file itself holds is still refused
        numeric = [slices[k] for k in ("ttfts", "input_lens", "output_lens", "itls") if k in slices]
        if "Malformed JSON" not in str(err) or not any([_quote_non_finite(f) for f in numeric]):
            raise
        con.execute(_vllm_stage(table, slices, non_finite=True))
    counts = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE NOT success), "
        + ", ".join(f"count(present_{k})" for k in _VLLM_ROW_ARRAYS)
        + f" FROM {table}"
    ).fetchone()
    assert counts is not None
    total, failed, present = counts[0], counts[1], dict(zip(_VLLM_ROW_ARRAYS, counts[2:], strict=True))
    n = present["ttfts"]
    for key in ("input_lens", "output_lens", "itls", "errors"):
        if key in slices and present[key] not in (0, n):  # an empty array reads as absent, as `doc.get(k) or ...`
            raise ParseError(f"per-request arrays differ in length: ttfts has {n}, {key} has {present[key]}")
    if total != n:
        longest = max((k for k in slices if k in present), key=lambda k: present[k])
        raise ParseError(f"per-request arrays differ in length: ttfts has {n}, {longest} has {present[longest]}")
    firsts = con.execute(
        "SELECT " + ", ".join(f"min(rowid) FILTER (WHERE wrong_{k})" for k in _VLLM_ROW_ARRAYS) + f" FROM {table}"
    ).fetchone()
    assert firsts is not None
    for key, first in zip(_VLLM_ROW_ARRAYS, firsts, strict=True):
        if first is not None:  # the first key in the in-memory reader's order, its first entry
            raise wrong_entry(key, first)
    for key, target in slices.items():  # the arrays no row is made of: still all of the file is JSON
        if key not in _VLLM_ROW_ARRAYS:
            con.execute(
                f"SELECT count(*) FROM read_json({_quote(target)}, format = 'array', records = false, "
                f"maximum_object_size = {64 * 1024 * 1024}, columns = {{json: 'JSON'}})"
            ).fetchall()
    frames = vllm.parse_result(doc, ctx, vllm.RequestCounts(rows=n, failed=failed))
    frames.format = vllm.FORMAT
    return Streamed(frames, _stage(con, workdir), n, workdir)


def _vllm_stage(table: str, slices: dict[str, Path], non_finite: bool) -> str:
    """The staging statement: each per-request array read entry by entry as JSON, so an
    entry's own type is checked (`wrong_<key>`) before it is cast; `non_finite`: the
    numeric arrays hold `_quote_non_finite`'s marked strings."""
    relations = {}
    for key, dtype in _VLLM_ROW_ARRAYS.items():
        if key in slices:
            value, wrong = _entry_sql(REQUEST_ARRAY_ENTRIES[key], non_finite)
            relations[key] = (
                f"(SELECT {value} AS json, coalesce({wrong}, false) AS wrong, true AS present "
                f"FROM read_json({_quote(slices[key])}, format = 'array', records = false, "
                f"maximum_object_size = {64 * 1024 * 1024}, columns = {{json: 'JSON'}}))"
            )
        else:
            relations[key] = f"(SELECT NULL::{dtype} AS json, false AS wrong, NULL::BOOLEAN AS present FROM range(0))"
    return _sql("vllm_stage_requests.sql").format(table=table, **relations)


def _marked(x: str) -> str:
    """SQL: JSON value `x` is one of `_quote_non_finite`'s marked strings."""
    return f"(json_type({x}) = 'VARCHAR' AND starts_with({x} ->> '$', '{_MARK}'))"


def _number(x: str, non_finite: bool) -> tuple[str, str]:
    """(value as DOUBLE, entry is not a number) for JSON value `x`; JSON null is NULL."""
    if not non_finite:
        return f"TRY_CAST({x} AS DOUBLE)", _wrong_sql(x, "a number")
    value = (
        f"CASE WHEN {_marked(x)} THEN CAST(substr({x} ->> '$', {len(_MARK) + 1}) AS DOUBLE) "
        f"ELSE TRY_CAST({x} AS DOUBLE) END"
    )
    return value, f"{_wrong_sql(x, 'a number')} AND NOT {_marked(x)}"


def _lacks_key(con: duckdb.DuckDBPyConnection, path: Path, key: str) -> bool:
    """Some response of an llmperf list has no `key` at all (not null: absent). A second
    read of the file, only when some response reads NULL there (rare in real files)."""
    row = con.execute(
        f"SELECT count(*) FROM read_json({_quote(path)}, format = 'array', records = false, "
        f"maximum_object_size = {64 * 1024 * 1024}, columns = {{json: 'JSON'}}) "
        f"WHERE NOT json_exists(json, '$.{key}')"
    ).fetchone()
    return bool(row and row[0])


def _wrong_sql(column: str, expected: str) -> str:
    """SQL: JSON value `column` (NULL or JSON null: a missing value) is not `expected`
    ('a number', 'a whole number' or 'a string'), for the llmperf responses and the vLLM
    per-request arrays alike."""
    ok = {
        "a number": f"json_type({column}) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'NULL')",
        "a whole number": f"json_type({column}) = 'NULL' OR (json_type({column}) IN ('BIGINT', 'UBIGINT') "
        f"AND TRY_CAST({column} AS BIGINT) IS NOT NULL)",
        "a string": f"json_type({column}) IN ('VARCHAR', 'NULL')",
    }[expected]
    return f"NOT ({ok})"


def _entry_sql(expected: str, non_finite: bool) -> tuple[str, str]:
    """(value, wrong) SQL over the JSON column `json` for one kind of per-request entry
    (`common.REQUEST_ARRAY_ENTRIES`): what the in-memory reader takes, and nothing else
    (a number in quotes, true, a fraction for a count: `wrong`)."""
    if expected == "a number":
        return _number("json", non_finite)
    if expected == "a whole number":
        return "TRY_CAST(json AS BIGINT)", _wrong_sql("json", expected)
    if expected == "a string":
        return "json ->> '$'", _wrong_sql("json", expected)
    if expected == "a list of numbers":
        if not non_finite:
            return (
                "TRY_CAST(json AS DOUBLE[])",
                "json_type(json) <> 'ARRAY' OR list_has_any(json_type(json, '$[*]'), "
                "['VARCHAR', 'BOOLEAN', 'ARRAY', 'OBJECT'])",
            )
        value, wrong = _number("x", True)
        entries = "json_extract(json, '$[*]')"
        return (
            f"CASE WHEN json_type(json) = 'ARRAY' THEN list_transform({entries}, lambda x: {value}) END",
            f"json_type(json) <> 'ARRAY' OR list_bool_or(list_transform({entries}, lambda x: "
            f"json_type(x) <> 'NULL' AND {wrong}))",
        )
    raise ValueError(f"no SQL for per-request entries of {expected!r}")


#: `_quote_non_finite` writes NaN as "~infernomics-non-finite:NaN" (a string no tool writes).
_MARK = "~infernomics-non-finite:"
# A bare NaN / Infinity / -Infinity entry: after `[` or `,`, before `,` or `]` (never the
# text of a string, which the entry checks then refuse as a string).
_NON_FINITE = re.compile(rb"([\[,]\s*)(-?Infinity|NaN)(?=\s*[,\]])")
# bytes a chunk must not end in (they may belong to a token or to its lead-in)
_TOKEN_OR_LEAD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ- \t\r\n,[")


def _quote_non_finite(path: Path) -> bool:
    """Rewrite the bare NaN / Infinity / -Infinity entries of a numbers-only array as
    marked strings (`_MARK`), a chunk at a time (a token cut by a chunk boundary is
    carried over). True if any."""
    found = False
    target = path.with_suffix(".finite.json")
    with path.open("rb") as src, target.open("wb") as out:
        carry = b""
        while True:
            block = src.read(_CHUNK)
            text = carry + block
            keep = len(text) if not block else max(0, len(text) - 9)
            while keep > 0 and text[keep - 1] in _TOKEN_OR_LEAD:
                keep -= 1  # never cut inside a token or between it and its `[` / `,`
            head, carry = text[:keep], text[keep:]
            head, count = _NON_FINITE.subn(lambda m: m[1] + b'"' + _MARK.encode() + m[2] + b'"', head)
            found = found or count > 0
            out.write(head)
            if not block:
                break
    target.replace(path)
    return found


def _is_marker(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("\x00member:")


def _load_small(fd: int, member: Member) -> Any:
    """A container member that is not a per-request array (`rps_change_events`, a
    metadata dict): read into Python like the rest of the run's fields, within the cap."""
    if member.end - member.start > MAX_HEAD_BYTES:
        raise ParseError(
            f"{member.key} takes {member.end - member.start} bytes and is not a per-request array",
            rule="value_too_large",
        )
    try:
        return json.loads(os.pread(fd, member.end - member.start, member.start))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        raise ParseError(f"not JSON ({err}) in {member.key}") from None
