"""Epoch AI's ML hardware data (`chip_dataset.csv`) -> long `gpu_spec` rows.

What the file is like, and what this adapter decides:
- UTF-8 with a byte-order mark, quoted fields spanning several lines (datasheet links,
  price notes). It is read with the `csv` module from the decoded text, so a row's
  locator is the line it *starts* on (`chip_dataset.csv:17`), not a record count.
- Base units: bytes, byte/s, FLOP/s. Converted here to GB, TB/s and TFLOPS (decimal).
- Columns drift between Epoch versions. Columns are found by header name through
  :data:`COLUMNS` (aliases allowed); a missing *required* column fails the whole file with
  the file and column named; a missing optional column just yields no such attribute.
- "Tensor-FP16/BF16 performance" is one column for two precisions. On a sku known to
  have BF16 it becomes `bf16_dense_tflops`; on a sku known not to (V100, T4) it becomes
  `fp16_tensor_dense_tflops`; on an unmapped name `fp16_bf16_tensor_dense_tflops`.
  Epoch's tensor figures are dense (they match the vendors' dense figures wherever the
  curated table cross-checks them: A100, H100, H200, B200, MI300X); `spec_conflict`
  would show it if one were not.
- Scope: ML accelerators. A row is parsed when it is not a CPU (Type "CPU" / "Hybrid
  CPU") and either maps to a catalogued sku or reports memory bandwidth, tensor FP16/BF16
  or FP8 throughput (the columns that matter for inference). Consumer graphics chips with
  only a TDP and a shader FP32 figure are left out and counted by :func:`scope_counts`
  (pass `all_accelerators=True` to parse them anyway).
- "Unverified" (Epoch's own flag) is carried into the figure's notes and qualifier.
- A name that appears twice keeps both rows; the later one's figures are marked
  `unique_name` and quarantined, so the warehouse never picks one silently. (In this
  version the 6 repeated names repeat as empty stubs, which yield no figures.) Two
  different names with one slug ("GT2", "GT2+") get a short hash in their figure id.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from pathlib import Path

import polars as pl

from sources import cells
from sources.hardware import common
from sources.hardware.sku import has_bf16, spec_sku

SOURCE_ID = "epoch-ml-hardware"
FILE_NAME = "chip_dataset.csv"

# canonical key -> accepted header names (first found wins)
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Hardware name", "Name"),
    "type": ("Type",),
    "release_date": ("Release date",),
    "release_price": ("Release price (USD)",),
    "fp32": ("FP32 (single precision) performance (FLOP/s)",),
    "tensor16": ("Tensor-FP16/BF16 performance (FLOP/s)", "Tensor-FP16/BF16 performance (FLOP/s) "),
    "fp8": ("FP8 performance (FLOP/s)",),
    "memory": ("Memory size per board (Byte)",),
    "bandwidth": ("Memory bandwidth (byte/s)",),
    "tdp": ("TDP (W)",),
    "datasheet": ("Link to datasheet",),
    "unverified": ("Unverified",),
}
REQUIRED = ("name", "memory", "bandwidth", "tdp")
NOT_ACCELERATORS = {"CPU", "Hybrid CPU"}


def fetch(path: Path | None = None) -> tuple[bytes, dict]:
    """The vendored file's bytes and provenance (sha256, path)."""
    from sources.paths import data_path

    path = path or data_path("epoch_hardware", FILE_NAME)
    data = Path(path).read_bytes()
    return data, {"sha256": hashlib.sha256(data).hexdigest(), "path": str(path), "source_id": SOURCE_ID}


@functools.lru_cache(maxsize=1)  # `parse` and `scope_counts` read the same bytes in one step: one CSV parse
def _records(data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(start line, row dict)]) from BOM-prefixed CSV text with multi-line fields
    (shared between callers: read it, never change it)."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    rows, start = [], reader.line_num + 1
    for values in reader:
        if any(v.strip() for v in values):
            rows.append((start, dict(zip(header, values))))
        start = reader.line_num + 1
    return header, rows


def _columns(header: list[str], file_name: str) -> dict[str, str]:
    found = {}
    for key, names in COLUMNS.items():
        hit = next((n.strip() for n in names if n.strip() in header), None)
        if hit:
            found[key] = hit
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in found]
    if missing:
        raise ValueError(
            f"{file_name}: required column(s) missing: {', '.join(missing)} (columns drift between Epoch versions; add the new name to COLUMNS)"
        )
    return found


def _in_scope(rec: dict, col: dict[str, str]) -> bool:
    get = lambda key: (rec.get(col[key]) or "").strip() if key in col else ""  # noqa: E731
    return bool(spec_sku(get("name")) or get("bandwidth") or get("tensor16") or get("fp8"))


def scope_counts(data: bytes) -> dict[str, int]:
    """Rows in the file; CPUs, other chips out of scope, and ML accelerators parsed."""
    header, rows = _records(data)
    col = _columns(header, FILE_NAME)
    cpus = sum(1 for _, r in rows if (r.get(col.get("type", "Type")) or "").strip() in NOT_ACCELERATORS)
    ml = sum(
        1
        for _, r in rows
        if (r.get(col.get("type", "Type")) or "").strip() not in NOT_ACCELERATORS and _in_scope(r, col)
    )
    return {"rows": len(rows), "cpus": cpus, "other_chips_out_of_scope": len(rows) - cpus - ml, "ml_accelerators": ml}


def _tensor_attribute(sku: str | None) -> str:
    bf16 = has_bf16(sku)
    if bf16 is True:
        return "bf16_dense_tflops"
    if bf16 is False:
        return "fp16_tensor_dense_tflops"
    return "fp16_bf16_tensor_dense_tflops"


def parse(data: bytes | Path, file_name: str = FILE_NAME, all_accelerators: bool = False) -> pl.DataFrame:
    """Epoch chip rows -> gpu_spec rows (one per attribute present), bad values kept with `_errors`."""
    if isinstance(data, Path):
        data = data.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    header, records = _records(data)
    col = _columns(header, file_name)
    seen: dict[str, int] = {}
    keys: set[str] = set()
    out: list[dict] = []
    for line, rec in records:
        get = lambda key: (rec.get(col[key]) or "").strip() if key in col else ""  # noqa: E731
        if get("type") in NOT_ACCELERATORS or not (all_accelerators or _in_scope(rec, col)):
            continue
        name = get("name")
        locator = f"sources/data/epoch_hardware/{file_name}:{line}"
        row_errors: list[str] = []
        if not cells.present(name, "Hardware name", row_errors):
            name = f"(unnamed row {line})"
        key = common.slug(name)
        if name in seen:
            row_errors.append(f"unique_name: {name!r} is also at {file_name}:{seen[name]}; the later row is not used")
            key = f"{key}~line{line}"
        else:
            seen[name] = line
            if key in keys:  # two different names with one slug ("GT2" and "GT2+")
                key = f"{key}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"
            keys.add(key)
        sku = spec_sku(name)
        datasheet = get("datasheet").split()[0].rstrip(";") if get("datasheet") else None
        unverified = bool(get("unverified"))
        notes = "Epoch marks this row Unverified" if unverified else None
        base = dict(
            source_id=SOURCE_ID,
            sku=sku,
            hardware_name=name,
            tier="curated_dataset",
            source_class="secondary",
            page=f"{file_name}:{line}",
            locator=datasheet,
            notes=notes,
            snapshot_sha256=sha,
            _locator=locator,
        )

        def emit(attribute: str, raw: str, convert, **extra) -> None:
            if cells.is_empty(raw):
                return
            errors = list(row_errors)
            number = cells.number(raw, attribute, errors, minimum="positive", thousands=True, currency=True)
            value = None if number is None else convert(number)
            out.append(
                common.spec_row(
                    figure_id=f"{SOURCE_ID}/{key}/{attribute}",
                    attribute=attribute,
                    value=value,
                    as_stated=raw,
                    _errors=errors,
                    **base,
                    **extra,
                )
            )

        emit("memory_gb", get("memory"), common.bytes_to_gb)
        emit("mem_bandwidth_tbps", get("bandwidth"), common.bytes_per_s_to_tbps)
        emit(_tensor_attribute(sku), get("tensor16"), common.flops_to_tflops)
        emit("fp8_dense_tflops", get("fp8"), common.flops_to_tflops)
        emit("fp32_shader_tflops", get("fp32"), common.flops_to_tflops)
        emit("tdp_w", get("tdp"), float)
        emit("release_price_usd", get("release_price"), float)
        raw_date = get("release_date")
        if raw_date:
            errors = list(row_errors)
            day, precision = cells.dated(raw_date, "release_date", errors)
            value = None if day is None else common.decimal_year(day)
            out.append(
                common.spec_row(
                    figure_id=f"{SOURCE_ID}/{key}/release_date",
                    attribute="release_date",
                    value=value,
                    value_date=day,
                    date_precision=precision,
                    as_stated=raw_date,
                    _errors=errors,
                    **base,
                )
            )
    return common.spec_frame(out)
