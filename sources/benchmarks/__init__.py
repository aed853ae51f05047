"""Benchmark result importers: one pure parser per tool's format.

``parse_bytes(data, file_name, fmt="auto", context=None, source_id=None)`` detects the
format (see ``detect.py``), runs that parser and returns ``Frames`` (runs, stats,
requests) in the canonical shape of ``common.py``. Nothing here touches the warehouse.
"""

from __future__ import annotations

from pathlib import PurePath

from sources.benchmarks import genai_perf, llmperf, mlperf, sglang, vllm
from sources.benchmarks.common import Frames, ParseContext, ParseError, sha256_hex
from sources.benchmarks.context import Context
from sources.benchmarks.detect import FORMATS, detect

PARSERS = {
    "vllm": vllm.parse,
    "sglang": sglang.parse,
    "llmperf": llmperf.parse,
    "genai-perf": genai_perf.parse,
    "aiperf": genai_perf.parse,
    "mlperf": mlperf.parse,
}


def default_source_id(sha256: str) -> str:
    """Source id of a file nobody registered: its content hash (stable across paths)."""
    return f"benchfile-{sha256[:12]}"


def parse_bytes(
    data: bytes,
    file_name: str,
    fmt: str = "auto",
    context: Context | None = None,
    source_id: str | None = None,
    directory_parts: tuple[str, ...] | None = None,
) -> Frames:
    """Parse one result file. Raises ParseError (and only ParseError) when the file is not
    that format at all or holds something no parser can take.

    Decisions:
    * Any exception a parser lets through on hostile bytes (RecursionError from nesting
      a few thousand brackets deep, TypeError from a list where a number belongs,
      OverflowError, csv.Error, polars errors ...) becomes a ParseError with a rule, so
      the caller quarantines that one file and goes on with the next. MemoryError and
      KeyboardInterrupt are not caught: the size cap in the import path is the guard
      against the first, and the second is the user's."""
    name = PurePath(file_name).name
    try:
        return _parse_bytes(data, name, file_name, fmt, context, source_id, directory_parts)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(
            "nested too deep for any result file (brackets or literals thousands of levels deep)",
            rule="nesting_too_deep",
        ) from None
    except Exception as err:  # noqa: BLE001 (the point: no parser bug may sink a batch)
        where = _where(err)
        raise ParseError(f"{type(err).__name__}: {str(err)[:200]} (in {where})", rule="malformed_value") from None


def _where(err: BaseException) -> str:
    """The innermost parser frame an exception came from (`vllm.py:_load`), so the
    quarantine reason points at the rule that could not take the value."""
    tb, last = err.__traceback__, None
    while tb is not None:
        if "sources/benchmarks" in tb.tb_frame.f_code.co_filename.replace("\\", "/"):
            last = tb
        tb = tb.tb_next
    if last is None:
        return "parser"
    return f"{PurePath(last.tb_frame.f_code.co_filename).name}:{last.tb_frame.f_code.co_name}"


def _parse_bytes(
    data: bytes,
    name: str,
    file_name: str,
    fmt: str,
    context: Context | None,
    source_id: str | None,
    directory_parts: tuple[str, ...] | None,
) -> Frames:
    chosen = detect(data, name) if fmt == "auto" else fmt
    if chosen == "mlperf-system":
        raise ParseError("MLPerf system description: context for the results beside it, not a result")
    if chosen is None:
        if name.endswith((".json", ".jsonl")):
            import json

            try:
                json.loads(data)
            except (json.JSONDecodeError, UnicodeDecodeError) as err:
                raise ParseError(f"not valid JSON ({err}); truncated or not a result file") from None
        raise ParseError(f"format not recognised (try --format {'|'.join(FORMATS)})")
    if chosen not in PARSERS:
        raise ParseError(f"unknown format {chosen!r} (known: {', '.join(FORMATS)})")
    sha = sha256_hex(data)
    ctx = ParseContext(
        file_name=name,
        sha256=sha,
        source_id=source_id or default_source_id(sha),
        context=context,
        directory_parts=directory_parts if directory_parts is not None else PurePath(file_name).parent.parts,
    )
    frames = PARSERS[chosen](data, ctx)
    frames.format = chosen
    return frames


__all__ = ["FORMATS", "Frames", "ParseError", "PARSERS", "detect", "parse_bytes", "default_source_id"]
